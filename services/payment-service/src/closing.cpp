// Closing a plan: repossession of a defaulted plan, and refunds of credit held for a customer.
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "closing.hpp"
#include "domain/ledger.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;

Closing::Repossessed Closing::repossess(const std::string& plan_id, const std::string& reason, const std::string& actor) {
  const TimePoint now = this->now();
  auto out = db_.transact([&](pqxx::work& tx) {
    auto found = storage::lock_plan(tx, plan_id);
    if (!found) throw rto::NotFound("no plan with this id");
    Plan p = std::move(*found);
    if (p.status == PlanStatus::Repossessed) {
      auto rec = storage::repossession_of(tx, p.id);
      if (!rec) throw std::logic_error("repossessed plan " + p.id + " has no repossession record");
      return Repossessed{std::move(p), std::move(*rec), true};
    }
    if (p.status != PlanStatus::Defaulted)
      throw rto::Conflict("only a defaulted plan can be repossessed; this one is " + p.status_name()).with_code("not-defaulted");

    // Finance income is recognised at completion, so all of the charge not waived is unearned.
    const std::int64_t unearned = p.charge - p.discount_total;
    storage::RepossessionRow rec{reason, actor, now, p.outstanding};
    std::optional<std::int64_t> entry;
    if (p.outstanding > 0 || unearned > 0)
      entry = storage::post_entry(tx, p.id, p.currency, repossession_entry(p.outstanding, unearned), std::nullopt, now);
    storage::insert_repossession(tx, p.id, rec, entry);
    p.status = *next_status(p.status, PlanAction::Repossess);
    p.outstanding = 0;
    storage::update_plan(tx, p, now);

    auto data = views::event_data(p);
    data["reason"] = reason;
    data["written_off"] = p.money(rec.written_off).to_json();
    data["repossessed_at"] = rto::to_rfc3339(now);
    data["repossessed_by"] = actor;
    rto::events::enqueue(tx, source(), {"payment.plan.repossessed", p.id, std::move(data)});
    return Repossessed{std::move(p), std::move(rec), false};
  });
  if (!out.already) {
    rto::log::info("plan repossessed", {{"plan_id", out.plan.id}, {"by", actor}, {"written_off", out.record.written_off}});
    clients_.notify_vehicle(out.plan.vehicle_id, "repossess", js::object{{"plan_id", out.plan.id}, {"reason", reason}});
  }
  return out;
}

namespace {
// Null when the refund may be recorded; the refund recorded before under this reference when it
// is the same one (a retry).
std::optional<storage::RefundRow> check_refund(storage::Tx& tx, const Plan& p, const RefundInput& in) {
  if (auto prior = storage::find_refund(tx, in.method, in.reference)) {
    if (prior->plan_id != p.id || prior->amount.amount != in.amount.amount ||
        prior->amount.currency.code() != in.amount.currency.code())
      throw rto::Conflict("this reference was already used for another refund",
                          {{"reference", "was already used for another refund"}})
          .with_code("reference-used");
    return prior;
  }
  if (in.amount.currency.code() != p.currency.code())
    throw rto::Unprocessable("the refund must be in the plan's currency",
                             {{"amount.currency", "must be " + std::string(p.currency.code())}});
  if (in.amount.amount > p.credit_balance)
    throw rto::Conflict("the refund is more than the credit held for the customer (" +
                            std::to_string(p.credit_balance) + " " + std::string(p.currency.code()) + ")",
                        {{"amount.amount", "must not exceed the plan's credit balance"}})
        .with_code("exceeds-credit-balance");
  return std::nullopt;
}
}  // namespace

Plan Closing::refundable(const std::string& plan_id, const RefundInput& in) {
  return db_.read([&](pqxx::read_transaction& tx) {
    auto p = storage::find_plan(tx, plan_id);
    if (!p) throw rto::NotFound("no plan with this id");
    if (check_refund(tx, *p, in))
      throw rto::Conflict("this reference was already used for a refund", {{"reference", "was already used for a refund"}})
          .with_code("reference-used");
    return std::move(*p);
  });
}

Closing::Refunded Closing::refund(const std::string& plan_id, const RefundInput& in, const std::string& paid_by,
                                  const storage::Decision& approved) {
  const TimePoint now = approved.at;
  const auto& actor = paid_by;
  auto out = db_.transact([&](pqxx::work& tx) {
    auto found = storage::lock_plan(tx, plan_id);
    if (!found) throw rto::NotFound("no plan with this id");
    Plan p = std::move(*found);
    if (auto prior = check_refund(tx, p, in)) {
      if (!storage::decide_approval(tx, approved, "approved", prior->id))
        throw rto::Conflict("this approval was already decided").with_code("already-decided");
      return Refunded{std::move(*prior), std::move(p), true};
    }

    storage::RefundRow r{rto::crypto::uuid_v4(), p.id, in.amount, in.method, in.reference, in.reason, actor, now};
    auto entry = storage::post_entry(tx, p.id, p.currency, refund_entry(in.method, in.amount.amount), std::nullopt, now);
    if (!storage::insert_refund(tx, r, entry))
      throw rto::Conflict("a refund with this reference is being recorded; try again",
                          {{"reference", "is being recorded by another request"}})
          .with_code("reference-used");
    p.credit_balance -= in.amount.amount;
    storage::update_plan(tx, p, now);
    if (!storage::decide_approval(tx, approved, "approved", r.id))
      throw rto::Conflict("this approval was already decided").with_code("already-decided");

    auto data = views::event_data(p);
    data["refund_id"] = r.id;
    data["amount"] = r.amount.to_json();
    data["method"] = r.method;
    data["reference"] = r.reference;
    data["credit_balance"] = p.money(p.credit_balance).to_json();
    rto::events::enqueue(tx, source(), {"payment.refund.paid", p.id, std::move(data)});
    return Refunded{std::move(r), std::move(p), false};
  });
  if (!out.duplicate)
    rto::log::info("refund recorded", {{"refund_id", out.refund.id}, {"plan_id", out.plan.id}, {"by", actor},
                                       {"approved_by", approved.decided_by},
                                       {"amount", out.refund.amount.amount}, {"method", out.refund.method}});
  return out;
}

}  // namespace payment_service
