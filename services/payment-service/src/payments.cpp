// Recording and reversing payments.
#include <set>

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "payments.hpp"
#include "domain/ledger.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;

namespace {

std::int64_t owed(const OpenItems& items) {
  std::int64_t s = 0;
  for (const auto& f : items.fees) s += f.remaining();
  for (const auto& in : items.instalments) s += in.remaining();
  return s;
}

// Thrown inside a batch when one payment makes the whole transaction unusable (its key was
// recorded meanwhile by another transaction): the batch is recorded again one by one.
struct RecordAlone {};

using TxnKey = std::pair<std::string, std::string>;  // (provider, provider_txn_id)

// A plan whose instalments count from its deposit's payment date.
struct Reanchor {
  std::string plan_id;
  Date from{};
  Frequency frequency = Frequency::Daily;
};

}  // namespace

// A payment waiting to be recorded, and what became of it.
struct PendingPayment {
  const PaymentRequest* in = nullptr;
  std::optional<Recorded> out;
  std::exception_ptr error;
  bool activated = false, completed = false;
};

Payments::Payments(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg,
                   Clients& clients)
    : UseCase(db, std::move(clock), cfg),
      clients_(clients),
      recorder_([this](const std::vector<PendingPayment*>& batch) { record_together(batch); },
                static_cast<std::size_t>(cfg.record_batch_max), cfg.record_writers) {}

// Payments are recorded in batches (rto::Batcher): a caller queues its payment and waits; when
// fewer than PAYMENT_BATCH_WRITERS batches are being written, it takes everything queued (up to
// PAYMENT_BATCH_MAX, oldest first) and records it in one transaction. Under load that turns a
// dozen round trips and a commit per payment into about as many per batch; alone, a payment is
// a batch of one and goes straight through.
Recorded Payments::record_payment(const PaymentRequest& in) {
  PendingPayment mine;
  mine.in = &in;
  recorder_.run(mine);
  if (mine.error) std::rethrow_exception(mine.error);
  Recorded rec = std::move(*mine.out);
  if (!rec.duplicate) {
    figures_.collected(rec.payment.provider, std::string(rec.payment.amount.currency.code()), rec.payment.amount.amount);
    if (in.pays_request) figures_.request_finished(rec.payment.provider, "succeeded");
    rto::log::info("payment recorded", {{"payment_id", rec.payment.id}, {"plan_id", rec.plan.id},
                                        {"provider", rec.payment.provider}, {"amount", rec.payment.amount.amount}});
    if (mine.activated) clients_.notify_vehicle(rec.plan.vehicle_id, "lease", js::object{{"plan_id", rec.plan.id}});
    if (mine.completed)
      clients_.notify_vehicle(rec.plan.vehicle_id, "transfer",
                     js::object{{"plan_id", rec.plan.id}, {"customer_id", rec.plan.customer_id}});
  }
  return rec;
}

void Payments::record_together(const std::vector<PendingPayment*>& batch) noexcept {
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

namespace {

// One batch being recorded: the plans it locked, and what each payment wrote.
struct Recording {
  struct PlanWork {
    Plan p;
    OpenItems items;
    std::int64_t reach = 0;  // what this batch pays into it
    bool changed = false;
  };

  const std::vector<PendingPayment*>& batch;
  PaymentClock clock;
  std::map<std::string, PlanWork> plans;
  std::map<std::string, std::string> id_of_ref;
  std::map<TxnKey, storage::PaymentRow> recorded;  // keys recorded before this batch

  std::vector<storage::EntryRow> entries;
  std::vector<std::size_t> entry_of;  // per new payment: its entry's index in `entries`
  std::vector<storage::PaymentRow> payments;
  std::vector<PendingPayment*> owners;  // per new payment
  std::map<std::pair<std::string, int>, storage::ScheduleDelta> schedule;
  std::map<std::int64_t, std::int64_t> fee_paid;
  std::vector<rto::events::Event> events;
  std::map<TxnKey, std::size_t> fresh;  // key → index in payments, for a key twice in one batch
  std::vector<std::pair<PendingPayment*, std::size_t>> repeated;  // a key twice: (the second, index in payments)
  std::vector<PendingPayment*> hooks;
  std::vector<PendingPayment*> paying;  // payments that settle a mobile-money request
  std::vector<Reanchor> reanchor;       // plans whose deposit a payment completed

  PlanWork* plan_of(const PaymentRequest& in) {
    auto it = plans.end();
    if (in.plan_id) {
      it = plans.find(*in.plan_id);
    } else if (auto r = id_of_ref.find(*in.plan_ref); r != id_of_ref.end()) {
      it = plans.find(r->second);
    }
    return it == plans.end() ? nullptr : &it->second;
  }
  std::size_t add_entry(const Plan& p, Entry e, std::optional<std::string> payment_id) {
    entries.push_back({0, p.id, std::string(p.currency.code()), std::move(e), std::move(payment_id)});
    return entries.size() - 1;
  }
};

void fail(PendingPayment* x, rto::Error error) { x->error = std::make_exception_ptr(std::move(error)); }

// 1. Every plan named, locked in one statement; the keys already recorded. 2. The open items of
// the plans money goes to: fees, and the instalments the batch can reach.
void lock_and_load(pqxx::work& tx, Recording& r) {
  std::vector<std::string> ids, refs;
  std::vector<TxnKey> keys;
  keys.reserve(r.batch.size());
  for (auto* x : r.batch) {
    if (x->in->plan_id)
      ids.push_back(*x->in->plan_id);
    else
      refs.push_back(*x->in->plan_ref);
    keys.emplace_back(x->in->provider, x->in->provider_txn_id);
  }
  for (auto& row : storage::lock_plans(tx, ids, refs)) {
    r.id_of_ref.emplace(row.reference, row.id);
    auto id = row.id;
    r.plans.emplace(std::move(id), Recording::PlanWork{std::move(row), {}, 0, false});
  }
  r.recorded = storage::payments_by_txns(tx, keys);

  for (auto* x : r.batch) {
    auto* w = r.plan_of(*x->in);
    if (!w || r.recorded.count({x->in->provider, x->in->provider_txn_id}) ||
        !(x->in->amount.currency == w->p.currency) || !(w->p.takes_payments()))
      continue;
    w->reach += x->in->amount.amount;
  }
  std::vector<std::string> open_plans;
  std::vector<storage::Reach> reach;
  for (auto& [id, w] : r.plans) {
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
    auto& w = r.plans.at(id);
    if (auto f = fees.find(id); f != fees.end()) w.items.fees = std::move(f->second);
    if (auto i = instalments.find(id); i != instalments.end()) w.items.instalments = std::move(i->second);
  }
}

// The same provider transaction again (recorded before, or earlier in this batch): the first
// result, credited once. False when the payment is new.
bool repeat(Recording& r, PendingPayment* x, const Plan& plan) {
  const PaymentRequest& in = *x->in;
  const TxnKey key{in.provider, in.provider_txn_id};
  const storage::PaymentRow* prev = nullptr;
  auto again = r.fresh.find(key);
  if (auto it = r.recorded.find(key); it != r.recorded.end())
    prev = &it->second;
  else if (again != r.fresh.end())
    prev = &r.payments[again->second];
  if (!prev) return false;
  if (prev->plan_id != plan.id) {
    fail(x, rto::Conflict("this provider transaction was recorded for another plan",
                          {{"provider_txn_id", "was recorded for another plan"}}));
  } else if (!(prev->amount == in.amount)) {
    fail(x, rto::Conflict("this provider transaction was recorded with another amount",
                          {{"amount", "differs from the recorded transaction"}}));
  } else {
    x->out = Recorded{*prev, plan, true};
    if (again != r.fresh.end()) r.repeated.emplace_back(x, again->second);
    if (in.also) r.hooks.push_back(x);
    if (in.pays_request) r.paying.push_back(x);
  }
  return true;
}

// 3. One payment, in memory, as if alone (domain/plan apply_payment), its outcome gathered for
// the batch's writes.
void apply_one(Recording& r, PendingPayment* x) {
  const PaymentRequest& in = *x->in;
  auto* w = r.plan_of(in);
  if (!w) return fail(x, rto::NotFound("no plan with this reference").with_code("unknown-plan"));
  if (repeat(r, x, w->p)) return;
  if (!(in.amount.currency == w->p.currency)) {
    const std::string code(w->p.currency.code());
    return fail(x, rto::Unprocessable("this plan is paid in " + code, {{"currency", "must be " + code}}));
  }

  IncomingPayment incoming{rto::crypto::uuid_v4(), in.provider, in.provider_txn_id, in.amount, in.paid_at};
  PaymentOutcome o = apply_payment(std::move(w->p), std::move(w->items), incoming, r.clock);
  w->p = std::move(o.plan);
  w->items = std::move(o.items);
  w->changed = true;
  const Plan& p = w->p;
  x->activated = o.activated;
  x->completed = o.completed;
  if (o.reanchor_from) r.reanchor.push_back({p.id, *o.reanchor_from, p.rules().frequency});
  std::size_t entry = 0;
  for (std::size_t i = 0; i < o.journal.size(); ++i) {
    auto at = r.add_entry(p, std::move(o.journal[i].entry),
                          o.journal[i].of_payment ? std::optional<std::string>(incoming.id) : std::nullopt);
    if (i == o.payment_line) entry = at;
  }
  for (const auto& c : o.schedule) {
    auto& d = r.schedule[{p.id, c.seq}];
    d.plan_id = p.id;
    d.seq = c.seq;
    d.paid += c.paid;
    d.waived += c.waived;
    d.on = c.on;
  }
  for (auto [fee, paid] : o.fees) r.fee_paid[fee] += paid;
  for (auto& e : o.events) r.events.push_back({std::move(e.type), std::move(e.subject), std::move(e.data)});

  storage::PaymentRow pay;
  pay.id = std::move(incoming.id);
  pay.plan_id = p.id;
  pay.provider = in.provider;
  pay.provider_txn_id = in.provider_txn_id;
  pay.amount = in.amount;
  pay.paid_at = o.paid_at;
  pay.received_at = r.clock.now;
  pay.recorded_by = in.recorded_by;
  pay.receipt_number = in.receipt_number;
  pay.allocation = std::move(o.allocation_json);
  r.fresh.emplace(TxnKey{in.provider, in.provider_txn_id}, r.payments.size());
  r.entry_of.push_back(entry);
  r.owners.push_back(x);
  r.payments.push_back(std::move(pay));
  x->out = Recorded{{}, p, false};  // the payment row is filled in once its entry has an id
  if (in.also) r.hooks.push_back(x);
  if (in.pays_request) r.paying.push_back(x);
}

// 4. The writes, one statement per table.
void write_batch(pqxx::work& tx, Recording& r, std::string_view source) {
  const TimePoint now = r.clock.now;
  for (const auto& a : r.reanchor) storage::reanchor_schedule(tx, a.plan_id, a.from, a.frequency);
  auto entry_ids = storage::next_entry_ids(tx, static_cast<int>(r.entries.size()));
  for (std::size_t i = 0; i < r.entries.size(); ++i) r.entries[i].id = entry_ids[i];
  for (std::size_t i = 0; i < r.payments.size(); ++i) {
    r.payments[i].entry_id = r.entries[r.entry_of[i]].id;
    r.owners[i]->out->payment = r.payments[i];
  }
  for (auto [x, i] : r.repeated) x->out->payment = r.payments[i];
  storage::insert_entries(tx, r.entries, now);
  std::vector<storage::ScheduleDelta> deltas;
  deltas.reserve(r.schedule.size());
  for (auto& [k, d] : r.schedule) deltas.push_back(std::move(d));
  storage::apply_schedule(tx, deltas);
  storage::apply_fees(tx, {r.fee_paid.begin(), r.fee_paid.end()});
  std::vector<const storage::PaymentRow*> rows;
  rows.reserve(r.payments.size());
  for (const auto& pay : r.payments) rows.push_back(&pay);
  if (storage::insert_payments(tx, rows).size() != r.payments.size()) {
    // Recorded meanwhile by another transaction (it waited for ours on the key's index entry).
    if (r.batch.size() > 1) throw RecordAlone{};
    throw rto::Conflict("this provider transaction is being recorded for another plan",
                        {{"provider_txn_id", "was recorded for another plan"}});
  }
  std::vector<const Plan*> changed;
  for (const auto& [id, w] : r.plans)
    if (w.changed) changed.push_back(&w.p);
  storage::update_plans(tx, changed, now);
  rto::events::enqueue_all(tx, source, r.events);
}

// 5. With the plans still locked: the mobile-money requests paid are marked so in the same
// commit as their money (one statement), then what is written with each payment, in order.
void write_with_payments(pqxx::work& tx, Recording& r) {
  if (!r.paying.empty()) {
    std::vector<storage::RequestPaid> paid;
    paid.reserve(r.paying.size());
    std::set<std::string> requests;
    for (auto* x : r.paying) {
      paid.push_back(*x->in->pays_request);
      paid.back().payment_id = x->out->payment.id;
      // One request paid twice in a batch (its callback and reconciliation crossed): each alone,
      // so that the second finds it settled.
      if (!requests.insert(paid.back().request_id).second) throw RecordAlone{};
    }
    std::vector<const storage::RequestPaid*> rows;
    rows.reserve(paid.size());
    for (const auto& q : paid) rows.push_back(&q);
    const auto marked = storage::mark_requests_paid(tx, rows, r.clock.now);
    for (const auto& q : paid) {
      if (marked.count(q.request_id)) continue;
      if (r.batch.size() > 1) throw RecordAlone{};
      auto now_q = storage::find_request(tx, q.request_id);
      throw NotAdmitted{now_q ? now_q->status : "unknown"};
    }
  }
  for (auto* x : r.hooks)
    if (auto refused = storage::write_with_payment(tx, *x->in->also, x->out->payment)) throw NotAdmitted{*refused};
}

}  // namespace

void Payments::record_in(pqxx::work& tx, const std::vector<PendingPayment*>& batch) {
  // The batch's statements take jsonb arrays of every size, and PostgreSQL kept planning them
  // afresh on each call (custom plans); their generic plans serve as well and skip that work
  // (about 9 % more payments per second in payment_record_bench). A generic plan is kept for the
  // connection's life, so it must not depend on the statistics of the moment it was made: every
  // statement here is driven by a batch's few rows, for which index probes in nested loops are
  // right at any table size, while a plan made when the tables looked small (a new database,
  // statistics not yet gathered) could scan and hash whole tables on every later call.
  tx.exec("SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off; "
          "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
  for (auto* x : batch) {
    x->out.reset();
    x->error = nullptr;
    x->activated = x->completed = false;
  }
  Recording r{batch, PaymentClock{now(), &cfg_.zone, cfg_.default_after_days}};
  r.payments.reserve(batch.size());
  lock_and_load(tx, r);
  for (auto* x : batch) apply_one(r, x);
  write_batch(tx, r, source());
  write_with_payments(tx, r);
}

namespace {
void check_reversible(const storage::PaymentRow& pay, const Plan& p, const std::string& actor) {
  if (pay.reversal) throw rto::Conflict("this payment is already reversed").with_code("already-reversed");
  if (pay.recorded_by == actor)
    throw rto::Forbidden("a payment cannot be reversed by the person who recorded it").with_code("four-eyes");
  if (!p.takes_payments())
    throw rto::Conflict("the plan is " + p.status_name() + "; its payments can no longer be reversed").with_code("plan-closed");
}
}  // namespace

storage::PaymentRow Payments::reversible(const std::string& payment_id, const std::string& proposer) {
  return db_.read([&](pqxx::read_transaction& tx) {
    auto pay = storage::find_payment(tx, payment_id);
    if (!pay) throw rto::NotFound("no payment with this id");
    auto plan = storage::find_plan(tx, pay->plan_id);
    check_reversible(*pay, *plan, proposer);
    return *pay;
  });
}

storage::PaymentRow Payments::reverse_payment(const std::string& payment_id, const std::string& reason,
                                              const storage::Decision& approved) {
  const TimePoint now = approved.at;
  const Date today = local_date(now);
  const auto& actor = approved.decided_by;
  return db_.transact([&](pqxx::work& tx) {
    auto first = storage::find_payment(tx, payment_id);
    if (!first) throw rto::NotFound("no payment with this id");
    auto found = storage::lock_plan(tx, first->plan_id);
    auto pay = storage::find_payment(tx, payment_id);  // again, under the plan's lock
    Plan p = std::move(*found);
    check_reversible(*pay, p, actor);

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
    if (!storage::decide_approval(tx, approved, "approved", pay->id))
      throw rto::Conflict("this approval was already decided").with_code("already-decided");

    const Bucket old_bucket = p.delinquency.bucket;
    p.outstanding = now_owed;
    p.credit_balance = r.credit;
    p.paid_total -= pay->amount.amount;
    if (p.live()) {
      int dpd = days_past_due(oldest_unpaid(r.items.instalments), today, p.rules().grace_days);
      auto t = transition(p.delinquency, dpd, p.rules().lock_after_days, cfg_.default_after_days, false,
                          p.status == PlanStatus::Active);
      std::vector<OutboxEvent> changes;
      delinquency_events(changes, p, old_bucket, t, "reversal");
      storage::publish(tx, source(), std::move(changes));
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

PaymentRequest paybill_payment(const std::string& plan_id, const momo::MpesaC2B& c2b, const rto::Currency& currency,
                               const storage::CallbackRow& cb, std::string recorded_by) {
  PaymentRequest pay;
  pay.plan_id = plan_id;
  pay.amount = {c2b.amount, currency};
  pay.provider = cb.provider;
  pay.provider_txn_id = c2b.trans_id;  // keys the credit: one receipt is recorded once
  pay.receipt_number = c2b.trans_id;
  pay.paid_at = cb.received_at;
  pay.recorded_by = std::move(recorded_by);
  return pay;
}

}  // namespace payment_service
