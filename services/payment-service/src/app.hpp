#pragma once
// The payment service's shared state and its operations: quotes, the plan-creation saga,
// recording and reversing payments, deposit expiry and the daily delinquency run. Handlers
// parse and authorise; these do the work, each state change in one transaction with its
// events written to the outbox in that same transaction.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <optional>
#include <pqxx/pqxx>
#include <rto/batcher.hpp>
#include <rto/clock.hpp>
#include <rto/service.hpp>
#include <rto/worker_pool.hpp>
#include <string>
#include <vector>

#include "clients.hpp"
#include "config.hpp"
#include "reminders.hpp"
#include "domain/inputs.hpp"
#include "domain/mobile_money.hpp"
#include "providers/providers.hpp"
#include "domain/schedule.hpp"
#include "domain/settlement.hpp"
#include "storage/storage.hpp"

namespace payment_service {

// A payment to record, from POST /internal/payments or a staff cash receipt.
struct PaymentRequest {
  std::optional<std::string> plan_id;
  std::optional<std::string> plan_ref;
  rto::Money amount;
  std::string provider;
  std::string provider_txn_id;
  TimePoint paid_at{};
  std::optional<std::string> receipt_number;
  std::string recorded_by;  // service name or staff user id
  // Written in the recording transaction (also when the transaction was recorded before), with
  // the plan locked: a staff resolution of a review item, or the end of a paybill confirmation's
  // wait, in the same commit as the money. When the item was settled meanwhile, everything is
  // rolled back and the payment refused with NotAdmitted.
  std::optional<storage::WithPayment> also;
  // A mobile-money request this payment settles: marked succeeded in the same commit (also when
  // the transaction was recorded before), and the callback that led to it, if any, finished as
  // processed. When the request is no longer open, the payment is refused with NotAdmitted.
  // Done for a whole batch in one statement, where `also` is a statement per payment.
  std::optional<storage::RequestPaid> pays_request;
};

// The ledger payment of a paybill (C2B) confirmation for a plan, keyed by its M-Pesa receipt.
PaymentRequest paybill_payment(const std::string& plan_id, const momo::MpesaC2B& c2b, const rto::Currency& currency,
                               const storage::CallbackRow& cb, std::string recorded_by);

struct NotAdmitted {
  std::string status;  // what the request already was
};

struct Recorded {
  storage::PaymentRow payment;
  Plan plan;  // as this payment left it
  bool duplicate = false;
};

// A mobile-money payment request as POST /api/v1/payments answers it.
struct Collection {
  storage::RequestRow request;
  bool replay = false;  // the Idempotency-Key was used before with this body
};

struct ReviewQueue {
  std::vector<storage::RequestRow> held, stuck;
  std::vector<storage::CallbackRow> callbacks;
  std::map<std::string, std::string> references;  // plan id → account reference, for held and stuck
};

struct RunSummary {
  Date as_of{};
  int plans = 0, fees = 0, bucket_changes = 0, locks_required = 0, locks_released = 0, defaulted = 0;
  std::int64_t fee_total = 0;
};

// A payment waiting to be recorded in a batch (payments.cpp).
struct PendingPayment;

class App {
 public:
  App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, PaymentConfig cfg);
  ~App();

  rto::db::Pool& db() const noexcept { return db_; }
  const PaymentConfig& config() const noexcept { return cfg_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  TimePoint now() const { return clock_->now(); }
  Date today() const { return cfg_.zone.local_date(now()); }
  Date local_date(TimePoint t) const { return cfg_.zone.local_date(t); }

  // The current version of a template named by id (any version) or slug; 422 on template_id
  // when there is none or it is withdrawn.
  PlanTemplate resolve_template(pqxx::transaction_base& tx, const std::string& id_or_slug) const;

  Quote quote(const QuoteInput& in);

  struct Created {
    Plan plan;
    bool created = false;  // false: the plan of this credit decision already existed
  };
  // The saga: credit decision → template and vehicle → quote within the approved terms →
  // reserve the vehicle → plan, schedule, contract entry and payment.plan.created. A failure
  // after the reservation releases it again. Idempotent per credit decision.
  Created create_plan(const PlanInput& in, const std::string& customer_id);

  // Idempotent by (provider, provider_txn_id); serialised per plan by its row lock. Payments
  // waiting at the same time are recorded together (payments.cpp).
  Recorded record_payment(const PaymentRequest& in);
  storage::PaymentRow reverse_payment(const std::string& payment_id, const std::string& reason, const std::string& actor);

  PayoffQuote payoff(const Plan& plan, Date on);

  // ---- closing a plan (closing.cpp) ----
  struct Repossessed {
    Plan plan;
    storage::RepossessionRow record;
    bool already = false;  // the plan was repossessed before; nothing changed
  };
  // defaulted → repossessed: what is still owed is written off the receivable (see
  // repossession_entry), payment.plan.repossessed is published and the vehicle service told.
  Repossessed repossess(const std::string& plan_id, const std::string& reason, const std::string& actor);
  struct Refunded {
    storage::RefundRow refund;
    Plan plan;
    bool duplicate = false;  // this (method, reference) was recorded before with the same amount
  };
  // Pays credit held for the customer back to them; idempotent by (method, reference).
  Refunded refund(const std::string& plan_id, const RefundInput& in, const std::string& actor);

  // ---- mobile money (collections.cpp) ----
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
  ReviewQueue review_queue(int limit);
  // Staff resolve a review-queue item once (review.cpp): credit it — a held request for what the
  // provider confirmed, a held paybill (C2B) confirmation for its plan — or dismiss it.
  struct Resolved {
    storage::ResolutionRow resolution;
    std::optional<Recorded> recorded;  // the ledger payment of a credit
  };
  Resolved resolve_request(const std::string& request_id, const ResolveInput& in, const std::string& actor);
  Resolved resolve_callback(std::int64_t callback_id, const ResolveInput& in, const std::string& actor);
  // Starts the workers that process queued callbacks (install() does, unless jobs are off),
  // and stops them (before the database pool goes: call it once the service has stopped).
  void start_callback_workers(int n);
  void stop_callback_workers();
  momo::Providers& providers() noexcept { return *providers_; }

  // Background work; also callable on demand (internal routes, tests).
  int expire_deposits();
  RunSummary run_delinquency(Date as_of);
  // payment.reminder.due for the operator's local date `as_of` (reminders.hpp).
  ReminderSummary send_reminders(Date as_of) { return reminders_.run(as_of, now()); }
  void tick();  // the scheduler: deposit expiry always; the delinquency run and the reminders once a day after its time

  // The customer's name for the ownership certificate (nullopt when user-service is not
  // configured or does not answer).
  std::optional<std::string> customer_name(const std::string& customer_id);

 private:
  // Records the batch in one transaction; when that fails, each payment on its own. Outcomes
  // (or errors) are left in the batch's entries.
  void record_together(const std::vector<PendingPayment*>& batch) noexcept;
  void record_in(pqxx::work& tx, const std::vector<PendingPayment*>& batch);
  void release_vehicle(const std::string& vehicle_id, const std::string& plan_id, const std::string& reason);
  void notify_vehicle(const std::string& vehicle_id, const std::string& action, boost::json::object body);
  bool run_plan(const std::string& plan_id, Date as_of, RunSummary& s);
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

  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  PaymentConfig cfg_;
  std::unique_ptr<Clients> clients_;
  std::atomic<int> last_run_day_{INT32_MIN};
  std::atomic<int> last_reminder_day_{INT32_MIN};
  Reminders reminders_;
  std::unique_ptr<momo::Providers> providers_;
  rto::Batcher<PendingPayment> recorder_;
  rto::Batcher<QueuedCallback> stored_;  // the webhook's inserts
  // Stored callbacks waiting for a worker; queued only until start_callback_workers. Last, so
  // its threads end before anything they use goes.
  rto::WorkerPool<QueuedCallback> callbacks_;
};

struct InstallOptions {
  bool background_jobs = true;  // deposit expiry and the daily delinquency run
};

// Opens the database (platform and service migrations, prepared statements) and adds the
// routes and jobs.
std::shared_ptr<App> install(rto::Service& service, PaymentConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

// A UUID derived from a name (its SHA-256), so retries of one request reuse one id.
std::string derived_uuid(std::string_view name);

}  // namespace payment_service
