#include <gtest/gtest.h>

#include "domain/neighbours.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;
#include "test_support.hpp"

using namespace payment_service;
using namespace payment_test;
namespace js = boost::json;

namespace {

js::value decision(js::object extra = {}) {
  js::object d{{"customer_id", "c-1"}, {"decision", "approved"}, {"valid", true}, {"vehicle_id", "v-1"},
               {"grade", "B"}};
  for (auto& [k, v] : extra) d[k] = v;
  return d;
}

Quote quote(std::int64_t price, std::int64_t deposit, int term_days) {
  Quote q;
  q.currency = rto::Currency::of("UGX");
  q.price = price;
  q.deposit = deposit;
  q.financed = price - deposit;
  q.start = make_date(2026, 3, 1);
  q.last_due = q.start + std::chrono::days(term_days);
  return q;
}

}  // namespace

TEST(CreditDecisionAnswer, AnApprovalForThisCustomerAndVehicleBacksAPlan) {
  auto d = parse_credit_decision(decision());
  check_decision(d, "c-1", "v-1");  // does not throw
  EXPECT_EQ(decided_template(d), "");
  auto t = decision_terms(d, "d-1");
  EXPECT_EQ(t.at("id").as_string(), "d-1");
  EXPECT_EQ(t.at("grade").as_string(), "B");
}

TEST(CreditDecisionAnswer, RefusalsNameTheField) {
  auto other = parse_credit_decision(decision());
  EXPECT_TRUE(names_field(error_of([&] { check_decision(other, "c-2", "v-1"); }), "credit_decision_id"));
  EXPECT_EQ(error_of([&] { check_decision(other, "c-2", "v-1"); }).status(), 422);
  EXPECT_TRUE(names_field(error_of([&] { check_decision(other, "c-1", "v-2"); }), "vehicle_id"));
  auto declined = parse_credit_decision(decision({{"decision", "declined"}}));
  EXPECT_TRUE(names_field(error_of([&] { check_decision(declined, "c-1", "v-1"); }), "credit_decision_id"));
  auto used = parse_credit_decision(decision({{"valid", false}}));
  EXPECT_TRUE(names_field(error_of([&] { check_decision(used, "c-1", "v-1"); }), "credit_decision_id"));
  auto no_valid = parse_credit_decision(decision({{"valid", "yes"}}));
  EXPECT_EQ(error_of([&] { check_decision(no_valid, "c-1", "v-1"); }).status(), 422);
}

TEST(CreditDecisionAnswer, NotAnObjectIsABadGateway) {
  EXPECT_EQ(error_of([] { parse_credit_decision(js::array{}); }).status(), 502);
  EXPECT_EQ(error_of([] { parse_vehicle(js::value("x")); }).status(), 502);
}

TEST(CreditDecisionAnswer, TermsBoundTheQuote) {
  auto d = parse_credit_decision(decision(
      {{"terms", js::object{{"min_deposit_percent", 20},
                            {"max_financed", js::object{{"amount", 800'000}, {"currency", "UGX"}}},
                            {"max_term_days", 365}}}}));
  check_terms(d, quote(1'000'000, 200'000, 365), make_date(2026, 3, 1));  // exactly at every bound
  EXPECT_TRUE(names_field(error_of([&] { check_terms(d, quote(1'000'000, 199'999, 30), make_date(2026, 3, 1)); }),
                          "deposit"));
  auto q = quote(1'100'000, 250'000, 30);  // 850,000 financed
  EXPECT_TRUE(names_field(error_of([&] { check_terms(d, q, make_date(2026, 3, 1)); }), "deposit"));
  EXPECT_TRUE(names_field(error_of([&] { check_terms(d, quote(1'000'000, 200'000, 366), make_date(2026, 3, 1)); }),
                          "template_id"));
  auto bad = parse_credit_decision(decision({{"terms", js::object{{"max_financed", "lots"}}}}));
  EXPECT_EQ(error_of([&] { check_terms(bad, quote(1'000'000, 200'000, 30), make_date(2026, 3, 1)); }).status(), 502);
  auto none = parse_credit_decision(decision());
  check_terms(none, quote(1'000'000, 0, 10'000), make_date(2026, 3, 1));  // no terms: nothing to check
}

TEST(VehicleAnswer, FreeWhenAvailableOrReservedForThisPlan) {
  EXPECT_TRUE(free_for(parse_vehicle(js::object{{"status", "available"}}), "p-1"));
  EXPECT_FALSE(free_for(parse_vehicle(js::object{{"status", "reserved"}}), "p-1"));
  auto ours = parse_vehicle(js::object{{"status", "reserved"}, {"reservation", js::object{{"plan_id", "p-1"}}}});
  EXPECT_TRUE(free_for(ours, "p-1"));
  EXPECT_FALSE(free_for(ours, "p-2"));
}

TEST(VehicleAnswer, PriceAndSnapshot) {
  auto v = parse_vehicle(js::object{{"status", "available"},
                                    {"price", js::object{{"amount", 5'000'000}, {"currency", "UGX"}}},
                                    {"make", "Bajaj"},
                                    {"year", 2024},
                                    {"secret", "not copied"}});
  auto price = vehicle_price(v);
  EXPECT_EQ(price.amount, 5'000'000);
  auto t = vehicle_terms(v, "v-1", price);
  EXPECT_EQ(t.at("id").as_string(), "v-1");
  EXPECT_EQ(t.at("make").as_string(), "Bajaj");
  EXPECT_EQ(t.at("year").as_int64(), 2024);
  EXPECT_FALSE(t.contains("secret"));
  EXPECT_FALSE(t.contains("model"));
  EXPECT_EQ(error_of([] { vehicle_price(parse_vehicle(js::object{})); }).status(), 502);
  EXPECT_EQ(error_of([] { vehicle_price(parse_vehicle(js::object{{"price", "cheap"}})); }).status(), 502);
}

TEST(VehicleAnswer, ATemplateFitsOnlyItsCategory) {
  PlanTemplate car;
  car.category = "car";
  auto moto = parse_vehicle(js::object{{"status", "available"}, {"category", "motorcycle"}});
  const auto e = error_of([&] { check_category(car, moto); });
  EXPECT_EQ(e.status(), 422);
  EXPECT_TRUE(names_field(e, "template_id"));
  PlanTemplate bike;
  bike.category = "motorcycle";
  EXPECT_NO_THROW(check_category(bike, moto));
  // No category from the vehicle service: its answer is malformed, not the customer's request.
  EXPECT_EQ(error_of([&] { check_category(bike, parse_vehicle(js::object{{"status", "available"}})); }).status(), 502);
}
