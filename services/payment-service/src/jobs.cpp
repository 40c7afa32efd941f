// Background work: deposit expiry, the daily delinquency run and the scheduler.
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>
#include <set>

#include "jobs.hpp"
#include "domain/ledger.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;

int Jobs::expire_deposits() {
  const TimePoint now = this->now();
  int cancelled = 0;
  std::set<std::string> seen;
  for (;;) {
    auto ids = db_.query([&](pqxx::nontransaction& tx) { return storage::deposit_expired(tx, now, 100); });
    bool progress = false;
    for (const auto& id : ids) {
      if (!seen.insert(id).second) continue;
      progress = true;
      std::optional<Plan> done;
      try {
        done = db_.transact([&](pqxx::work& tx) -> std::optional<Plan> {
          auto p = storage::lock_plan(tx, id);
          if (!p || p->status != PlanStatus::PendingDeposit || p->deposit_due_by > now) return std::nullopt;
          // Whatever was paid towards the deposit is held for refund.
          const std::int64_t paid = p->total_payable - p->outstanding;
          storage::post_entry(tx, p->id, p->currency, cancellation_entry(p->price, p->charge, paid), std::nullopt, now);
          p->status = *next_status(p->status, PlanAction::ExpireDeposit);
          p->cancelled_at = now;
          p->cancel_reason = "deposit_not_paid";
          p->outstanding = 0;
          p->credit_balance += paid;
          storage::update_plan(tx, *p, now);
          auto data = views::event_data(*p);
          data["reason"] = "deposit_not_paid";
          data["refund_due"] = p->money(paid).to_json();
          rto::events::enqueue(tx, source(), {"payment.plan.cancelled", p->id, std::move(data)});
          return p;
        });
      } catch (const std::exception& e) {
        rto::log::error("deposit expiry failed", {{"plan_id", id}, {"error", e.what()}});
        continue;
      }
      if (!done) continue;
      ++cancelled;
      rto::log::info("plan cancelled: deposit not paid", {{"plan_id", done->id}});
      clients_.release_vehicle(done->vehicle_id, done->id, "deposit_not_paid");
    }
    if (!progress) break;
  }
  return cancelled;
}

bool Jobs::run_plan(const std::string& plan_id, Date as_of, RunSummary& s) {
  const TimePoint now = this->now();
  return db_.transact([&](pqxx::work& tx) {
    auto found = storage::lock_plan(tx, plan_id);
    if (!found || !found->live() || storage::run_exists(tx, plan_id, as_of)) return false;
    Plan p = std::move(*found);
    const auto& rules = p.rules();
    auto overdue = storage::overdue_instalments(tx, p.id, as_of);
    auto fees = fees_due(overdue, storage::charged_seqs(tx, p.id), as_of, rules);
    std::int64_t posted = 0;
    for (const auto& f : fees) {
      if (!storage::insert_fee(tx, p.id, f.seq, as_of, f.amount)) continue;
      posted += f.amount;
      ++s.fees;
    }
    if (posted > 0) {
      storage::post_entry(tx, p.id, p.currency, late_fee_entry(posted), std::nullopt, now);
      p.outstanding += posted;
      s.fee_total += posted;
    }
    int dpd = days_past_due(oldest_unpaid(overdue), as_of, rules.grace_days);
    auto t = transition(p.delinquency, dpd, rules.lock_after_days, cfg_.default_after_days, true, p.status == PlanStatus::Active);
    auto base = [&] {
      auto d = views::event_data(p);
      d["days_past_due"] = dpd;
      d["as_of"] = format_date(as_of);
      return d;
    };
    if (t.bucket_changed) {
      auto d = base();
      d["old_bucket"] = to_string(p.delinquency.bucket);
      d["new_bucket"] = to_string(t.next.bucket);
      d["reason"] = "delinquency_run";
      rto::events::enqueue(tx, source(), {"payment.delinquency.changed", p.id, std::move(d)});
      ++s.bucket_changes;
    }
    if (t.lock_required) {
      auto d = base();
      d["lock_after_days"] = rules.lock_after_days;
      d["outstanding"] = p.money(p.outstanding).to_json();
      rto::events::enqueue(tx, source(), {"payment.lock.required", p.id, std::move(d)});
      ++s.locks_required;
    }
    if (t.lock_released) {
      auto d = base();
      d["reason"] = "delinquency_run";
      rto::events::enqueue(tx, source(), {"payment.lock.released", p.id, std::move(d)});
      ++s.locks_released;
    }
    if (t.defaulted) {
      p.status = *next_status(p.status, PlanAction::Default);
      p.defaulted_at = now;
      auto d = base();
      d["outstanding"] = p.money(p.outstanding).to_json();
      rto::events::enqueue(tx, source(), {"payment.plan.defaulted", p.id, std::move(d)});
      ++s.defaulted;
    }
    p.delinquency = t.next;
    storage::update_plan(tx, p, now);
    storage::insert_run(tx, p.id, as_of, t.next, posted, now);
    return true;
  });
}

RunSummary Jobs::run_delinquency(Date as_of) {
  RunSummary s;
  s.as_of = as_of;
  std::set<std::string> seen;
  for (;;) {
    auto ids = db_.query([&](pqxx::nontransaction& tx) { return storage::plans_for_run(tx, as_of, 500); });
    bool progress = false;
    for (const auto& id : ids) {
      if (!seen.insert(id).second) continue;  // failed earlier in this run: the next run retries it
      progress = true;
      try {
        if (run_plan(id, as_of, s)) ++s.plans;
      } catch (const std::exception& e) {
        rto::log::error("delinquency run failed for a plan", {{"plan_id", id}, {"error", e.what()}});
      }
    }
    if (!progress) break;
  }
  rto::log::info("delinquency run", {{"as_of", format_date(as_of)}, {"plans", s.plans}, {"fees", s.fees},
                                     {"bucket_changes", s.bucket_changes}, {"locks_required", s.locks_required},
                                     {"defaulted", s.defaulted}});
  return s;
}

int Jobs::purge_callbacks() {
  const auto before = now() - cfg_.callback_retention;
  int total = 0;
  for (;;) {
    int n = db_.transact([&](pqxx::work& tx) { return storage::purge_callbacks(tx, before, 1000); });
    total += n;
    if (n < 1000) break;
  }
  if (total > 0) {
    purged_ += total;
    rto::log::info("unmatched callbacks purged", {{"purged", total}});
  }
  return total;
}

void Jobs::tick() {
  expire_deposits();
  collections_.process_waiting_callbacks();
  collections_.reconcile();
  const TimePoint now = this->now();
  const Date today = local_date(now);
  const int day = static_cast<int>(today.time_since_epoch().count());
  if (cfg_.zone.local_minutes(now) >= cfg_.delinquency_run_minutes && last_run_day_.load() < day) {
    run_delinquency(today);
    purge_callbacks();
    last_run_day_ = day;
  }
  // After the delinquency run, so that a plan it just released is reminded as it now stands.
  if (cfg_.zone.local_minutes(now) >= cfg_.delinquency_run_minutes && last_reminder_day_.load() < day) {
    send_reminders(today);
    last_reminder_day_ = day;
  }
}

}  // namespace payment_service
