// Resolving the mobile-money review queue: staff credit or dismiss a held request, or a held
// paybill (C2B) confirmation, once, after checking it against the provider's portal.
#include <rto/errors.hpp>
#include <rto/log.hpp>

#include "review.hpp"
#include "domain/reference.hpp"

namespace payment_service {
namespace js = boost::json;

namespace {

rto::Error already_resolved() {
  return rto::Conflict("this item was already resolved").with_code("already-resolved");
}

// What record_payment throws when the item changed under us (PaymentRequest::also).
rto::Error not_admitted(const NotAdmitted& n) {
  if (n.status == "resolved") return already_resolved();
  if (n.status == "decided") return rto::Conflict("this approval was already decided").with_code("already-decided");
  return rto::Conflict("this item is now " + n.status + "; it can no longer be resolved").with_code("not-held");
}

}  // namespace

namespace {
void on_review(const storage::CallbackRow& cb) {
  if (cb.status != "held" && cb.status != "unmatched" && cb.status != "rejected")
    throw rto::Conflict("this callback is not on the review queue (it was " + cb.status + ")").with_code("not-on-review");
}

void held(const std::optional<storage::RequestRow>& q) {
  if (!q) throw rto::NotFound("no payment request with this id");
  if (q->status != "held")
    throw rto::Conflict("only a held request can be resolved; this one is " + q->status).with_code("not-held");
}
}  // namespace

Review::Resolved Review::dismiss_request(const std::string& id, const std::string& note, const std::string& actor) {
  const TimePoint now = this->now();
  storage::ResolutionRow res{"request", id, "dismiss", note, actor, now, std::nullopt};
  db_.transact([&](pqxx::work& tx) {
    auto q = storage::lock_request(tx, id);
    held(q);
    if (!storage::insert_resolution(tx, res)) throw already_resolved();
    q->status = "dismissed";
    q->reason_code = "DISMISSED";
    q->reason = "closed by staff without a credit";
    storage::settle_request(tx, *q, now);
  });
  rto::log::info("held request dismissed", {{"request_id", id}, {"by", actor}});
  return Resolved{std::move(res), std::nullopt};
}

PaymentRequest Review::request_credit(const std::string& id, const ResolveInput& in, const std::string& recorded_by) {
  const TimePoint now = this->now();
  auto req = db_.query([&](pqxx::nontransaction& tx) { return storage::find_request(tx, id); });
  held(req);
  // What the provider confirmed. Staff state the amount or transaction id only where the
  // provider's answer named none; they cannot credit something else than it confirmed.
  const bool confirmed_amount = req->confirmed_amount && req->confirmed_currency;
  if (in.amount && confirmed_amount)
    throw rto::Unprocessable("the provider confirmed the amount; it is credited as confirmed",
                             {{"amount", "is taken from the provider's confirmation"}});
  if (in.provider_txn_id && req->provider_txn_id)
    throw rto::Unprocessable("the provider named the transaction; it is credited under that id",
                             {{"provider_txn_id", "is taken from the provider's confirmation"}});
  rto::Money amount;
  if (in.amount)
    amount = *in.amount;
  else if (confirmed_amount)
    amount = {*req->confirmed_amount, rto::Currency::of(*req->confirmed_currency)};
  else
    throw rto::Unprocessable("the provider confirmed no amount; state the amount received",
                             {{"amount", "is required: the provider confirmed no amount"}});
  const auto txn = in.provider_txn_id ? in.provider_txn_id : req->provider_txn_id;
  if (!txn)
    throw rto::Unprocessable("the provider sent no transaction id; state it",
                             {{"provider_txn_id", "is required: the provider sent none"}});

  PaymentRequest pay;
  pay.plan_id = req->plan_id;
  pay.amount = amount;
  pay.provider = req->provider;
  pay.provider_txn_id = *txn;
  pay.receipt_number = *txn;
  pay.paid_at = req->settled_at.value_or(now);
  pay.recorded_by = recorded_by;
  pay.also = storage::CreditHeldRequest{{"request", id, "credit", in.note, "", now, std::nullopt}, *txn, amount, now, {}};
  return pay;
}

Review::Resolved Review::dismiss_callback(std::int64_t id, const std::string& note, const std::string& actor) {
  const TimePoint now = this->now();
  storage::ResolutionRow res{"callback", std::to_string(id), "dismiss", note, actor, now, std::nullopt};
  db_.transact([&](pqxx::work& tx) {
    auto cb = storage::lock_callback(tx, id);
    if (!cb) throw rto::NotFound("no provider callback with this id");
    on_review(*cb);
    if (!storage::insert_resolution(tx, res)) throw already_resolved();
  });
  rto::log::info("callback dismissed", {{"callback_id", id}, {"by", actor}});
  return Resolved{std::move(res), std::nullopt};
}

PaymentRequest Review::callback_credit(std::int64_t id, const ResolveInput& in, const std::string& recorded_by) {
  const TimePoint now = this->now();
  const auto key = std::to_string(id);
  auto [cb, done] = db_.query([&](pqxx::nontransaction& tx) {
    return std::pair{storage::lock_callback(tx, id), storage::resolved(tx, "callback", key)};
  });
  if (!cb) throw rto::NotFound("no provider callback with this id");
  if (done) throw already_resolved();
  on_review(*cb);

  // Only a paybill confirmation is money of its own; a callback about a request is resolved
  // through that request.
  if (cb->key_kind != "account_reference")
    throw rto::Conflict("only a paybill (C2B) confirmation can be credited here; resolve its payment request instead")
        .with_code("not-a-paybill-payment");
  if (in.amount || in.provider_txn_id)
    throw rto::Unprocessable("a paybill payment is credited as M-Pesa confirmed it",
                             {{in.amount ? "amount" : "provider_txn_id", "is taken from the confirmation"}});
  auto pid = momo::provider_of(cb->provider);
  auto* provider = pid ? providers_.find(*pid) : nullptr;
  if (!provider) throw rto::Conflict("provider " + cb->provider + " is not enabled").with_code("provider-disabled");
  boost::system::error_code ec;
  auto body = js::parse(cb->body, ec);
  auto c2b = ec ? std::nullopt : momo::parse_mpesa_c2b(body, provider->currency());
  if (!c2b) throw rto::Conflict("this callback is not a complete paybill confirmation").with_code("not-a-paybill-payment");

  const auto ref = in.plan_ref ? in.plan_ref : normalize_reference(cb->key_value);
  if (!ref)
    throw rto::Unprocessable("the payment names no plan reference we know; state the plan",
                             {{"plan_ref", "is required: the payment named " + cb->key_value}});
  auto [plan, holder] = db_.query([&](pqxx::nontransaction& tx) {
    return std::pair{storage::find_plan_by_reference(tx, *ref), storage::receipt_holder(tx, cb->provider, c2b->trans_id)};
  });
  if (holder && *holder != id)
    throw rto::Conflict("M-Pesa receipt " + c2b->trans_id + " belongs to callback " + std::to_string(*holder) +
                        "; credit it there").with_code("duplicate-receipt");
  if (!plan) throw rto::Unprocessable("no plan with this reference", {{"plan_ref", "names no plan"}});
  if (!(plan->currency == provider->currency()))
    throw rto::Unprocessable("plan " + plan->reference + " is paid in " + std::string(plan->currency.code()),
                             {{"plan_ref", "names a plan paid in " + std::string(plan->currency.code())}});

  auto pay = paybill_payment(plan->id, *c2b, provider->currency(), *cb, recorded_by);
  pay.also = storage::CreditCallback{{"callback", key, "credit", in.note, "", now, std::nullopt}, id, now, {}};
  return pay;
}

Review::Resolved Review::credit(PaymentRequest pay, const storage::Decision& approved) {
  // The resolution is the approver's: the item leaves the queue when the credit is carried out.
  auto decide = [&](auto& item) {
    item.resolution.resolved_by = approved.decided_by;
    item.resolution.resolved_at = approved.at;
    item.at = approved.at;
    item.approved = approved;
    return item.resolution;
  };
  storage::ResolutionRow res;
  if (auto* r = std::get_if<storage::CreditHeldRequest>(&*pay.also))
    res = decide(*r);
  else
    res = decide(std::get<storage::CreditCallback>(*pay.also));
  try {
    auto rec = payments_.record_payment(pay);
    rto::log::info("credit approved", {{"item", res.item}, {"item_id", res.item_id}, {"payment_id", rec.payment.id},
                                       {"proposed_by", pay.recorded_by}, {"approved_by", approved.decided_by}});
    res.payment_id = rec.payment.id;
    return Resolved{std::move(res), std::move(rec)};
  } catch (const NotAdmitted& n) {
    throw not_admitted(n);
  }
}

ReviewQueue Review::review_queue(ReviewList list, const storage::ReviewPage& page) {
  const auto stuck_before = now() - 2 * cfg_.reconcile_after;
  const auto all = list == ReviewList::all;
  return db_.read([&](pqxx::read_transaction& tx) {
    ReviewQueue q;
    if (all || list == ReviewList::held) q.held = storage::held_requests(tx, page);
    if (all || list == ReviewList::stuck) {
      auto p = page;
      p.newest = list == ReviewList::stuck && page.newest;  // the first page of all: the oldest stuck first
      q.stuck = storage::stuck_requests(tx, stuck_before, p);
    }
    if (all || list == ReviewList::callbacks) q.callbacks = storage::callbacks_for_review(tx, page);
    if (all || list == ReviewList::approvals) {
      storage::ApprovalFilter f{"pending", std::nullopt, page.newest && !all, std::nullopt, page.limit};
      if (page.after) f.after_seq = std::stoll(page.after->second);
      q.approvals = storage::approvals(tx, f);
    }
    std::vector<std::string> plans;
    for (const auto* rows : {&q.held, &q.stuck})
      for (const auto& r : *rows) plans.push_back(r.plan_id);
    q.references = storage::plan_references(tx, plans);
    return q;
  });
}

}  // namespace payment_service
