#include <gtest/gtest.h>

#include "domain/delinquency.hpp"
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {
const Date kDue = make_date(2026, 3, 1);
Date plus(int d) { return kDue + std::chrono::days(d); }

std::vector<OpenInstalment> three_daily(std::int64_t amount = 8'400) {
  return {{0, kDue - std::chrono::days(1), 600'000, 0, 600'000, 0},
          {1, plus(0), amount, 2'000, 0, 0},
          {2, plus(1), amount, 2'000, 0, 0},
          {3, plus(2), amount, 2'000, 0, 0}};
}
}  // namespace

TEST(Buckets, Boundaries) {
  std::pair<int, const char*> cases[] = {{0, "current"}, {1, "1-7"},   {7, "1-7"},   {8, "8-30"},  {30, "8-30"},
                                         {31, "31-60"},  {60, "31-60"}, {61, "61-90"}, {90, "61-90"}, {91, "90+"},
                                         {400, "90+"}};
  for (auto [d, name] : cases) EXPECT_EQ(to_string(bucket_for(d)), name) << d;
  for (auto b : kBuckets) EXPECT_EQ(bucket_from(to_string(b)), b);
  EXPECT_FALSE(bucket_from("9-10"));
}

TEST(DaysPastDue, CountsFromTheOldestUnpaidDueDateMinusGrace) {
  EXPECT_EQ(days_past_due(kDue, kDue, 0), 0);  // due today is not late
  EXPECT_EQ(days_past_due(kDue, plus(1), 0), 1);
  EXPECT_EQ(days_past_due(kDue, plus(1), 1), 0);
  EXPECT_EQ(days_past_due(kDue, plus(9), 2), 7);
  EXPECT_EQ(days_past_due(std::nullopt, plus(9), 0), 0);
  EXPECT_EQ(days_past_due(plus(5), plus(1), 0), 0);  // paid ahead
}

TEST(DaysPastDue, OldestUnpaidSkipsTheDepositAndPaidInstalments) {
  auto s = three_daily();
  s[0].paid = 0;  // an unpaid deposit is not arrears
  EXPECT_EQ(oldest_unpaid(s), plus(0));
  s[1].paid = s[1].amount;
  EXPECT_EQ(oldest_unpaid(s), plus(1));
  s[2].paid = 1;  // partly paid is still unpaid
  EXPECT_EQ(oldest_unpaid(s), plus(1));
  s[2].paid = s[2].amount;
  s[3].paid = s[3].amount;
  EXPECT_FALSE(oldest_unpaid(s));
}

TEST(LateFees, PercentCappedAndRoundedAfterGraceOncePerInstalment) {
  auto t = daily_flat();  // 5 % capped at 5,000, unit 100, one grace day
  auto s = three_daily();
  // Day 1 after the first due date: within grace, nothing.
  EXPECT_TRUE(fees_due(s, {}, plus(1), t).empty());
  // Day 2: instalment 1 is past grace: 5 % of 8,400 = 420 → 400.
  auto f = fees_due(s, {}, plus(2), t);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].seq, 1);
  EXPECT_EQ(f[0].amount, 400);
  // Day 3: instalment 1 already charged; instalment 2 now past grace.
  f = fees_due(s, {1}, plus(3), t);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].seq, 2);
  // A paid instalment is never charged.
  s[1].paid = s[1].amount;
  f = fees_due(s, {}, plus(3), t);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].seq, 2);
  // The cap.
  auto big = three_daily(1'000'000);
  f = fees_due(big, {}, plus(2), t);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].amount, 5'000);
}

TEST(LateFees, FixedAndNone) {
  auto t = monthly_rate_kes();  // fixed 50,000 (KES 500.00), grace 1
  auto s = three_daily();
  auto f = fees_due(s, {}, plus(4), t);
  ASSERT_EQ(f.size(), 3u);
  for (const auto& x : f) EXPECT_EQ(x.amount, 50'000);
  t.late_fee.kind = LateFeeRule::Kind::None;
  EXPECT_TRUE(fees_due(s, {}, plus(10), t).empty());
  // A percentage of a tiny remainder that rounds to nothing is not posted.
  auto d = daily_flat();
  auto tiny = three_daily();
  tiny[1].paid = tiny[1].amount - 50;
  EXPECT_TRUE(fees_due({tiny[0], tiny[1]}, {}, plus(2), d).empty());
}

TEST(Transitions, LockRequiredOnlyByTheDailyRunAndReleasedByAnything) {
  DelinquencyState current{0, Bucket::Current, false};
  auto t = transition(current, 3, 3, 60, false, true);  // a payment path never locks
  EXPECT_FALSE(t.lock_required);
  EXPECT_TRUE(t.bucket_changed);
  t = transition(current, 2, 3, 60, true, true);
  EXPECT_FALSE(t.lock_required);
  t = transition(current, 3, 3, 60, true, true);
  EXPECT_TRUE(t.lock_required);
  EXPECT_TRUE(t.next.locked);
  EXPECT_EQ(t.next.bucket, Bucket::D1_7);
  // Already locked: no second lock event.
  auto again = transition(t.next, 4, 3, 60, true, true);
  EXPECT_FALSE(again.lock_required);
  EXPECT_FALSE(again.bucket_changed);
  // A payment brings it to 2 days: released at once.
  auto paid = transition(again.next, 2, 3, 60, false, true);
  EXPECT_TRUE(paid.lock_released);
  EXPECT_FALSE(paid.next.locked);
  EXPECT_FALSE(paid.bucket_changed);
}

TEST(Transitions, DefaultAfterConfiguredDaysOnlyForActivePlans) {
  DelinquencyState s{59, Bucket::D31_60, true};
  EXPECT_FALSE(transition(s, 59, 3, 60, true, true).defaulted);
  auto t = transition(s, 60, 3, 60, true, true);
  EXPECT_TRUE(t.defaulted);
  EXPECT_FALSE(t.bucket_changed);
  EXPECT_FALSE(transition(s, 61, 3, 60, true, false).defaulted);  // already defaulted
  EXPECT_FALSE(transition(s, 61, 3, 60, false, true).defaulted);  // payments never default a plan
}
