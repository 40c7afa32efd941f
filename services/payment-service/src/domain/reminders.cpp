#include "domain/reminders.hpp"

namespace payment_service {

namespace {
constexpr std::string_view kNames[] = {"due_tomorrow", "due_today", "overdue_1", "overdue_3", "overdue_7"};

std::optional<ReminderKind> kind_for(int days_overdue) noexcept {
  if (days_overdue == -1) return ReminderKind::DueTomorrow;
  if (days_overdue == 0) return ReminderKind::DueToday;
  if (days_overdue >= 1 && days_overdue <= 2) return ReminderKind::Overdue1;
  if (days_overdue >= 3 && days_overdue <= 6) return ReminderKind::Overdue3;
  if (days_overdue >= 7 && days_overdue <= 13) return ReminderKind::Overdue7;
  return std::nullopt;
}
}  // namespace

std::string_view to_string(ReminderKind k) noexcept { return kNames[static_cast<int>(k)]; }

std::optional<ReminderKind> reminder_kind_from(std::string_view s) noexcept {
  for (int i = 0; i < 5; ++i)
    if (kNames[i] == s) return static_cast<ReminderKind>(i);
  return std::nullopt;
}

ReminderWindow reminder_window(Date today) noexcept {
  return {today - std::chrono::days(13), today + std::chrono::days(1)};
}

std::vector<Reminder> reminders_due(const std::vector<OpenInstalment>& instalments, Date today) {
  const OpenInstalment* oldest_late = nullptr;  // the oldest instalment past its due date, unpaid
  const OpenInstalment *today_one = nullptr, *tomorrow_one = nullptr;
  std::int64_t overdue_total = 0;
  for (const auto& i : instalments) {
    if (i.seq < 1 || i.remaining() <= 0) continue;
    const int late = days_between(i.due, today);
    if (late > 0) {
      overdue_total += i.remaining();
      if (!oldest_late || i.due < oldest_late->due || (i.due == oldest_late->due && i.seq < oldest_late->seq))
        oldest_late = &i;
    } else if (late == 0) {
      if (!today_one || i.seq < today_one->seq) today_one = &i;
    } else if (late == -1) {
      if (!tomorrow_one || i.seq < tomorrow_one->seq) tomorrow_one = &i;
    }
  }
  std::vector<Reminder> out;
  if (oldest_late) {
    const int late = days_between(oldest_late->due, today);
    if (auto kind = kind_for(late)) out.push_back({*kind, oldest_late->seq, oldest_late->due, overdue_total, late});
  }
  if (today_one) out.push_back({ReminderKind::DueToday, today_one->seq, today_one->due, today_one->remaining(), 0});
  if (tomorrow_one)
    out.push_back({ReminderKind::DueTomorrow, tomorrow_one->seq, tomorrow_one->due, tomorrow_one->remaining(), 0});
  return out;
}

}  // namespace payment_service
