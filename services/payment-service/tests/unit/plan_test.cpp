#include <gtest/gtest.h>

#include "domain/plan.hpp"
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {

const Date kD1 = make_date(2026, 3, 1);
Date day(int i) { return kD1 + std::chrono::days(i); }
// Noon in Kampala (UTC+3) on day(i).
TimePoint noon(int i) { return std::chrono::sys_days(day(i)) + std::chrono::hours(9); }
const Zone kEAT = Zone::fixed("UTC+03:00", 3 * 3600);
PaymentClock clock_at(TimePoint now) { return {now, &kEAT, 60}; }

// A daily plan: deposit 50,000, three instalments of 10,000 (3,000 of each charge), due
// day(1)..day(3).
Plan plan(PlanStatus status) {
  auto terms = std::make_shared<PlanTerms>();
  terms->rules = daily_flat();
  terms->rules.grace_days = 0;
  Plan p;
  p.id = "p-1";
  p.reference = "RTO-1";
  p.customer_id = "c-1";
  p.vehicle_id = "v-1";
  p.status = status;
  p.fixed = terms;
  p.price = 71'000;
  p.deposit = 50'000;
  p.charge = 9'000;
  p.total_payable = 80'000;
  p.instalment = 10'000;
  p.last_instalment = 10'000;
  p.instalment_count = 3;
  p.schedule_start = kD1;
  p.outstanding = status == PlanStatus::PendingDeposit ? 80'000 : 30'000;
  return p;
}

OpenItems items(bool deposit_paid) {
  OpenItems it;
  if (!deposit_paid) it.instalments.push_back({0, kD1, 50'000, 0, 0, 0});
  for (int i = 1; i <= 3; ++i) it.instalments.push_back({i, day(i), 10'000, 3'000, 0, 0});
  return it;
}

IncomingPayment payment(std::int64_t amount, TimePoint at) {
  return {"pay-1", "mtn_momo", "txn-1", rto::Money{amount, rto::Currency::of("UGX")}, at};
}

std::vector<std::string> types(const PaymentOutcome& o) {
  std::vector<std::string> t;
  for (const auto& e : o.events) t.push_back(e.type);
  return t;
}

}  // namespace

TEST(PlanStatus, NamesRoundTrip) {
  for (auto s : {PlanStatus::PendingDeposit, PlanStatus::Active, PlanStatus::Completed, PlanStatus::Defaulted,
                 PlanStatus::Repossessed, PlanStatus::Cancelled})
    EXPECT_EQ(plan_status_from(to_string(s)), s);
  EXPECT_EQ(to_string(PlanStatus::PendingDeposit), "pending_deposit");
  EXPECT_FALSE(plan_status_from("overdue"));
  EXPECT_FALSE(plan_status_from("Active"));
}

TEST(PlanStatus, AllowedTransitions) {
  EXPECT_EQ(next_status(PlanStatus::PendingDeposit, PlanAction::PayDeposit), PlanStatus::Active);
  EXPECT_EQ(next_status(PlanStatus::PendingDeposit, PlanAction::ExpireDeposit), PlanStatus::Cancelled);
  EXPECT_EQ(next_status(PlanStatus::Active, PlanAction::PayOff), PlanStatus::Completed);
  EXPECT_EQ(next_status(PlanStatus::Active, PlanAction::Default), PlanStatus::Defaulted);
  EXPECT_EQ(next_status(PlanStatus::Defaulted, PlanAction::PayOff), PlanStatus::Completed);
  EXPECT_EQ(next_status(PlanStatus::Defaulted, PlanAction::Repossess), PlanStatus::Repossessed);
}

TEST(PlanStatus, RefusedTransitions) {
  EXPECT_FALSE(next_status(PlanStatus::PendingDeposit, PlanAction::PayOff));
  EXPECT_FALSE(next_status(PlanStatus::PendingDeposit, PlanAction::Default));
  EXPECT_FALSE(next_status(PlanStatus::Active, PlanAction::Repossess));  // only a defaulted plan
  EXPECT_FALSE(next_status(PlanStatus::Active, PlanAction::PayDeposit));
  EXPECT_FALSE(next_status(PlanStatus::Defaulted, PlanAction::Default));
  for (auto end : {PlanStatus::Completed, PlanStatus::Repossessed, PlanStatus::Cancelled})
    for (auto a : {PlanAction::PayDeposit, PlanAction::PayOff, PlanAction::Default, PlanAction::Repossess,
                   PlanAction::ExpireDeposit})
      EXPECT_FALSE(next_status(end, a)) << to_string(end) << " " << to_string(a);
}

TEST(PlanStatus, LiveAndTakesPayments) {
  EXPECT_TRUE(is_live(PlanStatus::Active));
  EXPECT_TRUE(is_live(PlanStatus::Defaulted));
  EXPECT_FALSE(is_live(PlanStatus::PendingDeposit));
  EXPECT_TRUE(takes_payments(PlanStatus::PendingDeposit));
  EXPECT_FALSE(takes_payments(PlanStatus::Completed));
  EXPECT_FALSE(takes_payments(PlanStatus::Cancelled));
  EXPECT_FALSE(takes_payments(PlanStatus::Repossessed));
}

TEST(ApplyPayment, DepositActivatesAndReDatesTheSchedule) {
  auto o = apply_payment(plan(PlanStatus::PendingDeposit), items(false), payment(50'000, noon(5)), clock_at(noon(5)));
  EXPECT_TRUE(o.activated);
  EXPECT_FALSE(o.completed);
  EXPECT_EQ(o.plan.status, PlanStatus::Active);
  EXPECT_EQ(o.plan.activated_at, noon(5));
  EXPECT_EQ(o.plan.schedule_start, day(5));
  ASSERT_TRUE(o.reanchor_from);
  EXPECT_EQ(*o.reanchor_from, day(5));
  EXPECT_EQ(o.items.instalments[1].due, day(6));  // instalment 1 falls due a day after the deposit
  EXPECT_EQ(o.allocation.deposit, 50'000);
  EXPECT_EQ(o.plan.outstanding, 30'000);
  EXPECT_EQ(o.plan.paid_total, 50'000);
  ASSERT_EQ(o.journal.size(), 1u);
  EXPECT_EQ(o.payment_line, 0u);
  EXPECT_EQ(o.journal[0].entry.kind, "payment");
  EXPECT_TRUE(balanced(o.journal[0].entry));
  ASSERT_EQ(o.schedule.size(), 1u);
  EXPECT_EQ(o.schedule[0].seq, 0);
  EXPECT_EQ(o.schedule[0].paid, 50'000);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.collection.received", "payment.plan.activated"}));
  EXPECT_EQ(o.events[1].data.at("first_due_date").as_string(), format_date(day(6)));
  EXPECT_EQ(o.events[0].data.at("plan_status").as_string(), "active");
}

TEST(ApplyPayment, ShortDepositLeavesThePlanPending) {
  auto o = apply_payment(plan(PlanStatus::PendingDeposit), items(false), payment(20'000, noon(0)), clock_at(noon(0)));
  EXPECT_FALSE(o.activated);
  EXPECT_EQ(o.plan.status, PlanStatus::PendingDeposit);
  EXPECT_FALSE(o.reanchor_from);
  EXPECT_EQ(o.plan.outstanding, 60'000);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.collection.received"}));
}

TEST(ApplyPayment, LatePaymentBringsThePlanCurrentAndReleasesTheLock) {
  auto p = plan(PlanStatus::Active);
  p.delinquency = {2, Bucket::D1_7, true};
  auto o = apply_payment(p, items(true), payment(20'000, noon(3)), clock_at(noon(3)));
  EXPECT_EQ(o.allocation.overdue, 20'000);
  EXPECT_EQ(o.plan.outstanding, 10'000);
  EXPECT_EQ(o.plan.delinquency.bucket, Bucket::Current);
  EXPECT_FALSE(o.plan.delinquency.locked);
  EXPECT_EQ(o.plan.status, PlanStatus::Active);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.delinquency.changed", "payment.lock.released",
                                                 "payment.collection.received"}));
  EXPECT_EQ(o.events[0].data.at("reason").as_string(), "payment");
  ASSERT_EQ(o.schedule.size(), 2u);
  EXPECT_EQ(o.schedule[0].seq, 1);
  EXPECT_EQ(o.schedule[1].seq, 2);
  ASSERT_EQ(o.allocation.settled.size(), 2u);
}

TEST(ApplyPayment, APaymentNeverSetsALockNorDefaults) {
  auto p = plan(PlanStatus::Active);
  auto o = apply_payment(p, items(true), payment(1'000, noon(70)), clock_at(noon(70)));
  EXPECT_FALSE(o.plan.delinquency.locked);
  EXPECT_EQ(o.plan.status, PlanStatus::Active);
  EXPECT_GT(o.plan.delinquency.days_past_due, 60);
}

TEST(ApplyPayment, PayoffCompletesWithDiscountAndCompletionEntry) {
  auto p = plan(PlanStatus::Active);
  p.delinquency = {0, Bucket::Current, false};
  // On day 0 nothing is due yet: all three instalments' charge (9,000) is unearned and waived.
  auto o = apply_payment(p, items(true), payment(21'000, noon(0)), clock_at(noon(0)));
  EXPECT_TRUE(o.completed);
  EXPECT_TRUE(o.allocation.payoff);
  EXPECT_EQ(o.allocation.discount, 9'000);
  EXPECT_EQ(o.plan.status, PlanStatus::Completed);
  EXPECT_EQ(o.plan.outstanding, 0);
  EXPECT_EQ(o.plan.discount_total, 9'000);
  // Discount (of the payment), the payment, and nothing earned to complete.
  ASSERT_EQ(o.journal.size(), 2u);
  EXPECT_EQ(o.journal[0].entry.kind, "payoff_discount");
  EXPECT_EQ(o.payment_line, 1u);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.collection.received", "payment.plan.completed"}));
  int waived = 0;
  for (const auto& c : o.schedule) waived += static_cast<int>(c.waived);
  EXPECT_EQ(waived, 9'000);
}

TEST(ApplyPayment, ABackdatedCashReceiptGetsNoLargerPayoffDiscountThanToday) {
  auto p = plan(PlanStatus::Active);
  p.delinquency = {0, Bucket::Current, false};
  auto cash = payment(21'000, noon(0));
  cash.provider = "cash";
  // Entered on day 2 as paid on day 0: day 0's discount (9,000) would complete the plan; today
  // two instalments' charge is earned and at most 3,000 can be waived.
  auto o = apply_payment(p, items(true), cash, clock_at(noon(2)));
  EXPECT_FALSE(o.completed);
  EXPECT_LE(o.allocation.discount, 3'000);
  // A provider's own time of payment still counts.
  auto m = apply_payment(p, items(true), payment(21'000, noon(0)), clock_at(noon(2)));
  EXPECT_TRUE(m.completed);
  EXPECT_EQ(m.allocation.discount, 9'000);
}

TEST(ApplyPayment, FullPaymentWithoutDiscountEarnsTheCharge) {
  auto p = plan(PlanStatus::Defaulted);
  p.delinquency = {10, Bucket::D8_30, true};
  auto o = apply_payment(p, items(true), payment(30'000, noon(10)), clock_at(noon(10)));
  EXPECT_TRUE(o.completed);
  EXPECT_FALSE(o.allocation.payoff);
  EXPECT_EQ(o.plan.status, PlanStatus::Completed);
  ASSERT_EQ(o.journal.size(), 2u);
  EXPECT_EQ(o.journal[1].entry.kind, "completion");
  EXPECT_FALSE(o.journal[1].of_payment);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.delinquency.changed", "payment.lock.released",
                                                 "payment.collection.received", "payment.plan.completed"}));
}

TEST(ApplyPayment, ClosedPlanHoldsTheMoneyAsCredit) {
  auto p = plan(PlanStatus::Repossessed);
  p.outstanding = 0;
  auto o = apply_payment(p, {}, payment(5'000, noon(1)), clock_at(noon(1)));
  EXPECT_EQ(o.allocation.credit, 5'000);
  EXPECT_EQ(o.plan.credit_balance, 5'000);
  EXPECT_EQ(o.plan.paid_total, 5'000);
  EXPECT_EQ(o.plan.status, PlanStatus::Repossessed);
  EXPECT_TRUE(o.schedule.empty());
  ASSERT_EQ(o.journal.size(), 1u);
  EXPECT_EQ(types(o), (std::vector<std::string>{"payment.collection.received"}));
}

TEST(ApplyPayment, PaidAtAheadOfTheClockIsClamped) {
  auto o = apply_payment(plan(PlanStatus::Active), items(true), payment(10'000, noon(9)), clock_at(noon(2)));
  EXPECT_EQ(o.paid_at, noon(2));
  ASSERT_EQ(o.schedule.size(), 1u);
  EXPECT_EQ(o.schedule[0].on, day(2));
}

TEST(ApplyPayment, FeesArePaidFirst) {
  auto it = items(true);
  it.fees.push_back({42, 1, day(2), 500, 0});
  auto p = plan(PlanStatus::Active);
  p.outstanding += 500;
  auto o = apply_payment(p, it, payment(10'500, noon(3)), clock_at(noon(3)));
  ASSERT_EQ(o.fees.size(), 1u);
  EXPECT_EQ(o.fees[0], (std::pair<std::int64_t, std::int64_t>{42, 500}));
  EXPECT_EQ(o.allocation_json.at("fees").as_object().at("amount").as_int64(), 500);
}
