// Recording and reversing payments, and payoff quotes.
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/ledger.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;

namespace {

// The least any instalment of the plan amounts to: the deposit, the regular or the last one.
std::int64_t smallest_instalment(const storage::PlanRow& p) {
  std::int64_t m = p.instalment;
  if (p.last_instalment > 0) m = std::min(m, p.last_instalment);
  if (p.deposit > 0) m = std::min(m, p.deposit);
  return m;
}

std::int64_t owed(const OpenItems& items) {
  std::int64_t s = 0;
  for (const auto& f : items.fees) s += f.remaining();
  for (const auto& in : items.instalments) s += in.remaining();
  return s;
}

// Events for a change of delinquency state outside the daily run (a payment or a reversal).
void delinquency_events(pqxx::transaction_base& tx, const std::string& source, const storage::PlanRow& p,
                        const Transition& t, const char* reason) {
  if (t.bucket_changed) {
    auto data = views::event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["old_bucket"] = to_string(p.delinquency.bucket);
    data["new_bucket"] = to_string(t.next.bucket);
    data["reason"] = reason;
    rto::events::enqueue(tx, source, {"payment.delinquency.changed", p.id, std::move(data)});
  }
  if (t.lock_released) {
    auto data = views::event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["reason"] = reason;
    rto::events::enqueue(tx, source, {"payment.lock.released", p.id, std::move(data)});
  }
}

}  // namespace

Recorded App::record_payment(const PaymentRequest& in) {
  const TimePoint now = this->now();
  const TimePoint paid_at = std::min(in.paid_at, now);  // a clock ahead of ours changes nothing
  const Date pay_date = local_date(paid_at);
  const Date today = local_date(now);
  bool activated = false, completed = false;

  auto rec = db_.transact([&](pqxx::work& tx) {
    activated = completed = false;
    auto found = in.plan_id ? storage::lock_plan(tx, *in.plan_id) : storage::lock_plan_by_reference(tx, *in.plan_ref);
    if (!found) throw rto::NotFound("no plan with this reference").with_code("unknown-plan");
    storage::PlanRow p = std::move(*found);

    // The same provider transaction again: the first result, credited once.
    if (auto prev = storage::find_payment_by_txn(tx, in.provider, in.provider_txn_id)) {
      if (prev->plan_id != p.id)
        throw rto::Conflict("this provider transaction was recorded for another plan",
                            {{"provider_txn_id", "was recorded for another plan"}});
      if (!(prev->amount == in.amount))
        throw rto::Conflict("this provider transaction was recorded with another amount",
                            {{"amount", "differs from the recorded transaction"}});
      if (in.within) in.within(tx, *prev);
      return Recorded{*prev, p, true};
    }
    if (!(in.amount.currency == p.currency))
      throw rto::Unprocessable("this plan is paid in " + std::string(p.currency.code()),
                               {{"currency", "must be " + std::string(p.currency.code())}});

    const auto before = p;
    storage::PaymentRow pay;
    pay.id = rto::crypto::uuid_v4();
    pay.plan_id = p.id;
    pay.provider = in.provider;
    pay.provider_txn_id = in.provider_txn_id;
    pay.amount = in.amount;
    pay.paid_at = paid_at;
    pay.received_at = now;
    pay.recorded_by = in.recorded_by;
    pay.receipt_number = in.receipt_number;
    const std::int64_t amount = in.amount.amount;
    const auto& rules = p.rules;
    Allocation a;
    std::optional<Transition> moved;

    if (p.status == "pending_deposit" || p.live()) {
      OpenItems items;
      items.fees = storage::open_fees(tx, p.id);
      std::optional<PayoffQuote> payoff;
      // Only a payment within the largest possible discount of everything owed can be a payoff.
      if (p.live() && amount >= p.outstanding - p.charge) {
        items.instalments = storage::open_instalments(tx, p.id);
        auto q = payoff_quote(items, pay_date, rules.payoff_discount_bps, rules.rounding_unit);
        if (amount >= q.amount && q.discount > 0) payoff = q;  // without a discount the waterfall is the same
      } else {
        items.instalments = storage::open_instalments_up_to(tx, p.id, amount, smallest_instalment(p));
      }
      // The deposit completes: instalments count from today.
      if (p.status == "pending_deposit" && !items.instalments.empty() && items.instalments.front().seq == 0) {
        std::int64_t fees = 0;
        for (const auto& f : items.fees) fees += f.remaining();
        if (amount >= fees + items.instalments.front().remaining()) {
          activated = true;
          for (auto& x : items.instalments)
            if (x.seq >= 1) x.due = step(pay_date, rules.frequency, x.seq);
          p.schedule_start = pay_date;
          p.status = "active";
          p.activated_at = now;
          storage::reanchor_schedule(tx, p.id, pay_date, rules.frequency);
        }
      }
      a = payoff ? settle_payoff(items, *payoff, amount, pay_date) : allocate(items, amount, pay_date);
      if (a.discount > 0) {
        storage::post_entry(tx, p.id, p.currency, payoff_discount_entry(a.discount), pay.id, now);
        p.discount_total += a.discount;
      }
      pay.entry_id = storage::post_entry(tx, p.id, p.currency, payment_entry(in.provider, a.to_receivable(), a.credit),
                                         pay.id, now);
      storage::apply_allocation(tx, p.id, a, pay_date);
      p.outstanding -= a.to_receivable() + a.discount;
      p.credit_balance += a.credit;
      if (p.outstanding == 0 && p.live()) {
        completed = true;
        p.status = "completed";
        p.completed_at = now;
        if (p.charge > p.discount_total)
          storage::post_entry(tx, p.id, p.currency, completion_entry(p.charge - p.discount_total), std::nullopt, now);
        Transition t;
        t.next = {0, Bucket::Current, false};
        t.bucket_changed = p.delinquency.bucket != Bucket::Current;
        t.lock_released = p.delinquency.locked;
        moved = t;
      } else if (p.live()) {
        int dpd = days_past_due(oldest_unpaid(items.instalments), today, rules.grace_days);
        moved = transition(p.delinquency, dpd, rules.lock_after_days, cfg_.default_after_days, false,
                           p.status == "active");
      }
    } else {
      // Completed, cancelled or repossessed: nothing is owed; the money is held for refund.
      a.slices.push_back({Target::Credit, 0, amount, false});
      a.credit = amount;
      pay.entry_id = storage::post_entry(tx, p.id, p.currency, payment_entry(in.provider, 0, amount), pay.id, now);
      p.credit_balance += amount;
    }
    p.paid_total += amount;
    pay.allocation = views::allocation(a, p.currency);
    if (!storage::insert_payment(tx, pay))
      throw rto::Conflict("this provider transaction is being recorded for another plan",
                          {{"provider_txn_id", "was recorded for another plan"}});
    if (moved) {
      delinquency_events(tx, source(), before, *moved, "payment");
      p.delinquency = moved->next;
    }
    storage::update_plan(tx, p, now);
    if (in.within) in.within(tx, pay);

    auto data = views::event_data(p);
    data["payment_id"] = pay.id;
    data["amount"] = pay.amount.to_json();
    data["provider"] = pay.provider;
    data["provider_txn_id"] = pay.provider_txn_id;
    data["paid_at"] = rto::to_rfc3339(pay.paid_at);
    js::object summary = pay.allocation;
    summary.erase("slices");
    summary.erase("instalments_settled");
    data["allocation"] = std::move(summary);
    data["instalments_settled"] = views::settled(a.settled);
    data["outstanding"] = p.money(p.outstanding).to_json();
    data["credit_balance"] = p.money(p.credit_balance).to_json();
    data["plan_status"] = p.status;
    rto::events::enqueue(tx, source(), {"payment.collection.received", p.id, std::move(data)});
    if (activated) {
      auto d = views::event_data(p);
      d["activated_at"] = rto::to_rfc3339(now);
      d["schedule_start"] = format_date(p.schedule_start);
      d["first_due_date"] = format_date(step(p.schedule_start, rules.frequency, 1));
      rto::events::enqueue(tx, source(), {"payment.plan.activated", p.id, std::move(d)});
    }
    if (completed) {
      auto d = views::event_data(p);
      d["completed_at"] = rto::to_rfc3339(now);
      d["payoff"] = a.payoff;
      d["discount"] = p.money(a.discount).to_json();
      rto::events::enqueue(tx, source(), {"payment.plan.completed", p.id, std::move(d)});
    }
    return Recorded{pay, p, false};
  });

  if (!rec.duplicate) {
    rto::log::info("payment recorded", {{"payment_id", rec.payment.id}, {"plan_id", rec.plan.id},
                                        {"provider", rec.payment.provider}, {"amount", rec.payment.amount.amount}});
    if (activated) notify_vehicle(rec.plan.vehicle_id, "lease", js::object{{"plan_id", rec.plan.id}});
    if (completed)
      notify_vehicle(rec.plan.vehicle_id, "transfer",
                     js::object{{"plan_id", rec.plan.id}, {"customer_id", rec.plan.customer_id}});
  }
  return rec;
}

storage::PaymentRow App::reverse_payment(const std::string& payment_id, const std::string& reason,
                                         const std::string& actor) {
  const TimePoint now = this->now();
  const Date today = local_date(now);
  return db_.transact([&](pqxx::work& tx) {
    auto first = storage::find_payment(tx, payment_id);
    if (!first) throw rto::NotFound("no payment with this id");
    auto found = storage::lock_plan(tx, first->plan_id);
    auto pay = storage::find_payment(tx, payment_id);  // again, under the plan's lock
    if (pay->reversal) throw rto::Conflict("this payment is already reversed").with_code("already-reversed");
    if (pay->recorded_by == actor)
      throw rto::Forbidden("a payment cannot be reversed by the person who recorded it").with_code("four-eyes");
    storage::PlanRow p = std::move(*found);
    if (!(p.status == "pending_deposit" || p.live()))
      throw rto::Conflict("the plan is " + p.status + "; its payments can no longer be reversed").with_code("plan-closed");

    // Re-derive the schedule from every remaining payment, in the order received.
    OpenItems fresh;
    for (const auto& s : storage::schedule(tx, p.id)) fresh.instalments.push_back({s.seq, s.due, s.amount, s.charge, 0, 0});
    fresh.fees = storage::all_fees(tx, p.id);
    std::vector<ReplayPayment> keep;
    for (const auto& x : storage::payments_of_plan(tx, p.id))
      if (!x.reversal && x.id != pay->id) keep.push_back({x.amount.amount, local_date(x.paid_at)});
    auto r = replay(fresh, keep);
    if (p.live() && !r.items.instalments.empty() && r.items.instalments.front().seq == 0 &&
        r.items.instalments.front().remaining() > 0)
      throw rto::Conflict("this payment paid the deposit of an active plan; it cannot be reversed")
          .with_code("deposit-of-active-plan");

    auto rev = reversal_of(storage::entry_lines(tx, pay->entry_id));
    auto entry_id = storage::post_entry(tx, p.id, p.currency, rev, pay->id, now);
    const std::int64_t now_owed = owed(r.items);
    const std::int64_t delta = storage::account_balance(tx, p.id, account::kReceivable) - now_owed;
    if (delta != 0) storage::post_entry(tx, p.id, p.currency, reclass_entry(delta), pay->id, now);
    storage::rewrite_projection(tx, p.id, r);
    storage::insert_reversal(tx, pay->id, reason, actor, now, entry_id);

    const auto before = p;
    p.outstanding = now_owed;
    p.credit_balance = r.credit;
    p.paid_total -= pay->amount.amount;
    if (p.live()) {
      int dpd = days_past_due(oldest_unpaid(r.items.instalments), today, p.rules.grace_days);
      auto t = transition(p.delinquency, dpd, p.rules.lock_after_days, cfg_.default_after_days, false, p.status == "active");
      delinquency_events(tx, source(), before, t, "reversal");
      p.delinquency = t.next;
    }
    storage::update_plan(tx, p, now);
    auto data = views::event_data(p);
    data["payment_id"] = pay->id;
    data["amount"] = pay->amount.to_json();
    data["reason"] = reason;
    data["outstanding"] = p.money(p.outstanding).to_json();
    rto::events::enqueue(tx, source(), {"payment.collection.reversed", p.id, std::move(data)});
    rto::log::info("payment reversed", {{"payment_id", pay->id}, {"plan_id", p.id}, {"by", actor}});
    return *storage::find_payment(tx, pay->id);
  });
}

PayoffQuote App::payoff(const storage::PlanRow& plan, Date on) {
  return db_.read([&](pqxx::read_transaction& tx) {
    OpenItems items;
    items.fees = storage::open_fees(tx, plan.id);
    items.instalments = storage::open_instalments(tx, plan.id);
    return payoff_quote(items, on, plan.rules.payoff_discount_bps, plan.rules.rounding_unit);
  });
}

}  // namespace payment_service
