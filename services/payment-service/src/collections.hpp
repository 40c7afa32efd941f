#pragma once
// Mobile-money collections: starting a request with a provider, storing and working off provider
// callbacks (paybill confirmations and receipt answers among them), and reconciling requests
// whose callback never came. Money moves only through Payments::record_payment.
#include <atomic>
#include <rto/rate_limit.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <rto/auth.hpp>
#include <rto/batcher.hpp>
#include <rto/worker_pool.hpp>
#include <string>
#include <string_view>

#include "domain/mobile_money.hpp"
#include "domain/settlement.hpp"
#include "payments.hpp"
#include "providers/providers.hpp"
#include "usecase.hpp"

namespace payment_service {

// A mobile-money payment request as POST /api/v1/payments answers it.
struct Collection {
  storage::RequestRow request;
  bool replay = false;  // the Idempotency-Key was used before with this body
};

class Collections : public UseCase {
 public:
  Collections(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg,
              momo::Providers& providers, Payments& payments);
  ~Collections();

  // Starts a collection through the provider: idempotent per (caller, Idempotency-Key).
  Collection collect(const momo::CollectionInput& in, const std::string& idempotency_key, const rto::auth::Identity& who);
  // Stores a provider callback as received (before it is acknowledged) and queues it for a
  // worker. Throws BadRequest when the body is not this provider's callback.
  std::int64_t receive_callback(momo::ProviderId provider, std::string_view body);
  // Verifies a stored callback with the provider's status API and settles its request. Safe to
  // run more than once, on any replica.
  void process_callback(std::int64_t id);
  // The sweep after a crash: callbacks stored but never worked off. Returns how many it ran.
  int process_waiting_callbacks();
  // Asks providers about requests pending longer than RECONCILE_AFTER and settles or expires them.
  int reconcile();
  // Starts the workers that process queued callbacks (install() does, unless jobs are off),
  // and stops them (before the database pool goes: call it once the service has stopped).
  void start_callback_workers(int n);
  void stop_callback_workers();
  // Paybill receipt queries not sent because of MPESA_RECEIPT_QUERIES_PER_MINUTE (postponed)
  // or MPESA_RECEIPT_QUERIES_PER_PLAN_PER_HOUR (left to staff).
  std::int64_t receipt_queries_postponed() const noexcept { return postponed_.load(); }
  std::int64_t receipt_queries_refused() const noexcept { return refused_.load(); }

 private:
  // Applies what the provider confirmed to one request; returns what became of it. A credit
  // made for `callback_id` finishes that callback in its own transaction (Settlement::Succeeded).
  Settlement settle(const storage::RequestRow& req, momo::ProviderResult r,
                    std::optional<std::int64_t> callback_id = std::nullopt);
  void finish_request(const storage::RequestRow& req, const std::string& status, const momo::ProviderResult& r);
  void hold_late_success(const storage::RequestRow& req, const momo::ProviderResult& r);
  std::optional<CallbackOutcome> late_receipt(const storage::RequestRow& req, const boost::json::value& body,
                                              const momo::Provider& provider);
  // `known` is the request the callback names, read when the callback was stored (used only
  // while it was open then; otherwise it is read again).
  CallbackOutcome handle_callback(const storage::CallbackRow& cb, const storage::RequestRow* known);
  CallbackOutcome request_callback(const storage::CallbackRow& cb, const storage::RequestRow& req,
                                   const boost::json::value& body, momo::Provider& provider);
  CallbackOutcome handle_paybill(const storage::CallbackRow& cb, const boost::json::value& body,
                                 momo::Provider& provider);
  CallbackOutcome handle_receipt_answer(const storage::CallbackRow& cb, const boost::json::value& body,
                                        momo::Provider& provider);
  // Works off a callback this process holds the claim on.
  void process_claimed(const storage::CallbackRow& cb, const storage::RequestRow* known = nullptr);
  // A callback on its way into provider_callbacks and then waiting for a worker, with the claim
  // its webhook set.
  struct QueuedCallback {
    storage::CallbackRow row;
    TimePoint claimed_until;
    std::optional<storage::RequestRow> request;  // the request it names, as it was when stored
    std::exception_ptr error;                     // storing it failed
  };
  // A callback worker's task: one stored callback the webhook queued.
  void work_off(QueuedCallback& q) noexcept;
  // The webhooks' callbacks stored together, up to this many in one statement.
  static constexpr std::size_t kStoreBatchMax = 64;
  // A callback worker with nothing to do this long ends (they start again as callbacks arrive).
  static constexpr std::chrono::seconds kWorkerIdle{60};
  // Stores a batch of received callbacks in one statement (each alone when that fails), filling
  // in their ids, or their errors.
  void store_callbacks(const std::vector<QueuedCallback*>& batch) noexcept;

  momo::Providers& providers_;
  Payments& payments_;
  rto::rate::Limiter receipt_queries_, plan_receipt_queries_;  // by the service's clock
  std::atomic<std::int64_t> postponed_{0}, refused_{0};
  rto::Batcher<QueuedCallback> stored_;  // the webhook's inserts
  // Stored callbacks waiting for a worker; queued only until start_callback_workers. Last, so
  // its threads end before anything they use goes.
  rto::WorkerPool<QueuedCallback> callbacks_;
};

}  // namespace payment_service
