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

TEST(Reminders, ADailyPlanBehindHearsAboutItsArrearsFirstNotOnceForEachLateInstalment) {
  std::vector<OpenInstalment> items;
  for (int seq = 1; seq <= 10; ++seq) items.push_back(due_on(seq, day(seq - 6)));  // due day(-5) .. day(4)
  auto r = reminders_due(items, kD);
  // The oldest unpaid is 5 days late: overdue_3 with all 5 late instalments' 50,000; then today's and
  // tomorrow's, as fall-backs once that one was sent.
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].kind, ReminderKind::Overdue3);
  EXPECT_EQ(r[0].seq, 1);
  EXPECT_EQ(r[0].days_overdue, 5);
  EXPECT_EQ(r[0].amount_due, 50'000);
  EXPECT_EQ(r[1].kind, ReminderKind::DueToday);
  EXPECT_EQ(r[1].seq, 6);
  EXPECT_EQ(r[1].amount_due, 10'000);
  EXPECT_EQ(r[2].kind, ReminderKind::DueTomorrow);
  EXPECT_EQ(r[2].seq, 7);

  // The first four paid and the one due yesterday part-paid: it is the oldest late one now, with
  // what is left of it.
  items[0].paid = 10'000;
  items[1].paid = 10'000;
  items[2].paid = 10'000;
  items[3].paid = 10'000;
  items[4].paid = 4'000;  // due yesterday, 6,000 left
  r = reminders_due(items, kD);
  ASSERT_FALSE(r.empty());
  EXPECT_EQ(r[0].kind, ReminderKind::Overdue1);
  EXPECT_EQ(r[0].seq, 5);
  EXPECT_EQ(r[0].amount_due, 6'000);

  // Two weeks behind: past the reminder windows (collections and the lock take over); the day's
  // instalment is still a candidate.
  std::vector<OpenInstalment> late;
  for (int seq = 1; seq <= 16; ++seq) late.push_back(due_on(seq, day(seq - 15)));  // due day(-14) .. day(1)
  r = reminders_due(late, kD);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].kind, ReminderKind::DueToday);
  EXPECT_EQ(r[1].kind, ReminderKind::DueTomorrow);
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
