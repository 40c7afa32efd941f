// The payment service's pure hot path: allocating a payment over a plan's open items, a payoff
// quote over a whole schedule, and building a 546-instalment schedule (a quote).
#include <benchmark/benchmark.h>

#include "domain/allocation.hpp"
#include "domain/schedule.hpp"

using namespace payment_service;

namespace {

PlanTemplate daily() {
  PlanTemplate t;
  t.id = "5e3d0001-0000-4000-8000-000000000001";
  t.slug = "motorcycle-daily-18m";
  t.currency = rto::Currency::of("UGX");
  t.frequency = Frequency::Daily;
  t.instalment_count = 546;
  t.min_deposit_bps = 1500;
  t.pricing = Pricing::FlatMarkup;
  t.rate_bps = 3500;
  t.grace_days = 1;
  t.rounding_unit = 100;
  return t;
}

// The open items of an active daily plan: deposit paid, the first `open` instalments unpaid,
// two late fees.
OpenItems items(int open) {
  auto q = make_quote(daily(), rto::Money::of(4'000'000, "UGX"), std::nullopt, make_date(2026, 3, 1));
  OpenItems it;
  it.fees = {{1, 1, make_date(2026, 3, 3), 400, 0}, {2, 2, make_date(2026, 3, 4), 400, 0}};
  for (int i = 0; i < open && i < static_cast<int>(q.instalments.size()); ++i) {
    const auto& in = q.instalments[static_cast<std::size_t>(i)];
    it.instalments.push_back({in.seq, in.due, in.amount, in.charge, 0, 0});
  }
  return it;
}

}  // namespace

// What POST /internal/payments allocates in the common case: one instalment and a bit, over
// the few rows the window query loads.
static void BM_AllocateOneInstalment(benchmark::State& st) {
  const auto base = items(4);
  const Date today = make_date(2026, 3, 4);
  for (auto _ : st) {
    auto it = base;
    benchmark::DoNotOptimize(allocate(it, 9'200, today));
  }
}
BENCHMARK(BM_AllocateOneInstalment);

// A pay-ahead of a month over 40 loaded rows.
static void BM_AllocatePayAheadMonth(benchmark::State& st) {
  const auto base = items(40);
  const Date today = make_date(2026, 3, 4);
  for (auto _ : st) {
    auto it = base;
    benchmark::DoNotOptimize(allocate(it, 30 * 8'400 + 800, today));
  }
}
BENCHMARK(BM_AllocatePayAheadMonth);

// A payoff quote over the whole open schedule (546 rows).
static void BM_PayoffQuote(benchmark::State& st) {
  const auto base = items(546);
  const Date today = make_date(2026, 3, 20);
  for (auto _ : st) benchmark::DoNotOptimize(payoff_quote(base, today, 10000, 100));
}
BENCHMARK(BM_PayoffQuote);

// A full quote: 546 instalments with principal/charge split, dates and the effective rate.
static void BM_QuoteDaily546(benchmark::State& st) {
  const auto t = daily();
  const auto price = rto::Money::of(4'000'000, "UGX");
  for (auto _ : st) benchmark::DoNotOptimize(make_quote(t, price, std::nullopt, make_date(2026, 3, 1)));
}
BENCHMARK(BM_QuoteDaily546);

// Replaying 200 payments over a 546-instalment plan (what a reversal does).
static void BM_Replay200Payments(benchmark::State& st) {
  auto fresh = items(546);
  std::vector<ReplayPayment> pays;
  for (int i = 0; i < 200; ++i) pays.push_back({8'400 + (i % 3) * 100, make_date(2026, 3, 2) + std::chrono::days(i)});
  for (auto _ : st) benchmark::DoNotOptimize(replay(fresh, pays));
}
BENCHMARK(BM_Replay200Payments);

BENCHMARK_MAIN();
