#include "domain/schedule.hpp"

#include <cmath>
#include <cstdio>
#include <rto/errors.hpp>

#include "domain/arith.hpp"

namespace payment_service {
namespace js = boost::json;

std::string Quote::effective_annual_rate_text() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", effective_annual_rate);
  return buf;
}

std::int64_t minimum_deposit(const PlanTemplate& t, std::int64_t price) {
  return round_up(mul_div_ceil(price, t.min_deposit_bps, 10000), t.rounding_unit);
}

namespace {

rto::Money money(std::int64_t a, const rto::Currency& c) { return {a, c}; }

// Last instalment left by paying `a` for count−1 periods on a declining balance.
std::int64_t amortised_last(std::int64_t principal, std::int64_t a, int count, std::int64_t rate_num,
                            std::int64_t rate_den) {
  i128 bal = principal;
  for (int i = 1; i < count; ++i) {
    i128 interest = bal > 0 ? bal * rate_num / rate_den : 0;
    bal = bal + interest - a;
  }
  i128 interest = bal > 0 ? bal * rate_num / rate_den : 0;
  i128 last = bal + interest;
  if (last > INT64_MAX) return INT64_MAX;
  if (last < INT64_MIN) return INT64_MIN;
  return static_cast<std::int64_t>(last);
}

void flat_schedule(Quote& q, const PlanTemplate& t) {
  q.charge = round_down(mul_div_floor(q.financed, t.rate_bps, 10000), t.rounding_unit);
  const std::int64_t total = q.financed + q.charge;
  const int n = t.instalment_count;
  q.instalment = round_down(total / n, t.rounding_unit);
  q.last_instalment = total - q.instalment * (n - 1);
  // Principal and charge parts in proportion, by cumulative floors so the parts add up exactly.
  std::int64_t cum = 0, principal_cum = 0;
  q.instalments.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    Instalment in;
    in.seq = i;
    in.amount = i == n ? q.last_instalment : q.instalment;
    cum += in.amount;
    std::int64_t p = total == 0 ? 0 : mul_div_floor(q.financed, cum, total);
    in.principal = p - principal_cum;
    in.charge = in.amount - in.principal;
    principal_cum = p;
    q.instalments.push_back(in);
  }
}

void amortised_schedule(Quote& q, const PlanTemplate& t) {
  const int n = t.instalment_count;
  const std::int64_t num = t.rate_bps;
  const std::int64_t den = std::int64_t{10000} * periods_per_year(t.frequency);
  const std::int64_t unit = t.rounding_unit;
  // last(a) decreases as a grows: find the largest multiple of the unit with last(a) >= a.
  std::int64_t lo = 1;                                                      // in units
  std::int64_t hi = (q.financed + mul_div_floor(q.financed, num * n, den)) / unit + 2;  // upper bound
  if (amortised_last(q.financed, unit, n, num, den) < unit)
    throw rto::Unprocessable("the financed amount is too small for this plan", {{"deposit", "leaves too little to finance"}});
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo + 1) / 2;
    if (amortised_last(q.financed, mid * unit, n, num, den) >= mid * unit)
      lo = mid;
    else
      hi = mid - 1;
  }
  q.instalment = lo * unit;
  std::int64_t bal = q.financed;
  q.charge = 0;
  q.instalments.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    Instalment in;
    in.seq = i;
    std::int64_t interest = bal > 0 ? mul_div_floor(bal, num, den) : 0;
    in.charge = interest;
    if (i < n) {
      in.amount = q.instalment;
      in.principal = in.amount - interest;
    } else {
      in.principal = bal;
      in.amount = bal + interest;
    }
    bal -= in.principal;
    q.charge += interest;
    q.instalments.push_back(in);
  }
  q.last_instalment = q.instalments.back().amount;
  // An instalment below its own interest would let the balance grow (negative amortisation):
  // only a rounding unit far too coarse for the rate and term does that.
  for (const auto& in : q.instalments)
    if (in.principal < 0)
      throw rto::Unprocessable("this plan's rounding unit is too coarse for its rate and term",
                               {{"template_id", "cannot amortise this amount"}});
}

}  // namespace

Quote make_quote(const PlanTemplate& t, const rto::Money& price, const std::optional<rto::Money>& deposit, Date start) {
  if (price.amount <= 0) throw rto::BadField("price.amount", "must be greater than zero");
  if (!(price.currency == t.currency))
    throw rto::Unprocessable("this plan is priced in " + std::string(t.currency.code()),
                             {{"price.currency", "must be " + std::string(t.currency.code())}});
  if (t.instalment_count < 1) throw rto::Unprocessable("this template has no instalments");
  Quote q;
  q.template_id = t.id;
  q.currency = t.currency;
  q.frequency = t.frequency;
  q.price = price.amount;
  q.start = start;
  q.instalment_count = t.instalment_count;
  const std::int64_t min_dep = minimum_deposit(t, price.amount);
  if (deposit) {
    if (!(deposit->currency == t.currency))
      throw rto::Unprocessable("the deposit must be in " + std::string(t.currency.code()),
                               {{"deposit.currency", "must be " + std::string(t.currency.code())}});
    if (deposit->amount < min_dep)
      throw rto::Unprocessable("the deposit is below this plan's minimum",
                               {{"deposit", "must be at least " + money(min_dep, t.currency).format()}});
    q.deposit = deposit->amount;
  } else {
    q.deposit = min_dep;
  }
  if (q.deposit >= price.amount)
    throw rto::Unprocessable("the deposit covers the whole price; nothing is financed",
                             {{"deposit", "must be less than the price"}});
  q.financed = price.amount - q.deposit;
  if (q.financed / t.instalment_count < t.rounding_unit)
    throw rto::Unprocessable("the financed amount is too small for this plan", {{"deposit", "leaves too little to finance"}});
  if (t.pricing == Pricing::FlatMarkup)
    flat_schedule(q, t);
  else
    amortised_schedule(q, t);
  q.instalments = reanchor(std::move(q.instalments), t.frequency, start);
  q.total_payable = q.deposit + q.financed + q.charge;
  q.first_due = q.instalments.front().due;
  q.last_due = q.instalments.back().due;
  q.effective_annual_rate = effective_annual_rate(q.financed, q.instalments, start);
  return q;
}

std::vector<Instalment> reanchor(std::vector<Instalment> s, Frequency f, Date start) {
  for (auto& in : s) in.due = step(start, f, in.seq);
  return s;
}

double effective_annual_rate(std::int64_t financed, const std::vector<Instalment>& s, Date start) {
  std::int64_t sum = 0;
  for (const auto& in : s) sum += in.amount;
  if (financed <= 0 || sum <= financed) return 0;
  auto pv = [&](double y) {
    double v = 0;
    const double ly = std::log1p(y);
    for (const auto& in : s) v += static_cast<double>(in.amount) * std::exp(-ly * days_between(start, in.due) / 365.0);
    return v;
  };
  const double target = static_cast<double>(financed);
  double lo = 0, hi = 1;
  while (pv(hi) > target && hi < 1e6) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    double mid = (lo + hi) / 2;
    if (pv(mid) > target)
      lo = mid;
    else
      hi = mid;
  }
  return (lo + hi) / 2;
}

js::object to_json(const Quote& q) {
  auto m = [&](std::int64_t a) { return rto::Money{a, q.currency}.to_json(); };
  return js::object{{"template_id", q.template_id},
                    {"frequency", to_string(q.frequency)},
                    {"price", m(q.price)},
                    {"deposit", m(q.deposit)},
                    {"financed", m(q.financed)},
                    {"instalment", m(q.instalment)},
                    {"instalment_count", q.instalment_count},
                    {"last_instalment", m(q.last_instalment)},
                    {"first_due_date", format_date(q.first_due)},
                    {"last_due_date", format_date(q.last_due)},
                    {"total_payable", m(q.total_payable)},
                    {"cost_of_credit", m(q.charge)},
                    {"effective_annual_rate", q.effective_annual_rate_text()}};
}

}  // namespace payment_service
