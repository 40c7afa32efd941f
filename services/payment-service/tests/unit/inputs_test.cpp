#include <cctype>
#include <gtest/gtest.h>

#include "domain/inputs.hpp"
#include "domain/reference.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace payment_service;
namespace js = boost::json;

namespace {
js::object obj(std::string_view text) { return js::parse(text).as_object(); }
const char* kPlan = "0b0c7c1e-3f7a-4d0e-9a55-2b8f1c9e0a11";
}  // namespace

TEST(Rfc3339, UtcOffsetsAndFractions) {
  auto z = parse_rfc3339("2026-03-01T08:15:00Z");
  ASSERT_TRUE(z);
  auto plus3 = parse_rfc3339("2026-03-01T11:15:00+03:00");
  EXPECT_EQ(plus3, z);
  auto frac = parse_rfc3339("2026-03-01T08:15:00.250Z");
  ASSERT_TRUE(frac);
  EXPECT_EQ(*frac - *z, std::chrono::milliseconds(250));
  for (auto bad : {"2026-03-01", "2026-03-01T08:15:00", "2026-03-01 08:15:00Z", "2026-02-30T08:15:00Z",
                   "2026-03-01T25:00:00Z", "2026-03-01T08:15:00+3:00", "2026-03-01T08:15:00.Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

// Found by fuzz_json_bodies (payment.internal_payment): paid_at in the year 4052 overflowed the
// nanosecond time point (undefined behaviour); a time after 2199 is refused like any bad one.
TEST(Rfc3339, TimesPastTheTimePointsRangeAreRefused) {
  EXPECT_FALSE(parse_rfc3339("4052-03-01T08:15:00Z"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59.999999-23:59"));
  EXPECT_TRUE(parse_rfc3339("2199-12-31T23:59:59Z"));
  EXPECT_TRUE(parse_rfc3339("1900-01-01T00:00:00+23:59"));
  auto e = error_of([] {
    parse_payment(obj(R"({"amount":10,"currency":"UGX","provider":"cash","provider_txn_id":"1",)"
                      R"("paid_at":"4052-03-01T08:15:00Z","plan_id":"0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c"})"));
  });
  EXPECT_TRUE(names_field(e, "paid_at"));
}

TEST(PaymentInput, ByReferenceOrId) {
  auto ref = make_reference(12345);
  auto p = parse_payment(obj(R"({"plan_ref":")" + ref.substr(4) +
                             R"(","amount":8400,"currency":"UGX","provider":"mtn_momo","provider_txn_id":"MP-1",)"
                             R"("paid_at":"2026-03-01T08:15:00Z"})"));
  EXPECT_EQ(p.plan_ref, ref);
  EXPECT_EQ(p.amount.amount, 8400);
  EXPECT_EQ(p.provider, "mtn_momo");
  auto q = parse_payment(obj(std::string(R"({"plan_id":")") + kPlan +
                             R"(","amount":1,"currency":"KES","provider":"cash","provider_txn_id":"R/1","paid_at":"2026-03-01T08:15:00Z"})"));
  EXPECT_EQ(q.plan_id, kPlan);
}

TEST(PaymentInput, NamesEveryBadField) {
  auto e = error_of([] {
    parse_payment(obj(R"({"plan_ref":"RTO-ZZZZZZ","amount":0,"currency":"XXX","provider":"MTN MoMo",)"
                      R"("provider_txn_id":"a b","paid_at":"yesterday","extra":1})"));
  });
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"plan_ref", "amount", "currency", "provider", "provider_txn_id", "paid_at", "extra"})
    EXPECT_TRUE(names_field(e, f)) << f;
  auto none = error_of([] {
    parse_payment(obj(R"({"amount":10,"currency":"UGX","provider":"cash","provider_txn_id":"1","paid_at":"2026-03-01T08:15:00Z"})"));
  });
  EXPECT_TRUE(names_field(none, "plan_ref"));
}

TEST(QuoteInput, EitherVehicleOrPrice) {
  auto a = parse_quote(obj(R"({"price":{"amount":4000000,"currency":"UGX"},"template_id":"motorcycle-daily-18m"})"));
  EXPECT_EQ(a.price->amount, 4'000'000);
  EXPECT_FALSE(a.vehicle_id);
  auto b = parse_quote(obj(std::string(R"({"vehicle_id":")") + kPlan + R"(","template_id":"x","deposit":{"amount":1,"currency":"UGX"}})"));
  EXPECT_EQ(b.vehicle_id, kPlan);
  EXPECT_EQ(b.deposit->amount, 1);
  auto both = error_of([] {
    parse_quote(obj(std::string(R"({"vehicle_id":")") + kPlan + R"(","price":{"amount":1,"currency":"UGX"},"template_id":"x"})"));
  });
  EXPECT_TRUE(names_field(both, "price"));
  auto neither = error_of([] { parse_quote(obj(R"({"template_id":"x"})")); });
  EXPECT_TRUE(names_field(neither, "vehicle_id"));
  auto bad_money = error_of([] { parse_quote(obj(R"({"price":{"amount":-5,"currency":"UGX"},"template_id":"x"})")); });
  EXPECT_TRUE(names_field(bad_money, "price.amount"));
  auto bad_cur = error_of([] { parse_quote(obj(R"({"price":{"amount":5,"currency":"ZZZ"},"template_id":"x"})")); });
  EXPECT_TRUE(names_field(bad_cur, "price.currency"));
}

TEST(PlanInput, AllFieldsRequired) {
  auto e = error_of([] { parse_plan(obj(R"({"vehicle_id":"nope","status":"active"})")); });
  for (auto f : {"credit_decision_id", "vehicle_id", "template_id", "deposit", "status"}) EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(CashAndReversal, Bodies) {
  auto c = parse_cash(obj(R"({"amount":{"amount":8400,"currency":"UGX"},"receipt_number":"BR-0042"})"));
  EXPECT_EQ(c.receipt_number, "BR-0042");
  EXPECT_FALSE(c.paid_at);
  EXPECT_TRUE(names_field(error_of([] { parse_cash(obj(R"({"amount":8400,"receipt_number":""})")); }), "amount"));
  EXPECT_EQ(parse_reason(obj(R"({"reason":"  duplicate receipt "})")), "duplicate receipt");
  EXPECT_TRUE(names_field(error_of([] { parse_reason(obj(R"({"reason":"x"})")); }), "reason"));
}

TEST(Refund, Body) {
  auto r = parse_refund(obj(
      R"({"amount":{"amount":150000,"currency":"UGX"},"method":"mpesa","reference":"QK12ABC","reason":"overpaid"})"));
  EXPECT_EQ(r.amount.amount, 150'000);
  EXPECT_EQ(r.method, "mpesa");
  EXPECT_EQ(r.reference, "QK12ABC");
  EXPECT_EQ(r.reason, "overpaid");
  auto e = error_of([] {
    parse_refund(obj(R"({"amount":{"amount":0,"currency":"UGX"},"method":"paypal","reference":"a b","reason":"x"})"));
  });
  for (auto f : {"amount.amount", "method", "reference", "reason"}) EXPECT_TRUE(names_field(e, f)) << f;
  EXPECT_TRUE(names_field(error_of([] { parse_refund(obj(R"({"method":"cash","reference":"R1","reason":"because","x":1})")); }), "x"));
}

TEST(Resolve, Body) {
  const auto ref = make_reference(0x1234567);
  std::string typed = "rto " + ref.substr(4);  // as a payer types it
  for (auto& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto c = parse_resolve(obj(R"({"action":"credit","note":"checked in the portal","plan_ref":")" + typed + R"("})"));
  EXPECT_TRUE(c.credit);
  EXPECT_EQ(c.plan_ref, std::optional<std::string>(ref));
  auto d = parse_resolve(obj(R"({"action":"dismiss","note":"provider reversed it"})"));
  EXPECT_FALSE(d.credit);
  EXPECT_EQ(d.note, "provider reversed it");
  auto e = error_of([] { parse_resolve(obj(R"({"action":"refund","note":"ok","plan_ref":"nope!"})")); });
  for (auto f : {"action", "note", "plan_ref"}) EXPECT_TRUE(names_field(e, f)) << f;
  // What only a credit uses is refused on a dismissal.
  EXPECT_TRUE(names_field(
      error_of([] { parse_resolve(obj(R"({"action":"dismiss","note":"nothing came","provider_txn_id":"ABC"})")); }),
      "provider_txn_id"));
}

TEST(DelinquencyRun, AsOfIsOptional) {
  EXPECT_FALSE(parse_delinquency_run(""));
  EXPECT_FALSE(parse_delinquency_run("{}"));
  EXPECT_EQ(format_date(*parse_delinquency_run(R"({"as_of":"2026-03-05"})")), "2026-03-05");
  EXPECT_TRUE(names_field(error_of([] { parse_delinquency_run(R"({"as_of":"05/03/2026"})"); }), "as_of"));
}

TEST(PlanList, QueryParameters) {
  auto q = parse_plan_list({{"bucket", "8-30"}, {"limit", "10"}});
  EXPECT_EQ(q.bucket, Bucket::D8_30);
  EXPECT_EQ(q.limit, 10);
  auto cur = encode_plan_cursor(12, kPlan);
  auto n = parse_plan_list({{"cursor", cur}});
  ASSERT_TRUE(n.after);
  EXPECT_EQ(n.after->first, 12);
  EXPECT_EQ(n.after->second, kPlan);
  auto e = error_of([] { parse_plan_list({{"bucket", "9-10"}, {"limit", "0"}, {"cursor", "zz"}, {"sort", "x"}}); });
  for (auto f : {"bucket", "limit", "cursor", "sort"}) EXPECT_TRUE(names_field(e, f)) << f;
}
