// Recording and reversing payments, and payoff quotes.
#include <set>

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
void delinquency_events(std::vector<rto::events::Event>& out, const storage::PlanRow& p, Bucket old_bucket,
                        const Transition& t, const char* reason) {
  if (t.bucket_changed) {
    auto data = views::event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["old_bucket"] = to_string(old_bucket);
    data["new_bucket"] = to_string(t.next.bucket);
    data["reason"] = reason;
    out.push_back({"payment.delinquency.changed", p.id, std::move(data)});
  }
  if (t.lock_released) {
    auto data = views::event_data(p);
    data["days_past_due"] = t.next.days_past_due;
    data["reason"] = reason;
    out.push_back({"payment.lock.released", p.id, std::move(data)});
  }
}

// Thrown inside a batch when one payment makes the whole transaction unusable (its key was
// recorded meanwhile by another transaction): the batch is recorded again one by one.
struct RecordAlone {};

using TxnKey = std::pair<std::string, std::string>;  // (provider, provider_txn_id)

}  // namespace

// A payment waiting to be recorded, and what became of it.
struct App::PendingPayment {
  const PaymentRequest* in = nullptr;
  std::optional<Recorded> out;
  std::exception_ptr error;
  bool activated = false, completed = false;
};

// Payments are recorded in batches (rto::Batcher): a caller queues its payment and waits; when
// fewer than PAYMENT_BATCH_WRITERS batches are being written, it takes everything queued (up to
// PAYMENT_BATCH_MAX, oldest first) and records it in one transaction. Under load that turns a
// dozen round trips and a commit per payment into about as many per batch; alone, a payment is
// a batch of one and goes straight through.
Recorded App::record_payment(const PaymentRequest& in) {
  PendingPayment mine;
  mine.in = &in;
  recorder_.run(mine);
  if (mine.error) std::rethrow_exception(mine.error);
  Recorded rec = std::move(*mine.out);
  if (!rec.duplicate) {
    rto::log::info("payment recorded", {{"payment_id", rec.payment.id}, {"plan_id", rec.plan.id},
                                        {"provider", rec.payment.provider}, {"amount", rec.payment.amount.amount}});
    if (mine.activated) notify_vehicle(rec.plan.vehicle_id, "lease", js::object{{"plan_id", rec.plan.id}});
    if (mine.completed)
      notify_vehicle(rec.plan.vehicle_id, "transfer",
                     js::object{{"plan_id", rec.plan.id}, {"customer_id", rec.plan.customer_id}});
  }
  return rec;
}

void App::record_together(const std::vector<PendingPayment*>& batch) noexcept {
  try {
    db_.transact([&](pqxx::work& tx) { record_in(tx, batch); });
    return;
  } catch (...) {
    if (batch.size() == 1) {
      batch.front()->out.reset();
      batch.front()->error = std::current_exception();
      return;
    }
  }
  // One payment spoiled the transaction (a hook refused, a key was taken meanwhile): each on its
  // own, so that only it fails.
  for (auto* p : batch) record_together({p});
}

void App::record_in(pqxx::work& tx, const std::vector<PendingPayment*>& batch) {
  // The batch's statements take jsonb arrays of every size, and PostgreSQL kept planning them
  // afresh on each call (custom plans); their generic plans serve as well and skip that work
  // (about 9 % more payments per second in payment_record_bench). A generic plan is kept for the
  // connection's life, so it must not depend on the statistics of the moment it was made: every
  // statement here is driven by a batch's few rows, for which index probes in nested loops are
  // right at any table size, while a plan made when the tables looked small (a new database,
  // statistics not yet gathered) could scan and hash whole tables on every later call.
  tx.exec("SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off; "
          "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
  const TimePoint now = this->now();
  const Date today = local_date(now);
  for (auto* x : batch) {
    x->out.reset();
    x->error = nullptr;
    x->activated = x->completed = false;
  }
  auto fail = [](PendingPayment* x, auto&& error) { x->error = std::make_exception_ptr(std::move(error)); };

  // 1. Every plan named, locked in one statement; the keys already recorded.
  std::vector<std::string> ids, refs;
  std::vector<TxnKey> keys;
  keys.reserve(batch.size());
  for (auto* x : batch) {
    if (x->in->plan_id)
      ids.push_back(*x->in->plan_id);
    else
      refs.push_back(*x->in->plan_ref);
    keys.emplace_back(x->in->provider, x->in->provider_txn_id);
  }
  struct PlanWork {
    storage::PlanRow p;
    OpenItems items;
    std::int64_t reach = 0;  // what this batch pays into it
    bool changed = false;
  };
  std::map<std::string, PlanWork> plans;
  std::map<std::string, std::string> id_of_ref;
  for (auto& row : storage::lock_plans(tx, ids, refs)) {
    id_of_ref.emplace(row.reference, row.id);
    auto id = row.id;
    plans.emplace(std::move(id), PlanWork{std::move(row), {}, 0, false});
  }
  auto plan_of = [&](const PaymentRequest& in) -> PlanWork* {
    auto it = plans.end();
    if (in.plan_id) {
      it = plans.find(*in.plan_id);
    } else if (auto r = id_of_ref.find(*in.plan_ref); r != id_of_ref.end()) {
      it = plans.find(r->second);
    }
    return it == plans.end() ? nullptr : &it->second;
  };
  auto recorded = storage::payments_by_txns(tx, keys);

  // 2. The open items of the plans money goes to: fees, and the instalments the batch can reach.
  for (auto* x : batch) {
    auto* w = plan_of(*x->in);
    if (!w || recorded.count({x->in->provider, x->in->provider_txn_id}) ||
        !(x->in->amount.currency == w->p.currency) || !(w->p.status == "pending_deposit" || w->p.live()))
      continue;
    w->reach += x->in->amount.amount;
  }
  std::vector<std::string> open_plans;
  std::vector<storage::Reach> reach;
  for (auto& [id, w] : plans) {
    if (w.reach == 0) continue;
    open_plans.push_back(id);
    // A payment within the largest possible discount of everything owed may be a payoff, whose
    // quote needs every open instalment.
    const bool all = w.reach >= w.p.outstanding - w.p.charge;
    reach.push_back({id, all ? -1 : w.reach, smallest_instalment(w.p)});
  }
  auto fees = storage::open_fees_of(tx, open_plans);
  auto instalments = storage::open_instalments_of(tx, reach);
  for (auto& id : open_plans) {
    auto& w = plans.at(id);
    if (auto f = fees.find(id); f != fees.end()) w.items.fees = std::move(f->second);
    if (auto i = instalments.find(id); i != instalments.end()) w.items.instalments = std::move(i->second);
  }

  // 3. Each payment in turn, in memory, as if alone: allocation, entries, events.
  std::vector<storage::EntryRow> entries;
  std::vector<std::size_t> entry_of;  // per new payment: its entry's index in `entries`
  std::vector<storage::PaymentRow> payments;
  payments.reserve(batch.size());
  std::vector<PendingPayment*> owners;  // per new payment
  std::map<std::pair<std::string, int>, storage::ScheduleDelta> schedule;
  std::map<std::int64_t, std::int64_t> fee_paid;
  std::vector<rto::events::Event> events;
  std::map<TxnKey, std::size_t> fresh;  // key → index in payments, for a key twice in one batch
  std::vector<std::pair<PendingPayment*, std::size_t>> repeated;  // a key twice: (the second, index in payments)
  std::vector<PendingPayment*> hooks;
  std::vector<PendingPayment*> paying;  // payments that settle a mobile-money request

  auto add_entry = [&](const storage::PlanRow& p, Entry e, std::optional<std::string> payment_id) {
    entries.push_back({0, p.id, std::string(p.currency.code()), std::move(e), std::move(payment_id)});
    return entries.size() - 1;
  };

  for (auto* x : batch) {
    const PaymentRequest& in = *x->in;
    PlanWork* w = plan_of(in);
    if (!w) {
      fail(x, rto::NotFound("no plan with this reference").with_code("unknown-plan"));
      continue;
    }
    storage::PlanRow& p = w->p;

    // The same provider transaction again: the first result, credited once.
    const TxnKey key{in.provider, in.provider_txn_id};
    const storage::PaymentRow* prev = nullptr;
    auto again = fresh.find(key);
    if (auto it = recorded.find(key); it != recorded.end())
      prev = &it->second;
    else if (again != fresh.end())
      prev = &payments[again->second];
    if (prev) {
      if (prev->plan_id != p.id) {
        fail(x, rto::Conflict("this provider transaction was recorded for another plan",
                              {{"provider_txn_id", "was recorded for another plan"}}));
      } else if (!(prev->amount == in.amount)) {
        fail(x, rto::Conflict("this provider transaction was recorded with another amount",
                              {{"amount", "differs from the recorded transaction"}}));
      } else {
        x->out = Recorded{*prev, p, true};
        if (again != fresh.end()) repeated.emplace_back(x, again->second);
        if (in.within) hooks.push_back(x);
        if (in.pays_request) paying.push_back(x);
      }
      continue;
    }
    if (!(in.amount.currency == p.currency)) {
      fail(x, rto::Unprocessable("this plan is paid in " + std::string(p.currency.code()),
                                 {{"currency", "must be " + std::string(p.currency.code())}}));
      continue;
    }

    const TimePoint paid_at = std::min(in.paid_at, now);  // a clock ahead of ours changes nothing
    const Date pay_date = local_date(paid_at);
    const Bucket old_bucket = p.delinquency.bucket;
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
    const auto& rules = p.rules();
    Allocation a;
    std::optional<Transition> moved;
    std::size_t entry = 0;

    if (p.status == "pending_deposit" || p.live()) {
      OpenItems& items = w->items;
      std::optional<PayoffQuote> payoff;
      // Only a payment within the largest possible discount of everything owed can be a payoff.
      if (p.live() && amount >= p.outstanding - p.charge) {
        auto q = payoff_quote(items, pay_date, rules.payoff_discount_bps, rules.rounding_unit);
        if (amount >= q.amount && q.discount > 0) payoff = q;  // without a discount the waterfall is the same
      }
      // The deposit completes: instalments count from today.
      if (p.status == "pending_deposit" && !items.instalments.empty() && items.instalments.front().seq == 0) {
        std::int64_t owed_fees = 0;
        for (const auto& f : items.fees) owed_fees += f.remaining();
        if (amount >= owed_fees + items.instalments.front().remaining()) {
          x->activated = true;
          for (auto& i : items.instalments)
            if (i.seq >= 1) i.due = step(pay_date, rules.frequency, i.seq);
          p.schedule_start = pay_date;
          p.status = "active";
          p.activated_at = now;
          storage::reanchor_schedule(tx, p.id, pay_date, rules.frequency);
        }
      }
      a = payoff ? settle_payoff(items, *payoff, amount, pay_date) : allocate(items, amount, pay_date);
      if (a.discount > 0) {
        add_entry(p, payoff_discount_entry(a.discount), pay.id);
        p.discount_total += a.discount;
      }
      entry = add_entry(p, payment_entry(in.provider, a.to_receivable(), a.credit), pay.id);
      for (const auto& sl : a.slices) {
        if (sl.target == Target::Fee) {
          fee_paid[sl.ref] += sl.amount;
        } else if (sl.target != Target::Credit) {
          auto& d = schedule[{p.id, static_cast<int>(sl.ref)}];
          d.plan_id = p.id;
          d.seq = static_cast<int>(sl.ref);
          d.paid += sl.amount;
          d.on = pay_date;
        }
      }
      for (auto [seq, waived] : a.waivers) {
        auto& d = schedule[{p.id, seq}];
        d.plan_id = p.id;
        d.seq = seq;
        d.waived += waived;
        d.on = pay_date;
      }
      p.outstanding -= a.to_receivable() + a.discount;
      p.credit_balance += a.credit;
      if (p.outstanding == 0 && p.live()) {
        x->completed = true;
        p.status = "completed";
        p.completed_at = now;
        if (p.charge > p.discount_total) add_entry(p, completion_entry(p.charge - p.discount_total), std::nullopt);
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
      entry = add_entry(p, payment_entry(in.provider, 0, amount), pay.id);
      p.credit_balance += amount;
    }
    p.paid_total += amount;
    pay.allocation = views::allocation(a, p.currency);
    if (moved) {
      delinquency_events(events, p, old_bucket, *moved, "payment");
      p.delinquency = moved->next;
    }
    w->changed = true;

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
    events.push_back({"payment.collection.received", p.id, std::move(data)});
    if (x->activated) {
      auto d = views::event_data(p);
      d["activated_at"] = rto::to_rfc3339(now);
      d["schedule_start"] = format_date(p.schedule_start);
      d["first_due_date"] = format_date(step(p.schedule_start, rules.frequency, 1));
      events.push_back({"payment.plan.activated", p.id, std::move(d)});
    }
    if (x->completed) {
      auto d = views::event_data(p);
      d["completed_at"] = rto::to_rfc3339(now);
      d["payoff"] = a.payoff;
      d["discount"] = p.money(a.discount).to_json();
      events.push_back({"payment.plan.completed", p.id, std::move(d)});
    }
    fresh.emplace(key, payments.size());
    entry_of.push_back(entry);
    owners.push_back(x);
    payments.push_back(std::move(pay));
    x->out = Recorded{{}, p, false};  // the payment row is filled in once its entry has an id
    if (in.within) hooks.push_back(x);
    if (in.pays_request) paying.push_back(x);
  }

  // 4. The writes, one statement per table.
  auto entry_ids = storage::next_entry_ids(tx, static_cast<int>(entries.size()));
  for (std::size_t i = 0; i < entries.size(); ++i) entries[i].id = entry_ids[i];
  for (std::size_t i = 0; i < payments.size(); ++i) {
    payments[i].entry_id = entries[entry_of[i]].id;
    owners[i]->out->payment = payments[i];
  }
  for (auto [x, i] : repeated) x->out->payment = payments[i];
  storage::insert_entries(tx, entries, now);
  std::vector<storage::ScheduleDelta> deltas;
  deltas.reserve(schedule.size());
  for (auto& [k, d] : schedule) deltas.push_back(std::move(d));
  storage::apply_schedule(tx, deltas);
  storage::apply_fees(tx, {fee_paid.begin(), fee_paid.end()});
  std::vector<const storage::PaymentRow*> rows;
  rows.reserve(payments.size());
  for (const auto& pay : payments) rows.push_back(&pay);
  if (storage::insert_payments(tx, rows).size() != payments.size()) {
    // Recorded meanwhile by another transaction (it waited for ours on the key's index entry).
    if (batch.size() > 1) throw RecordAlone{};
    throw rto::Conflict("this provider transaction is being recorded for another plan",
                        {{"provider_txn_id", "was recorded for another plan"}});
  }
  std::vector<const storage::PlanRow*> changed;
  for (const auto& [id, w] : plans)
    if (w.changed) changed.push_back(&w.p);
  storage::update_plans(tx, changed, now);
  rto::events::enqueue_all(tx, source(), events);

  // 5. With the plans still locked: the mobile-money requests paid are marked so in the same
  // commit as their money (one statement), then the hooks run, in order.
  if (!paying.empty()) {
    std::vector<storage::RequestPaid> paid;
    paid.reserve(paying.size());
    std::set<std::string> requests;
    for (auto* x : paying) {
      paid.push_back(*x->in->pays_request);
      paid.back().payment_id = x->out->payment.id;
      // One request paid twice in a batch (its callback and reconciliation crossed): each alone,
      // so that the second finds it settled.
      if (!requests.insert(paid.back().request_id).second) throw RecordAlone{};
    }
    std::vector<const storage::RequestPaid*> rows;
    rows.reserve(paid.size());
    for (const auto& r : paid) rows.push_back(&r);
    const auto marked = storage::mark_requests_paid(tx, rows, now);
    for (const auto& r : paid) {
      if (marked.count(r.request_id)) continue;
      if (batch.size() > 1) throw RecordAlone{};
      auto q = storage::find_request(tx, r.request_id);
      throw NotAdmitted{q ? q->status : "unknown"};
    }
  }
  for (auto* x : hooks) x->in->within(tx, x->out->payment);
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

    const Bucket old_bucket = p.delinquency.bucket;
    p.outstanding = now_owed;
    p.credit_balance = r.credit;
    p.paid_total -= pay->amount.amount;
    if (p.live()) {
      int dpd = days_past_due(oldest_unpaid(r.items.instalments), today, p.rules().grace_days);
      auto t = transition(p.delinquency, dpd, p.rules().lock_after_days, cfg_.default_after_days, false, p.status == "active");
      std::vector<rto::events::Event> changes;
      delinquency_events(changes, p, old_bucket, t, "reversal");
      rto::events::enqueue_all(tx, source(), changes);
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
    return payoff_quote(items, on, plan.rules().payoff_discount_bps, plan.rules().rounding_unit);
  });
}

}  // namespace payment_service
