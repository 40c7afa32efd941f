#include <gtest/gtest.h>

#include <random>

#include "domain/allocation.hpp"
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {

const Date kD1 = make_date(2026, 3, 1);

// Deposit (seq 0, paid unless told) and `n` daily instalments of 10,000 (3,000 of it charge)
// falling due on kD1 + seq days.
OpenItems plan(int n, bool deposit_paid = true) {
  OpenItems items;
  items.instalments.push_back({0, kD1, 50'000, 0, deposit_paid ? 50'000 : 0, 0});
  for (int i = 1; i <= n; ++i) items.instalments.push_back({i, kD1 + std::chrono::days(i), 10'000, 3'000, 0, 0});
  return items;
}

Date day(int i) { return kD1 + std::chrono::days(i); }

}  // namespace

TEST(Allocation, PartialPaymentGoesToTheOldestOverdue) {
  auto items = plan(3);
  auto a = allocate(items, 5'000, day(2));  // instalment 1 overdue, 2 current, 3 future
  ASSERT_EQ(a.slices.size(), 1u);
  EXPECT_EQ(a.slices[0].target, Target::Overdue);
  EXPECT_EQ(a.slices[0].ref, 1);
  EXPECT_FALSE(a.slices[0].settled);
  EXPECT_EQ(a.overdue, 5'000);
  EXPECT_TRUE(a.settled.empty());
  EXPECT_EQ(items.instalments[1].remaining(), 5'000);
  // Charge first: 3,000 of the 5,000 paid the charge, so 5,000 principal is left and no charge.
  EXPECT_EQ(items.instalments[1].remaining_charge(), 0);
  EXPECT_EQ(items.instalments[1].remaining_principal(), 5'000);
}

TEST(Allocation, ExactPaymentSettlesAndCountsDaysLate) {
  auto items = plan(3);
  auto a = allocate(items, 10'000, day(3));  // instalment 1 is two days late
  EXPECT_EQ(a.overdue, 10'000);
  ASSERT_EQ(a.settled.size(), 1u);
  EXPECT_EQ(a.settled[0].seq, 1);
  EXPECT_EQ(a.settled[0].days_late, 2);
  EXPECT_EQ(a.credit, 0);
}

TEST(Allocation, FeesComeFirst) {
  auto items = plan(3);
  items.fees.push_back({7, 1, day(2), 500, 0});
  auto a = allocate(items, 10'500, day(3));
  EXPECT_EQ(a.fees, 500);
  EXPECT_EQ(a.overdue, 10'000);
  EXPECT_EQ(a.slices[0].target, Target::Fee);
  EXPECT_EQ(a.slices[0].ref, 7);
  EXPECT_TRUE(a.slices[0].settled);
  EXPECT_EQ(items.fees[0].remaining(), 0);
}

TEST(Allocation, PayAheadFillsCurrentThenFuture) {
  auto items = plan(4);
  auto a = allocate(items, 25'000, day(2));  // 1 overdue, 2 current (due today), 3-4 future
  EXPECT_EQ(a.overdue, 10'000);
  EXPECT_EQ(a.current, 10'000);
  EXPECT_EQ(a.future, 5'000);
  EXPECT_EQ(a.settled.size(), 2u);
  EXPECT_EQ(a.settled[1].days_late, 0);
  EXPECT_EQ(items.instalments[3].remaining(), 5'000);
}

TEST(Allocation, OverpaymentBecomesCredit) {
  auto items = plan(3);
  auto a = allocate(items, 40'000, day(1));
  EXPECT_EQ(a.to_receivable(), 30'000);
  EXPECT_EQ(a.credit, 10'000);
  EXPECT_EQ(a.slices.back().target, Target::Credit);
  EXPECT_TRUE(fully_settled(items));
}

TEST(Allocation, DepositIsPaidBeforeInstalments) {
  auto items = plan(3, false);
  auto a = allocate(items, 60'000, kD1);
  EXPECT_EQ(a.deposit, 50'000);
  EXPECT_EQ(a.current, 10'000);
  ASSERT_EQ(a.settled.size(), 2u);
  EXPECT_EQ(a.settled[0].seq, 0);
}

TEST(Payoff, WaivesUnearnedChargeOfFutureInstalments) {
  auto items = plan(5);
  items.fees.push_back({1, 1, day(2), 500, 0});
  // Today is day 3: instalments 1-3 due (30,000), 4 and 5 in the future (14,000 principal,
  // 6,000 charge).
  auto full = payoff_quote(items, day(3), 10000, 1);
  EXPECT_EQ(full.fees, 500);
  EXPECT_EQ(full.due_now, 30'000);
  EXPECT_EQ(full.future_principal, 14'000);
  EXPECT_EQ(full.future_charge, 6'000);
  EXPECT_EQ(full.discount, 6'000);
  EXPECT_EQ(full.amount, 44'500);
  auto half = payoff_quote(items, day(3), 5000, 1);
  EXPECT_EQ(half.discount, 3'000);
  EXPECT_EQ(half.amount, 47'500);
  // The total is rounded down to the unit once and spread from the last instalment back.
  auto rounded = payoff_quote(items, day(3), 5000, 2000);
  EXPECT_EQ(rounded.discount, 2'000);
  ASSERT_EQ(rounded.waivers.size(), 1u);
  EXPECT_EQ(rounded.waivers[0], (std::pair<int, std::int64_t>{5, 2'000}));
  EXPECT_EQ(full.waivers.size(), 2u);
}

TEST(Payoff, PartlyPaidFutureInstalmentHasLessChargeLeft) {
  auto items = plan(3);
  items.instalments[3].paid = 4'000;  // instalment 3: its 3,000 charge is paid, 1,000 principal too
  auto q = payoff_quote(items, day(1), 10000, 1);
  EXPECT_EQ(q.due_now, 10'000);
  EXPECT_EQ(q.future_charge, 3'000);  // only instalment 2's
  EXPECT_EQ(q.future_principal, 7'000 + 6'000);
  EXPECT_EQ(q.amount, 10'000 + 13'000);
}

TEST(Payoff, SettlingClosesEverythingAndKeepsTheRestAsCredit) {
  auto items = plan(5);
  auto q = payoff_quote(items, day(3), 10000, 1);
  auto a = settle_payoff(items, q, q.amount + 700, day(3));
  EXPECT_TRUE(a.payoff);
  EXPECT_EQ(a.discount, q.discount);
  EXPECT_EQ(a.credit, 700);
  EXPECT_EQ(a.to_receivable(), q.amount);
  EXPECT_TRUE(fully_settled(items));
  EXPECT_EQ(a.settled.size(), 5u);
  EXPECT_EQ(a.waivers.size(), 2u);
}

TEST(Replay, ReDerivesAfterAPaymentIsRemoved) {
  auto fresh = plan(3);
  fresh.instalments[0].paid = 0;
  std::vector<ReplayPayment> pays{{50'000, kD1}, {15'000, day(1)}, {20'000, day(2)}};
  auto all = replay(fresh, pays);
  EXPECT_EQ(all.credit, 5'000);
  pays.erase(pays.begin() + 1);  // the 15,000 is reversed
  auto r = replay(fresh, pays);
  EXPECT_EQ(r.credit, 0);
  EXPECT_EQ(r.items.instalments[1].remaining(), 0);
  EXPECT_EQ(r.items.instalments[2].remaining(), 0);
  EXPECT_EQ(r.items.instalments[3].remaining(), 10'000);
}

TEST(Replay, FeesAreOnlySeenByLaterPayments) {
  auto fresh = plan(3);
  fresh.fees.push_back({1, 1, day(3), 500, 0});
  auto r = replay(fresh, {{10'000, day(2)}, {1'000, day(3)}});
  EXPECT_EQ(r.allocations[0].fees, 0);
  EXPECT_EQ(r.allocations[1].fees, 500);
  EXPECT_EQ(r.items.fees[0].remaining(), 0);
}

TEST(AllocationProperty, RandomPaymentSequencesAccountForEveryShilling) {
  std::mt19937_64 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    auto items = plan(1 + static_cast<int>(rng() % 20), rng() % 2 == 0);
    int nfees = static_cast<int>(rng() % 3);
    for (int f = 0; f < nfees; ++f) items.fees.push_back({f + 1, 1, day(1), 100 + static_cast<std::int64_t>(rng() % 900), 0});
    std::int64_t owed = 0;
    for (const auto& f : items.fees) owed += f.remaining();
    for (const auto& in : items.instalments) owed += in.remaining();
    std::int64_t paid = 0, allocated = 0, credit = 0;
    int npay = 1 + static_cast<int>(rng() % 15);
    for (int p = 0; p < npay; ++p) {
      std::int64_t amount = 1 + static_cast<std::int64_t>(rng() % 40'000);
      auto before = items;
      auto a = allocate(items, amount, day(static_cast<int>(rng() % 25)));
      paid += amount;
      allocated += a.to_receivable();
      credit += a.credit;
      EXPECT_EQ(a.total(), amount);
      std::int64_t slices = 0;
      for (const auto& s : a.slices) slices += s.amount;
      EXPECT_EQ(slices, amount);
      // Waterfall: nothing later is touched while something earlier is still open.
      bool open_seen = false;
      for (const auto& f : items.fees) open_seen = open_seen || f.remaining() > 0;
      for (std::size_t i = 0; i < items.instalments.size(); ++i) {
        const auto& in = items.instalments[i];
        EXPECT_GE(in.remaining(), 0);
        if (open_seen) {
          EXPECT_EQ(in.paid, before.instalments[i].paid) << "seq " << in.seq;
        }
        open_seen = open_seen || in.remaining() > 0;
      }
      if (a.credit > 0) {
        EXPECT_TRUE(fully_settled(items));
      }
    }
    EXPECT_EQ(allocated + credit, paid);
    EXPECT_EQ(allocated, std::min(paid, owed));
  }
}
