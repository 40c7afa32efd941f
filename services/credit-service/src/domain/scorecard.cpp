#include "domain/scorecard.hpp"

#include <algorithm>

namespace credit_service {
namespace js = boost::json;

std::int64_t affordability_bp(const rto::Money& instalment, const rto::Money& income, const rto::Money& obligations) {
  const std::int64_t disposable = income.amount - obligations.amount;
  if (disposable <= 0) return kNoDisposableIncome;
  const std::int64_t num = instalment.amount * 10000;  // amounts are at most 1e13: no overflow
  const std::int64_t bp = num / disposable + (num % disposable != 0 ? 1 : 0);
  return std::min(bp, kNoDisposableIncome);
}

Characteristics characteristics_of(const ApplicationInput& in, const rto::Money& monthly_instalment,
                                   const std::optional<RepaymentHistory>& history,
                                   const std::optional<UsageSummary>& usage) {
  Characteristics c;
  c.set(Input::AffordabilityBp, affordability_bp(monthly_instalment, in.monthly_income, in.monthly_obligations));
  c.employment_type = in.employment_type;
  c.set(Input::MonthsInWork, in.months_in_work);
  c.set(Input::InflowToIncomePercent,
        in.monthly_income.amount > 0 ? in.mobile_money.avg_monthly_inflow * 100 / in.monthly_income.amount : 0);
  c.set(Input::MmAvgMonthlyTransactions, in.mobile_money.avg_monthly_transactions);
  c.set(Input::MmMonthsOfHistory, in.mobile_money.months_of_history);
  c.set(Input::MonthsAtResidence, in.months_at_residence);
  c.set(Input::Dependants, in.dependants);
  c.set(Input::ReferencesCount, in.references_count());
  if (history) {
    const auto settled = history->on_time + history->late;
    if (settled > 0) c.set(Input::RepaymentOnTimePercent, history->on_time * 100 / settled);
    c.set(Input::RepaymentWorstDaysPastDue, std::max(history->worst_days_late, history->worst_days_past_due));
  }
  if (usage && usage->days_with_data > 0) c.set(Input::UsageActiveDaysPercent, usage->active_days_percent());
  return c;
}

js::object characteristics_json(const Characteristics& c) {
  js::object o;
  for (std::size_t i = 0; i < kInputCount; ++i) {
    const auto in = static_cast<Input>(i);
    const auto& inf = info(in);
    if (inf.categorical)
      o[inf.name] = c.employment_type;
    else if (auto v = c.get(in))
      o[inf.name] = *v;
    else
      o[inf.name] = nullptr;
  }
  return o;
}

js::array reasons_json(const std::vector<Reason>& rs) {
  js::array a;
  for (const auto& r : rs) a.push_back(js::object{{"code", r.code}, {"message", r.message}});
  return a;
}

namespace {

std::size_t bin_for(const Factor& f, const Characteristics& c) {
  const auto& inf = info(f.input);
  if (inf.categorical) {
    for (std::size_t b = 0; b < f.bins.size(); ++b)
      for (const auto& v : f.bins[b].values)
        if (v == c.employment_type) return b;
    return 0;  // unreachable for a validated model and a validated application
  }
  const auto v = c.get(f.input);
  for (std::size_t b = 0; b < f.bins.size(); ++b) {
    const auto& bin = f.bins[b];
    if (!v) {
      if (bin.missing) return b;
      continue;
    }
    if (bin.missing) continue;
    if ((!bin.min || *v >= *bin.min) && (!bin.max || *v <= *bin.max)) return b;
  }
  return 0;
}

}  // namespace

std::vector<Reason> top_reasons(const Model& m, const std::vector<FactorResult>& factors, std::size_t n) {
  std::vector<const FactorResult*> costly;
  for (const auto& f : factors)
    if (f.points_lost > 0 && m.factors[f.factor].bins[f.bin].explain) costly.push_back(&f);
  std::stable_sort(costly.begin(), costly.end(),
                   [](const FactorResult* a, const FactorResult* b) { return a->points_lost > b->points_lost; });
  std::vector<Reason> out;
  for (std::size_t i = 0; i < costly.size() && i < n; ++i) {
    const auto& f = m.factors[costly[i]->factor];
    out.push_back({f.reason_code, f.reason_message});
  }
  return out;
}

ScoreResult score(const Model& m, const Characteristics& c) {
  ScoreResult r;
  r.base_points = m.base_points;
  r.raw_score = m.base_points;
  r.factors.reserve(m.factors.size());
  for (std::size_t i = 0; i < m.factors.size(); ++i) {
    const auto& f = m.factors[i];
    FactorResult fr;
    fr.factor = i;
    fr.bin = bin_for(f, c);
    fr.points = f.bins[fr.bin].points;
    fr.points_lost = f.max_points - fr.points;
    r.raw_score += fr.points;
    r.factors.push_back(fr);
  }
  r.score = std::clamp(r.raw_score, kMinScore, kMaxScore);
  for (std::size_t g = 0; g < m.grades.size(); ++g) {
    r.grade = g;
    if (r.score >= m.grades[g].min_score) break;
  }
  r.reasons = top_reasons(m, r.factors);
  return r;
}

js::array breakdown_json(const Model& m, const Characteristics& c, const ScoreResult& r) {
  js::array a;
  a.reserve(r.factors.size());
  for (const auto& fr : r.factors) {
    const auto& f = m.factors[fr.factor];
    const auto& bin = f.bins[fr.bin];
    const auto& inf = info(f.input);
    js::value value = nullptr;
    if (inf.categorical)
      value = c.employment_type;
    else if (auto v = c.get(f.input))
      value = *v;
    a.push_back(js::object{{"code", f.code},
                           {"label", f.label},
                           {"input", inf.name},
                           {"value", std::move(value)},
                           {"bin", bin.label},
                           {"log_odds", bin.log_odds},
                           {"points", fr.points},
                           {"max_points", f.max_points},
                           {"points_lost", fr.points_lost}});
  }
  return a;
}

}  // namespace credit_service
