#pragma once
// The telematics service's storage: every SQL call goes through the named statements of
// storage/queries.hpp. Functions take the caller's transaction.
#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/lock_policy.hpp"
#include "domain/types.hpp"

namespace telematics::storage {

struct Tracker {
  std::string id, imei, protocol, phone, model;
  std::optional<std::string> firmware;
  std::optional<std::string> vehicle_id;
  TimePoint created_at{};
};

struct Install {
  std::string vehicle_id;
  TimePoint installed_at{};
  std::string installed_by;
  std::optional<TimePoint> removed_at;
  std::optional<std::string> removed_by;
};

struct Latest {
  std::string tracker_id;
  std::optional<std::string> vehicle_id;
  std::optional<TimePoint> device_time;
  std::optional<double> lat, lon, speed_kmh, course;
  std::optional<bool> valid, ignition;
  std::optional<double> battery_percent;
  std::optional<TimePoint> stopped_since;
  std::optional<bool> oil_cut;
  bool online = false;
  TimePoint last_seen_at{};
  std::optional<double> external_voltage;  // volts
};

struct PlanLink {
  std::string plan_id, customer_id, status;
};

struct Lock {
  std::string vehicle_id;
  std::optional<std::string> plan_id;
  LockState state = LockState::Unlocked;
  std::optional<TimePoint> pending_since;
  std::optional<std::string> wait_reason;
  TimePoint updated_at{};
};

struct Audit {
  std::string step, reason, actor;
  std::optional<std::int64_t> command_id;
  TimePoint at{};
};

struct Command {
  std::int64_t id = 0;
  std::string vehicle_id, tracker_id, kind, status;
  int attempts = 0;
};

struct CommandView {
  std::int64_t id = 0;
  std::string kind, status;
  int attempts = 0;
  TimePoint created_at{};
  std::optional<TimePoint> sent_at, answered_at;
};

struct PositionRow {
  std::string tracker_id;
  Fix fix;
};

struct TrackPoint {
  TimePoint time{};
  double lat = 0, lon = 0, speed_kmh = 0;
};

// Trackers. insert throws 409 naming `imei` for a duplicate.
void insert_tracker(pqxx::transaction_base& tx, const Tracker& t);
std::optional<Tracker> tracker_by_id(pqxx::transaction_base& tx, const std::string& id, bool for_update = false);
std::optional<Tracker> tracker_by_imei(pqxx::transaction_base& tx, const std::string& imei);
std::optional<Tracker> tracker_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id);
std::vector<Tracker> list_trackers(pqxx::transaction_base& tx, const std::string& after_imei, int limit);
// Throws 409 naming `vehicle_id` when the vehicle already has a tracker.
void install(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& vehicle_id,
             const std::string& actor, TimePoint now);
void remove(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& actor, TimePoint now);
// Phone, model, firmware and protocol as given; the caller checked what may change.
void update_tracker(pqxx::transaction_base& tx, const Tracker& t, const std::string& actor, TimePoint now);
// False when the tracker was ever installed (its history stays) or does not exist.
bool delete_tracker(pqxx::transaction_base& tx, const std::string& id);
std::vector<Install> install_history(pqxx::transaction_base& tx, const std::string& tracker_id);
void count_refused(pqxx::transaction_base& tx, const std::string& device_id, const std::string& protocol, TimePoint now);

// Positions: one statement for the whole batch; returns how many rows were new.
std::size_t insert_positions(pqxx::transaction_base& tx, const std::vector<PositionRow>& rows, TimePoint server_time);
std::optional<Latest> latest_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id);
// One ingest batch's trackers: each with the plan holding its vehicle, and their latest state
// locked (by tracker id).
struct IngestContext {
  std::map<std::string, std::pair<Tracker, std::optional<PlanLink>>> trackers;
  std::map<std::string, Latest> latest;
};
IngestContext ingest_context(pqxx::transaction_base& tx, const std::vector<std::string>& tracker_ids);
// Metres covered since the vehicle was first tracked (its daily usage summed).
double odometer_m(pqxx::transaction_base& tx, const std::string& vehicle_id);
void upsert_latest(pqxx::transaction_base& tx, const Latest& l);
// Online trackers silent since before `cutoff`, now marked offline: (tracker, vehicle).
std::vector<std::pair<std::string, std::optional<std::string>>> mark_offline(pqxx::transaction_base& tx, TimePoint cutoff);
std::vector<TrackPoint> track(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint from, TimePoint to,
                              int limit);

// Plans.
void upsert_plan(pqxx::transaction_base& tx, const std::string& vehicle_id, const PlanLink& p, TimePoint now);
std::optional<PlanLink> plan_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id);

// Locks.
std::optional<Lock> lock_for_update(pqxx::transaction_base& tx, const std::string& vehicle_id);
std::optional<Lock> lock_of(pqxx::transaction_base& tx, const std::string& vehicle_id);
void upsert_lock(pqxx::transaction_base& tx, const Lock& l);
std::vector<std::string> pending_lock_vehicles(pqxx::transaction_base& tx);
std::vector<std::string> pending_among(pqxx::transaction_base& tx, const std::vector<std::string>& vehicles);
void audit(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::optional<std::string>& plan_id,
           std::string_view step, std::string_view reason, std::string_view actor,
           std::optional<std::int64_t> command_id, TimePoint now);
std::vector<Audit> audit_of(pqxx::transaction_base& tx, const std::string& vehicle_id);

// Commands.
std::int64_t insert_command(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& tracker_id,
                            std::string_view kind, TimePoint now);
std::vector<std::int64_t> cancel_open_commands(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint now);
std::vector<Command> queued_commands(pqxx::transaction_base& tx, const std::string& tracker_id);
void mark_sent(pqxx::transaction_base& tx, std::int64_t id, TimePoint now);
void requeue(pqxx::transaction_base& tx, std::int64_t id);
std::optional<Command> command_for_update(pqxx::transaction_base& tx, std::int64_t id);
void answer_command(pqxx::transaction_base& tx, std::int64_t id, std::string_view status, std::string_view response,
                    TimePoint now);
std::vector<std::int64_t> overdue_commands(pqxx::transaction_base& tx, TimePoint sent_before);
std::vector<std::string> trackers_with_queued_commands(pqxx::transaction_base& tx);
std::vector<CommandView> commands_of(pqxx::transaction_base& tx, const std::string& vehicle_id);

// Device tokens: only the SHA-256 of a token is stored.
void set_device_token(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& token_hash,
                      const std::string& actor, TimePoint now);
std::optional<Tracker> tracker_by_token(pqxx::transaction_base& tx, const std::string& token_hash);
void device_token_used(pqxx::transaction_base& tx, const std::string& tracker_id, TimePoint now);
struct TokenInfo {
  TimePoint created_at{};
  std::string created_by;
  std::optional<TimePoint> last_used_at;
};
std::optional<TokenInfo> device_token_of(pqxx::transaction_base& tx, const std::string& tracker_id);

// Monthly partitions of positions (functions of migration V0002).
int ensure_partitions(pqxx::transaction_base& tx, const std::string& first_month, int months);
std::vector<std::string> detach_partitions(pqxx::transaction_base& tx, TimePoint before);
std::vector<std::string> partitions(pqxx::transaction_base& tx);

std::optional<std::int64_t> oldest_sent_command(pqxx::transaction_base& tx, const std::string& tracker_id);

// The fleet overview.
struct FleetCounts {
  std::int64_t installed = 0, online = 0, offline = 0, moving = 0, locked = 0, lock_pending = 0, lock_failed = 0;
};
struct FleetVehicle {
  std::string vehicle_id, tracker_id, protocol;
  bool online = false;
  std::optional<TimePoint> last_seen_at, device_time;
  std::optional<double> lat, lon, speed_kmh, course;
  std::optional<bool> ignition;
  std::optional<double> battery_percent;
  std::string lock_state;
  std::optional<std::string> plan_id, plan_status;
};
FleetCounts fleet_counts(pqxx::transaction_base& tx, double moving_kmh);
std::vector<FleetVehicle> fleet_page(pqxx::transaction_base& tx, const std::string& status, double moving_kmh,
                                     const std::string& after_vehicle, int limit);

// What /metrics reports from the database (kFigures).
struct Figures {
  std::int64_t online = 0, offline = 0;               // installed trackers
  std::map<std::string, std::int64_t> locks_by_state;  // states with at least one lock
  std::int64_t oldest_pending_us = 0;                 // 0: none pending
};
Figures figures(pqxx::transaction_base& tx, TimePoint now);

}  // namespace telematics::storage
