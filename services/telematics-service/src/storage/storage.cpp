#include "storage/storage.hpp"

#include <cstdio>
#include <map>
#include <rto/errors.hpp>

#include "domain/time.hpp"
#include "storage/queries.hpp"

namespace telematics::storage {

namespace {

std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}
std::optional<double> opt_double(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}
std::optional<bool> opt_bool(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<bool>();
}
std::optional<std::int64_t> opt_micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

Tracker read_tracker(const pqxx::row& r) {
  Tracker t;
  t.id = r[0].as<std::string>();
  t.imei = r[1].as<std::string>();
  t.protocol = r[2].as<std::string>();
  t.phone = r[3].as<std::string>();
  t.model = r[4].as<std::string>();
  t.firmware = opt_text(r[5]);
  t.vehicle_id = opt_text(r[6]);
  t.created_at = from_micros(r[7].as<std::int64_t>());
  return t;
}

Latest read_latest(const pqxx::row& r) {
  Latest l;
  l.tracker_id = r[0].as<std::string>();
  l.vehicle_id = opt_text(r[1]);
  l.device_time = opt_time(r[2]);
  l.lat = opt_double(r[3]);
  l.lon = opt_double(r[4]);
  l.speed_kmh = opt_double(r[5]);
  l.course = opt_double(r[6]);
  l.valid = opt_bool(r[7]);
  l.ignition = opt_bool(r[8]);
  l.battery_percent = opt_double(r[9]);
  l.stopped_since = opt_time(r[10]);
  l.oil_cut = opt_bool(r[11]);
  l.online = r[12].as<bool>();
  l.last_seen_at = from_micros(r[13].as<std::int64_t>());
  l.external_voltage = opt_double(r[14]);
  return l;
}

Lock read_lock(const pqxx::row& r) {
  Lock l;
  l.vehicle_id = r[0].as<std::string>();
  l.plan_id = opt_text(r[1]);
  l.state = lock_state_from(r[2].as<std::string>()).value_or(LockState::Unlocked);
  l.pending_since = opt_time(r[3]);
  l.wait_reason = opt_text(r[4]);
  l.updated_at = from_micros(r[5].as<std::int64_t>());
  return l;
}

Command read_command(const pqxx::row& r) {
  Command c;
  c.id = r[0].as<std::int64_t>();
  c.vehicle_id = r[1].as<std::string>();
  c.tracker_id = r[2].as<std::string>();
  c.kind = r[3].as<std::string>();
  c.status = r[4].as<std::string>();
  c.attempts = r[5].as<int>();
  return c;
}

// PostgreSQL array literals for the batch insert (values are formatted here, never request text).
class ArrayText {
 public:
  void add(const std::string& raw) { sep(); s_ += raw; }
  void add(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7f", v);
    add(std::string(buf));
  }
  void add(std::int64_t v) { add(std::to_string(v)); }
  void add(std::optional<bool> v) { add(std::string(v ? (*v ? "t" : "f") : "NULL")); }
  std::string done() const { return "{" + s_ + "}"; }

 private:
  void sep() {
    if (!s_.empty()) s_ += ',';
  }
  std::string s_;
};

}  // namespace

void insert_tracker(pqxx::transaction_base& tx, const Tracker& t) {
  try {
    tx.exec_prepared0(sql::kTrackerInsert.name, t.id, t.imei, t.protocol, t.phone, t.model, t.firmware,
                      to_micros(t.created_at));
  } catch (const pqxx::unique_violation&) {
    throw rto::Conflict("a tracker with this IMEI is already registered", {{"imei", "is already registered"}})
        .with_code("duplicate-imei");
  }
}

std::optional<Tracker> tracker_by_id(pqxx::transaction_base& tx, const std::string& id, bool for_update) {
  auto r = tx.exec_prepared(for_update ? sql::kTrackerByIdForUpdate.name : sql::kTrackerById.name, id);
  if (r.empty()) return std::nullopt;
  return read_tracker(r[0]);
}

std::optional<Tracker> tracker_by_imei(pqxx::transaction_base& tx, const std::string& imei) {
  auto r = tx.exec_prepared(sql::kTrackerByImei.name, imei);
  if (r.empty()) return std::nullopt;
  return read_tracker(r[0]);
}

std::optional<Tracker> tracker_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto r = tx.exec_prepared(sql::kTrackerOfVehicle.name, vehicle_id);
  if (r.empty()) return std::nullopt;
  return read_tracker(r[0]);
}

std::vector<Tracker> list_trackers(pqxx::transaction_base& tx, const std::string& after_imei, int limit) {
  std::vector<Tracker> out;
  for (const auto& row : tx.exec_prepared(sql::kTrackerList.name, after_imei, limit)) out.push_back(read_tracker(row));
  return out;
}

void install(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& vehicle_id,
             const std::string& actor, TimePoint now) {
  try {
    tx.exec_prepared0(sql::kTrackerSetVehicle.name, tracker_id, vehicle_id, to_micros(now));
    tx.exec_prepared0(sql::kInstallInsert.name, tracker_id, vehicle_id, to_micros(now), actor);
  } catch (const pqxx::unique_violation&) {
    throw rto::Conflict("this vehicle already has a tracker installed", {{"vehicle_id", "already has a tracker"}})
        .with_code("vehicle-has-tracker");
  }
}

void remove(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& actor, TimePoint now) {
  tx.exec_prepared0(sql::kTrackerSetVehicle.name, tracker_id, std::optional<std::string>{}, to_micros(now));
  tx.exec_prepared0(sql::kInstallClose.name, tracker_id, to_micros(now), actor);
}

void update_tracker(pqxx::transaction_base& tx, const Tracker& t, const std::string& actor, TimePoint now) {
  tx.exec_prepared0(sql::kTrackerUpdate.name, t.id, t.phone, t.model, t.firmware, t.protocol, to_micros(now), actor);
}

bool delete_tracker(pqxx::transaction_base& tx, const std::string& id) {
  // Its device token goes with it; nothing else refers to a tracker that was never installed.
  tx.exec_prepared0(sql::kTrackerDeleteToken.name, id);
  return !tx.exec_prepared(sql::kTrackerDelete.name, id).empty();
}

IngestContext ingest_context(pqxx::transaction_base& tx, const std::vector<std::string>& tracker_ids) {
  IngestContext c;
  if (tracker_ids.empty()) return c;
  ArrayText ids;
  for (const auto& id : tracker_ids) ids.add(id);
  const auto array = ids.done();
  for (const auto& r : tx.exec_prepared(sql::kIngestContext.name, array)) {
    auto t = read_tracker(r);
    std::optional<PlanLink> plan;
    if (!r[8].is_null()) plan = PlanLink{r[8].as<std::string>(), r[9].as<std::string>(), r[10].as<std::string>()};
    auto id = t.id;
    c.trackers.emplace(std::move(id), std::make_pair(std::move(t), std::move(plan)));
  }
  for (const auto& r : tx.exec_prepared(sql::kLatestManyForUpdate.name, array)) {
    auto l = read_latest(r);
    auto id = l.tracker_id;
    c.latest.emplace(std::move(id), std::move(l));
  }
  return c;
}

double odometer_m(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  return tx.exec_prepared1(sql::kOdometer.name, vehicle_id)[0].as<double>();
}

std::vector<Install> install_history(pqxx::transaction_base& tx, const std::string& tracker_id) {
  std::vector<Install> out;
  for (const auto& r : tx.exec_prepared(sql::kInstallHistory.name, tracker_id)) {
    Install i;
    i.vehicle_id = r[0].as<std::string>();
    i.installed_at = from_micros(r[1].as<std::int64_t>());
    i.installed_by = r[2].as<std::string>();
    i.removed_at = opt_time(r[3]);
    i.removed_by = opt_text(r[4]);
    out.push_back(std::move(i));
  }
  return out;
}

void count_refused(pqxx::transaction_base& tx, const std::string& device_id, const std::string& protocol, TimePoint now) {
  tx.exec_prepared0(sql::kRefusedCount.name, device_id.substr(0, 64), protocol, to_micros(now));
}

std::size_t insert_positions(pqxx::transaction_base& tx, const std::vector<PositionRow>& rows, TimePoint server_time) {
  if (rows.empty()) return 0;
  ArrayText tr, dt, lat, lon, sp, co, sa, va, ig;
  for (const auto& p : rows) {
    tr.add(p.tracker_id);
    dt.add(to_micros(p.fix.time));
    lat.add(p.fix.lat);
    lon.add(p.fix.lon);
    sp.add(p.fix.speed_kmh);
    co.add(p.fix.course);
    sa.add(static_cast<std::int64_t>(p.fix.satellites));
    va.add(std::optional<bool>(p.fix.valid));
    ig.add(p.fix.ignition);
  }
  auto r = tx.exec_prepared(sql::kPositionsInsert.name, tr.done(), dt.done(), lat.done(), lon.done(), sp.done(),
                            co.done(), sa.done(), va.done(), ig.done(), to_micros(server_time));
  return static_cast<std::size_t>(r.affected_rows());
}

std::vector<std::string> pending_among(pqxx::transaction_base& tx, const std::vector<std::string>& vehicles) {
  std::vector<std::string> out;
  if (vehicles.empty()) return out;
  ArrayText ids;
  for (const auto& v : vehicles) ids.add(v);
  for (const auto& r : tx.exec_prepared(sql::kLocksPendingAmong.name, ids.done())) out.push_back(r[0].as<std::string>());
  return out;
}

std::optional<Latest> latest_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto r = tx.exec_prepared(sql::kLatestOfVehicle.name, vehicle_id);
  if (r.empty()) return std::nullopt;
  return read_latest(r[0]);
}

void upsert_latest(pqxx::transaction_base& tx, const Latest& l) {
  tx.exec_prepared0(sql::kLatestUpsert.name, l.tracker_id, l.vehicle_id, opt_micros(l.device_time), l.lat, l.lon,
                    l.speed_kmh, l.course, l.valid, l.ignition, l.battery_percent, opt_micros(l.stopped_since),
                    l.oil_cut, l.online, to_micros(l.last_seen_at), l.external_voltage);
}

std::vector<std::pair<std::string, std::optional<std::string>>> mark_offline(pqxx::transaction_base& tx, TimePoint cutoff) {
  std::vector<std::pair<std::string, std::optional<std::string>>> out;
  for (const auto& r : tx.exec_prepared(sql::kMarkOffline.name, to_micros(cutoff)))
    out.emplace_back(r[0].as<std::string>(), opt_text(r[1]));
  return out;
}

Figures figures(pqxx::transaction_base& tx, TimePoint now) {
  Figures f;
  for (const auto& r : tx.exec_prepared(sql::kFigures.name, to_micros(now))) {
    const auto kind = r[0].as<std::string>(), label = r[1].as<std::string>();
    const auto n = r[2].as<std::int64_t>();
    if (kind == "trackers") (label == "online" ? f.online : f.offline) = n;
    else if (kind == "locks") f.locks_by_state[label] = n;
    else if (kind == "pending") f.oldest_pending_us = n;
  }
  return f;
}

std::vector<TrackPoint> track(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint from, TimePoint to,
                              int limit) {
  std::vector<TrackPoint> out;
  for (const auto& r : tx.exec_prepared(sql::kTrack.name, vehicle_id, to_micros(from), to_micros(to), limit))
    out.push_back({from_micros(r[0].as<std::int64_t>()), r[1].as<double>(), r[2].as<double>(), r[3].as<double>()});
  return out;
}

void upsert_plan(pqxx::transaction_base& tx, const std::string& vehicle_id, const PlanLink& p, TimePoint now) {
  tx.exec_prepared0(sql::kPlanUpsert.name, vehicle_id, p.plan_id, p.customer_id, p.status, to_micros(now));
}

std::optional<PlanLink> plan_of_vehicle(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto r = tx.exec_prepared(sql::kPlanOfVehicle.name, vehicle_id);
  if (r.empty()) return std::nullopt;
  return PlanLink{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>()};
}

std::optional<Lock> lock_for_update(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto r = tx.exec_prepared(sql::kLockForUpdate.name, vehicle_id);
  if (r.empty()) return std::nullopt;
  return read_lock(r[0]);
}

std::optional<Lock> lock_of(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto r = tx.exec_prepared(sql::kLockGet.name, vehicle_id);
  if (r.empty()) return std::nullopt;
  return read_lock(r[0]);
}

void upsert_lock(pqxx::transaction_base& tx, const Lock& l) {
  tx.exec_prepared0(sql::kLockUpsert.name, l.vehicle_id, l.plan_id, std::string(to_string(l.state)),
                    opt_micros(l.pending_since), l.wait_reason, to_micros(l.updated_at));
}

std::vector<std::string> pending_lock_vehicles(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kLocksPending.name)) out.push_back(r[0].as<std::string>());
  return out;
}

void audit(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::optional<std::string>& plan_id,
           std::string_view step, std::string_view reason, std::string_view actor,
           std::optional<std::int64_t> command_id, TimePoint now) {
  tx.exec_prepared0(sql::kAuditInsert.name, vehicle_id, plan_id, std::string(step), std::string(reason),
                    std::string(actor), command_id, to_micros(now));
}

std::vector<Audit> audit_of(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  std::vector<Audit> out;
  for (const auto& r : tx.exec_prepared(sql::kAuditOfVehicle.name, vehicle_id)) {
    Audit a;
    a.step = r[0].as<std::string>();
    a.reason = r[1].as<std::string>();
    a.actor = r[2].as<std::string>();
    if (!r[3].is_null()) a.command_id = r[3].as<std::int64_t>();
    a.at = from_micros(r[4].as<std::int64_t>());
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t insert_command(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& tracker_id,
                            std::string_view kind, TimePoint now) {
  auto r = tx.exec_prepared1(sql::kCommandInsert.name, vehicle_id, tracker_id, std::string(kind), to_micros(now));
  return r[0].as<std::int64_t>();
}

std::vector<std::int64_t> cancel_open_commands(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint now) {
  std::vector<std::int64_t> out;
  for (const auto& r : tx.exec_prepared(sql::kCommandsCancelOpen.name, vehicle_id, to_micros(now)))
    out.push_back(r[0].as<std::int64_t>());
  return out;
}

std::vector<Command> queued_commands(pqxx::transaction_base& tx, const std::string& tracker_id) {
  std::vector<Command> out;
  for (const auto& r : tx.exec_prepared(sql::kCommandsQueued.name, tracker_id)) {
    Command c;
    c.id = r[0].as<std::int64_t>();
    c.vehicle_id = r[1].as<std::string>();
    c.tracker_id = tracker_id;
    c.kind = r[2].as<std::string>();
    c.status = "queued";
    out.push_back(std::move(c));
  }
  return out;
}

void mark_sent(pqxx::transaction_base& tx, std::int64_t id, TimePoint now) {
  tx.exec_prepared0(sql::kCommandMarkSent.name, id, to_micros(now));
}

void requeue(pqxx::transaction_base& tx, std::int64_t id) { tx.exec_prepared0(sql::kCommandRequeue.name, id); }

std::optional<Command> command_for_update(pqxx::transaction_base& tx, std::int64_t id) {
  auto r = tx.exec_prepared(sql::kCommandForUpdate.name, id);
  if (r.empty()) return std::nullopt;
  return read_command(r[0]);
}

void answer_command(pqxx::transaction_base& tx, std::int64_t id, std::string_view status, std::string_view response,
                    TimePoint now) {
  tx.exec_prepared0(sql::kCommandAnswer.name, id, std::string(status), std::string(response.substr(0, 200)),
                    to_micros(now));
}

std::vector<std::int64_t> overdue_commands(pqxx::transaction_base& tx, TimePoint sent_before) {
  std::vector<std::int64_t> out;
  for (const auto& r : tx.exec_prepared(sql::kCommandsOverdue.name, to_micros(sent_before)))
    out.push_back(r[0].as<std::int64_t>());
  return out;
}

std::vector<std::string> trackers_with_queued_commands(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kTrackersWithQueued.name)) out.push_back(r[0].as<std::string>());
  return out;
}

std::vector<CommandView> commands_of(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  std::vector<CommandView> out;
  for (const auto& r : tx.exec_prepared(sql::kCommandsOfVehicle.name, vehicle_id)) {
    CommandView c;
    c.id = r[0].as<std::int64_t>();
    c.kind = r[1].as<std::string>();
    c.status = r[2].as<std::string>();
    c.attempts = r[3].as<int>();
    c.created_at = from_micros(r[4].as<std::int64_t>());
    c.sent_at = opt_time(r[5]);
    c.answered_at = opt_time(r[6]);
    out.push_back(std::move(c));
  }
  return out;
}

// ---- device tokens ------------------------------------------------------------------------------

void set_device_token(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& token_hash,
                      const std::string& actor, TimePoint now) {
  tx.exec_prepared0(sql::kDeviceTokenSet.name, tracker_id, token_hash, to_micros(now), actor);
}

std::optional<Tracker> tracker_by_token(pqxx::transaction_base& tx, const std::string& token_hash) {
  auto r = tx.exec_prepared(sql::kTrackerByToken.name, token_hash);
  if (r.empty()) return std::nullopt;
  return read_tracker(r[0]);
}

void device_token_used(pqxx::transaction_base& tx, const std::string& tracker_id, TimePoint now) {
  tx.exec_prepared0(sql::kDeviceTokenUsed.name, tracker_id, to_micros(now));
}

std::optional<TokenInfo> device_token_of(pqxx::transaction_base& tx, const std::string& tracker_id) {
  auto r = tx.exec_prepared(sql::kDeviceTokenOf.name, tracker_id);
  if (r.empty()) return std::nullopt;
  return TokenInfo{from_micros(r[0][0].as<std::int64_t>()), r[0][1].as<std::string>(), opt_time(r[0][2])};
}

// ---- partitions ---------------------------------------------------------------------------------

int ensure_partitions(pqxx::transaction_base& tx, const std::string& first_month, int months) {
  return tx.exec_prepared1(sql::kEnsurePartitions.name, first_month, months)[0].as<int>();
}

std::vector<std::string> detach_partitions(pqxx::transaction_base& tx, TimePoint before) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kDetachPartitions.name, to_micros(before))) out.push_back(r[0].as<std::string>());
  return out;
}

std::vector<std::string> partitions(pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kPartitions.name)) out.push_back(r[0].as<std::string>());
  return out;
}

std::optional<std::int64_t> oldest_sent_command(pqxx::transaction_base& tx, const std::string& tracker_id) {
  auto r = tx.exec_prepared(sql::kCommandOldestSent.name, tracker_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::int64_t>();
}

// ---- the fleet ----------------------------------------------------------------------------------

FleetCounts fleet_counts(pqxx::transaction_base& tx, double moving_kmh) {
  auto r = tx.exec_prepared1(sql::kFleetCounts.name, moving_kmh);
  FleetCounts c;
  c.installed = r[0].as<std::int64_t>();
  c.online = r[1].as<std::int64_t>();
  c.offline = r[2].as<std::int64_t>();
  c.moving = r[3].as<std::int64_t>();
  c.locked = r[4].as<std::int64_t>();
  c.lock_pending = r[5].as<std::int64_t>();
  c.lock_failed = r[6].as<std::int64_t>();
  return c;
}

std::vector<FleetVehicle> fleet_page(pqxx::transaction_base& tx, const std::string& status, double moving_kmh,
                                     const std::string& after_vehicle, int limit) {
  std::vector<FleetVehicle> out;
  const std::string after = after_vehicle.empty() ? "00000000-0000-0000-0000-000000000000" : after_vehicle;
  for (const auto& r : tx.exec_prepared(sql::kFleetPage.name, status, moving_kmh, after, limit)) {
    FleetVehicle v;
    v.vehicle_id = r[0].as<std::string>();
    v.tracker_id = r[1].as<std::string>();
    v.protocol = r[2].as<std::string>();
    v.online = r[3].as<bool>();
    v.last_seen_at = opt_time(r[4]);
    v.device_time = opt_time(r[5]);
    v.lat = opt_double(r[6]);
    v.lon = opt_double(r[7]);
    v.speed_kmh = opt_double(r[8]);
    v.course = opt_double(r[9]);
    v.ignition = opt_bool(r[10]);
    v.battery_percent = opt_double(r[11]);
    v.lock_state = r[12].as<std::string>();
    v.plan_id = opt_text(r[13]);
    v.plan_status = opt_text(r[14]);
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace telematics::storage
