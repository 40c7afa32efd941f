// Mobile-money payment requests and provider callbacks.
#include "storage/approval_queries.hpp"
#include "storage/collection_queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace payment_service::storage {
using namespace detail;

namespace {

std::optional<std::int64_t> opt_int(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::int64_t>();
}

// The columns of sql::kRequestColumns, from column `at` on.
RequestRow read_request(const pqxx::row& r, int at = 0) {
  RequestRow q;
  q.id = r[at + 0].as<std::string>();
  q.plan_id = r[at + 1].as<std::string>();
  q.customer_id = r[at + 2].as<std::string>();
  q.requested_by = r[at + 3].as<std::string>();
  q.idempotency_key = r[at + 4].as<std::string>();
  q.fingerprint = r[at + 5].as<std::string>();
  q.provider = r[at + 6].as<std::string>();
  q.msisdn = r[at + 7].as<std::string>();
  q.status = r[at + 8].as<std::string>();
  q.amount = rto::Money::of(r[at + 9].as<std::int64_t>(), r[at + 10].as<std::string>());
  q.provider_request_id = opt_text(r[at + 11]);
  q.provider_txn_id = opt_text(r[at + 12]);
  q.confirmed_amount = opt_int(r[at + 13]);
  q.confirmed_currency = opt_text(r[at + 14]);
  q.reason_code = opt_text(r[at + 15]);
  q.reason = opt_text(r[at + 16]);
  q.payment_id = opt_text(r[at + 17]);
  q.created_at = time_of(r[at + 18]);
  q.updated_at = time_of(r[at + 19]);
  q.settled_at = opt_time(r[at + 20]);
  q.expires_at = time_of(r[at + 21]);
  q.next_check_at = time_of(r[at + 22]);
  q.checks = r[at + 23].as<int>();
  return q;
}

std::optional<RequestRow> one_request(const pqxx::result& res) {
  if (res.empty()) return std::nullopt;
  return read_request(res[0]);
}

std::vector<RequestRow> requests(const pqxx::result& res) {
  std::vector<RequestRow> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_request(r));
  return out;
}

CallbackRow read_callback(const pqxx::row& r) {
  CallbackRow c;
  c.id = r[0].as<std::int64_t>();
  c.provider = r[1].as<std::string>();
  c.key_kind = r[2].as<std::string>();
  c.key_value = r[3].as<std::string>();
  c.body = r[4].as<std::string>();
  c.status = r[5].as<std::string>();
  c.request_id = opt_text(r[6]);
  c.outcome = opt_text(r[7]);
  c.received_at = time_of(r[8]);
  c.attempts = r[9].as<int>();
  return c;
}

}  // namespace

bool insert_request(Tx& tx, const RequestRow& r) {
  auto res = tx.exec_prepared(sql::kRequestInsert.name, r.id, r.plan_id, r.customer_id, r.requested_by,
                              r.idempotency_key, r.fingerprint, r.provider, r.msisdn, r.amount.amount,
                              std::string(r.amount.currency.code()), r.status, to_micros(r.created_at),
                              to_micros(r.expires_at), to_micros(r.next_check_at));
  return !res.empty();
}

std::optional<RequestRow> find_request(Tx& tx, const std::string& id) {
  return one_request(tx.exec_prepared(sql::kRequestById.name, id));
}
std::optional<RequestRow> find_request_by_key(Tx& tx, const std::string& requested_by, const std::string& key) {
  return one_request(tx.exec_prepared(sql::kRequestByKey.name, requested_by, key));
}
std::optional<RequestRow> lock_request(Tx& tx, const std::string& id) {
  return one_request(tx.exec_prepared(sql::kRequestLock.name, id));
}
std::optional<RequestRow> find_request_by_provider_ref(Tx& tx, const std::string& provider, const std::string& ref) {
  return one_request(tx.exec_prepared(sql::kRequestByProviderRef.name, provider, ref));
}

void mark_request_started(Tx& tx, const std::string& id, const std::string& status,
                          const std::optional<std::string>& provider_request_id, TimePoint now, TimePoint next_check) {
  tx.exec_prepared(sql::kRequestStarted.name, id, status, provider_request_id, to_micros(now), to_micros(next_check));
}

void settle_request(Tx& tx, const RequestRow& r, TimePoint now) {
  tx.exec_prepared(sql::kRequestSettle.name, r.id, r.status, r.provider_txn_id, r.confirmed_amount,
                   r.confirmed_currency, r.reason_code, r.reason, r.payment_id, to_micros(now));
}

std::set<std::string> mark_requests_paid(Tx& tx, const std::vector<const RequestPaid*>& paid, TimePoint now) {
  boost::json::array rows;
  rows.reserve(paid.size());
  for (const auto* p : paid) {
    boost::json::object o;
    o["id"] = p->request_id;
    o["txn"] = p->provider_txn_id ? boost::json::value(*p->provider_txn_id) : boost::json::value(nullptr);
    o["code"] = p->reason_code;
    o["reason"] = p->reason;
    o["payment_id"] = p->payment_id;
    o["callback_id"] = p->callback_id ? boost::json::value(*p->callback_id) : boost::json::value(nullptr);
    o["outcome"] = p->outcome;
    rows.push_back(std::move(o));
  }
  std::set<std::string> marked;
  for (const auto& r : tx.exec_prepared(sql::kRequestsPaid.name, boost::json::serialize(rows), to_micros(now)))
    marked.insert(r[0].as<std::string>());
  return marked;
}

bool attach_receipt(Tx& tx, const RequestRow& r, const std::string& receipt, TimePoint now) {
  if (!r.payment_id) return false;
  return !tx.exec_prepared(sql::kReceiptAttach.name, r.id, *r.payment_id, receipt, to_micros(now)).empty();
}

std::vector<RequestRow> requests_of_plan(Tx& tx, const std::string& plan_id, int limit) {
  return requests(tx.exec_prepared(sql::kRequestsOfPlan.name, plan_id, limit));
}
std::vector<RequestRow> claim_due_requests(Tx& tx, TimePoint now, TimePoint next_check, int limit) {
  return requests(tx.exec_prepared(sql::kRequestsClaimDue.name, to_micros(now), to_micros(next_check), limit));
}

std::vector<StoredCallback> insert_callbacks(Tx& tx, const std::vector<const CallbackRow*>& rows,
                                             const std::vector<TimePoint>& claimed_until) {
  boost::json::array in;
  in.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& c = *rows[i];
    in.push_back(boost::json::object{{"provider", c.provider},
                                     {"key_kind", c.key_kind},
                                     {"key_value", c.key_value},
                                     {"body", c.body},
                                     {"received_at", to_micros(c.received_at)},
                                     {"claimed_until", to_micros(claimed_until.at(i))}});
  }
  // Inserted in order, from one sequence: ascending ids (the statement's order) follow the rows'.
  std::vector<StoredCallback> out;
  out.reserve(rows.size());
  for (const auto& r : tx.exec_prepared(sql::kCallbackInsertMany.name, boost::json::serialize(in))) {
    out.push_back({r[0].as<std::int64_t>(), std::nullopt});
    if (!r[1].is_null()) out.back().request = read_request(r, 1);
  }
  return out;
}

std::optional<CallbackRow> claim_callback(Tx& tx, std::int64_t id, TimePoint now, TimePoint until,
                                          std::optional<TimePoint> held) {
  std::optional<std::int64_t> held_us;
  if (held) held_us = to_micros(*held);
  auto res = tx.exec_prepared(sql::kCallbackClaim.name, id, to_micros(now), to_micros(until), held_us);
  if (res.empty()) return std::nullopt;
  return read_callback(res[0]);
}

void finish_callback(Tx& tx, std::int64_t id, const std::string& status, const std::optional<std::string>& request_id,
                     const std::string& outcome, TimePoint now) {
  tx.exec_prepared(sql::kCallbackFinish.name, id, status, request_id, outcome, to_micros(now));
}

void await_answer(Tx& tx, std::int64_t id, const std::optional<std::string>& ref, const std::string& outcome,
                  TimePoint now) {
  tx.exec_prepared(sql::kCallbackAwait.name, id, ref, outcome, to_micros(now));
}

bool queries_in_flight(Tx& tx) { return tx.exec_prepared(sql::kCallbacksAsking.name)[0][0].as<bool>(); }

void unask(Tx& tx, std::int64_t id) { tx.exec_prepared(sql::kCallbackUnask.name, id); }

std::optional<CallbackRow> callback_awaiting(Tx& tx, const std::string& ref) {
  auto res = tx.exec_prepared(sql::kCallbackAwaiting.name, ref);
  if (res.empty()) return std::nullopt;
  return read_callback(res[0]);
}

bool end_wait(Tx& tx, std::int64_t id, const std::string& status, const std::string& outcome, TimePoint now) {
  return !tx.exec_prepared(sql::kCallbackAnswered.name, id, status, outcome, to_micros(now)).empty();
}

std::size_t requeue_unanswered(Tx& tx, TimePoint before) {
  return tx.exec_prepared(sql::kCallbacksUnanswered.name, to_micros(before)).size();
}

std::vector<std::int64_t> waiting_callbacks(Tx& tx, TimePoint before, TimePoint now, int limit) {
  std::vector<std::int64_t> ids;
  for (const auto& r : tx.exec_prepared(sql::kCallbacksWaiting.name, to_micros(before), to_micros(now), limit))
    ids.push_back(r[0].as<std::int64_t>());
  return ids;
}

int purge_callbacks(Tx& tx, TimePoint before, int limit) {
  return static_cast<int>(tx.exec_prepared(sql::kCallbacksPurge.name, to_micros(before), limit).affected_rows());
}

std::optional<CallbackRow> lock_callback(Tx& tx, std::int64_t id) {
  auto res = tx.exec_prepared(sql::kCallbackLock.name, id);
  if (res.empty()) return std::nullopt;
  return read_callback(res[0]);
}

bool resolved(Tx& tx, const std::string& item, const std::string& item_id) {
  return !tx.exec_prepared(sql::kResolutionExists.name, item, item_id).empty();
}

bool insert_resolution(Tx& tx, const ResolutionRow& r) {
  return !tx.exec_prepared(sql::kResolutionInsert.name, r.item, r.item_id, r.action, r.note, r.resolved_by,
                           to_micros(r.resolved_at), r.payment_id)
              .empty();
}

// ---- the review queue, one list a page --------------------------------------------------------

namespace {
std::optional<std::int64_t> after_at(const ReviewPage& p) {
  if (!p.after) return std::nullopt;
  return to_micros(p.after->first);
}
std::optional<std::string> after_id(const ReviewPage& p) {
  if (!p.after) return std::nullopt;
  return p.after->second;
}
}  // namespace

std::vector<RequestRow> held_requests(Tx& tx, const ReviewPage& p) {
  const auto& st = p.newest ? sql::kHeldNewest : sql::kHeldOldest;
  return requests(tx.exec_prepared(st.name, p.provider, after_at(p), after_id(p), p.limit));
}

std::vector<RequestRow> stuck_requests(Tx& tx, TimePoint created_before, const ReviewPage& p) {
  const auto& st = p.newest ? sql::kStuckNewest : sql::kStuckOldest;
  return requests(tx.exec_prepared(st.name, p.provider, after_at(p), after_id(p), p.limit, to_micros(created_before)));
}

std::vector<CallbackRow> callbacks_for_review(Tx& tx, const ReviewPage& p) {
  const auto& st = p.newest ? sql::kCallbacksNewest : sql::kCallbacksOldest;
  std::optional<std::int64_t> id;
  if (p.after) id = std::stoll(p.after->second);
  std::vector<CallbackRow> out;
  for (const auto& r : tx.exec_prepared(st.name, p.provider, after_at(p), id, p.limit, p.status))
    out.push_back(read_callback(r));
  return out;
}

namespace {
struct WithPaymentWriter {
  Tx& tx;
  const PaymentRow& payment;

  std::optional<std::string> operator()(const CreditHeldRequest& c) const {
    auto q = lock_request(tx, c.resolution.item_id);
    if (!q || q->status != "held") return q ? q->status : "unknown";
    auto res = c.resolution;
    res.payment_id = payment.id;
    if (!insert_resolution(tx, res)) return "resolved";
    if (c.approved && !decide_approval(tx, *c.approved, "approved", payment.id)) return "decided";
    q->status = "succeeded";
    q->payment_id = payment.id;
    q->provider_txn_id = c.provider_txn_id;
    q->confirmed_amount = c.confirmed.amount;
    q->confirmed_currency = std::string(c.confirmed.currency.code());
    q->reason_code = "RESOLVED_BY_STAFF";
    q->reason = "credited after staff checked it with the provider";
    settle_request(tx, *q, c.at);
    return std::nullopt;
  }
  std::optional<std::string> operator()(const CreditCallback& c) const {
    auto locked = lock_callback(tx, c.callback_id);
    auto res = c.resolution;
    res.payment_id = payment.id;
    if (!locked || !insert_resolution(tx, res)) return "resolved";
    if (c.approved && !decide_approval(tx, *c.approved, "approved", payment.id)) return "decided";
    finish_callback(tx, c.callback_id, "processed", std::nullopt, "credited by staff as payment " + payment.id, c.at);
    return std::nullopt;
  }
  std::optional<std::string> operator()(const ConfirmPaybill& c) const {
    end_wait(tx, c.asked_id, "processed", c.asked_outcome + payment.id, c.at);
    finish_callback(tx, c.answer_id, "processed", std::nullopt, c.answer_outcome + payment.id, c.at);
    return std::nullopt;
  }
};
}  // namespace

std::optional<std::string> write_with_payment(Tx& tx, const WithPayment& w, const PaymentRow& payment) {
  return std::visit(WithPaymentWriter{tx, payment}, w);
}

}  // namespace payment_service::storage
