// Four eyes on money no provider confirmed (see approvals.hpp).
#include "approvals.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>

namespace payment_service {
namespace js = boost::json;

namespace {

rto::Error already_decided() { return rto::Conflict("this approval was already decided").with_code("already-decided"); }

}  // namespace

storage::ApprovalRow Approvals::propose(storage::ApprovalRow a, const js::object& body) {
  a.id = rto::crypto::uuid_v4();
  a.input = js::serialize(body);
  a.proposed_at = now();
  const bool inserted = db_.transact([&](pqxx::work& tx) { return storage::insert_approval(tx, a); });
  if (!inserted) {
    auto other = db_.query([&](pqxx::nontransaction& tx) { return storage::pending_approval(tx, a.kind, a.subject_id); });
    throw rto::Conflict("this is already proposed and waits for approval" + (other ? " (" + *other + ")" : std::string()))
        .with_code("already-proposed");
  }
  rto::log::info("approval proposed", {{"approval_id", a.id}, {"kind", a.kind}, {"subject_id", a.subject_id},
                                       {"by", a.proposed_by}});
  return get(a.id);
}

storage::ApprovalRow Approvals::propose_request_credit(const std::string& request_id, const ResolveInput& in,
                                                       const js::object& body, const std::string& actor) {
  auto pay = review_.request_credit(request_id, in, actor);
  return propose({.kind = "credit_request", .subject_id = request_id, .plan_id = pay.plan_id, .amount = pay.amount,
                  .evidence = pay.provider_txn_id, .note = in.note, .proposed_by = actor},
                 body);
}

storage::ApprovalRow Approvals::propose_callback_credit(std::int64_t callback_id, const ResolveInput& in,
                                                        const js::object& body, const std::string& actor) {
  auto pay = review_.callback_credit(callback_id, in, actor);
  return propose({.kind = "credit_callback", .subject_id = std::to_string(callback_id), .plan_id = pay.plan_id,
                  .amount = pay.amount, .evidence = pay.provider_txn_id, .note = in.note, .proposed_by = actor},
                 body);
}

storage::ApprovalRow Approvals::propose_refund(const std::string& plan_id, const RefundInput& in,
                                               const js::object& body, const std::string& actor) {
  closing_.refundable(plan_id, in);
  return propose({.kind = "refund", .subject_id = plan_id, .plan_id = plan_id, .amount = in.amount,
                  .evidence = in.method + " " + in.reference, .note = in.reason, .proposed_by = actor},
                 body);
}

storage::ApprovalRow Approvals::propose_reversal(const std::string& payment_id, const std::string& reason,
                                                 const js::object& body, const std::string& actor) {
  auto pay = payments_.reversible(payment_id, actor);
  return propose({.kind = "reversal", .subject_id = payment_id, .plan_id = pay.plan_id, .amount = pay.amount,
                  .evidence = pay.receipt_number ? pay.receipt_number : std::optional(pay.provider_txn_id),
                  .note = reason, .proposed_by = actor},
                 body);
}

storage::ApprovalRow Approvals::pending(const std::string& id, const std::string& actor, bool approving) {
  auto a = get(id);
  if (a.status != "pending") throw already_decided();
  if (approving && a.proposed_by == actor)
    throw rto::Forbidden("a proposal is approved by another staff member than the one who made it")
        .with_code("four-eyes");
  return a;
}

Approvals::Approved Approvals::approve(const std::string& id, const std::string& actor,
                                       const std::optional<std::string>& note) {
  auto a = pending(id, actor, true);
  const storage::Decision d{a.id, actor, note, now()};
  const auto body = rto::json::parse_object(a.input);
  // Carried out as proposed, checked again against the item as it is now.
  auto outcome = [&]() -> Outcome {
    if (a.kind == "credit_request") return review_.credit(review_.request_credit(a.subject_id, parse_resolve(body), a.proposed_by), d);
    if (a.kind == "credit_callback")
      return review_.credit(review_.callback_credit(std::stoll(a.subject_id), parse_resolve(body), a.proposed_by), d);
    if (a.kind == "refund") return closing_.refund(a.subject_id, parse_refund(body), a.proposed_by, d);
    return payments_.reverse_payment(a.subject_id, parse_reason(body), d);
  }();
  rto::log::info("approval approved", {{"approval_id", a.id}, {"kind", a.kind}, {"by", actor}});
  return Approved{get(id), std::move(outcome)};
}

storage::ApprovalRow Approvals::reject(const std::string& id, const std::string& actor, const std::string& note) {
  auto a = pending(id, actor, false);
  const storage::Decision d{a.id, actor, note, now()};
  const bool done = db_.transact([&](pqxx::work& tx) { return storage::decide_approval(tx, d, "rejected", std::nullopt); });
  if (!done) throw already_decided();
  rto::log::info("approval rejected", {{"approval_id", a.id}, {"kind", a.kind}, {"by", actor}});
  return get(id);
}

storage::ApprovalRow Approvals::get(const std::string& id) {
  auto a = db_.query([&](pqxx::nontransaction& tx) { return storage::find_approval(tx, id); });
  if (!a) throw rto::NotFound("no approval with this id");
  return std::move(*a);
}

std::vector<storage::ApprovalRow> Approvals::list(const storage::ApprovalFilter& f) {
  return db_.query([&](pqxx::nontransaction& tx) { return storage::approvals(tx, f); });
}

}  // namespace payment_service
