#pragma once
// Payment reminders (payment.reminder.due), decided per local date. Pure.
//
// A rider hears at most once a day about a plan. On the operator's local date D the candidates,
// most important first, are:
//   overdue_1 / overdue_3 / overdue_7   the plan's oldest unpaid instalment is 1-2 / 3-6 / 7-13
//                                       days past its due date (days past due of the plan); the
//                                       amount is everything overdue, which is what stops it
//   due_today                           an instalment falls due on D
//   due_tomorrow                        an instalment falls due on D + 1
// and the service sends the first that was not sent before (each (plan, instalment, kind) at most
// once, kept in the database), and nothing more that day. So a plan that falls behind hears on
// days 1, 3 and 7 of its arrears, and a daily plan is not sent one message per late instalment.
// Days are calendar days from the due date (grace days do not shift reminders). The windows let a
// run that was missed (the service was down that day) still send the overdue reminder the next
// day; "due tomorrow" and "due today" are only ever sent on their own day.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/allocation.hpp"
#include "domain/calendar.hpp"

namespace payment_service {

enum class ReminderKind { DueTomorrow, DueToday, Overdue1, Overdue3, Overdue7 };
std::string_view to_string(ReminderKind k) noexcept;
std::optional<ReminderKind> reminder_kind_from(std::string_view s) noexcept;

struct Reminder {
  ReminderKind kind = ReminderKind::DueToday;
  int seq = 0;
  Date due{};
  std::int64_t amount_due = 0;  // overdue: everything overdue; otherwise what is left of the instalment
  int days_overdue = 0;         // 0 for due_tomorrow and due_today
};

// The candidates on local date `today` for one plan's open instalments, most important first
// (those with nothing left, and the deposit, are skipped): at most one of each kind of the list
// above. The caller sends the first not sent before.
std::vector<Reminder> reminders_due(const std::vector<OpenInstalment>& instalments, Date today);

// The due dates a run on `today` can remind about: [first, last].
struct ReminderWindow {
  Date first, last;
};
ReminderWindow reminder_window(Date today) noexcept;

}  // namespace payment_service
