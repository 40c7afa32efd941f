#include <gtest/gtest.h>

#include <random>

#include "domain/schedule.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;

namespace {

rto::Money ugx(std::int64_t a) { return rto::Money::of(a, "UGX"); }

void expect_identity(const Quote& q) {
  EXPECT_EQ(q.deposit + q.instalment * (q.instalment_count - 1) + q.last_instalment, q.total_payable);
  std::int64_t sum = 0, principal = 0, charge = 0;
  for (const auto& in : q.instalments) {
    sum += in.amount;
    principal += in.principal;
    charge += in.charge;
    EXPECT_GE(in.principal, 0);
    EXPECT_GE(in.charge, 0);
    EXPECT_EQ(in.principal + in.charge, in.amount);
  }
  EXPECT_EQ(static_cast<int>(q.instalments.size()), q.instalment_count);
  EXPECT_EQ(sum + q.deposit, q.total_payable);
  EXPECT_EQ(principal, q.financed);
  EXPECT_EQ(charge, q.charge);
  EXPECT_EQ(q.total_payable, q.price + q.charge);
}

}  // namespace

TEST(Schedule, DailyFlatMarkupWorkedExample) {
  // UGX 4,000,000 motorcycle; 15 % deposit = 600,000; financed 3,400,000; 35 % markup =
  // 1,190,000; 4,590,000 / 546 = 8,406.59 → 8,400 (whole hundreds); last = 4,590,000 −
  // 545 × 8,400 = 12,000.
  auto q = make_quote(daily_flat(), ugx(4'000'000), std::nullopt, make_date(2026, 3, 1));
  EXPECT_EQ(q.deposit, 600'000);
  EXPECT_EQ(q.financed, 3'400'000);
  EXPECT_EQ(q.charge, 1'190'000);
  EXPECT_EQ(q.instalment, 8'400);
  EXPECT_EQ(q.last_instalment, 12'000);
  EXPECT_EQ(q.instalment_count, 546);
  EXPECT_EQ(q.total_payable, 5'190'000);
  EXPECT_EQ(format_date(q.first_due), "2026-03-02");
  EXPECT_EQ(format_date(q.last_due), "2027-08-29");  // 546 days after 2026-03-01
  EXPECT_EQ(q.frequency, Frequency::Daily);
  expect_identity(q);
  // A flat 35 % over 18 months costs far more than 35 % a year once amortisation is counted.
  EXPECT_GT(q.effective_annual_rate, 0.35);
  EXPECT_LT(q.effective_annual_rate, 1.0);
  EXPECT_EQ(q.effective_annual_rate_text().size(), 6u);
}

TEST(Schedule, CurrencyWithoutMinorUnitsPutsTheRemainderOnTheLast) {
  auto t = daily_flat();
  t.instalment_count = 3;
  t.rate_bps = 0;
  t.rounding_unit = 1;
  t.min_deposit_bps = 0;
  auto q = make_quote(t, ugx(1'000), ugx(1), make_date(2026, 1, 10));  // financed 999
  EXPECT_EQ(q.instalment, 333);
  EXPECT_EQ(q.last_instalment, 333);
  auto q2 = make_quote(t, ugx(1'001), ugx(1), make_date(2026, 1, 10));  // financed 1000
  EXPECT_EQ(q2.instalment, 333);
  EXPECT_EQ(q2.last_instalment, 334);
  EXPECT_EQ(q2.charge, 0);
  EXPECT_EQ(q2.effective_annual_rate_text(), "0.0000");
  expect_identity(q2);
}

TEST(Schedule, MinimumDepositIsRoundedUpToTheUnit) {
  auto t = daily_flat();  // 15 %, unit 100
  EXPECT_EQ(minimum_deposit(t, 3'333'333), 500'000);  // 499,999.95 → 500,000
  EXPECT_EQ(minimum_deposit(t, 1'000'000), 150'000);
}

TEST(Schedule, MonthlyDatesClampToMonthEnd) {
  auto t = monthly_rate_kes();
  auto q = make_quote(t, rto::Money::of(12'000'000, "KES"), std::nullopt, make_date(2026, 1, 31));
  ASSERT_EQ(q.instalments.size(), 12u);
  EXPECT_EQ(format_date(q.instalments[0].due), "2026-02-28");
  EXPECT_EQ(format_date(q.instalments[1].due), "2026-03-31");
  EXPECT_EQ(format_date(q.instalments[2].due), "2026-04-30");
  EXPECT_EQ(format_date(q.instalments[11].due), "2027-01-31");
  auto leap = make_quote(t, rto::Money::of(12'000'000, "KES"), std::nullopt, make_date(2028, 1, 31));
  EXPECT_EQ(format_date(leap.instalments[0].due), "2028-02-29");
  EXPECT_EQ(format_date(leap.instalments[1].due), "2028-03-31");
}

TEST(Schedule, WeeklyDatesStepSevenDays) {
  auto t = daily_flat();
  t.frequency = Frequency::Weekly;
  t.instalment_count = 78;
  auto q = make_quote(t, ugx(4'000'000), std::nullopt, make_date(2026, 12, 28));
  EXPECT_EQ(format_date(q.first_due), "2027-01-04");
  EXPECT_EQ(format_date(q.instalments[1].due), "2027-01-11");
  EXPECT_EQ(q.last_due - q.start, std::chrono::days(7 * 78));
  expect_identity(q);
}

TEST(Schedule, AnnualRateAmortisesLikeAnAnnuity) {
  // KES 120,000.00, 20 % deposit: financed 9,600,000 cents at 1 % a month over 12 months.
  // The annuity formula gives 852,948.37 cents a month; integer interest lands within a cent.
  auto q = make_quote(monthly_rate_kes(), rto::Money::of(12'000'000, "KES"), std::nullopt, make_date(2026, 3, 1));
  EXPECT_EQ(q.deposit, 2'400'000);
  EXPECT_EQ(q.financed, 9'600'000);
  EXPECT_NEAR(static_cast<double>(q.instalment), 852'948.0, 2.0);
  EXPECT_GE(q.last_instalment, q.instalment);
  EXPECT_LT(q.last_instalment - q.instalment, 24);
  EXPECT_NEAR(static_cast<double>(q.charge), 635'380.0, 30.0);
  // First month's interest is exactly 1 % of the balance.
  EXPECT_EQ(q.instalments[0].charge, 96'000);
  expect_identity(q);
  // (1.01)^12 − 1 = 0.1268; actual day counts move it slightly.
  EXPECT_NEAR(q.effective_annual_rate, 0.1268, 0.003);
}

TEST(Schedule, RefusesBadDepositsAndCurrencies) {
  auto t = daily_flat();
  auto low = error_of([&] { make_quote(t, ugx(4'000'000), ugx(599'900), make_date(2026, 3, 1)); });
  EXPECT_EQ(low.status(), 422);
  EXPECT_TRUE(names_field(low, "deposit"));
  auto all = error_of([&] { make_quote(t, ugx(4'000'000), ugx(4'000'000), make_date(2026, 3, 1)); });
  EXPECT_TRUE(names_field(all, "deposit"));
  auto kes = error_of([&] { make_quote(t, rto::Money::of(4'000'000, "KES"), std::nullopt, make_date(2026, 3, 1)); });
  EXPECT_EQ(kes.status(), 422);
  EXPECT_TRUE(names_field(kes, "price.currency"));
  auto zero = error_of([&] { make_quote(t, ugx(0), std::nullopt, make_date(2026, 3, 1)); });
  EXPECT_EQ(zero.status(), 400);
  auto tiny = error_of([&] { make_quote(t, ugx(10'000), std::nullopt, make_date(2026, 3, 1)); });
  EXPECT_EQ(tiny.status(), 422);
}

TEST(Schedule, ReanchorKeepsAmountsAndMovesDates) {
  auto q = make_quote(monthly_rate_kes(), rto::Money::of(12'000'000, "KES"), std::nullopt, make_date(2026, 3, 1));
  auto moved = reanchor(q.instalments, Frequency::Monthly, make_date(2026, 3, 31));
  EXPECT_EQ(format_date(moved[0].due), "2026-04-30");
  EXPECT_EQ(format_date(moved[1].due), "2026-05-31");
  for (std::size_t i = 0; i < moved.size(); ++i) EXPECT_EQ(moved[i].amount, q.instalments[i].amount);
}

TEST(Schedule, PropertyIdentityHoldsForRandomTermsAndPrices) {
  std::mt19937_64 rng(20260301);
  for (int iter = 0; iter < 400; ++iter) {
    PlanTemplate t = iter % 2 ? daily_flat() : monthly_rate_kes();
    t.currency = rto::Currency::of("UGX");
    t.frequency = static_cast<Frequency>(rng() % 3);
    t.instalment_count = 1 + static_cast<int>(rng() % 800);
    t.rate_bps = static_cast<int>(rng() % 8000);
    t.rounding_unit = std::int64_t{1} << (rng() % 4) * 3;  // 1, 8, 64, 512
    t.min_deposit_bps = static_cast<int>(rng() % 4000);
    std::int64_t price = 1'000'000 + static_cast<std::int64_t>(rng() % 200'000'000);
    auto start = make_date(2026, 1, 1) + std::chrono::days(static_cast<int>(rng() % 1000));
    Quote q;
    try {
      q = make_quote(t, ugx(price), std::nullopt, start);
    } catch (const rto::Error& e) {
      EXPECT_EQ(e.status(), 422);  // only "too small to finance" may refuse
      continue;
    }
    SCOPED_TRACE(iter);
    expect_identity(q);
    EXPECT_EQ(q.instalment % t.rounding_unit, 0);
    EXPECT_GE(q.last_instalment, q.instalment);
    EXPECT_GT(q.instalment, 0);
    for (std::size_t i = 1; i < q.instalments.size(); ++i) EXPECT_LT(q.instalments[i - 1].due, q.instalments[i].due);
    EXPECT_GE(q.effective_annual_rate, 0.0);
  }
}
