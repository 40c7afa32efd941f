#pragma once
// Payment reminders (payment.reminder.due), decided per local date. Pure.
//
// For each open instalment (seq >= 1, something left to pay) of a live plan, on the operator's
// local date D:
//   due_tomorrow  its due date is D + 1
//   due_today     its due date is D
//   overdue_1     1-2 days past its due date   (sent on the first run in that window)
//   overdue_3     3-6 days past it
//   overdue_7     7-13 days past it
// Days are calendar days from the due date (grace days do not shift reminders). The windows let a
// run that was missed (the service was down that day) still send the overdue reminder the next
// day; "due tomorrow" and "due today" are only ever sent on their own day. The service sends each
// (plan, instalment, kind) at most once; which were sent is kept in the database.
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
  std::int64_t amount_due = 0;  // what is left of the instalment
  int days_overdue = 0;         // 0 for due_tomorrow and due_today
};

// The reminders that fall on local date `today` for these open instalments (any order; those
// with nothing left, and the deposit, are skipped). At most one per instalment.
std::vector<Reminder> reminders_due(const std::vector<OpenInstalment>& instalments, Date today);

// The due dates a run on `today` can remind about: [first, last].
struct ReminderWindow {
  Date first, last;
};
ReminderWindow reminder_window(Date today) noexcept;

}  // namespace payment_service
