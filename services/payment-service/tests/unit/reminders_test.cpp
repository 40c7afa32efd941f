#include <gtest/gtest.h>

#include "domain/reminders.hpp"
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {

const Date kD = make_date(2026, 3, 10);
Date day(int offset) { return kD + std::chrono::days(offset); }
OpenInstalment due_on(int seq, Date due, std::int64_t paid = 0) { return {seq, due, 10'000, 3'000, paid, 0}; }

std::optional<Reminder> only(const std::vector<OpenInstalment>& items, Date today) {
  auto r = reminders_due(items, today);
  EXPECT_LE(r.size(), 1u);
  if (r.empty()) return std::nullopt;
  return r.front();
}

}  // namespace

TEST(Reminders, KindsByDaysFromTheDueDate) {
  const std::vector<OpenInstalment> one{due_on(4, kD)};
  auto at = [&](int offset) { return only(one, day(offset)); };
  EXPECT_FALSE(at(-2));
  EXPECT_EQ(at(-1)->kind, ReminderKind::DueTomorrow);
  EXPECT_EQ(at(0)->kind, ReminderKind::DueToday);
  EXPECT_EQ(at(1)->kind, ReminderKind::Overdue1);
  EXPECT_EQ(at(2)->kind, ReminderKind::Overdue1);
  EXPECT_EQ(at(3)->kind, ReminderKind::Overdue3);
  EXPECT_EQ(at(6)->kind, ReminderKind::Overdue3);
  EXPECT_EQ(at(7)->kind, ReminderKind::Overdue7);
  EXPECT_EQ(at(13)->kind, ReminderKind::Overdue7);
  EXPECT_FALSE(at(14));
  EXPECT_FALSE(at(60));
}

TEST(Reminders, PayloadFields) {
  auto r = only({due_on(4, kD, 2'500)}, day(3));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->seq, 4);
  EXPECT_EQ(r->due, kD);
  EXPECT_EQ(r->amount_due, 7'500);  // what is left of it
  EXPECT_EQ(r->days_overdue, 3);
  EXPECT_EQ(only({due_on(4, kD)}, day(-1))->days_overdue, 0);
  EXPECT_EQ(only({due_on(4, kD)}, day(0))->days_overdue, 0);
}

TEST(Reminders, PaidInstalmentsAndTheDepositAreSkipped) {
  EXPECT_TRUE(reminders_due({due_on(4, kD, 10'000)}, kD).empty());
  EXPECT_TRUE(reminders_due({due_on(0, kD)}, kD).empty());
  OpenInstalment waived{5, kD, 10'000, 3'000, 4'000, 6'000};
  EXPECT_TRUE(reminders_due({waived}, kD).empty());
}

TEST(Reminders, SeveralInstalmentsOfADailyPlanOnOneDay) {
  std::vector<OpenInstalment> items;
  for (int seq = 1; seq <= 20; ++seq) items.push_back(due_on(seq, day(seq - 15)));  // due day(-14) .. day(5)
  auto r = reminders_due(items, kD);
  // day(-13)..day(-7): overdue_7 (7), day(-6)..day(-3): overdue_3 (4), day(-2), day(-1): overdue_1 (2),
  // today, tomorrow.
  ASSERT_EQ(r.size(), 15u);
  int counts[5] = {};
  for (const auto& x : r) ++counts[static_cast<int>(x.kind)];
  EXPECT_EQ(counts[static_cast<int>(ReminderKind::DueTomorrow)], 1);
  EXPECT_EQ(counts[static_cast<int>(ReminderKind::DueToday)], 1);
  EXPECT_EQ(counts[static_cast<int>(ReminderKind::Overdue1)], 2);
  EXPECT_EQ(counts[static_cast<int>(ReminderKind::Overdue3)], 4);
  EXPECT_EQ(counts[static_cast<int>(ReminderKind::Overdue7)], 7);
}

TEST(Reminders, WindowCoversEveryDueDateARunCanRemindAbout) {
  auto w = reminder_window(kD);
  EXPECT_EQ(w.first, day(-13));
  EXPECT_EQ(w.last, day(1));
  EXPECT_FALSE(only({due_on(1, w.first - std::chrono::days(1))}, kD));
  EXPECT_TRUE(only({due_on(1, w.first)}, kD));
  EXPECT_TRUE(only({due_on(1, w.last)}, kD));
}

TEST(Reminders, KindNamesRoundTrip) {
  for (auto k : {ReminderKind::DueTomorrow, ReminderKind::DueToday, ReminderKind::Overdue1, ReminderKind::Overdue3,
                 ReminderKind::Overdue7})
    EXPECT_EQ(reminder_kind_from(to_string(k)), k);
  EXPECT_EQ(to_string(ReminderKind::Overdue3), "overdue_3");
  EXPECT_FALSE(reminder_kind_from("overdue_2"));
}
