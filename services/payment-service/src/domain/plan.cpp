#include "domain/plan.hpp"

#include <algorithm>
#include <rto/clock.hpp>

namespace payment_service {
namespace js = boost::json;

namespace {
constexpr std::string_view kStatusNames[] = {"pending_deposit", "active",      "completed",
                                             "defaulted",       "repossessed", "cancelled"};
js::value money(std::int64_t a, const rto::Currency& c) { return rto::Money{a, c}.to_json(); }
}  // namespace

std::string_view to_string(PlanStatus s) noexcept { return kStatusNames[static_cast<int>(s)]; }

std::optional<PlanStatus> plan_status_from(std::string_view s) noexcept {
  for (int i = 0; i < 6; ++i)
    if (kStatusNames[i] == s) return static_cast<PlanStatus>(i);
  return std::nullopt;
}

std::string_view to_string(PlanAction a) noexcept {
  switch (a) {
    case PlanAction::PayDeposit: return "pay_deposit";
    case PlanAction::PayOff: return "pay_off";
    case PlanAction::Default: return "default";
    case PlanAction::Repossess: return "repossess";
    case PlanAction::ExpireDeposit: return "expire_deposit";
  }
  return "unknown";
}

std::optional<PlanStatus> next_status(PlanStatus s, PlanAction a) noexcept {
  switch (s) {
    case PlanStatus::PendingDeposit:
      if (a == PlanAction::PayDeposit) return PlanStatus::Active;
      if (a == PlanAction::ExpireDeposit) return PlanStatus::Cancelled;
      break;
    case PlanStatus::Active:
      if (a == PlanAction::PayOff) return PlanStatus::Completed;
      if (a == PlanAction::Default) return PlanStatus::Defaulted;
      break;
    case PlanStatus::Defaulted:
      if (a == PlanAction::PayOff) return PlanStatus::Completed;
      if (a == PlanAction::Repossess) return PlanStatus::Repossessed;
      break;
    case PlanStatus::Completed:
    case PlanStatus::Repossessed:
    case PlanStatus::Cancelled:
      break;
  }
  return std::nullopt;
}

bool is_live(PlanStatus s) noexcept { return s == PlanStatus::Active || s == PlanStatus::Defaulted; }
bool takes_payments(PlanStatus s) noexcept { return s == PlanStatus::PendingDeposit || is_live(s); }

std::int64_t smallest_instalment(const Plan& p) noexcept {
  std::int64_t m = p.instalment;
  if (p.last_instalment > 0) m = std::min(m, p.last_instalment);
  if (p.deposit > 0) m = std::min(m, p.deposit);
  return m;
}

js::object event_data(const Plan& p) {
  return js::object{{"plan_id", p.id}, {"customer_id", p.customer_id}, {"vehicle_id", p.vehicle_id},
                    {"reference", p.reference}};
}

js::array settled_json(const std::vector<Settled>& s) {
  js::array out;
  for (const auto& x : s)
    out.push_back(js::object{{"seq", x.seq}, {"due_date", format_date(x.due)}, {"days_late", x.days_late}});
  return out;
}

js::object allocation_json(const Allocation& a, const rto::Currency& c) {
  js::array slices;
  for (const auto& s : a.slices) {
    js::object o{{"target", to_string(s.target)}, {"amount", money(s.amount, c)}, {"settled", s.settled}};
    if (s.target == Target::Fee)
      o["fee_id"] = s.ref;
    else if (s.target != Target::Credit)
      o["seq"] = s.ref;
    slices.push_back(std::move(o));
  }
  return js::object{{"fees", money(a.fees, c)},         {"deposit", money(a.deposit, c)},
                    {"overdue", money(a.overdue, c)},   {"current", money(a.current, c)},
                    {"future", money(a.future, c)},     {"credit", money(a.credit, c)},
                    {"discount", money(a.discount, c)}, {"payoff", a.payoff},
                    {"slices", std::move(slices)},      {"instalments_settled", settled_json(a.settled)}};
}

void delinquency_events(std::vector<OutboxEvent>& out, const Plan& p, Bucket old_bucket, const Transition& t,
                        const char* reason) {
  if (t.bucket_changed) {
    auto data = event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["old_bucket"] = to_string(old_bucket);
    data["new_bucket"] = to_string(t.next.bucket);
    data["reason"] = reason;
    out.push_back({"payment.delinquency.changed", p.id, std::move(data)});
  }
  if (t.lock_released) {
    auto data = event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["reason"] = reason;
    out.push_back({"payment.lock.released", p.id, std::move(data)});
  }
}

namespace {

// The deposit completes when the payment covers unpaid fees and what is left of it: the plan
// becomes active and its instalments count from the payment's date.
void maybe_activate(PaymentOutcome& o, std::int64_t amount, Date pay_date, TimePoint now) {
  Plan& p = o.plan;
  OpenItems& items = o.items;
  if (p.status != PlanStatus::PendingDeposit || items.instalments.empty() || items.instalments.front().seq != 0)
    return;
  std::int64_t owed_fees = 0;
  for (const auto& f : items.fees) owed_fees += f.remaining();
  if (amount < owed_fees + items.instalments.front().remaining()) return;
  const auto freq = p.rules().frequency;
  for (auto& i : items.instalments)
    if (i.seq >= 1) i.due = step(pay_date, freq, i.seq);
  o.activated = true;
  p.schedule_start = pay_date;
  p.status = *next_status(p.status, PlanAction::PayDeposit);
  p.activated_at = now;
  o.reanchor_from = pay_date;
}

void record_slices(PaymentOutcome& o, const Allocation& a, Date pay_date) {
  for (const auto& sl : a.slices) {
    if (sl.target == Target::Fee) {
      o.fees.emplace_back(sl.ref, sl.amount);
    } else if (sl.target != Target::Credit) {
      o.schedule.push_back({static_cast<int>(sl.ref), sl.amount, 0, pay_date});
    }
  }
  for (auto [seq, waived] : a.waivers) o.schedule.push_back({seq, 0, waived, pay_date});
}

// Money to a plan that still owes: allocation (or payoff), journal, schedule, completion and
// the delinquency state it leaves.
std::optional<Transition> pay_owed(PaymentOutcome& o, const IncomingPayment& in, Date pay_date, Date today,
                                   const PaymentClock& clock) {
  Plan& p = o.plan;
  OpenItems& items = o.items;
  const auto& rules = p.rules();
  const std::int64_t amount = in.amount.amount;
  std::optional<PayoffQuote> payoff;
  // Only a payment within the largest possible discount of everything owed can be a payoff.
  if (p.live() && amount >= p.outstanding - p.charge) {
    // The discount is the one of the day the money was paid; but a date staff type in (a cash
    // receipt) may not buy more than today's.
    const Date quote_date = in.provider == "cash" ? today : pay_date;
    auto q = payoff_quote(items, quote_date, rules.payoff_discount_bps, rules.rounding_unit);
    if (amount >= q.amount && q.discount > 0) payoff = q;  // without a discount the waterfall is the same
  }
  maybe_activate(o, amount, pay_date, clock.now);
  Allocation& a = o.allocation;
  a = payoff ? settle_payoff(items, *payoff, amount, pay_date) : allocate(items, amount, pay_date);
  if (a.discount > 0) {
    o.journal.push_back({payoff_discount_entry(a.discount), true});
    p.discount_total += a.discount;
  }
  o.payment_line = o.journal.size();
  o.journal.push_back({payment_entry(in.provider, a.to_receivable(), a.credit), true});
  record_slices(o, a, pay_date);
  p.outstanding -= a.to_receivable() + a.discount;
  p.credit_balance += a.credit;
  if (p.outstanding == 0 && p.live()) {
    o.completed = true;
    p.status = *next_status(p.status, PlanAction::PayOff);
    p.completed_at = clock.now;
    if (p.charge > p.discount_total) o.journal.push_back({completion_entry(p.charge - p.discount_total), false});
    Transition t;
    t.next = {0, Bucket::Current, false};
    t.bucket_changed = p.delinquency.bucket != Bucket::Current;
    t.lock_released = p.delinquency.locked;
    return t;
  }
  if (p.live()) {
    int dpd = days_past_due(oldest_unpaid(items.instalments), today, rules.grace_days);
    // A payment only releases a lock and never defaults a plan: the daily run does those.
    return transition(p.delinquency, dpd, rules.lock_after_days, clock.default_after_days, false,
                      p.status == PlanStatus::Active);
  }
  return std::nullopt;
}

void payment_events(PaymentOutcome& o, const IncomingPayment& in, TimePoint now) {
  const Plan& p = o.plan;
  const Allocation& a = o.allocation;
  auto data = event_data(p);
  data["payment_id"] = in.id;
  data["amount"] = in.amount.to_json();
  data["provider"] = in.provider;
  data["provider_txn_id"] = in.provider_txn_id;
  data["paid_at"] = rto::to_rfc3339(o.paid_at);
  js::object summary = o.allocation_json;
  summary.erase("slices");
  summary.erase("instalments_settled");
  data["allocation"] = std::move(summary);
  data["instalments_settled"] = settled_json(a.settled);
  data["outstanding"] = p.money(p.outstanding).to_json();
  data["credit_balance"] = p.money(p.credit_balance).to_json();
  data["plan_status"] = to_string(p.status);
  o.events.push_back({"payment.collection.received", p.id, std::move(data)});
  if (o.activated) {
    auto d = event_data(p);
    d["activated_at"] = rto::to_rfc3339(now);
    d["schedule_start"] = format_date(p.schedule_start);
    d["first_due_date"] = format_date(step(p.schedule_start, p.rules().frequency, 1));
    o.events.push_back({"payment.plan.activated", p.id, std::move(d)});
  }
  if (o.completed) {
    auto d = event_data(p);
    d["completed_at"] = rto::to_rfc3339(now);
    d["payoff"] = a.payoff;
    d["discount"] = p.money(a.discount).to_json();
    o.events.push_back({"payment.plan.completed", p.id, std::move(d)});
  }
}

}  // namespace

PaymentOutcome apply_payment(Plan plan, OpenItems items, const IncomingPayment& in, const PaymentClock& clock) {
  PaymentOutcome o;
  o.plan = std::move(plan);
  o.items = std::move(items);
  Plan& p = o.plan;
  o.paid_at = std::min(in.paid_at, clock.now);  // a clock ahead of ours changes nothing
  const Date pay_date = clock.local_date(o.paid_at);
  const Date today = clock.local_date(clock.now);
  const Bucket old_bucket = p.delinquency.bucket;
  const std::int64_t amount = in.amount.amount;

  std::optional<Transition> moved;
  if (p.takes_payments()) {
    moved = pay_owed(o, in, pay_date, today, clock);
  } else {
    // Completed, cancelled or repossessed: nothing is owed; the money is held for refund.
    o.allocation.slices.push_back({Target::Credit, 0, amount, false});
    o.allocation.credit = amount;
    o.payment_line = o.journal.size();
    o.journal.push_back({payment_entry(in.provider, 0, amount), true});
    p.credit_balance += amount;
  }
  p.paid_total += amount;
  o.allocation_json = allocation_json(o.allocation, p.currency);
  if (moved) {
    delinquency_events(o.events, p, old_bucket, *moved, "payment");
    p.delinquency = moved->next;
  }
  payment_events(o, in, clock.now);
  return o;
}

}  // namespace payment_service
