#pragma once
// The decision policy, pure: hard rules first (under 18 -> declined; instalment above the
// affordability limit of income after obligations -> declined), then the model's grade table
// (grade -> approved | referred | declined, with terms). Also the audit record every decision
// stores so it can be reproduced.
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "domain/scorecard.hpp"
#include "domain/time.hpp"

namespace credit_service {

inline constexpr int kMinimumAge = 18;

struct Terms {
  std::optional<rto::Money> max_financed;  // absent when no vehicle price is known (prequalification)
  int min_deposit_percent = 0;
  int max_term_days = 0;
  bool operator==(const Terms&) const = default;
};
boost::json::value terms_json(const std::optional<Terms>& t);  // object or null
// Reads what terms_json wrote; nullopt for null.
std::optional<Terms> terms_from_json(const boost::json::value& v);

// The grade's terms; max_financed = floor(price * (100 - min_deposit_percent) / 100).
Terms terms_for(const GradeRule& g, const std::optional<rto::Money>& vehicle_price);

struct PolicyInputs {
  std::optional<int> age_years;  // unknown only in prequalification without a date of birth
  std::int64_t affordability_bp = 0;
  int affordability_limit_percent = 40;
  std::optional<rto::Money> vehicle_price;
  TimePoint now{};
  std::chrono::days approval_ttl{30};
};

struct RuleCheck {
  std::string code;     // minimum_age | affordability
  std::string outcome;  // passed | failed | not_checked
  boost::json::value value;
  boost::json::value limit;
};

struct Outcome {
  Decision decision = Decision::Declined;
  std::string grade;
  std::vector<Reason> reasons;           // up to three: failed hard rules first
  std::optional<Terms> terms;            // approved only
  std::optional<Terms> suggested_terms;  // referred: the grade's terms, a starting point for the officer
  std::optional<TimePoint> expires_at;   // approved only
  std::vector<RuleCheck> rules;
  bool declined_by_rule = false;
};

Outcome decide(const Model& m, const ScoreResult& s, const PolicyInputs& p);

// Everything needed to audit and reproduce a decision.
boost::json::object audit_json(const Model& m, const Characteristics& c, const ScoreResult& s, const Outcome& o,
                               const PolicyInputs& p);
boost::json::array rules_json(const std::vector<RuleCheck>& rules);

}  // namespace credit_service
