// Parsing the payment service's repayment events.
#include <gtest/gtest.h>

#include "domain/repayment.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace credit_service;
namespace js = boost::json;

TEST(Repayment, ParsesACollection) {
  auto v = js::parse(R"({"plan_id":"p-1","customer_id":"8F1C2D3E-0000-4000-8000-000000000001","vehicle_id":"v",
    "payment_id":"pay-9","amount":{"amount":80000,"currency":"UGX"},"provider":"mtn","allocation":{},
    "instalments_settled":[{"seq":3,"due_date":"2026-05-01","days_late":0},{"seq":4,"due_date":"2026-05-08","days_late":6}]})");
  auto c = parse_collection(v);
  EXPECT_EQ(c.plan_id, "p-1");
  EXPECT_EQ(c.customer_id, "8f1c2d3e-0000-4000-8000-000000000001");
  EXPECT_EQ(c.payment_id, "pay-9");
  ASSERT_EQ(c.settled.size(), 2u);
  EXPECT_EQ(c.settled[1], (SettledInstalment{4, "2026-05-08", 6}));
  EXPECT_EQ(settled_param(c),
            R"([{"seq":3,"due_date":"2026-05-01","days_late":0},{"seq":4,"due_date":"2026-05-08","days_late":6}])");
}

TEST(Repayment, APaymentSettlingNothingIsFine) {
  auto c = parse_collection(js::parse(R"({"plan_id":"p","customer_id":"8f1c2d3e-0000-4000-8000-000000000001"})"));
  EXPECT_TRUE(c.settled.empty());
  EXPECT_EQ(settled_param(c), "[]");
}

TEST(Repayment, MalformedEventsAreRefused) {
  for (
      auto body :
      {R"([])", R"({"customer_id":"8f1c2d3e-0000-4000-8000-000000000001"})", R"({"plan_id":"p","customer_id":"nope"})",
       R"({"plan_id":"p","customer_id":"8f1c2d3e-0000-4000-8000-000000000001","instalments_settled":{}})",
       R"({"plan_id":"p","customer_id":"8f1c2d3e-0000-4000-8000-000000000001","instalments_settled":[{"seq":1,"days_late":-2}]})",
       R"({"plan_id":"p","customer_id":"8f1c2d3e-0000-4000-8000-000000000001","instalments_settled":[{"days_late":0}]})"}) {
    auto e = error_of([&] { parse_collection(js::parse(body)); });
    EXPECT_EQ(e.status(), 400) << body;
  }
}

TEST(Repayment, ParsesADelinquencyChange) {
  auto d = parse_delinquency(js::parse(
      R"({"plan_id":"p-1","customer_id":"8f1c2d3e-0000-4000-8000-000000000001","days_past_due":12,"old_bucket":"3-7","new_bucket":"8-30"})"));
  EXPECT_EQ(d.days_past_due, 12);
  auto e = error_of(
      [] { parse_delinquency(js::parse(R"({"plan_id":"p","customer_id":"8f1c2d3e-0000-4000-8000-000000000001"})")); });
  EXPECT_EQ(e.status(), 400);
}
