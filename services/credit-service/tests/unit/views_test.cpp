// The JSON views of applications and decisions, and the review queue's page parameters.
#include <gtest/gtest.h>

#include <rto/testing/expect_error.hpp>

#include "domain/views.hpp"

using namespace credit_service;
using rto::testing::error_of;
using rto::testing::names_field;
namespace js = boost::json;

namespace {

const TimePoint kNow = TimePoint{} + std::chrono::hours(24 * 20'000);

DecisionRecord approved() {
  DecisionRecord d;
  d.id = "11111111-1111-4111-8111-111111111111";
  d.application_id = "22222222-2222-4222-8222-222222222222";
  d.kind = "officer";
  d.decision = "approved";
  d.model_version = 3;
  d.score = 612;
  d.grade = "B";
  d.terms = js::object{{"deposit_percent", 20}};
  d.breakdown = js::object{{"factors", js::array{"income"}}, {"hard_rules", js::array{}},
                           {"suggested_terms", js::object{{"deposit_percent", 25}}}};
  d.officer_id = "33333333-3333-4333-8333-333333333333";
  d.note = "spoke to the guarantor";
  d.created_at = kNow - std::chrono::hours(1);
  d.expires_at = kNow + std::chrono::hours(24);
  return d;
}

ApplicationRecord application() {
  ApplicationRecord a;
  a.id = "22222222-2222-4222-8222-222222222222";
  a.customer_id = "44444444-4444-4444-8444-444444444444";
  a.vehicle_id = "55555555-5555-4555-8555-555555555555";
  a.template_id = "66666666-6666-4666-8666-666666666666";
  a.status = "approved";
  a.answers = js::object{{"monthly_income", 80000000}};
  a.applicant_age = 31;
  a.decision_id = approved().id;
  a.decision = approved();
  a.created_at = a.updated_at = kNow - std::chrono::hours(2);
  return a;
}

}  // namespace

TEST(CreditViews, CustomerSeesTheDecisionButNotTheOfficersNoteOrAudit) {
  const auto o = application_json(application(), false);
  const auto& d = o.at("decision").as_object();
  EXPECT_EQ(d.at("decision").as_string(), "approved");
  EXPECT_FALSE(d.contains("note"));
  EXPECT_FALSE(d.contains("audit"));
  EXPECT_FALSE(d.contains("officer_id"));
  EXPECT_FALSE(o.contains("applicant_age"));
  EXPECT_EQ(o.at("monthly_income").to_number<std::int64_t>(), 80000000);  // the answers are flattened in
}

TEST(CreditViews, StaffSeeNoteAuditSuggestedTermsAndHistory) {
  std::vector<HistoryEntry> history{{std::nullopt, "submitted", "customer", std::nullopt, std::nullopt, kNow},
                                    {std::string("submitted"), "approved", "officer", approved().officer_id,
                                     std::string("ok"), kNow}};
  const auto o = application_json(application(), true, &history);
  const auto& d = o.at("decision").as_object();
  EXPECT_EQ(d.at("note").as_string(), "spoke to the guarantor");
  EXPECT_EQ(d.at("suggested_terms").at("deposit_percent").to_number<int>(), 25);
  EXPECT_EQ(o.at("applicant_age").to_number<int>(), 31);
  ASSERT_EQ(o.at("history").as_array().size(), 2u);
  EXPECT_TRUE(o.at("history").as_array()[0].at("from").is_null());
}

TEST(CreditViews, AnApprovalIsValidOnlyWhileInForceAndUnexpired) {
  auto a = application();
  const auto d = approved();
  EXPECT_TRUE(decision_valid(a, d, kNow));
  EXPECT_FALSE(decision_valid(a, d, *d.expires_at));  // expiry is exclusive
  a.status = "withdrawn";
  EXPECT_FALSE(decision_valid(a, d, kNow));
  a = application();
  a.decision_id = "77777777-7777-4777-8777-777777777777";  // superseded
  EXPECT_FALSE(decision_valid(a, d, kNow));
}

TEST(CreditViews, InternalDecisionHidesTermsOfADecline) {
  auto d = approved();
  auto o = internal_decision_json(application(), d, kNow);
  EXPECT_TRUE(o.at("valid").as_bool());
  EXPECT_TRUE(o.at("terms").is_object());
  d.decision = "declined";
  o = internal_decision_json(application(), d, kNow);
  EXPECT_FALSE(o.at("valid").as_bool());
  EXPECT_TRUE(o.at("terms").is_null());
}

TEST(CreditViews, CursorRoundTripsAndForgedCursorsAreRefused) {
  const PageCursor c{1'700'000'000'000'000, "88888888-8888-4888-8888-888888888888"};
  EXPECT_EQ(decode_cursor(encode_cursor(c)), c);
  EXPECT_FALSE(decode_cursor("not-a-cursor"));
  EXPECT_FALSE(decode_cursor(""));
  EXPECT_FALSE(decode_cursor(encode_cursor({-1, c.id})));
  EXPECT_FALSE(decode_cursor(encode_cursor({c.created_us, "x"})));
}

TEST(CreditViews, PageQueryNamesEachBadParameter) {
  auto q = parse_page_query({{"limit", "50"}});
  EXPECT_EQ(q.limit, 50);
  EXPECT_FALSE(q.after);
  EXPECT_EQ(parse_page_query({}).limit, kDefaultPageSize);
  const auto e = error_of([] { parse_page_query({{"limit", "0"}, {"cursor", "zzz"}}); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "limit"));
  EXPECT_TRUE(names_field(e, "cursor"));
  EXPECT_TRUE(names_field(error_of([] { parse_page_query({{"limit", "101"}}); }), "limit"));
}
