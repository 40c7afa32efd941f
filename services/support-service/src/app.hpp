#pragma once
// The support service's shared state and the operations several entry points share: opening
// tickets (row + history + outbox event together), turning events into notifications and
// auto-tickets, the SLA breach job and the SMS delivery job. install() wires it into a Service.
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <pqxx/pqxx>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <rto/clock.hpp>
#include <rto/events.hpp>
#include <rto/service.hpp>
#include <string>
#include <vector>

#include "config.hpp"
#include "sms/provider.hpp"
#include "storage/storage.hpp"

namespace support_service {

// What the user service tells us about a recipient. The phone number is used to send and
// stored on the SMS row only; it never goes to logs or events.
struct UserInfo {
  std::string phone;     // E.164, empty when unknown
  std::string language;  // empty when unknown
  std::string name;      // empty when unknown
};

class App {
 public:
  App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, SupportConfig cfg,
      std::shared_ptr<SmsProvider> sms);

  rto::db::Pool& db() const noexcept { return db_; }
  const SupportConfig& config() const noexcept { return cfg_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  TimePoint now() const { return clock_->now(); }
  SmsProvider& sms() const noexcept { return *sms_; }

  // Inserts `t` (SLA due times from its priority and created_at), its history row and a
  // support.ticket.created event. False when its origin_key was already used.
  bool open_ticket(pqxx::transaction_base& tx, Ticket& t, const std::string& actor);
  // Writes `after` and a history row; publishes support.ticket.<event_verb> with `extra` data.
  // An agent who stops taking tickets hands over those still open: each goes to the available
  // agent with the fewest open tickets, or back to the unassigned queue when none is; every move
  // is in the history and published (support.ticket.assigned). Returns how many moved.
  std::size_t hand_over_tickets(pqxx::transaction_base& tx, const std::string& agent_id, const std::string& actor);
  void save_ticket(pqxx::transaction_base& tx, const Ticket& before, Ticket& after, const std::string& actor,
                   const std::string& action, const std::string& event_type);

  // Events from the broker, inside the consumer's transaction (which also records their ids as
  // processed): auto-tickets and notifications, each at most once. A batch costs a handful of
  // statements and one user-service call, however many events it holds.
  void on_events(pqxx::work& tx, std::span<const rto::events::Received> events);
  void on_event(pqxx::work& tx, const rto::events::Received& e) { on_events(tx, {&e, 1}); }

  // Marks tickets whose SLA passed and publishes support.ticket.sla_breached. Returns how many.
  int mark_breaches();
  // Sends the SMS that are due (not in quiet hours unless urgent). Returns how many were tried.
  int deliver_sms();

  // The user service's answer for `user_id`; nullopt when it has no such user or is not
  // configured. Throws rto::Error (503) when it cannot be asked right now.
  std::optional<UserInfo> lookup_user(const std::string& user_id);
  // Several users at once (POST /internal/users/lookup, 200 a call); those unknown are absent.
  // Throws rto::Error (503) when the user service cannot be asked right now.
  std::unordered_map<std::string, UserInfo> lookup_users(const std::vector<std::string>& user_ids);
  // The customer's plans with their vehicles, from the payment service. Throws rto::Error (503)
  // when it is not configured or cannot be asked right now.
  std::vector<CustomerPlan> customer_plans(const std::string& customer_id);

  boost::json::object ticket_json(const Ticket& t, bool staff) const;

  // Counts templates that failed to render at send time (support_template_fallbacks_total on
  // /metrics, by kind and language). install() sets it from the service's metrics registry.
  void count_template_fallbacks(prometheus::Family<prometheus::Counter>* family) noexcept { fallbacks_ = family; }

 private:
  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  SupportConfig cfg_;
  std::shared_ptr<SmsProvider> sms_;
  std::unique_ptr<rto::ServiceClient> users_;
  std::unique_ptr<rto::ServiceClient> payments_;
  UserInfo user_info(const boost::json::object& o) const;
  prometheus::Family<prometheus::Counter>* fallbacks_ = nullptr;
  TimePoint last_stuck_sweep_{};  // the SMS job's thread only
};

struct InstallOptions {
  bool background_jobs = true;  // SLA breach job, SMS delivery job
  bool consume_events = true;
  std::string event_queue = "support-service.events";
  std::shared_ptr<SmsProvider> sms;  // default: from config (outbox or Africa's Talking)
};

// The events the service consumes.
const std::vector<std::string>& consumed_events();

std::shared_ptr<App> install(rto::Service& service, SupportConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

}  // namespace support_service
