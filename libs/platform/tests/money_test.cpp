#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "rto/errors.hpp"
#include "rto/money.hpp"

using rto::Money;

TEST(Money, ArithmeticAndFormat) {
  auto a = Money::of(1200000, "UGX");
  EXPECT_EQ((a + Money::of(5, "UGX")).amount, 1200005);
  EXPECT_EQ((a - Money::of(200000, "UGX")).amount, 1000000);
  EXPECT_EQ(a.times(3).amount, 3600000);
  EXPECT_EQ(a.format(), "UGX 1,200,000");
  EXPECT_EQ(Money::of(123450, "KES").format(), "KES 1,234.50");
  EXPECT_EQ(Money::of(-5, "KES").format(), "KES -0.05");
  EXPECT_EQ(Money::of(0, "UGX").format(), "UGX 0");
}

TEST(Money, ScaledFloors) {
  EXPECT_EQ(Money::of(1000, "UGX").scaled(15, 100).amount, 150);
  EXPECT_EQ(Money::of(1001, "UGX").scaled(1, 3).amount, 333);
  EXPECT_EQ(Money::of(-1001, "UGX").scaled(1, 3).amount, -334);
  EXPECT_EQ(Money::of(INT64_MAX / 2, "UGX").scaled(2, 2).amount, INT64_MAX / 2);  // no intermediate overflow
}

TEST(Money, RefusesMixedCurrenciesAndOverflow) {
  EXPECT_THROW(Money::of(1, "UGX") + Money::of(1, "KES"), rto::Error);
  EXPECT_THROW(Money::of(INT64_MAX, "UGX") + Money::of(1, "UGX"), rto::Error);
  EXPECT_THROW(Money::of(INT64_MAX, "UGX").times(2), rto::Error);
  EXPECT_THROW(Money::of(1, "XYZ"), rto::Error);
}

TEST(Money, Json) {
  auto m = Money::of(1500, "KES");
  EXPECT_EQ(boost::json::serialize(m.to_json()), R"({"amount":1500,"currency":"KES"})");
  EXPECT_EQ(rto::money_from_json(boost::json::parse(R"({"amount":7,"currency":"UGX"})"), "price"), Money::of(7, "UGX"));
  try {
    rto::money_from_json(boost::json::parse(R"({"amount":1.5,"currency":"UGX"})"), "price");
    FAIL();
  } catch (const rto::Error& e) {
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "price.amount");
  }
}
