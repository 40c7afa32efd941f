// Mobile-money collection: starting a request with a provider, storing and working off provider
// callbacks, and reconciliation of requests whose callback never came.
//
// Trust: a callback only says "look at request X". Money moves only on what the provider's own
// status API confirms, for the amount and currency we asked for, through record_payment (keyed
// by the provider's transaction id) in the same transaction that marks the request paid.
#include <stdexcept>
#include <thread>

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>
#include <rto/phone.hpp>

#include "collections.hpp"
#include "domain/reference.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;
using momo::ProviderResult;
using State = momo::ProviderResult::State;

namespace {

constexpr auto kClaim = std::chrono::seconds(30);        // a worker's hold on one callback
constexpr auto kClaimMargin = std::chrono::seconds(10);  // a queued callback's claim is renewed when less is left
constexpr auto kSweepAge = std::chrono::seconds(5);      // a stored callback older than this was lost from the queue
constexpr int kMaxCallbackAttempts = 20;                  // then it waits for staff
constexpr const char* kRecordedBy = "mobile-money";
constexpr auto kAnswerWait = std::chrono::minutes(5);  // a paybill receipt query unanswered this long is asked again
constexpr int kMaxReceiptQueries = 3;                   // then the paybill confirmation waits for staff
constexpr int kMaxAnswerMatches = 3;                    // tries to match an answer to its query, then unmatched

bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > 128) return false;
  for (char c : k)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

std::string money_text(std::int64_t amount, const std::string& currency) {
  return rto::Money{amount, rto::Currency::of(currency)}.format();
}

}  // namespace

Collections::Collections(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg,
                         momo::Providers& providers, Payments& payments)
    : UseCase(db, std::move(clock), cfg),
      providers_(providers),
      payments_(payments),
      receipt_queries_({cfg.receipt_queries_per_minute / 60.0, static_cast<double>(cfg.receipt_queries_per_minute)}),
      plan_receipt_queries_({cfg.receipt_queries_per_plan_per_hour / 3600.0,
                             static_cast<double>(cfg.receipt_queries_per_plan_per_hour)}),
      stored_([this](const std::vector<QueuedCallback*>& batch) { store_callbacks(batch); }, kStoreBatchMax, 1),
      callbacks_([this](QueuedCallback& q) { work_off(q); }, {.max_threads = 0, .idle_timeout = kWorkerIdle}) {}

Collections::~Collections() { stop_callback_workers(); }

// ---- starting a collection ----------------------------------------------------------------------

Collection Collections::collect(const momo::CollectionInput& in, const std::string& key, const rto::auth::Identity& who) {
  if (!valid_idempotency_key(key))
    throw rto::BadRequest("the Idempotency-Key header is required: 1-128 visible characters, unique per payment",
                          {{"Idempotency-Key", "is required"}});
  auto* provider = providers_.find(in.provider);
  const auto pname = std::string(momo::to_string(in.provider));
  if (!provider) throw rto::Unprocessable("this provider is not available", {{"provider", pname + " is not enabled"}});
  auto e164 = rto::phone::normalize(in.phone, provider->country());
  if (!e164 || rto::phone::region_of(*e164) != provider->country())
    throw rto::BadRequest("the phone number is not valid for " + pname,
                          {{"phone", "must be a valid " + provider->country() + " mobile number"}});
  const auto& cur = provider->currency();
  if (!(in.amount.currency == cur))
    throw rto::Unprocessable(pname + " collects " + std::string(cur.code()),
                             {{"amount.currency", "must be " + std::string(cur.code()) + " for " + pname}});
  if (in.provider != momo::ProviderId::mtn_momo && !momo::whole_major(in.amount))
    throw rto::Unprocessable(pname + " takes whole units", {{"amount.amount", "must be whole " + std::string(cur.code())}});
  const auto fingerprint = momo::collection_fingerprint(in, *e164);
  const auto now = this->now();

  auto reuse = [&](storage::RequestRow r) {
    if (r.fingerprint != fingerprint)
      throw rto::Unprocessable("this Idempotency-Key was used for another payment",
                               {{"Idempotency-Key", "was used with a different request body"}})
          .with_code("idempotency-key-reused");
    return Collection{std::move(r), true};
  };

  std::optional<Collection> earlier;
  storage::RequestRow row;
  std::string reference;
  db_.transact([&](pqxx::work& tx) {
    earlier.reset();
    if (auto prev = storage::find_request_by_key(tx, who.subject, key)) {
      earlier = reuse(std::move(*prev));
      return;
    }
    auto plan = storage::find_plan(tx, in.plan_id);
    if (!plan || (plan->customer_id != who.subject && !who.is_staff())) throw rto::NotFound("no plan with this id");
    if (!plan->takes_payments())
      throw rto::Conflict("this plan takes no payments; it is " + plan->status_name()).with_code("not-payable");
    if (!(plan->currency == in.amount.currency))
      throw rto::Unprocessable("this plan is paid in " + std::string(plan->currency.code()),
                               {{"amount.currency", "must be " + std::string(plan->currency.code())}});
    row = {};
    row.id = rto::crypto::uuid_v4();
    row.plan_id = plan->id;
    row.customer_id = plan->customer_id;
    row.requested_by = who.subject;
    row.idempotency_key = key;
    row.fingerprint = fingerprint;
    row.provider = pname;
    row.msisdn = *e164;
    row.status = "initiated";
    row.amount = in.amount;
    row.created_at = row.updated_at = now;
    row.expires_at = now + cfg_.request_ttl;
    row.next_check_at = now + cfg_.reconcile_after;
    reference = plan->reference;
    if (!storage::insert_request(tx, row)) {  // the same key, concurrently
      auto prev = storage::find_request_by_key(tx, who.subject, key);
      if (!prev) throw rto::Conflict("this payment is being started; try again").with_code("busy");
      earlier = reuse(std::move(*prev));
    }
  });
  if (earlier) return std::move(*earlier);

  // The provider call happens outside any transaction: the request row already exists, so
  // whatever happens now, reconciliation can find out.
  try {
    auto started = provider->start({row.id, row.amount, row.msisdn, reference});
    std::optional<std::string> ref;
    if (!started.provider_request_id.empty()) ref = started.provider_request_id;
    db_.transact([&](pqxx::work& tx) {
      storage::mark_request_started(tx, row.id, "pending", ref, this->now(), now + cfg_.reconcile_after);
    });
  } catch (const momo::Refused& e) {
    ProviderResult r;
    r.state = State::failed;
    r.code = e.code;
    r.message = e.what();
    finish_request(row, "failed", r);
  } catch (const momo::Unreachable& e) {
    rto::log::warn("provider did not answer a collection request",
                   {{"request_id", row.id}, {"provider", pname}, {"error", e.what()}});
  }
  auto current = db_.query([&](pqxx::nontransaction& tx) { return storage::find_request(tx, row.id); });
  rto::log::info("collection requested", {{"request_id", row.id}, {"plan_id", row.plan_id}, {"provider", pname},
                                          {"amount", row.amount.amount}, {"status", current->status}});
  return Collection{std::move(*current), false};
}

// ---- settling ----------------------------------------------------------------------------------

void Collections::finish_request(const storage::RequestRow& req, const std::string& status, const ProviderResult& r) {
  const bool finished = db_.transact([&](pqxx::work& tx) {
    auto q = storage::lock_request(tx, req.id);
    if (!q || !q->open()) return false;
    q->status = status;
    q->reason_code = r.code;
    q->reason = r.message;
    if (!r.provider_txn_id.empty()) q->provider_txn_id = r.provider_txn_id;
    q->confirmed_amount = r.amount;
    q->confirmed_currency = r.currency;
    storage::settle_request(tx, *q, now());
    if (status == "failed" || status == "expired") {
      auto plan = storage::find_plan(tx, q->plan_id);
      js::object data = plan ? views::event_data(*plan) : js::object{{"plan_id", q->plan_id}, {"customer_id", q->customer_id}};
      data["request_id"] = q->id;
      data["provider"] = q->provider;
      data["amount"] = q->amount.to_json();
      data["status"] = status;
      data["reason_code"] = r.code;
      data["reason"] = r.message;
      rto::events::enqueue(tx, source(), {"payment.request.failed", q->plan_id, std::move(data)});
    }
    return true;
  });
  if (!finished) return;
  payments_.figures().request_finished(req.provider, status);
  rto::log::info("collection settled", {{"request_id", req.id}, {"status", status}, {"reason_code", r.code}});
}

// The provider confirmed money for a request we had already closed as failed or expired (the
// payer approved late, or the two paths crossed): it goes to staff as held, never silently lost.
void Collections::hold_late_success(const storage::RequestRow& req, const ProviderResult& r) {
  db_.transact([&](pqxx::work& tx) {
    auto q = storage::lock_request(tx, req.id);
    if (!q || (q->status != "failed" && q->status != "expired")) return;
    q->reason = "the provider confirmed a payment after the request was " + q->status;
    q->status = "held";
    q->reason_code = "LATE_SUCCESS";
    if (!r.provider_txn_id.empty()) q->provider_txn_id = r.provider_txn_id;
    q->confirmed_amount = r.amount;
    q->confirmed_currency = r.currency;
    storage::settle_request(tx, *q, now());
  });
  rto::log::warn("late success held for staff", {{"request_id", req.id}, {"provider", req.provider}});
}

Settlement Collections::settle(const storage::RequestRow& req, ProviderResult r, std::optional<std::int64_t> callback_id) {
  const auto now = this->now();
  switch (r.state) {
    case State::pending:
      if (now < req.expires_at) return Settlement::Pending;
      // An ambiguous answer at expiry is a question for staff, not a failure.
      if (r.code == "TA") {
        r.message = "the provider's answer is ambiguous (TA) at expiry";
        finish_request(req, "held", r);
        return Settlement::Held;
      }
      r.message = r.message.empty() ? "no answer from the customer in time" : r.message;
      if (r.code.empty()) r.code = "EXPIRED";
      finish_request(req, "expired", r);
      return Settlement::Expired;
    case State::failed:
      finish_request(req, "failed", r);
      return Settlement::Failed;
    case State::expired:
      finish_request(req, "expired", r);
      return Settlement::Expired;
    case State::succeeded:
      break;
  }
  const bool amount_differs = r.amount_unreadable || (r.amount && *r.amount != req.amount.amount);
  const bool currency_differs = r.currency && *r.currency != req.amount.currency.code();
  if (amount_differs || currency_differs) {
    r.message = "the provider confirmed " +
                (r.amount ? money_text(*r.amount, r.currency.value_or(std::string(req.amount.currency.code()))) : "?") +
                " but " + req.amount.format() + " was asked";
    r.code = "AMOUNT_MISMATCH";
    finish_request(req, "held", r);
    rto::log::warn("collection held: amount mismatch", {{"request_id", req.id}, {"provider", req.provider}});
    return Settlement::Held;
  }
  PaymentRequest pay;
  pay.plan_id = req.plan_id;
  pay.amount = req.amount;
  pay.provider = req.provider;
  // The provider's transaction id keys the credit; without one (an M-Pesa query answers no
  // receipt) the request itself does, so a later callback with the receipt finds it settled.
  pay.provider_txn_id = r.provider_txn_id.empty() ? "request:" + req.id : r.provider_txn_id;
  if (!r.provider_txn_id.empty()) pay.receipt_number = r.provider_txn_id;
  pay.paid_at = now;
  pay.recorded_by = kRecordedBy;
  // Marked paid (while it is still open) in the same commit, its callback finished there too.
  storage::RequestPaid paid;
  paid.request_id = req.id;
  if (!r.provider_txn_id.empty()) paid.provider_txn_id = r.provider_txn_id;
  paid.reason_code = r.code;
  paid.reason = r.message;
  paid.callback_id = callback_id;
  paid.outcome = "request succeeded";
  pay.pays_request = std::move(paid);
  try {
    payments_.record_payment(pay);
    rto::log::info("collection credited", {{"request_id", req.id}, {"plan_id", req.plan_id}, {"provider", req.provider}});
    return Settlement::Succeeded;
  } catch (const NotAdmitted& n) {
    // Settled meanwhile by another path — or closed as failed/expired just before the
    // provider's success was read: that money is for staff, not lost.
    if (n.status != "failed" && n.status != "expired") return Settlement::Duplicate;
    hold_late_success(req, r);
    return Settlement::Late;
  } catch (const rto::Error& e) {
    if (e.status() != 409) throw;  // e.g. the database is busy: the sweep or reconciliation retries
    // The provider's transaction id is on the ledger for another plan or amount: never credit twice.
    r.code = "LEDGER_CONFLICT";
    r.message = e.what();
    finish_request(req, "held", r);
    return Settlement::Held;
  }
}

namespace {
// A callback whose handling threw after it was matched to a request: the callback keeps the
// request's id when it ends held.
struct MatchedFailure {
  std::string request_id;
  std::exception_ptr cause;
};
}  // namespace

// ---- callbacks ---------------------------------------------------------------------------------

std::int64_t Collections::receive_callback(momo::ProviderId provider, std::string_view body) {
  const auto pname = std::string(momo::to_string(provider));
  boost::system::error_code ec;
  auto v = js::parse(body, ec);
  if (ec) throw rto::BadRequest("the callback body is not JSON", {{"body", "must be JSON"}});
  momo::CallbackKey key;
  try {
    key = momo::callback_key(provider, v);
  } catch (const std::invalid_argument& e) {
    throw rto::BadRequest("not a " + pname + " callback: " + e.what(), {{"body", "is not a " + pname + " callback"}});
  }
  static constexpr const char* kinds[] = {"request_id", "checkout_id", "account_reference", "conversation_id"};
  // A public endpoint stores bodies before anyone has verified them: when the workers are this
  // far behind (a flood of forged callbacks, or the providers' status APIs down), refuse more
  // instead of filling the table and the queue. Providers retry a callback that was not accepted.
  if (callbacks_.waiting() >= static_cast<std::size_t>(cfg_.callback_backlog_max))
    throw rto::Unavailable("too many callbacks are waiting to be verified; send this one again later");
  // Stored before we answer, already claimed for this process's workers (a crash leaves the
  // claim to lapse; the sweep then takes it), so a worker need not claim it again. Webhooks
  // arriving together are stored together, in one statement committed on its own.
  QueuedCallback q;
  q.row.provider = pname;
  q.row.key_kind = kinds[static_cast<int>(key.kind)];
  q.row.key_value = std::move(key.value);
  q.row.body = std::string(body);
  q.row.status = "received";
  q.row.received_at = now();
  q.row.attempts = 1;
  q.claimed_until = q.row.received_at + kClaim;
  stored_.run(q);
  if (q.error) std::rethrow_exception(q.error);
  const auto id = q.row.id;
  // Not queued when stopping: its claim lapses and the sweep takes it.
  callbacks_.push(std::move(q));
  return id;
}

void Collections::store_callbacks(const std::vector<QueuedCallback*>& batch) noexcept {
  try {
    std::vector<const storage::CallbackRow*> rows;
    std::vector<TimePoint> claims;
    for (auto* q : batch) {
      rows.push_back(&q->row);
      claims.push_back(q->claimed_until);
    }
    auto stored = db_.query([&](pqxx::nontransaction& tx) { return storage::insert_callbacks(tx, rows, claims); });
    if (stored.size() != batch.size()) throw std::logic_error("callback ids do not match the batch");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i]->row.id = stored[i].id;
      batch[i]->request = std::move(stored[i].request);
    }
    return;
  } catch (...) {
    if (batch.size() == 1) {
      batch.front()->error = std::current_exception();
      return;
    }
  }
  // Whatever spoiled the statement, each on its own, so that only its own webhook fails.
  for (auto* q : batch) store_callbacks({q});
}

// Reconciliation settled an M-Pesa request before its callback came: Daraja's query confirms
// the outcome but names no receipt, so the payment was keyed by the request. The callback that
// arrives later carries the receipt customers and staff quote; when it reports the success for
// the amount asked, the receipt is recorded on the payment and the request.
std::optional<CallbackOutcome> Collections::late_receipt(const storage::RequestRow& req,
                                                                     const js::value& body,
                                                                     const momo::Provider& provider) {
  auto claimed = momo::parse_mpesa_callback(body, provider.currency());
  const auto& r = claimed.result;
  if (r.state != State::succeeded || r.provider_txn_id.empty()) return std::nullopt;
  if (r.amount_unreadable || (r.amount && *r.amount != req.amount.amount) ||
      (r.currency && *r.currency != req.amount.currency.code()))
    return std::nullopt;
  try {
    bool attached = db_.transact([&](pqxx::work& tx) { return storage::attach_receipt(tx, req, r.provider_txn_id, now()); });
    if (!attached) return std::nullopt;
  } catch (const pqxx::unique_violation&) {
    return CallbackOutcome{CallbackStatus::Held,
                           "M-Pesa receipt " + r.provider_txn_id + " is already on the ledger for another payment"};
  }
  rto::log::info("receipt recorded after reconciliation", {{"request_id", req.id}, {"provider", req.provider}});
  return CallbackOutcome{CallbackStatus::Processed,
                         "receipt " + r.provider_txn_id + " recorded for the payment reconciliation settled"};
}

CallbackOutcome Collections::handle_callback(const storage::CallbackRow& cb, const storage::RequestRow* known) {
  auto pid = momo::provider_of(cb.provider);
  auto* provider = pid ? providers_.find(*pid) : nullptr;
  if (!provider) return {CallbackStatus::Unmatched, "provider " + cb.provider + " is not enabled"};
  const auto body = js::parse(cb.body);
  if (!provider->authentic(body)) return {CallbackStatus::Rejected, "the callback signature does not verify"};

  if (cb.key_kind == "account_reference") return handle_paybill(cb, body, *provider);
  if (cb.key_kind == "conversation_id") return handle_receipt_answer(cb, body, *provider);
  std::optional<storage::RequestRow> req;
  // Read when the callback was stored, if it was open then: whatever settled it since is caught
  // where it matters (the credit applies only to an open request; a close re-reads it locked).
  if (known && known->open() && cb.key_kind == "request_id" && known->id == cb.key_value)
    req = *known;
  else
    req = db_.query([&](pqxx::nontransaction& tx) -> std::optional<storage::RequestRow> {
      if (cb.key_kind == "checkout_id") return storage::find_request_by_provider_ref(tx, cb.provider, cb.key_value);
      auto id = uuid_of(cb.key_value);
      return id ? storage::find_request(tx, *id) : std::nullopt;
    });
  if (!req || req->provider != cb.provider)
    return {CallbackStatus::Unmatched, "no " + cb.provider + " request " + cb.key_value};
  try {
    return request_callback(cb, *req, body, *provider);
  } catch (...) {
    throw MatchedFailure{req->id, std::current_exception()};
  }
}

// A callback about one of our requests, matched: settled with the provider's word.
CallbackOutcome Collections::request_callback(const storage::CallbackRow& cb, const storage::RequestRow& request,
                                      const js::value& body, momo::Provider& provider) {
  const auto* req = &request;
  const auto pid = provider.id();
  const auto about = [&](CallbackOutcome o) {
    o.request_id = req->id;
    return o;
  };
  if (req->status == "succeeded" && pid == momo::ProviderId::mpesa && !req->provider_txn_id)
    if (auto receipt = late_receipt(*req, body, provider)) return about(std::move(*receipt));
  if (req->status == "succeeded" || req->status == "held" || req->status == "dismissed")
    return about({CallbackStatus::Duplicate, "the request was already " + req->status});

  // The provider's word, not the callback's.
  auto confirmed = provider.status(req->id, req->provider_request_id.value_or(""));
  if (!req->open()) {
    // A payer who approved after we gave up (expired, failed): money arrived that no request
    // now expects. It is not credited automatically; staff decide.
    if (confirmed.state == State::succeeded) {
      hold_late_success(*req, confirmed);
      return about({CallbackStatus::Held, "the provider confirmed a payment after the request was " + req->status});
    }
    return about({CallbackStatus::Duplicate, "the request was already " + req->status});
  }
  if (pid == momo::ProviderId::mpesa && confirmed.state == State::succeeded) {
    // Daraja's query confirms the outcome but names no receipt or amount; those come from
    // the callback, which must then agree with what was asked (else settle() holds it).
    auto claimed = momo::parse_mpesa_callback(body, provider.currency());
    if (claimed.result.state == State::succeeded) {
      confirmed.provider_txn_id = claimed.result.provider_txn_id;
      confirmed.amount = claimed.result.amount;
      confirmed.currency = claimed.result.currency;
    }
  }
  if (confirmed.state == State::pending && this->now() < req->expires_at)
    return about({CallbackStatus::Processed, "the provider still reports it pending; reconciliation will settle it"});
  const auto became = settle(*req, confirmed, cb.id);
  auto outcome = about(callback_outcome(became));
  outcome.finished = became == Settlement::Succeeded;  // the credit finished the callback in its commit
  return outcome;
}

void Collections::process_callback(std::int64_t id) {
  const auto now = this->now();
  // The claim and the finish are single statements, each committed on its own.
  auto cb = db_.query([&](pqxx::nontransaction& tx) { return storage::claim_callback(tx, id, now, now + kClaim); });
  if (cb) process_claimed(*cb);  // else done already, or another worker has it
}

namespace {

std::string paybill_text(const momo::MpesaC2B& c2b, const rto::Currency& currency, const std::string& plan_reference) {
  return "paybill payment of " + rto::Money{c2b.amount, currency}.format() + " (M-Pesa " + c2b.trans_id + ") for " +
         plan_reference;
}

}  // namespace

// A paybill (C2B) confirmation: money sent to our shortcode under a plan's account reference,
// asked for by no request of ours, to a URL anyone can post to. It is matched to its plan and
// then confirmed with the provider (Daraja's Transaction Status API), whose answer arrives as
// another callback (handle_receipt_answer). Staff verify it instead when the service has no
// initiator to ask with, when Daraja refuses the query, or when it leaves queries unanswered.
CallbackOutcome Collections::handle_paybill(const storage::CallbackRow& cb, const js::value& body, momo::Provider& provider) {
  auto c2b = momo::parse_mpesa_c2b(body, provider.currency());
  if (!c2b) return {CallbackStatus::Rejected, "not a complete paybill confirmation"};
  // A receipt is money once, whatever reference a confirmation names: one on the ledger already,
  // or held by another confirmation, is a duplicate (a forged copy onto another plan included).
  auto credited = db_.query([&](pqxx::nontransaction& tx) {
    return storage::payments_by_txns(tx, {{cb.provider, c2b->trans_id}});
  });
  if (!credited.empty())
    return {CallbackStatus::Duplicate, "M-Pesa receipt " + c2b->trans_id + " is already credited (payment " +
                                           credited.begin()->second.id + ")"};
  auto ref = normalize_reference(cb.key_value);
  auto plan = ref ? db_.query([&](pqxx::nontransaction& tx) { return storage::find_plan_by_reference(tx, *ref); })
                  : std::nullopt;
  if (!plan) return {CallbackStatus::Unmatched, "no plan with account reference " + cb.key_value};
  const auto holder = db_.query([&](pqxx::nontransaction& tx) {
    return storage::claim_receipt(tx, cb.provider, c2b->trans_id, cb.id);
  });
  if (holder != cb.id)
    return {CallbackStatus::Duplicate,
            "M-Pesa receipt " + c2b->trans_id + " was already received in callback " + std::to_string(holder)};
  const auto what = paybill_text(*c2b, provider.currency(), plan->reference);
  if (!(plan->currency == provider.currency()))
    return {CallbackStatus::Held, what + ": the plan is paid in " + std::string(plan->currency.code()) + "; awaits staff"};
  if (!provider.confirms_receipts()) return {CallbackStatus::Held, what + " awaits verification by staff"};
  if (cb.attempts > kMaxReceiptQueries)
    return {CallbackStatus::Held, what + ": M-Pesa left " + std::to_string(kMaxReceiptQueries) +
                        " queries about it unanswered; awaits verification by staff"};
  // Forged confirmations must not spend Daraja's quota: a plan asked about too often is left to
  // staff; over the overall rate, the query waits for the sweep.
  const auto at = rto::rate::SteadyClock::time_point(
      std::chrono::duration_cast<rto::rate::SteadyClock::duration>(now().time_since_epoch()));
  if (!plan_receipt_queries_.take(plan->id, at).allowed) {
    ++refused_;
    return {CallbackStatus::Held, what + ": M-Pesa was asked about this plan's receipts too often lately (" +
                                      std::to_string(cfg_.receipt_queries_per_plan_per_hour) +
                                      " an hour); awaits verification by staff"};
  }
  if (auto d = receipt_queries_.take("mpesa", at); !d.allowed) {
    ++postponed_;
    throw momo::Unreachable("M-Pesa receipt queries are at their limit (" + std::to_string(cfg_.receipt_queries_per_minute) +
                            " a minute); asked again later");
  }
  // Waiting before the query is sent: Daraja's answer can come before the query's own reply
  // (handle_receipt_answer then waits for the name to be stored).
  db_.query([&](pqxx::nontransaction& tx) {
    storage::await_answer(tx, cb.id, std::nullopt, what + ": M-Pesa is being asked to confirm it", now());
  });
  std::string asked;
  try {
    asked = provider.query_receipt(c2b->trans_id, plan->reference);
  } catch (const momo::Refused& e) {
    return {CallbackStatus::Held, what + " could not be confirmed: " + e.what() + "; awaits verification by staff"};
  } catch (...) {
    // Not sent (or its reply lost): back to the sweep, which asks again.
    db_.query([&](pqxx::nontransaction& tx) { storage::unask(tx, cb.id); });
    throw;
  }
  db_.query([&](pqxx::nontransaction& tx) {
    storage::await_answer(tx, cb.id, asked, what + ": M-Pesa was asked to confirm it", now());
  });
  return {CallbackStatus::Verifying, "M-Pesa was asked to confirm it (" + asked + ")", std::nullopt, true};
}

// Daraja's answer about a paybill receipt: the confirmation that asked is credited when the
// answer agrees with it (receipt, amount, our shortcode, completed) and held for staff when not,
// in the commit that records the money.
CallbackOutcome Collections::handle_receipt_answer(const storage::CallbackRow& cb, const js::value& body,
                                           momo::Provider& provider) {
  const auto answer = momo::parse_mpesa_receipt_status(body, provider.currency());
  const auto find = [&] {
    return db_.query([&](pqxx::nontransaction& tx) { return storage::callback_awaiting(tx, answer.conversation_id); });
  };
  auto asked = find();
  // An answer can overtake the reply to its own query, whose ConversationID is stored only
  // then: while some query is being sent, wait for it a little (up to a second). Looked up
  // again after each check, since a name stored just before the check is not in the last look.
  for (int i = 0; !asked && i < 40; ++i) {
    const bool sending = db_.query([](pqxx::nontransaction& tx) { return storage::queries_in_flight(tx); });
    asked = find();
    if (asked || !sending) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (!asked) {
    // Daraja answered before the query's ConversationID was stored, or no query of ours has it.
    if (cb.attempts < kMaxAnswerMatches)
      throw momo::Unreachable("no paybill confirmation awaits answer " + answer.conversation_id + " yet");
    return {CallbackStatus::Unmatched, "no paybill confirmation awaits answer " + answer.conversation_id};
  }
  const auto about = "answer about callback " + std::to_string(asked->id);
  if (asked->status != "verifying")
    return {CallbackStatus::Duplicate, about + ", which was already " + asked->status};
  boost::system::error_code ec;
  const auto asked_body = js::parse(asked->body, ec);
  auto c2b = ec ? std::nullopt : momo::parse_mpesa_c2b(asked_body, provider.currency());
  auto ref = normalize_reference(asked->key_value);
  auto plan = c2b && ref ? db_.query([&](pqxx::nontransaction& tx) { return storage::find_plan_by_reference(tx, *ref); })
                         : std::nullopt;
  // The wait ends, and this answer is done, in one commit.
  // Contradicted by M-Pesa, the confirmation no longer holds its receipt: the genuine one may
  // still come.
  const auto end_wait = [&](const std::string& outcome, const std::string& answered, bool contradicted = false) {
    db_.transact([&](pqxx::work& tx) {
      storage::end_wait(tx, asked->id, "held", outcome, now());
      if (contradicted) storage::release_receipt(tx, asked->id);
      storage::finish_callback(tx, cb.id, "processed", std::nullopt, answered, now());
    });
    return CallbackOutcome{CallbackStatus::Processed, answered, std::nullopt, true};
  };
  if (!plan)  // it was matched when asked; the plan cannot have gone
    return end_wait("the plan this paybill payment was matched to is gone; awaits staff", about + ": its plan is gone");
  const auto what = paybill_text(*c2b, provider.currency(), plan->reference);
  if (auto why = momo::paybill_discrepancy(*c2b, answer, provider.collection_account(), provider.currency())) {
    rto::log::warn("paybill payment held", {{"callback_id", asked->id}, {"plan_id", plan->id}, {"why", *why}});
    return end_wait(what + ": " + *why + "; awaits staff", about + ": " + *why, true);
  }
  auto pay = paybill_payment(plan->id, *c2b, provider.currency(), *asked, kRecordedBy);
  // The money, the confirmation's end and this answer's, in one commit.
  pay.also = storage::ConfirmPaybill{asked->id, cb.id, what + " confirmed by M-Pesa and credited as payment ",
                                     about + ": confirmed and credited as payment ", now()};
  try {
    auto rec = payments_.record_payment(pay);
    rto::log::info("paybill payment credited",
                   {{"callback_id", asked->id}, {"plan_id", plan->id}, {"payment_id", rec.payment.id}});
    return {CallbackStatus::Processed, about + ": confirmed and credited as payment " + rec.payment.id, std::nullopt,
            true};
  } catch (const rto::Error& e) {
    if (e.status() >= 500) throw;  // e.g. the database is busy: the sweep tries the answer again
    // Refused for good: the receipt is on the ledger for another plan or amount, say.
    return end_wait(what + ": " + e.what() + "; awaits staff", about + ": " + e.what());
  }
}

// What a callback whose handling threw ends as; nullopt while attempts remain (its claim lapses
// and the sweep tries again; the provider keeps its answer).
static std::optional<CallbackOutcome> after_failure(const storage::CallbackRow& cb, std::exception_ptr cause) {
  try {
    std::rethrow_exception(cause);
  } catch (const momo::Unreachable& e) {
    rto::log::warn("callback verification postponed",
                   {{"callback_id", cb.id}, {"provider", cb.provider}, {"error", e.what()}});
    if (cb.attempts < kMaxCallbackAttempts) return std::nullopt;
    return CallbackOutcome{CallbackStatus::Held, std::string("the provider could not confirm it: ") + e.what()};
  } catch (const std::exception& e) {
    rto::log::error("callback processing failed", {{"callback_id", cb.id}, {"provider", cb.provider}, {"error", e.what()}});
    if (cb.attempts < kMaxCallbackAttempts) return std::nullopt;
    return CallbackOutcome{CallbackStatus::Held, std::string("processing failed: ") + e.what()};
  }
}

void Collections::process_claimed(const storage::CallbackRow& cb, const storage::RequestRow* known) {
  CallbackOutcome outcome;
  try {
    outcome = handle_callback(cb, known);
  } catch (const MatchedFailure& f) {
    auto held = after_failure(cb, f.cause);
    if (!held) return;
    outcome = std::move(*held);
    outcome.request_id = f.request_id;
  } catch (...) {
    auto held = after_failure(cb, std::current_exception());
    if (!held) return;
    outcome = std::move(*held);
  }
  const std::string status(to_string(outcome.status));
  if (!outcome.finished)
    db_.query([&](pqxx::nontransaction& tx) {
      storage::finish_callback(tx, cb.id, status, outcome.request_id, outcome.note, this->now());
    });
  rto::log::info("callback processed",
                 {{"callback_id", cb.id}, {"provider", cb.provider}, {"status", status}, {"outcome", outcome.note}});
}

int Collections::process_waiting_callbacks() {
  const auto now = this->now();
  auto ids = db_.query([&](pqxx::nontransaction& tx) {
    // Paybill confirmations whose receipt query went unanswered are asked about again.
    storage::requeue_unanswered(tx, now - kAnswerWait);
    return storage::waiting_callbacks(tx, now - kSweepAge, now, 200);
  });
  for (auto id : ids) process_callback(id);
  return static_cast<int>(ids.size());
}

void Collections::work_off(QueuedCallback& q) noexcept {
  try {
    // The webhook's claim serves while enough of it is left; else it is renewed (or, if it
    // lapsed and the sweep took the callback meanwhile, left to the sweep).
    const auto now = this->now();
    if (now + kClaimMargin <= q.claimed_until) {
      process_claimed(q.row, q.request ? &*q.request : nullptr);
    } else if (auto cb = db_.query([&](pqxx::nontransaction& tx) {
                 return storage::claim_callback(tx, q.row.id, now, now + kClaim, q.claimed_until);
               })) {
      process_claimed(*cb);
    }
  } catch (const std::exception& e) {  // the sweep retries it
    rto::log::error("callback worker", {{"callback_id", q.row.id}, {"error", e.what()}});
  }
}

void Collections::start_callback_workers(int n) { callbacks_.set_max_threads(static_cast<std::size_t>(n)); }

void Collections::stop_callback_workers() { callbacks_.stop(); }

// ---- reconciliation and review -----------------------------------------------------------------

int Collections::reconcile() {
  int settled = 0;
  for (;;) {
    const auto now = this->now();
    auto due = db_.transact(
        [&](pqxx::work& tx) { return storage::claim_due_requests(tx, now, now + cfg_.reconcile_after, 50); });
    for (const auto& req : due) {
      auto pid = momo::provider_of(req.provider);
      auto* provider = pid ? providers_.find(*pid) : nullptr;
      try {
        ProviderResult r;
        if (provider) r = provider->status(req.id, req.provider_request_id.value_or(""));
        if (settle(req, r) != Settlement::Pending) ++settled;
      } catch (const momo::Unreachable& e) {
        rto::log::warn("reconciliation: provider did not answer", {{"request_id", req.id}, {"error", e.what()}});
      } catch (const std::exception& e) {
        rto::log::error("reconciliation failed", {{"request_id", req.id}, {"error", e.what()}});
      }
    }
    if (due.size() < 50) break;
  }
  return settled;
}

}  // namespace payment_service
