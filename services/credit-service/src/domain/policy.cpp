#include "domain/policy.hpp"

#include <cmath>
#include <rto/clock.hpp>

namespace credit_service {
namespace js = boost::json;

js::value terms_json(const std::optional<Terms>& t) {
  if (!t) return nullptr;
  return js::object{{"max_financed", t->max_financed ? t->max_financed->to_json() : js::value(nullptr)},
                    {"min_deposit_percent", t->min_deposit_percent},
                    {"max_term_days", t->max_term_days}};
}

std::optional<Terms> terms_from_json(const js::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  Terms t;
  if (const auto* mf = o.if_contains("max_financed"); mf && !mf->is_null())
    t.max_financed = rto::money_from_json(*mf, "max_financed");
  t.min_deposit_percent = static_cast<int>(o.at("min_deposit_percent").to_number<std::int64_t>());
  t.max_term_days = static_cast<int>(o.at("max_term_days").to_number<std::int64_t>());
  return t;
}

Terms terms_for(const GradeRule& g, const std::optional<rto::Money>& price) {
  Terms t;
  t.min_deposit_percent = g.min_deposit_percent.value_or(0);
  t.max_term_days = g.max_term_days.value_or(0);
  if (price) t.max_financed = price->scaled(100 - t.min_deposit_percent, 100);
  return t;
}

Outcome decide(const Model& m, const ScoreResult& s, const PolicyInputs& p) {
  Outcome o;
  const auto& grade = m.grades[s.grade];
  o.grade = grade.grade;

  // Hard rules, in order; each failure is a reason of its own.
  if (!p.age_years) {
    o.rules.push_back({"minimum_age", "not_checked", nullptr, kMinimumAge});
  } else if (*p.age_years < kMinimumAge) {
    o.rules.push_back({"minimum_age", "failed", *p.age_years, kMinimumAge});
    o.reasons.push_back({"applicant_under_18", "You must be at least 18 years old to take a vehicle on a plan."});
  } else {
    o.rules.push_back({"minimum_age", "passed", *p.age_years, kMinimumAge});
  }

  const std::int64_t limit_bp = static_cast<std::int64_t>(p.affordability_limit_percent) * 100;
  js::object limit{{"percent", p.affordability_limit_percent}, {"basis_points", limit_bp}};
  if (p.affordability_bp >= kNoDisposableIncome) {
    o.rules.push_back({"affordability", "failed", p.affordability_bp, limit});
    o.reasons.push_back(
        {"no_disposable_income", "Your existing monthly obligations take all of the income you declared."});
  } else if (p.affordability_bp > limit_bp) {
    o.rules.push_back({"affordability", "failed", p.affordability_bp, limit});
    o.reasons.push_back({"instalment_over_limit", "The instalment would be more than " +
                                                      std::to_string(p.affordability_limit_percent) +
                                                      "% of your monthly income after your existing obligations."});
  } else {
    o.rules.push_back({"affordability", "passed", p.affordability_bp, limit});
  }

  o.declined_by_rule = !o.reasons.empty();
  for (const auto& r : s.reasons) {
    if (o.reasons.size() >= 3) break;
    o.reasons.push_back(r);
  }

  if (o.declined_by_rule) {
    o.decision = Decision::Declined;
    return o;
  }
  o.decision = grade.decision;
  if (o.decision == Decision::Approved) {
    o.terms = terms_for(grade, p.vehicle_price);
    o.expires_at = p.now + p.approval_ttl;
  } else if (o.decision == Decision::Referred) {
    o.suggested_terms = terms_for(grade, p.vehicle_price);
  }
  return o;
}

js::array rules_json(const std::vector<RuleCheck>& rules) {
  js::array a;
  for (const auto& r : rules)
    a.push_back(js::object{{"code", r.code}, {"outcome", r.outcome}, {"value", r.value}, {"limit", r.limit}});
  return a;
}

namespace {
double round4(double x) { return std::round(x * 10000.0) / 10000.0; }
}  // namespace

js::object audit_json(const Model& m, const Characteristics& c, const ScoreResult& s, const Outcome& o,
                      const PolicyInputs& p) {
  const double lo = log_odds_at(m.scaling, s.score);
  const double odds = std::exp(lo);
  return js::object{
      {"model_version", m.version},
      {"model_name", m.name},
      {"scaling",
       {{"pdo", m.scaling.pdo},
        {"base_score", m.scaling.base_score},
        {"base_odds", m.scaling.base_odds},
        {"factor", round4(m.scaling.factor)},
        {"offset", round4(m.scaling.offset)}}},
      {"intercept_log_odds", m.intercept_log_odds},
      {"base_points", s.base_points},
      {"characteristics", characteristics_json(c)},
      {"factors", breakdown_json(m, c, s)},
      {"raw_score", s.raw_score},
      {"score", s.score},
      {"grade", o.grade},
      {"log_odds", round4(lo)},
      {"odds", round4(odds)},
      {"probability_of_default", round4(1.0 / (1.0 + odds))},
      {"hard_rules", rules_json(o.rules)},
      {"decision", to_string(o.decision)},
      {"suggested_terms", terms_json(o.suggested_terms)},
      {"affordability_limit_percent", p.affordability_limit_percent},
      {"approval_ttl_days", p.approval_ttl.count()},
      {"decided_at", rto::to_rfc3339(p.now)},
  };
}

}  // namespace credit_service
