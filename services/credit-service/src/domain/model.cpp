#include "domain/model.hpp"

#include <cmath>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <set>

#include "domain/application.hpp"

namespace credit_service {
namespace js = boost::json;
using rto::json::Reader;

namespace {

constexpr InputInfo kInputs[kInputCount] = {
    {"affordability_bp", false, false},
    {"employment_type", true, false},
    {"months_in_work", false, false},
    {"inflow_to_income_percent", false, false},
    {"mm_avg_monthly_transactions", false, false},
    {"mm_months_of_history", false, false},
    {"months_at_residence", false, false},
    {"dependants", false, false},
    {"references_count", false, false},
    {"repayment_on_time_percent", false, true},
    {"repayment_worst_days_past_due", false, true},
    {"usage_active_days_percent", false, true},
};

std::optional<double> read_number(Reader& r, const js::object& o, std::string_view key, bool required, double min,
                                  double max) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) {
    if (required) r.fail(key, "is required");
    return std::nullopt;
  }
  const auto& v = it->value();
  double d = 0;
  if (v.is_double())
    d = v.as_double();
  else if (v.is_int64())
    d = static_cast<double>(v.as_int64());
  else if (v.is_uint64())
    d = static_cast<double>(v.as_uint64());
  else {
    r.fail(key, "must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < min || d > max) {
    r.fail(key, "must be a number between " + js::serialize(js::value(min)) + " and " + js::serialize(js::value(max)));
    return std::nullopt;
  }
  return d;
}

bool valid_code(std::string_view s) {
  if (s.size() < 2 || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

int points_of(double factor, double log_odds) { return static_cast<int>(std::lround(factor * log_odds)); }

Bin parse_bin(Reader& r, const js::object& o, const InputInfo& in, double factor) {
  r.reject_unknown({"label", "min", "max", "values", "missing", "log_odds", "explain"});
  Bin b;
  if (auto l = r.string("label", true, 1, 80)) b.label = *l;
  if (auto lo = read_number(r, o, "log_odds", true, -10, 10)) {
    b.log_odds = *lo;
    b.points = points_of(factor, *lo);
  }
  if (auto e = r.boolean("explain", false)) b.explain = *e;
  if (auto m = r.boolean("missing", false)) b.missing = *m;
  if (b.missing) {
    if (!in.nullable) r.fail("missing", "input '" + std::string(in.name) + "' is never missing");
    for (auto k : {"min", "max", "values"})
      if (o.contains(k)) r.fail(k, "is not allowed on the missing-value bin");
    return b;
  }
  if (in.categorical) {
    for (auto k : {"min", "max"})
      if (o.contains(k)) r.fail(k, "is not allowed for a categorical input");
    if (const auto* vs = r.array("values", true)) {
      if (vs->empty()) r.fail("values", "must list at least one value");
      for (std::size_t i = 0; i < vs->size(); ++i) {
        const auto& v = (*vs)[i];
        auto key = "values[" + std::to_string(i) + "]";
        if (!v.is_string() || !is_employment_type(v.as_string()))
          r.fail(key, "must be an employment type");
        else
          b.values.emplace_back(v.as_string());
      }
    }
  } else {
    if (o.contains("values")) r.fail("values", "is not allowed for a numeric input");
    b.min = r.integer("min", false);
    b.max = r.integer("max", false);
  }
  return b;
}

// Numeric bins must run in order from -inf to +inf with no gap or overlap.
void check_numeric_bins(Reader& fr, const std::vector<Bin>& bins, const std::vector<std::size_t>& idx) {
  std::vector<std::size_t> ordered;
  for (auto i : idx)
    if (!bins[i].missing) ordered.push_back(i);
  if (ordered.empty()) {
    fr.fail("bins", "must have at least one bin for present values");
    return;
  }
  for (std::size_t k = 0; k < ordered.size(); ++k) {
    const auto& b = bins[ordered[k]];
    const auto at = "bins[" + std::to_string(ordered[k]) + "]";
    bool first = k == 0, last = k + 1 == ordered.size();
    if (first && b.min) fr.fail(at + ".min", "must be absent on the first bin (it takes every lower value)");
    if (last && b.max) fr.fail(at + ".max", "must be absent on the last bin (it takes every higher value)");
    if (!first && !b.min) fr.fail(at + ".min", "is required");
    if (!last && !b.max) fr.fail(at + ".max", "is required");
    if (b.min && b.max && *b.min > *b.max) fr.fail(at + ".max", "must not be less than min");
    if (!first && b.min) {
      const auto& prev = bins[ordered[k - 1]];
      if (prev.max && *prev.max != INT64_MAX && *b.min != *prev.max + 1)
        fr.fail(at + ".min", "must be " + std::to_string(*prev.max + 1) +
                                 " (one more than the previous bin's max) so bins leave no gap and do not overlap");
    }
  }
}

}  // namespace

const InputInfo& info(Input i) noexcept { return kInputs[static_cast<std::size_t>(i)]; }

std::optional<Input> input_from(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kInputCount; ++i)
    if (kInputs[i].name == name) return static_cast<Input>(i);
  return std::nullopt;
}

const GradeRule& Model::grade_for(int score) const {
  for (const auto& g : grades)
    if (score >= g.min_score) return g;
  return grades.back();
}

double log_odds_at(const Scaling& s, int score) { return (score - s.offset) / s.factor; }
double odds_at(const Scaling& s, int score) { return std::exp(log_odds_at(s, score)); }

namespace {

// One entry of "factors": its errors are collected in `fr`; `codes` keeps codes unique.
Factor parse_factor(Reader& fr, std::set<std::string>& codes, double factor) {
  fr.reject_unknown({"code", "label", "input", "reason", "bins"});
  Factor f;
  if (auto c = fr.string("code", true, 1, 40)) {
    if (!valid_code(*c))
      fr.fail("code", "must be 2 to 40 lower-case letters, digits or '_'");
    else if (!codes.insert(*c).second)
      fr.fail("code", "is used by another factor");
    else
      f.code = *c;
  }
  if (auto l = fr.string("label", true, 1, 120)) f.label = *l;
  std::optional<Input> input;
  if (auto in = fr.string("input", true, 1, 60)) {
    input = input_from(*in);
    if (!input) {
      std::string list;
      for (const auto& x : kInputs) list += (list.empty() ? "" : ", ") + std::string(x.name);
      fr.fail("input", "must be one of: " + list);
    } else {
      f.input = *input;
    }
  }
  if (const auto* rs = fr.object("reason", true)) {
    Reader rr(*rs, fr.path("reason"));
    rr.reject_unknown({"code", "message"});
    if (auto c = rr.string("code", true, 1, 60)) {
      if (valid_code(*c))
        f.reason_code = *c;
      else
        rr.fail("code", "must be 2 to 40 lower-case letters, digits or '_'");
    }
    if (auto msg = rr.string("message", true, 5, 300)) f.reason_message = *msg;
    fr.merge(rr);
  }
  if (const auto* bs = fr.array("bins", true); bs && input) {
    const auto& in = info(*input);
    if (bs->empty() || bs->size() > 30) fr.fail("bins", "must list 1 to 30 bins");
    std::vector<std::size_t> idx;
    for (std::size_t b = 0; b < bs->size(); ++b) {
      const auto bkey = "bins[" + std::to_string(b) + "]";
      if (!(*bs)[b].is_object()) {
        fr.fail(bkey, "must be an object");
        continue;
      }
      Reader br((*bs)[b].as_object(), fr.path(bkey));
      f.bins.push_back(parse_bin(br, (*bs)[b].as_object(), in, factor));
      idx.push_back(f.bins.size() - 1);
      fr.merge(br);
    }
    int missing_bins = 0;
    for (const auto& b : f.bins) missing_bins += b.missing ? 1 : 0;
    if (in.nullable && missing_bins != 1)
      fr.fail("bins", "must have exactly one bin with \"missing\": true (input '" + std::string(in.name) +
                          "' may be missing)");
    if (in.categorical) {
      for (auto t : kEmploymentTypes) {
        int seen = 0;
        for (const auto& b : f.bins)
          for (const auto& v : b.values) seen += v == t ? 1 : 0;
        if (seen != 1)
          fr.fail("bins",
                  "must place '" + std::string(t) + "' in exactly one bin (found " + std::to_string(seen) + ")");
      }
    } else if (fr.ok()) {
      check_numeric_bins(fr, f.bins, idx);
    }
    if (!f.bins.empty()) {
      f.max_points = f.bins.front().points;
      for (const auto& b : f.bins) f.max_points = std::max(f.max_points, b.points);
    }
  }
  return f;
}

// One entry of "grades" (best first): `previous` is the grade before it, if any.
GradeRule parse_grade(Reader& gr, const js::object& go, std::set<std::string>& names, const GradeRule* previous,
                      bool last) {
  gr.reject_unknown({"grade", "min_score", "decision", "min_deposit_percent", "max_term_days"});
  GradeRule g;
  if (auto n = gr.string("grade", true, 1, 3)) {
    if (!names.insert(*n).second) gr.fail("grade", "is used by another grade"); else g.grade = *n;
  }
  if (auto s = gr.integer("min_score", true, kMinScore, kMaxScore)) g.min_score = static_cast<int>(*s);
  if (auto d = gr.one_of("decision", true, {"approved", "referred", "declined"})) g.decision = *decision_from(*d);
  bool terms = g.decision != Decision::Declined;
  if (auto p = gr.integer("min_deposit_percent", terms, 0, 100)) g.min_deposit_percent = static_cast<int>(*p);
  if (auto t = gr.integer("max_term_days", terms, 1, 3650)) g.max_term_days = static_cast<int>(*t);
  if (!terms) {
    if (go.contains("min_deposit_percent")) gr.fail("min_deposit_percent", "is not allowed on a declined grade");
    if (go.contains("max_term_days")) gr.fail("max_term_days", "is not allowed on a declined grade");
  }
  if (previous && gr.ok() && g.min_score >= previous->min_score)
    gr.fail("min_score", "must be lower than the previous grade's (grades run from best to worst)");
  if (last && g.min_score != kMinScore)
    gr.fail("min_score", "must be 300 on the last grade, so every score has a grade");
  return g;
}

}  // namespace

Model parse_model(const js::object& doc, const std::string& prefix) {
  Reader r(doc, prefix);
  r.reject_unknown({"name", "description", "scaling", "intercept_log_odds", "factors", "grades"});
  Model m;
  if (auto n = r.string("name", true, 1, 80)) m.name = *n;
  if (auto d = r.string("description", false, 0, 2000)) m.description = *d;

  bool scaling_ok = false;
  if (const auto* s = r.object("scaling", true)) {
    Reader sr(*s, r.path("scaling"));
    sr.reject_unknown({"pdo", "base_score", "base_odds"});
    auto pdo = sr.integer("pdo", true, 1, 500);
    auto base = sr.integer("base_score", true, kMinScore, kMaxScore);
    auto odds = read_number(sr, *s, "base_odds", true, 0.001, 1e9);
    if (pdo && base && odds) {
      m.scaling.pdo = static_cast<int>(*pdo);
      m.scaling.base_score = static_cast<int>(*base);
      m.scaling.base_odds = *odds;
      m.scaling.factor = m.scaling.pdo / std::log(2.0);
      m.scaling.offset = m.scaling.base_score - m.scaling.factor * std::log(m.scaling.base_odds);
      scaling_ok = true;
    }
    r.merge(sr);
  }
  // Points need the factor; with a bad scaling the rest is still checked, with factor 1.
  const double factor = scaling_ok ? m.scaling.factor : 1.0;
  if (auto i = read_number(r, doc, "intercept_log_odds", true, -20, 20)) {
    m.intercept_log_odds = *i;
    m.base_points = static_cast<int>(std::lround(m.scaling.offset + factor * *i));
  }

  if (const auto* fs = r.array("factors", true)) {
    if (fs->empty() || fs->size() > 40) r.fail("factors", "must list 1 to 40 factors");
    std::set<std::string> codes;
    for (std::size_t i = 0; i < fs->size(); ++i) {
      const auto key = "factors[" + std::to_string(i) + "]";
      if (!(*fs)[i].is_object()) {
        r.fail(key, "must be an object");
        continue;
      }
      Reader fr((*fs)[i].as_object(), r.path(key));
      auto f = parse_factor(fr, codes, factor);
      r.merge(fr);
      m.factors.push_back(std::move(f));
    }
  }

  if (const auto* gs = r.array("grades", true)) {
    if (gs->empty() || gs->size() > 10) r.fail("grades", "must list 1 to 10 grades");
    std::set<std::string> names;
    for (std::size_t i = 0; i < gs->size(); ++i) {
      const auto key = "grades[" + std::to_string(i) + "]";
      if (!(*gs)[i].is_object()) {
        r.fail(key, "must be an object");
        continue;
      }
      const auto& go = (*gs)[i].as_object();
      Reader gr(go, r.path(key));
      auto g = parse_grade(gr, go, names, m.grades.empty() ? nullptr : &m.grades.back(), i + 1 == gs->size());
      r.merge(gr);
      m.grades.push_back(std::move(g));
    }
  }

  r.finish();
  return m;
}

}  // namespace credit_service
