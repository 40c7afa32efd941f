#pragma once
// A scorecard model is data (a JSON document stored as a versioned row): the score scaling, an
// intercept, factors whose bins carry log-odds contributions, and the grade bands with the
// decision and terms each grade gets. parse_model() validates a document completely and
// precomputes each bin's points, so scoring itself is a few comparisons and additions.
//
// Scaling (points to double the odds):  factor = pdo / ln 2,
//                                        offset = base_score - factor * ln(base_odds),
//                                        score  = offset + factor * ln(odds).
// ln(odds) = intercept + sum of the chosen bins' log-odds, so the score is
//   base_points + sum of bin points, with base_points = round(offset + factor * intercept) and
//   bin points = round(factor * log_odds), clamped to [300, 850].
#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"

namespace credit_service {

inline constexpr int kMinScore = 300;
inline constexpr int kMaxScore = 850;

// The characteristics a model may bin. Computed from an application (see scorecard.hpp).
enum class Input {
  AffordabilityBp,             // monthly instalment / (income - obligations), basis points
  EmploymentType,              // categorical: one of kEmploymentTypes
  MonthsInWork,
  InflowToIncomePercent,       // mobile-money average monthly inflow / declared income, percent
  MmAvgMonthlyTransactions,
  MmMonthsOfHistory,
  MonthsAtResidence,
  Dependants,
  ReferencesCount,             // references besides the (always required) guarantor
  RepaymentOnTimePercent,      // missing for a customer with no settled instalment with us
  RepaymentWorstDaysPastDue,   // missing for a customer with no repayment history with us
  UsageActiveDaysPercent,      // share of the days with tracker data before the application on which the
                               // customer's vehicle was used; missing without such a day (see usage.hpp)
};
inline constexpr std::size_t kInputCount = 12;

struct InputInfo {
  std::string_view name;
  bool categorical;
  bool nullable;  // may be missing; the factor then needs a "missing" bin
};
const InputInfo& info(Input i) noexcept;
std::optional<Input> input_from(std::string_view name) noexcept;

struct Bin {
  std::string label;
  std::optional<std::int64_t> min, max;  // numeric bins: inclusive bounds, absent = open
  std::vector<std::string> values;       // categorical bins
  bool missing = false;                  // the bin for a missing value
  double log_odds = 0;
  int points = 0;                        // round(factor * log_odds)
  bool explain = true;                   // may be given as a reason
};

struct Factor {
  std::string code;
  std::string label;
  Input input = Input::AffordabilityBp;
  std::string reason_code;
  std::string reason_message;
  std::vector<Bin> bins;
  int max_points = 0;  // the best bin's points
};

struct Scaling {
  int pdo = 40;
  int base_score = 600;
  double base_odds = 30;
  double factor = 0;  // pdo / ln 2
  double offset = 0;  // base_score - factor * ln(base_odds)
};

struct GradeRule {
  std::string grade;
  int min_score = kMinScore;
  Decision decision = Decision::Declined;
  std::optional<int> min_deposit_percent;  // approved and referred grades
  std::optional<int> max_term_days;
};

struct Model {
  int version = 0;  // from the row, not the document
  std::string name;
  std::string description;
  Scaling scaling;
  double intercept_log_odds = 0;
  int base_points = 0;  // round(offset + factor * intercept)
  std::vector<Factor> factors;
  std::vector<GradeRule> grades;  // by descending min_score; the last starts at 300

  const GradeRule& grade_for(int score) const;
};

// Validates a model document. Throws rto::Error (400) naming every bad field with `prefix`
// ("model.factors[2].bins[1].min"). Unknown members are refused.
Model parse_model(const boost::json::object& doc, const std::string& prefix = "model");

// ln(odds) and the good:bad odds a score stands for under this scaling.
double log_odds_at(const Scaling& s, int score);
double odds_at(const Scaling& s, int score);

}  // namespace credit_service
