#include "domain/plan_template.hpp"

#include <rto/errors.hpp>
#include <rto/json.hpp>

#include "domain/arith.hpp"

namespace payment_service {
namespace js = boost::json;

std::string_view to_string(Pricing p) noexcept { return p == Pricing::FlatMarkup ? "flat_markup" : "annual_rate"; }

std::optional<Pricing> pricing_from(std::string_view s) noexcept {
  if (s == "flat_markup") return Pricing::FlatMarkup;
  if (s == "annual_rate") return Pricing::AnnualRate;
  return std::nullopt;
}

std::int64_t LateFeeRule::fee_for(std::int64_t overdue, std::int64_t unit) const {
  if (overdue <= 0) return 0;
  std::int64_t fee = 0;
  switch (kind) {
    case Kind::None: return 0;
    case Kind::Fixed: fee = amount; break;
    case Kind::Percent:
      fee = mul_div_floor(overdue, bps, 10000);
      if (cap > 0 && fee > cap) fee = cap;
      break;
  }
  return round_down(fee, unit);
}

static std::string_view kind_name(LateFeeRule::Kind k) {
  switch (k) {
    case LateFeeRule::Kind::None: return "none";
    case LateFeeRule::Kind::Fixed: return "fixed";
    case LateFeeRule::Kind::Percent: return "percent";
  }
  return "none";
}

static js::object late_fee_json(const LateFeeRule& r) {
  js::object o{{"kind", kind_name(r.kind)}};
  if (r.kind == LateFeeRule::Kind::Fixed) o["amount"] = r.amount;
  if (r.kind == LateFeeRule::Kind::Percent) {
    o["percent_bps"] = r.bps;
    o["cap"] = r.cap > 0 ? js::value(r.cap) : js::value(nullptr);
  }
  return o;
}

js::object to_json(const PlanTemplate& t) {
  js::object o = terms_json(t);
  o["active"] = t.active;
  o["current"] = t.current();
  o["superseded_by"] = t.superseded_by ? js::value(*t.superseded_by) : js::value(nullptr);
  return o;
}

js::object terms_json(const PlanTemplate& t) {
  return js::object{{"id", t.id},
                    {"slug", t.slug},
                    {"version", t.version},
                    {"name", t.name},
                    {"category", t.category},
                    {"currency", std::string(t.currency.code())},
                    {"frequency", to_string(t.frequency)},
                    {"instalment_count", t.instalment_count},
                    {"min_deposit_bps", t.min_deposit_bps},
                    {"pricing", to_string(t.pricing)},
                    {"rate_bps", t.rate_bps},
                    {"grace_days", t.grace_days},
                    {"late_fee", late_fee_json(t.late_fee)},
                    {"lock_after_days", t.lock_after_days},
                    {"rounding_unit", t.rounding_unit},
                    {"payoff_discount_bps", t.payoff_discount_bps}};
}

namespace {

void read_late_fee(rto::json::Reader& r, const js::object* o, LateFeeRule& out) {
  if (!o) return;
  rto::json::Reader f(*o, r.path("late_fee"));
  f.reject_unknown({"kind", "amount", "percent_bps", "cap"});
  auto kind = f.one_of("kind", true, {"none", "fixed", "percent"});
  if (kind == "fixed") {
    out.kind = LateFeeRule::Kind::Fixed;
    out.amount = f.integer("amount", true, 1, 1'000'000'000'000).value_or(0);
  } else if (kind == "percent") {
    out.kind = LateFeeRule::Kind::Percent;
    out.bps = static_cast<int>(f.integer("percent_bps", true, 1, 10000).value_or(0));
    out.cap = f.integer("cap", false, 1, 1'000'000'000'000).value_or(0);
  } else {
    out.kind = LateFeeRule::Kind::None;
  }
  // Members of the other kinds are not used, but a wrongly typed one is still refused by name.
  if (kind != "fixed") f.integer("amount", false, 1, 1'000'000'000'000);
  if (kind != "percent") {
    f.integer("percent_bps", false, 1, 10000);
    f.integer("cap", false, 1, 1'000'000'000'000);
  }
  r.merge(f);
}

}  // namespace

PlanTemplate parse_template(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"slug", "name", "category", "currency", "frequency", "instalment_count", "min_deposit_bps",
                    "pricing", "rate_bps", "grace_days", "late_fee", "lock_after_days", "rounding_unit",
                    "payoff_discount_bps", "active"});
  PlanTemplate t;
  auto slug = r.string("slug", true, 3, 64);
  if (slug) {
    bool ok = true;
    for (char c : *slug) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    if (!ok) r.fail("slug", "may contain only a-z, 0-9 and '-'");
    t.slug = *slug;
  }
  t.name = r.string("name", true, 1, 120).value_or("");
  t.category = r.one_of("category", true, {"motorcycle", "e-motorcycle", "tuk-tuk", "car"}).value_or("");
  if (auto c = r.string("currency", true, 3, 3)) {
    if (auto cur = rto::Currency::find(*c))
      t.currency = *cur;
    else
      r.fail("currency", "must be a supported ISO 4217 code");
  }
  if (auto f = r.one_of("frequency", true, {"daily", "weekly", "monthly"})) t.frequency = *frequency_from(*f);
  t.instalment_count = static_cast<int>(r.integer("instalment_count", true, 1, 2000).value_or(0));
  t.min_deposit_bps = static_cast<int>(r.integer("min_deposit_bps", true, 0, 9000).value_or(0));
  if (auto p = r.one_of("pricing", true, {"flat_markup", "annual_rate"})) t.pricing = *pricing_from(*p);
  t.rate_bps = static_cast<int>(r.integer("rate_bps", true, 0, 50000).value_or(0));
  t.grace_days = static_cast<int>(r.integer("grace_days", false, 0, 60).value_or(0));
  read_late_fee(r, r.object("late_fee", false), t.late_fee);
  t.lock_after_days = static_cast<int>(r.integer("lock_after_days", true, 1, 365).value_or(0));
  t.rounding_unit = r.integer("rounding_unit", false, 1, 1'000'000).value_or(1);
  t.payoff_discount_bps = static_cast<int>(r.integer("payoff_discount_bps", false, 0, 10000).value_or(10000));
  t.active = r.boolean("active", false).value_or(true);
  if (t.frequency == Frequency::Daily && t.instalment_count > 0 && t.instalment_count > 1830)
    r.fail("instalment_count", "a daily plan may run at most 1830 days");
  r.finish();
  return t;
}

PlanTemplate template_from_terms(const js::object& o) {
  PlanTemplate t;
  auto s = [&](const char* k) { return std::string(o.at(k).as_string()); };
  auto i = [&](const char* k) { return o.at(k).to_number<std::int64_t>(); };
  t.id = s("id");
  t.slug = s("slug");
  t.version = static_cast<int>(i("version"));
  t.name = s("name");
  t.category = s("category");
  t.currency = rto::Currency::of(s("currency"));
  t.frequency = frequency_from(s("frequency")).value_or(Frequency::Daily);
  t.instalment_count = static_cast<int>(i("instalment_count"));
  t.min_deposit_bps = static_cast<int>(i("min_deposit_bps"));
  t.pricing = pricing_from(s("pricing")).value_or(Pricing::FlatMarkup);
  t.rate_bps = static_cast<int>(i("rate_bps"));
  t.grace_days = static_cast<int>(i("grace_days"));
  t.lock_after_days = static_cast<int>(i("lock_after_days"));
  t.rounding_unit = i("rounding_unit");
  t.payoff_discount_bps = static_cast<int>(i("payoff_discount_bps"));
  const auto& lf = o.at("late_fee").as_object();
  auto kind = std::string(lf.at("kind").as_string());
  if (kind == "fixed") {
    t.late_fee.kind = LateFeeRule::Kind::Fixed;
    t.late_fee.amount = lf.at("amount").to_number<std::int64_t>();
  } else if (kind == "percent") {
    t.late_fee.kind = LateFeeRule::Kind::Percent;
    t.late_fee.bps = static_cast<int>(lf.at("percent_bps").to_number<std::int64_t>());
    const auto& cap = lf.at("cap");
    t.late_fee.cap = cap.is_null() ? 0 : cap.to_number<std::int64_t>();
  }
  return t;
}

}  // namespace payment_service
