#pragma once
// The credit service's shared state and the operations several handlers need: assessing an
// application (neighbour calls, scorecard, policy), sealing contact details, the scorecard
// model cache, the expiry of unused approvals, and the event handlers. install()
// wires it all into an rto::Service.
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/events.hpp>
#include <rto/service.hpp>
#include <string>
#include <vector>

#include "clients.hpp"
#include "config.hpp"
#include "domain/application.hpp"
#include "domain/model.hpp"
#include "domain/neighbours.hpp"
#include "domain/policy.hpp"
#include "domain/scorecard.hpp"
#include "domain/usage.hpp"
#include "domain/views.hpp"

namespace credit_service {

// Everything the scorecard and the policy concluded about one application (or prequalification).
struct Assessment {
  ApplicationInput input;
  std::optional<Customer> customer;
  std::optional<Vehicle> vehicle;
  std::optional<UsageSummary> usage;  // the customer's vehicle usage before the application
  rto::Money monthly_instalment;
  boost::json::object instalment;  // {monthly, source, quoted|null, declared|null, quote?}
  std::optional<std::string> note;
  std::shared_ptr<const Model> model;
  Characteristics characteristics;
  ScoreResult score;
  PolicyInputs policy;
  Outcome outcome;
  boost::json::object audit;  // the decision's full breakdown
};

struct SealedContacts {
  std::string guarantor_national_id;
  std::string guarantor_phone;
  std::string reference_phones;  // JSON array of E.164 numbers
};

class App {
 public:
  App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, CreditConfig cfg);

  rto::db::Pool& db() const noexcept { return db_; }
  const CreditConfig& config() const noexcept { return cfg_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  TimePoint now() const { return clock_->now(); }
  Clients& clients() noexcept { return clients_; }

  // The usage summarised beside an application submitted at `t`: the kUsageWindowDays finished
  // operator-local days before the local day of `t`.
  UsageWindow usage_window_for(TimePoint t) const { return usage_window_before(cfg_.zone.local_date(t)); }

  // A model version, parsed once and kept (model rows never change).
  std::shared_ptr<const Model> model(int version);

  enum class Purpose { Application, Prequalification };
  // Looks up what the application needs from the other services and scores it. For an
  // application: the customer's KYC must be verified (409), the vehicle must exist and be
  // available (409). `authorization` is the caller's own header, passed on to the quote.
  // `usage`: the customer's vehicle usage in usage_window_for(now()), none without any.
  Assessment assess(ApplicationInput in, const std::string& customer_id, const std::optional<RepaymentHistory>& history,
                    const std::optional<UsageSummary>& usage, int model_version, std::string_view authorization,
                    Purpose purpose);

  SealedContacts seal(const std::string& application_id, const ApplicationInput& in) const;
  // The sealed contact details in clear (for verification calls by staff, and tests).
  SealedContacts open(const std::string& application_id, const SealedContacts& sealed) const;

  // The data of credit.application.decided.
  boost::json::object decided_event(const ApplicationRecord& a, const DecisionRecord& d) const;

  // Marks approvals past their expiry as expired, with history and an event each. Returns how
  // many. Run periodically; tests call it after moving the clock.
  int expire_approvals();

  // Every consumed event, inside the consumer's transaction: the payment service's to
  // on_payment_event, the telematics service's to on_telematics_event.
  void on_event(pqxx::work& tx, const rto::events::Received& ev);
  // payment.collection.received / .reversed, payment.delinquency.changed, payment.plan.created.
  void on_payment_event(pqxx::work& tx, const rto::events::Received& ev);
  // telematics.usage.daily: the vehicle's day stored for its customer. An event without a
  // customer, or with data that cannot be read, is logged and skipped (retrying cannot mend it).
  void on_telematics_event(pqxx::work& tx, const rto::events::Received& ev);

 private:
  void resolve_instalment(Assessment& a, std::string_view authorization);

  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  CreditConfig cfg_;
  rto::crypto::FieldCipher cipher_;
  Clients clients_;
  std::mutex models_mu_;
  std::map<int, std::shared_ptr<const Model>> models_;
};

inline constexpr const char* kConsumerQueue = "credit-service.events";

struct InstallOptions {
  bool background_jobs = true;  // the approval-expiry job
  bool consume_events = true;   // the payment and telematics events (events/events.hpp)
  std::string consumer_queue = kConsumerQueue;
};

// Opens the database (platform and service migrations, prepared statements), adds the routes,
// the expiry job and the event consumer. The returned App is also kept alive by the routes and
// jobs that use it.
std::shared_ptr<App> install(rto::Service& service, CreditConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

// The event consumer alone (install() calls it unless told not to): one queue bound to the
// payment events and telematics.usage.daily, each handled by App::on_event.
void consume_events(rto::Service& service, std::shared_ptr<App> app, std::string queue = kConsumerQueue);

}  // namespace credit_service
