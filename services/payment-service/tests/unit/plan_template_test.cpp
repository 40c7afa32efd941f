// Plan templates: the admin body, the snapshot kept with each plan, late-fee rules.
#include <gtest/gtest.h>

#include <rto/testing/expect_error.hpp>

#include "domain/plan_template.hpp"

using namespace payment_service;
using rto::testing::error_of;
using rto::testing::names_field;
namespace js = boost::json;

namespace {

js::object body() {
  return js::parse(R"({"slug": "motorcycle-daily-18m", "name": "Boda daily, 18 months", "category": "motorcycle",
    "currency": "UGX", "frequency": "daily", "instalment_count": 540, "min_deposit_bps": 1500,
    "pricing": "flat_markup", "rate_bps": 4500, "grace_days": 2,
    "late_fee": {"kind": "percent", "percent_bps": 500, "cap": 500000}, "lock_after_days": 3,
    "rounding_unit": 100, "payoff_discount_bps": 5000})")
      .as_object();
}

}  // namespace

TEST(PlanTemplate, ParsesEveryField) {
  const auto t = parse_template(body());
  EXPECT_EQ(t.slug, "motorcycle-daily-18m");
  EXPECT_EQ(t.category, "motorcycle");
  EXPECT_EQ(t.currency.code(), "UGX");
  EXPECT_EQ(t.frequency, Frequency::Daily);
  EXPECT_EQ(t.instalment_count, 540);
  EXPECT_EQ(t.pricing, Pricing::FlatMarkup);
  EXPECT_EQ(t.late_fee.kind, LateFeeRule::Kind::Percent);
  EXPECT_EQ(t.late_fee.bps, 500);
  EXPECT_EQ(t.late_fee.cap, 500000);
  EXPECT_EQ(t.rounding_unit, 100);
  EXPECT_EQ(t.payoff_discount_bps, 5000);
  EXPECT_TRUE(t.active);
}

TEST(PlanTemplate, DefaultsForOptionalFields) {
  auto b = body();
  for (auto k : {"grace_days", "late_fee", "rounding_unit", "payoff_discount_bps"}) b.erase(k);
  const auto t = parse_template(b);
  EXPECT_EQ(t.grace_days, 0);
  EXPECT_EQ(t.late_fee.kind, LateFeeRule::Kind::None);
  EXPECT_EQ(t.rounding_unit, 1);
  EXPECT_EQ(t.payoff_discount_bps, 10000);
}

TEST(PlanTemplate, RefusesEachBadFieldByName) {
  auto b = body();
  b["slug"] = "Bad Slug!";
  b["category"] = "boat";
  b["currency"] = "XYZ";
  b["instalment_count"] = 0;
  b["rate_bps"] = -1;
  b["surprise"] = true;
  const auto e = error_of([&] { parse_template(b); });
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"slug", "category", "currency", "instalment_count", "rate_bps", "surprise"})
    EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(PlanTemplate, ADailyPlanRunsAtMostFiveYears) {
  auto b = body();
  b["instalment_count"] = 1831;
  EXPECT_TRUE(names_field(error_of([&] { parse_template(b); }), "instalment_count"));
  b["frequency"] = "weekly";
  EXPECT_EQ(parse_template(b).instalment_count, 1831);
}

TEST(PlanTemplate, LateFeeNeedsItsAmountOrRate) {
  auto b = body();
  b["late_fee"] = js::object{{"kind", "fixed"}};
  const auto e = error_of([&] { parse_template(b); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_FALSE(e.fields().empty());
}

// A member of another kind is not used, but a wrongly typed one is refused by its name.
TEST(PlanTemplate, LateFeeMembersOfAnotherKindAreStillChecked) {
  auto b = body();
  b["late_fee"] = js::object{{"kind", "percent"}, {"percent_bps", 500}, {"cap", 5000}, {"amount", "not-a-number"}};
  auto e = error_of([&] { parse_template(b); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "late_fee.amount"));
  b["late_fee"] = js::object{{"kind", "fixed"}, {"amount", 2000}, {"percent_bps", "five"}};
  EXPECT_TRUE(names_field(error_of([&] { parse_template(b); }), "late_fee.percent_bps"));
  b["late_fee"] = js::object{{"kind", "percent"}, {"percent_bps", 500}, {"amount", 2000}};  // well typed: ignored
  EXPECT_EQ(parse_template(b).late_fee.kind, LateFeeRule::Kind::Percent);
}

TEST(PlanTemplate, TermsSnapshotRoundTrips) {
  auto t = parse_template(body());
  t.id = "11111111-1111-4111-8111-111111111111";
  t.version = 4;
  const auto back = template_from_terms(terms_json(t));
  EXPECT_EQ(back.id, t.id);
  EXPECT_EQ(back.version, 4);
  EXPECT_EQ(back.slug, t.slug);
  EXPECT_EQ(back.category, t.category);
  EXPECT_EQ(back.currency.code(), "UGX");
  EXPECT_EQ(back.frequency, t.frequency);
  EXPECT_EQ(back.instalment_count, t.instalment_count);
  EXPECT_EQ(back.min_deposit_bps, t.min_deposit_bps);
  EXPECT_EQ(back.rate_bps, t.rate_bps);
  EXPECT_EQ(back.grace_days, t.grace_days);
  EXPECT_EQ(back.lock_after_days, t.lock_after_days);
  EXPECT_EQ(back.rounding_unit, t.rounding_unit);
  EXPECT_EQ(back.payoff_discount_bps, t.payoff_discount_bps);
  EXPECT_EQ(back.late_fee.kind, LateFeeRule::Kind::Percent);
  EXPECT_EQ(back.late_fee.bps, 500);
  EXPECT_EQ(back.late_fee.cap, 500000);
}

TEST(PlanTemplate, LateFees) {
  LateFeeRule none;
  EXPECT_EQ(none.fee_for(100000, 1), 0);
  LateFeeRule fixed{LateFeeRule::Kind::Fixed, 2500, 0, 0};
  EXPECT_EQ(fixed.fee_for(100000, 1), 2500);
  EXPECT_EQ(fixed.fee_for(100000, 1000), 2000);  // rounded down to the unit
  EXPECT_EQ(fixed.fee_for(0, 1), 0);              // nothing overdue, no fee
  LateFeeRule pct{LateFeeRule::Kind::Percent, 0, 500, 3000};
  EXPECT_EQ(pct.fee_for(40000, 1), 2000);   // 5 %
  EXPECT_EQ(pct.fee_for(100000, 1), 3000);  // capped
  EXPECT_EQ(pct.fee_for(39, 1), 1);         // floor
}

TEST(PlanTemplate, PricingNames) {
  EXPECT_EQ(to_string(Pricing::AnnualRate), "annual_rate");
  EXPECT_EQ(pricing_from("flat_markup"), Pricing::FlatMarkup);
  EXPECT_FALSE(pricing_from("compound"));
}
