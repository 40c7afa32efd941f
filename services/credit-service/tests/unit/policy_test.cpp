// The decision policy: hard rules first, then model v1's grade table.
//   A >= 700 approved, deposit 10 %, 730 days     B >= 650 approved, 15 %, 730 days
//   C >= 600 approved, 25 %, 548 days             D >= 550 referred (suggested 30 %, 548 days)
//   E >= 300 declined
#include <gtest/gtest.h>

#include "domain/policy.hpp"
#include "seed_model.hpp"

using namespace credit_service;
using namespace std::chrono;

namespace {

const Model& model() {
  static const Model m = seed_model();
  return m;
}

const TimePoint kNow = sys_days{year(2026) / 6 / 15} + hours(9);

// A score result whose score is `s` (the factors do not matter to the grade table).
ScoreResult at(int s, std::vector<Reason> reasons = {}) {
  ScoreResult r;
  r.score = r.raw_score = s;
  for (std::size_t g = 0; g < model().grades.size(); ++g) {
    r.grade = g;
    if (s >= model().grades[g].min_score) break;
  }
  r.reasons = std::move(reasons);
  return r;
}

PolicyInputs inputs() {
  PolicyInputs p;
  p.age_years = 30;
  p.affordability_bp = 3000;
  p.affordability_limit_percent = 40;
  p.vehicle_price = rto::Money::of(4'800'000, "UGX");
  p.now = kNow;
  p.approval_ttl = days(30);
  return p;
}

}  // namespace

TEST(Policy, GradeTable) {
  struct Row {
    int score;
    const char* grade;
    Decision decision;
    int deposit;
    int term;
  };
  for (const auto& row : std::vector<Row>{{850, "A", Decision::Approved, 10, 730},
                                          {700, "A", Decision::Approved, 10, 730},
                                          {699, "B", Decision::Approved, 15, 730},
                                          {650, "B", Decision::Approved, 15, 730},
                                          {649, "C", Decision::Approved, 25, 548},
                                          {600, "C", Decision::Approved, 25, 548},
                                          {599, "D", Decision::Referred, 30, 548},
                                          {550, "D", Decision::Referred, 30, 548},
                                          {549, "E", Decision::Declined, 0, 0},
                                          {300, "E", Decision::Declined, 0, 0}}) {
    auto o = decide(model(), at(row.score), inputs());
    EXPECT_EQ(o.grade, row.grade) << row.score;
    EXPECT_EQ(o.decision, row.decision) << row.score;
    EXPECT_FALSE(o.declined_by_rule);
    if (row.decision == Decision::Approved) {
      ASSERT_TRUE(o.terms) << row.score;
      EXPECT_EQ(o.terms->min_deposit_percent, row.deposit);
      EXPECT_EQ(o.terms->max_term_days, row.term);
      // max financed = floor(4,800,000 * (100 - deposit) / 100)
      EXPECT_EQ(o.terms->max_financed->amount, 4'800'000 * (100 - row.deposit) / 100);
      EXPECT_EQ(o.expires_at, kNow + days(30));
      EXPECT_FALSE(o.suggested_terms);
    } else if (row.decision == Decision::Referred) {
      EXPECT_FALSE(o.terms);
      EXPECT_FALSE(o.expires_at);
      ASSERT_TRUE(o.suggested_terms);
      EXPECT_EQ(o.suggested_terms->min_deposit_percent, 30);
      EXPECT_EQ(o.suggested_terms->max_financed->amount, 3'360'000);
    } else {
      EXPECT_FALSE(o.terms);
      EXPECT_FALSE(o.suggested_terms);
      EXPECT_FALSE(o.expires_at);
    }
  }
}

TEST(Policy, GradeCApprovesWithAHigherDeposit) {
  auto b = decide(model(), at(650), inputs());
  auto c = decide(model(), at(649), inputs());
  EXPECT_EQ(c.decision, Decision::Approved);
  EXPECT_GT(c.terms->min_deposit_percent, b.terms->min_deposit_percent);
  EXPECT_EQ(c.terms->max_financed->amount, 3'600'000);  // 4,800,000 * 75 / 100
}

TEST(Policy, UnderEighteenIsDeclinedWhateverTheScore) {
  auto p = inputs();
  p.age_years = 17;
  auto o = decide(model(), at(800, {{"r1", "one"}, {"r2", "two"}, {"r3", "three"}}), p);
  EXPECT_EQ(o.decision, Decision::Declined);
  EXPECT_TRUE(o.declined_by_rule);
  EXPECT_EQ(o.grade, "A");
  ASSERT_EQ(o.reasons.size(), 3u);
  EXPECT_EQ(o.reasons[0].code, "applicant_under_18");
  EXPECT_EQ(o.reasons[1].code, "r1");  // then the scorecard's reasons, up to three in all
  EXPECT_EQ(o.reasons[2].code, "r2");
  EXPECT_FALSE(o.terms);
  EXPECT_EQ(o.rules[0].code, "minimum_age");
  EXPECT_EQ(o.rules[0].outcome, "failed");

  p.age_years = 18;
  EXPECT_EQ(decide(model(), at(800), p).decision, Decision::Approved);
}

TEST(Policy, AffordabilityLimitIsExact) {
  auto p = inputs();
  p.affordability_bp = 4000;  // exactly 40 %: allowed
  EXPECT_EQ(decide(model(), at(700), p).decision, Decision::Approved);
  p.affordability_bp = 4001;  // over 40 %
  auto o = decide(model(), at(700), p);
  EXPECT_EQ(o.decision, Decision::Declined);
  EXPECT_TRUE(o.declined_by_rule);
  EXPECT_EQ(o.reasons[0].code, "instalment_over_limit");
  EXPECT_EQ(o.reasons[0].message,
            "The instalment would be more than 40% of your monthly income after your existing obligations.");
  EXPECT_EQ(o.rules[1].outcome, "failed");

  p.affordability_limit_percent = 50;  // the limit is configuration
  EXPECT_EQ(decide(model(), at(700), p).decision, Decision::Approved);

  p.affordability_bp = kNoDisposableIncome;
  EXPECT_EQ(decide(model(), at(700), p).reasons[0].code, "no_disposable_income");
}

TEST(Policy, BothHardRulesGiveBothReasons) {
  auto p = inputs();
  p.age_years = 16;
  p.affordability_bp = 5000;
  auto o = decide(model(), at(620, {{"r1", "one"}, {"r2", "two"}}), p);
  ASSERT_EQ(o.reasons.size(), 3u);
  EXPECT_EQ(o.reasons[0].code, "applicant_under_18");
  EXPECT_EQ(o.reasons[1].code, "instalment_over_limit");
  EXPECT_EQ(o.reasons[2].code, "r1");
}

TEST(Policy, UnknownAgeIsNotChecked) {
  auto p = inputs();
  p.age_years.reset();
  auto o = decide(model(), at(700), p);
  EXPECT_EQ(o.decision, Decision::Approved);
  EXPECT_EQ(o.rules[0].outcome, "not_checked");
}

TEST(Policy, NoPriceMeansNoMaximumFinanced) {
  auto p = inputs();
  p.vehicle_price.reset();
  auto o = decide(model(), at(700), p);
  ASSERT_TRUE(o.terms);
  EXPECT_FALSE(o.terms->max_financed);
  EXPECT_TRUE(terms_json(o.terms).as_object().at("max_financed").is_null());
}

TEST(Policy, TermsRoundTripThroughJson) {
  Terms t{rto::Money::of(4'080'000, "UGX"), 15, 730};
  EXPECT_EQ(terms_from_json(terms_json(t)), t);
  EXPECT_EQ(terms_from_json(nullptr), std::nullopt);
}

TEST(Policy, AuditRecordsWhatReproducesTheDecision) {
  auto m = model();
  ApplicationInput in;
  in.employment_type = "boda_rider";
  in.monthly_income = rto::Money::of(1'200'000, "UGX");
  in.monthly_obligations = rto::Money::of(100'000, "UGX");
  auto c = characteristics_of(in, rto::Money::of(346'666, "UGX"), std::nullopt);
  auto s = score(m, c);
  auto p = inputs();
  auto o = decide(m, s, p);
  auto a = audit_json(m, c, s, o, p);
  EXPECT_EQ(a.at("model_version"), 1);
  EXPECT_EQ(a.at("scaling").as_object().at("pdo"), 40);
  EXPECT_EQ(a.at("score"), s.score);
  EXPECT_EQ(a.at("characteristics").as_object().at("affordability_bp"), 3152);
  EXPECT_EQ(a.at("factors").as_array().size(), m.factors.size());
  EXPECT_EQ(a.at("hard_rules").as_array().size(), 2u);
  EXPECT_EQ(a.at("affordability_limit_percent"), 40);
  EXPECT_EQ(a.at("approval_ttl_days"), 30);
  // probability of default = 1 / (1 + odds)
  double odds = a.at("odds").as_double();
  EXPECT_NEAR(a.at("probability_of_default").as_double(), 1.0 / (1.0 + odds), 1e-4);
}
