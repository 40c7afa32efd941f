#pragma once
// The scorecard, pure: characteristics computed from an application (and the customer's
// repayment history with us), binned by a Model into points, summed into a 300–850 score, graded,
// and explained by the factors that cost the most points.
#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <vector>

#include "domain/application.hpp"
#include "domain/model.hpp"
#include "domain/usage.hpp"

namespace credit_service {

// What the payment service's events taught us about a returning customer.
struct RepaymentHistory {
  std::int64_t on_time = 0;              // settled instalments paid on or before the due date
  std::int64_t late = 0;                 // settled instalments paid after it
  std::int64_t worst_days_late = 0;      // of the settled instalments
  std::int64_t worst_days_past_due = 0;  // from delinquency changes
  std::int64_t payments = 0;
  bool operator==(const RepaymentHistory&) const = default;
};

struct Characteristics {
  std::array<std::optional<std::int64_t>, kInputCount> values{};  // numeric inputs
  std::string employment_type;                                    // the categorical input
  std::optional<std::int64_t> get(Input i) const { return values[static_cast<std::size_t>(i)]; }
  void set(Input i, std::optional<std::int64_t> v) { values[static_cast<std::size_t>(i)] = v; }
};

// Affordability in basis points, rounded up, so "over 40 %" is exactly "more than 4000":
// ceil(instalment * 10000 / (income - obligations)). When obligations take all the income it is
// kNoDisposableIncome.
inline constexpr std::int64_t kNoDisposableIncome = 1'000'000;
std::int64_t affordability_bp(const rto::Money& monthly_instalment, const rto::Money& income,
                              const rto::Money& obligations);

// `usage`: the customer's vehicle usage before the application (usage.hpp), none without any.
Characteristics characteristics_of(const ApplicationInput& in, const rto::Money& monthly_instalment,
                                   const std::optional<RepaymentHistory>& history,
                                   const std::optional<UsageSummary>& usage = std::nullopt);
boost::json::object characteristics_json(const Characteristics& c);

struct Reason {
  std::string code;
  std::string message;
  bool operator==(const Reason&) const = default;
};
boost::json::array reasons_json(const std::vector<Reason>& rs);

struct FactorResult {
  std::size_t factor = 0;  // index into Model::factors
  std::size_t bin = 0;     // index into that factor's bins
  int points = 0;
  int points_lost = 0;     // the factor's best points minus these
};

struct ScoreResult {
  int base_points = 0;
  int raw_score = 0;        // base_points + the factors' points
  int score = 0;            // raw_score clamped to [300, 850]
  std::size_t grade = 0;    // index into Model::grades
  std::vector<FactorResult> factors;
  std::vector<Reason> reasons;  // up to three, the costliest first
};

ScoreResult score(const Model& m, const Characteristics& c);

// The factors that cost the most points (best bin minus chosen bin), most first; ties keep the
// model's factor order. Bins marked "explain": false and factors that cost nothing are skipped.
std::vector<Reason> top_reasons(const Model& m, const std::vector<FactorResult>& factors, std::size_t n = 3);

// [{code, label, input, value, bin, log_odds, points, max_points, points_lost}, …]
boost::json::array breakdown_json(const Model& m, const Characteristics& c, const ScoreResult& r);

}  // namespace credit_service
