#pragma once
// The telematics service's shared state and operations: the ingest pipeline (one path for
// every protocol), the immobiliser's state machine with its commands, and the plan links learnt
// from payment events. install() wires it into an rto::Service with the GT06 listener.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/events.hpp>
#include <rto/service.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.hpp"
#include "domain/types.hpp"
#include "storage/storage.hpp"

namespace telematics {

class Geo;

// What one device message brings: fixes and/or device facts, or a reply to a command.
struct Report {
  std::string tracker_id;
  std::string protocol;
  std::vector<Fix> fixes;
  std::optional<bool> ignition;
  std::optional<bool> oil_cut;
  std::optional<std::string> alarm;
  std::optional<std::int64_t> reply_to;  // the command id a reply answers
  bool reply_to_oldest = false;           // a reply without an id (Teltonika Codec 12): the oldest sent
  std::string reply_text;
  bool reconnected = false;  // a login: queued commands go out now
};

// Sends a command to a connected device (the protocol listeners provide it).
struct CommandSender {
  std::function<bool(const storage::Tracker&)> connected;
  std::function<bool(const storage::Tracker&, std::int64_t command_id, std::string_view kind)> send;
};

class App {
 public:
  App(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, TelematicsConfig cfg);

  rto::db::Pool& db() const noexcept { return db_; }
  const TelematicsConfig& config() const noexcept { return cfg_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  TimePoint now() const { return clock_->now(); }
  void set_sender(std::string protocol, CommandSender s);
  // The vehicle service, asked on install whether the vehicle exists (install() sets it).
  void use_vehicle_service(const rto::auth::Tokens& tokens);
  // True when the vehicle service knows the vehicle; 503 when it cannot be asked.
  bool vehicle_exists(const std::string& vehicle_id);
  // Geofences, trips and daily usage (geo.hpp).
  Geo& geo() const noexcept { return *geo_; }

  // A device identifies itself: its tracker when registered and installed on a vehicle;
  // otherwise nothing, and the refusal is counted. Called on the listeners' I/O threads, so a
  // known device is answered from memory for IDENTIFY_CACHE_MS (a fleet reconnecting at once
  // after a restart does not queue behind one database round trip each); a tracker removed
  // meanwhile is refused by the position insert itself, which joins the installed trackers.
  std::optional<storage::Tracker> identify(const std::string& device_id, const std::string& protocol);
  void forget_device(const std::string& imei);  // after an install or a removal here

  // Writes reports now (positions in one statement, the latest state, events), then lets pending
  // locks of the vehicles concerned re-check. Returns how many positions were new.
  std::size_t ingest(std::vector<Report> reports);
  // From I/O threads: kept and written by the next flush_ingest() (a periodic job).
  void enqueue(Report r);
  std::size_t flush_ingest();

  // Device tokens for the HTTP batch API: a new token for a tracker (replacing any earlier one),
  // shown once; and the tracker a presented token belongs to.
  std::string issue_device_token(const std::string& tracker_id, const std::string& actor);
  std::optional<storage::Tracker> authenticate_device(std::string_view token);
  // Commands for devices that fetch them (protocol http or osmand): the queued ones, now sent.
  std::vector<storage::Command> fetch_commands(const storage::Tracker& t);

  // Monthly partitions of positions: the next months created, the months past retention detached.
  void maintain_partitions();

  // payment.plan.* and payment.lock.* (inside the consumer's transaction).
  void on_payment_event(pqxx::work& tx, const rto::events::Received& e);
  // The lock state machine. Both are idempotent; they return the tracker whose queued commands
  // should go out once the transaction commits.
  std::optional<std::string> request_lock(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                          const std::optional<std::string>& plan_id, std::string_view reason,
                                          std::string_view actor);
  std::optional<std::string> release_lock(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                          std::string_view reason, std::string_view actor);
  // A pending lock: sends the command when the policy allows (own transaction).
  void advance_lock(const std::string& vehicle_id);
  // Sends a tracker's queued commands if the device is connected.
  void dispatch_commands(const std::string& tracker_id);
  // A device's answer to command `id`.
  void on_command_reply(std::int64_t id, const std::string& text);

  // Periodic jobs.
  void advance_pending_locks();
  void dispatch_queued();
  void retry_commands();
  void detect_offline();

 private:
  struct TrackerBatch;
  // One tracker's reports of a batch; `plan` holds its vehicle, `prev` is its latest state
  // (locked by the caller).
  void apply_reports(pqxx::work& tx, const storage::Tracker& t, const std::optional<storage::PlanLink>& plan,
                     const std::optional<storage::Latest>& prev, const std::vector<const Report*>& reports,
                     std::vector<std::string>& vehicles);
  void publish_lock(pqxx::transaction_base& tx, std::string_view type, const std::string& vehicle_id,
                    const std::optional<std::string>& plan_id, boost::json::object extra);
  bool position_event_due(const std::string& vehicle_id, TimePoint now);
  // Marks queued commands sent, with their audit rows and events (inside the caller's transaction).
  void record_sent(pqxx::transaction_base& tx, const std::vector<storage::Command>& commands);

  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  TelematicsConfig cfg_;
  std::shared_ptr<Geo> geo_;
  std::mutex senders_mu_;
  std::unordered_map<std::string, CommandSender> senders_;
  std::mutex queue_mu_;
  std::vector<Report> queue_;
  std::unique_ptr<rto::ServiceClient> vehicles_;
  struct Known {
    storage::Tracker tracker;
    std::chrono::steady_clock::time_point until;
  };
  std::mutex known_mu_;
  std::unordered_map<std::string, Known> known_;
  std::mutex throttle_mu_;
  std::unordered_map<std::string, TimePoint> last_position_event_;
};

class Gt06Listener;
class TeltonikaListener;
class OsmandListener;

struct InstallOptions {
  bool background_jobs = true;  // ingest flush, pending locks, command retries, offline detection
  bool consume_events = true;   // payment.* from RabbitMQ
  bool device_listeners = true; // GT06 and Teltonika over TCP, OsmAnd over HTTP, on their ports
  std::string event_queue = "telematics-service.events";
};

struct Installed {
  std::shared_ptr<App> app;
  std::shared_ptr<Gt06Listener> gt06;  // null when off
  std::uint16_t gt06_port = 0;
  std::shared_ptr<TeltonikaListener> teltonika;
  std::uint16_t teltonika_port = 0;
  std::shared_ptr<OsmandListener> osmand;
  std::uint16_t osmand_port = 0;
};

Installed install(rto::Service& service, TelematicsConfig cfg, std::shared_ptr<const rto::Clock> clock,
                  std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

// The operators' figures on /metrics (k8s/monitoring), read from the database at `now`:
// telematics_trackers{state} (installed trackers online or offline), telematics_locks{state},
// telematics_lock_pending_oldest_seconds. Every replica reports the same; dashboards take the max.
// install() runs it every FIGURES_INTERVAL_MS.
void report_figures(rto::metrics::Metrics& m, rto::db::Pool& pool, TimePoint now);

}  // namespace telematics
