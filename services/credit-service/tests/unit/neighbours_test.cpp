// Neighbouring services' answers and the monthly equivalent of a quoted instalment.
#include <gtest/gtest.h>

#include "domain/neighbours.hpp"
#include "domain/time.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace credit_service;
namespace js = boost::json;
using namespace std::chrono;

TEST(Neighbours, MonthlyEquivalent) {
  auto ugx = [](std::int64_t a) { return rto::Money::of(a, "UGX"); };
  EXPECT_EQ(monthly_equivalent(ugx(20'000), Frequency::Daily).amount, 600'000);       // x 30
  EXPECT_EQ(monthly_equivalent(ugx(80'000), Frequency::Weekly).amount, 346'666);      // 4,160,000 / 12
  EXPECT_EQ(monthly_equivalent(ugx(120'000), Frequency::Weekly).amount, 520'000);     // exact
  EXPECT_EQ(monthly_equivalent(ugx(350'000), Frequency::Monthly).amount, 350'000);
  auto kes = rto::Money::of(123'45, "KES");
  EXPECT_EQ(monthly_equivalent(kes, Frequency::Weekly).amount, 53'495);  // floor(12345 * 52 / 12) = floor(53495)
  EXPECT_EQ(monthly_equivalent(kes, Frequency::Weekly).currency.code(), "KES");
}

TEST(Neighbours, ParsesAQuote) {
  auto q = parse_quote(
      js::parse(R"({"template_id":"boda-weekly-78","frequency":"weekly","deposit":{"amount":600000,"currency":"UGX"},
    "financed":{"amount":4200000,"currency":"UGX"},"instalment":{"amount":80000,"currency":"UGX"},"instalment_count":78,
    "last_instalment":{"amount":80000,"currency":"UGX"},"first_due_date":"2026-06-22","last_due_date":"2027-12-13",
    "total_payable":{"amount":6840000,"currency":"UGX"},"cost_of_credit":{"amount":2040000,"currency":"UGX"},"effective_annual_rate":"0.4213"})"));
  EXPECT_EQ(q.frequency, Frequency::Weekly);
  EXPECT_EQ(q.instalment.amount, 80'000);
  EXPECT_EQ(q.instalment_count, 78);
  EXPECT_EQ(q.raw.at("effective_annual_rate"), "0.4213");
}

TEST(Neighbours, MalformedAnswersAreBadGateway) {
  for (auto body : {R"([])", R"({"frequency":"fortnightly","instalment":{"amount":1,"currency":"UGX"}})",
                    R"({"frequency":"weekly"})", R"({"frequency":"weekly","instalment":{"amount":0,"currency":"UGX"}})",
                    R"({"frequency":"weekly","instalment":{"amount":5,"currency":"XYZ"}})"}) {
    auto e = error_of([&] { parse_quote(js::parse(body)); });
    EXPECT_EQ(e.status(), 502) << body;
  }
  EXPECT_EQ(error_of([] { parse_vehicle(js::parse(R"({"id":"v","status":"available"})")); }).status(), 502);
  EXPECT_EQ(error_of([] { parse_customer(js::parse(R"({"phone":"+256"})")); }).status(), 502);
}

TEST(Neighbours, ParsesVehicleAndCustomer) {
  auto v =
      parse_vehicle(js::parse(R"({"id":"a","status":"available","dealer_id":"d","category":"motorcycle","make":"Bajaj",
    "model":"Boxer 150","year":2025,"price":{"amount":4800000,"currency":"UGX"},"owner_id":null,"reservation":null})"));
  EXPECT_EQ(v.status, "available");
  EXPECT_EQ(v.price.amount, 4'800'000);
  EXPECT_EQ(vehicle_json(v).at("make"), "Bajaj");
  auto c = parse_customer(js::parse(R"({"id":"u","phone":"+256772000001","full_name":"A","roles":["customer"],
    "status":"active","kyc_status":"verified","date_of_birth":"1994-03-21"})"));
  EXPECT_EQ(c.kyc_status, "verified");
  ASSERT_TRUE(c.date_of_birth);
  EXPECT_EQ(*c.date_of_birth, year_month_day(year(1994) / 3 / 21));
  auto none = parse_customer(js::parse(R"({"id":"u","kyc_status":"none","date_of_birth":null})"));
  EXPECT_FALSE(none.date_of_birth);
}

TEST(Time, AgeInCompletedYears) {
  auto d = [](int y, unsigned m, unsigned day) { return year_month_day(year(y) / month(m) / day); };
  EXPECT_EQ(age_on(d(2008, 6, 15), d(2026, 6, 15)), 18);  // the 18th birthday
  EXPECT_EQ(age_on(d(2008, 6, 16), d(2026, 6, 15)), 17);  // one day short
  EXPECT_EQ(age_on(d(2008, 7, 1), d(2026, 6, 30)), 17);
  EXPECT_EQ(age_on(d(1990, 1, 1), d(2026, 6, 15)), 36);
  // Born on 29 February: a year older on 1 March in common years.
  EXPECT_EQ(age_on(d(2008, 2, 29), d(2026, 2, 28)), 17);
  EXPECT_EQ(age_on(d(2008, 2, 29), d(2026, 3, 1)), 18);
  EXPECT_EQ(age_on(d(2008, 2, 29), d(2028, 2, 29)), 20);
}

TEST(Time, Dates) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2025-02-29"));
  EXPECT_FALSE(parse_date("2025-2-28"));
  EXPECT_EQ(format_date(year_month_day(year(2026) / 1 / 5)), "2026-01-05");
  EXPECT_EQ(format_date(utc_date(sys_days{year(2026) / 6 / 15} + hours(23))), "2026-06-15");
}
