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
  std::vector<Reminder> out;
  for (const auto& i : instalments) {
    if (i.seq < 1 || i.remaining() <= 0) continue;
    const int late = days_between(i.due, today);
    auto kind = kind_for(late);
    if (!kind) continue;
    out.push_back({*kind, i.seq, i.due, i.remaining(), late > 0 ? late : 0});
  }
  return out;
}

}  // namespace payment_service
