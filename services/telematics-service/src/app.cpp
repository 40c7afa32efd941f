#include "app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>

#include "domain/motion.hpp"
#include "geo.hpp"
#include "gt06_listener.hpp"
#include "storage/queries.hpp"

namespace telematics {
namespace js = boost::json;

namespace {

bool reply_says_failed(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t.find("fail") != std::string::npos || t.find("error") != std::string::npos;
}

}  // namespace

App::App(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, TelematicsConfig cfg)
    : db_(db), clock_(std::move(clock)), cfg_(std::move(cfg)), geo_(std::make_shared<Geo>(db_, cfg_)) {}

void App::set_sender(std::string protocol, CommandSender s) {
  std::lock_guard lk(senders_mu_);
  senders_[std::move(protocol)] = std::move(s);
}

void App::use_vehicle_service(const rto::auth::Tokens& tokens) {
  rto::http::ClientOptions o;
  o.connect_timeout = std::min(cfg_.neighbour_timeout, std::chrono::milliseconds(2000));
  o.request_timeout = cfg_.neighbour_timeout;
  vehicles_ = std::make_unique<rto::ServiceClient>(cfg_.vehicle_service_url, tokens, cfg_.common.service,
                                                   "vehicle-service", o);
}

bool App::vehicle_exists(const std::string& vehicle_id) {
  if (!vehicles_) throw rto::Unavailable("the vehicle service is not configured");
  return vehicles_->get_json("/internal/vehicles/" + vehicle_id).has_value();
}

// ---- device tokens ------------------------------------------------------------------------------

std::string App::issue_device_token(const std::string& tracker_id, const std::string& actor) {
  auto token = "dt_" + rto::crypto::random_token(32);
  db_.transact([&](pqxx::work& tx) {
    storage::set_device_token(tx, tracker_id, rto::crypto::sha256_hex(token), actor, now());
  });
  return token;
}

std::optional<storage::Tracker> App::authenticate_device(std::string_view token) {
  if (token.size() < 10 || token.size() > 100 || token.substr(0, 3) != "dt_") return std::nullopt;
  const auto hash = rto::crypto::sha256_hex(token);
  return db_.transact([&](pqxx::work& tx) -> std::optional<storage::Tracker> {
    auto t = storage::tracker_by_token(tx, hash);
    if (t) storage::device_token_used(tx, t->id, now());
    return t;
  });
}

std::vector<storage::Command> App::fetch_commands(const storage::Tracker& t) {
  return db_.transact([&](pqxx::work& tx) {
    auto commands = storage::queued_commands(tx, t.id);
    record_sent(tx, commands);
    return commands;
  });
}

// ---- partitions ---------------------------------------------------------------------------------

void App::maintain_partitions() {
  using namespace std::chrono;
  const year_month_day today{floor<days>(now())};
  const year_month this_month{today.year(), today.month()};
  // From the month before (a device reporting late just after midnight on the 1st) to
  // partitions_ahead months after this one.
  const year_month_day from{(this_month - months(1)) / day(1)};
  char first[16];
  std::snprintf(first, sizeof first, "%04d-%02u-01", static_cast<int>(from.year()), static_cast<unsigned>(from.month()));
  std::vector<std::string> detached;
  const int created = db_.transact([&](pqxx::work& tx) {
    detached.clear();
    const int n = storage::ensure_partitions(tx, first, cfg_.partitions_ahead + 2);
    if (cfg_.retention_months > 0)
      detached = storage::detach_partitions(tx, sys_days{(this_month - months(cfg_.retention_months)) / day(1)});
    return n;
  });
  if (created > 0) rto::log::info("position partitions created", {{"count", created}});
  for (const auto& d : detached) rto::log::info("position partition detached for archiving", {{"table", d}});
}

std::optional<storage::Tracker> App::identify(const std::string& device_id, const std::string& protocol) {
  const auto steady = std::chrono::steady_clock::now();
  {
    std::lock_guard lk(known_mu_);
    if (auto it = known_.find(device_id); it != known_.end()) {
      if (it->second.until > steady) return it->second.tracker;
      known_.erase(it);
    }
  }
  auto found = db_.transact([&](pqxx::work& tx) -> std::optional<storage::Tracker> {
    auto t = storage::tracker_by_imei(tx, device_id);
    if (t && t->vehicle_id) return t;
    storage::count_refused(tx, device_id, protocol, now());
    return std::nullopt;
  });
  if (found && cfg_.identify_cache.count() > 0) {
    std::lock_guard lk(known_mu_);
    if (known_.size() > 100000) known_.clear();  // bounded: a flood of fresh IMEIs cannot grow it
    known_[device_id] = Known{*found, steady + cfg_.identify_cache};
  }
  return found;
}

void App::forget_device(const std::string& imei) {
  std::lock_guard lk(known_mu_);
  known_.erase(imei);
}

// ---- ingest -------------------------------------------------------------------------------------

void App::enqueue(Report r) {
  std::lock_guard lk(queue_mu_);
  queue_.push_back(std::move(r));
}

std::size_t App::flush_ingest() {
  std::vector<Report> batch;
  {
    std::lock_guard lk(queue_mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return 0;
  return ingest(std::move(batch));
}

bool App::position_event_due(const std::string& vehicle_id, TimePoint t) {
  std::lock_guard lk(throttle_mu_);
  auto& last = last_position_event_[vehicle_id];
  if (last != TimePoint{} && t - last < cfg_.position_event_interval) return false;
  last = t;
  return true;
}

void App::apply_reports(pqxx::work& tx, const storage::Tracker& t, const std::optional<storage::PlanLink>& plan,
                        const std::optional<storage::Latest>& prev, const std::vector<const Report*>& reports,
                        std::vector<std::string>& vehicles) {
  const auto server_now = now();
  const std::string vehicle = *t.vehicle_id;
  storage::Latest l = prev.value_or(storage::Latest{});
  l.tracker_id = t.id;
  l.vehicle_id = vehicle;
  const bool was_online = prev && prev->online;

  std::optional<PreviousFix> last_good;
  if (l.device_time && l.lat && l.lon) last_good = PreviousFix{*l.device_time, *l.lat, *l.lon};
  std::vector<Fix> newer;  // plausible fixes newer than the latest, oldest first
  std::vector<std::string> alarms;
  std::optional<bool> ignition, oil_cut;
  for (const auto* r : reports) {
    for (const auto& f : r->fixes) {
      if (!f.valid) continue;
      if (l.device_time && f.time <= *l.device_time) continue;  // out of order: stored, not the latest
      newer.push_back(f);
    }
    if (r->ignition) ignition = r->ignition;
    if (r->oil_cut) oil_cut = r->oil_cut;
    if (r->alarm) alarms.push_back(*r->alarm);
  }
  std::sort(newer.begin(), newer.end(), [](const Fix& a, const Fix& b) { return a.time < b.time; });
  std::vector<Fix> good;
  for (const auto& f : newer) {
    if (!plausible(f, last_good)) continue;
    good.push_back(f);
    last_good = PreviousFix{f.time, f.lat, f.lon};
  }
  if (!good.empty()) {
    const auto& f = good.back();
    l.stopped_since = stopped_since_after(l.stopped_since, good, cfg_.lock_rules.max_speed_kmh);
    l.device_time = f.time;
    l.lat = f.lat;
    l.lon = f.lon;
    l.speed_kmh = f.speed_kmh;
    l.course = f.course;
    l.valid = true;
    if (f.ignition) l.ignition = f.ignition;
    if (f.battery_percent) l.battery_percent = f.battery_percent;
    if (f.external_voltage) l.external_voltage = f.external_voltage;
  }
  if (ignition) l.ignition = ignition;
  if (oil_cut) l.oil_cut = oil_cut;
  l.online = true;
  l.last_seen_at = server_now;
  storage::upsert_latest(tx, l);

  auto base = [&] {
    js::object d{{"vehicle_id", vehicle}, {"tracker_id", t.id}};
    d["customer_id"] = plan && plan->status == "active" ? js::value(plan->customer_id) : js::value(nullptr);
    return d;
  };
  std::vector<rto::events::Event> events;
  if (!was_online) events.push_back({"telematics.device.online", vehicle, base()});
  for (const auto& a : alarms) {
    auto d = base();
    d["alarm"] = a;
    if (l.lat && l.lon) d["position"] = js::object{{"lat", *l.lat}, {"lon", *l.lon}};
    d["at"] = rto::to_rfc3339(server_now);
    events.push_back({"telematics.alarm.raised", vehicle, std::move(d)});
  }
  if (!good.empty() && position_event_due(vehicle, server_now)) {
    auto d = base();
    d["lat"] = *l.lat;
    d["lon"] = *l.lon;
    d["speed_kmh"] = *l.speed_kmh;
    d["course"] = *l.course;
    d["ignition"] = l.ignition ? js::value(*l.ignition) : js::value(nullptr);
    d["device_time"] = rto::to_rfc3339(*l.device_time);
    events.push_back({"telematics.position.updated", vehicle, std::move(d)});
  }
  // Geofence crossings, trips and daily usage from the same fixes; their events join these.
  geo_->on_good_fixes(tx, t.id, vehicle, good, plan, events, server_now);
  if (!events.empty()) rto::events::enqueue_all(tx, source(), events);
  vehicles.push_back(vehicle);
}

std::size_t App::ingest(std::vector<Report> reports) {
  std::vector<std::int64_t> replies;
  std::vector<std::string> reconnected;
  std::vector<std::string> vehicles;
  std::size_t stored = db_.transact([&](pqxx::work& tx) {
    vehicles.clear();
    std::vector<storage::PositionRow> rows;
    std::map<std::string, std::vector<const Report*>> by_tracker;
    for (const auto& r : reports) {
      for (const auto& f : r.fixes) {
        Fix copy = f;
        copy.valid = f.valid && plausible(f, std::nullopt);
        rows.push_back({r.tracker_id, copy});
      }
      by_tracker[r.tracker_id].push_back(&r);
    }
    auto n = storage::insert_positions(tx, rows, now());
    // Two statements for the batch's trackers, their plans and their latest state (locked).
    std::vector<std::string> ids;
    ids.reserve(by_tracker.size());
    for (const auto& kv : by_tracker) ids.push_back(kv.first);
    auto ctx = storage::ingest_context(tx, ids);
    for (const auto& [tracker_id, rs] : by_tracker) {
      auto it = ctx.trackers.find(tracker_id);
      // Removed since it logged in: not stored (see the insert).
      if (it == ctx.trackers.end() || !it->second.first.vehicle_id) continue;
      auto latest = ctx.latest.find(tracker_id);
      apply_reports(tx, it->second.first, it->second.second,
                    latest == ctx.latest.end() ? std::nullopt : std::optional<storage::Latest>(latest->second), rs,
                    vehicles);
    }
    // Only a pending lock can move on with new positions: the others are left alone.
    std::sort(vehicles.begin(), vehicles.end());
    vehicles.erase(std::unique(vehicles.begin(), vehicles.end()), vehicles.end());
    vehicles = storage::pending_among(tx, vehicles);
    return n;
  });
  for (const auto& r : reports) {
    if (r.reply_to) on_command_reply(*r.reply_to, r.reply_text);
    if (r.reply_to_oldest) {
      auto id = db_.query([&](pqxx::nontransaction& tx) { return storage::oldest_sent_command(tx, r.tracker_id); });
      if (id) on_command_reply(*id, r.reply_text);
    }
    if (r.reconnected) reconnected.push_back(r.tracker_id);
  }
  for (const auto& tr : reconnected) dispatch_commands(tr);
  for (const auto& v : vehicles) advance_lock(v);
  return stored;
}

// ---- the immobiliser ----------------------------------------------------------------------------

void App::publish_lock(pqxx::transaction_base& tx, std::string_view type, const std::string& vehicle_id,
                       const std::optional<std::string>& plan_id, js::object extra) {
  auto plan = storage::plan_of_vehicle(tx, vehicle_id);
  js::object d{{"vehicle_id", vehicle_id}};
  d["plan_id"] = plan_id ? js::value(*plan_id) : (plan ? js::value(plan->plan_id) : js::value(nullptr));
  d["customer_id"] = plan ? js::value(plan->customer_id) : js::value(nullptr);
  for (auto& kv : extra) d[kv.key()] = kv.value();
  rto::events::enqueue(tx, source(), {std::string(type), vehicle_id, std::move(d)});
}

std::optional<std::string> App::request_lock(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                             const std::optional<std::string>& plan_id, std::string_view reason,
                                             std::string_view actor) {
  const auto t = now();
  auto plan = storage::plan_of_vehicle(tx, vehicle_id);
  if (plan && plan->status == "completed") {
    rto::log::warn("lock refused: the plan is completed and the vehicle belongs to its owner", {{"vehicle_id", vehicle_id}});
    throw rto::Conflict("the vehicle's plan is completed: it can no longer be locked").with_code("plan-completed");
  }
  auto lock = storage::lock_for_update(tx, vehicle_id).value_or(storage::Lock{vehicle_id});
  if (lock.state == LockState::Pending || lock.state == LockState::Locking || lock.state == LockState::Locked)
    return std::nullopt;
  std::optional<std::string> dispatch;
  if (lock.state == LockState::Unlocking) storage::cancel_open_commands(tx, vehicle_id, t);
  lock.vehicle_id = vehicle_id;
  lock.plan_id = plan_id ? plan_id : (plan ? std::optional<std::string>(plan->plan_id) : std::nullopt);
  lock.state = LockState::Pending;
  lock.pending_since = t;
  lock.wait_reason = "grace period";
  lock.updated_at = t;
  storage::upsert_lock(tx, lock);
  storage::audit(tx, vehicle_id, lock.plan_id, "pending", reason, actor, std::nullopt, t);
  publish_lock(tx, "telematics.lock.pending", vehicle_id, lock.plan_id,
               {{"reason", std::string(reason)},
                {"grace_seconds", std::chrono::duration_cast<std::chrono::seconds>(cfg_.lock_rules.grace).count()}});
  return dispatch;
}

std::optional<std::string> App::release_lock(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                             std::string_view reason, std::string_view actor) {
  const auto t = now();
  auto lock = storage::lock_for_update(tx, vehicle_id);
  if (!lock || lock->state == LockState::Unlocked || lock->state == LockState::Unlocking) return std::nullopt;
  if (lock->state == LockState::Pending) {
    lock->state = LockState::Unlocked;
    lock->pending_since.reset();
    lock->wait_reason.reset();
    lock->updated_at = t;
    storage::upsert_lock(tx, *lock);
    storage::audit(tx, vehicle_id, lock->plan_id, "cancelled", reason, actor, std::nullopt, t);
    publish_lock(tx, "telematics.lock.cancelled", vehicle_id, lock->plan_id, {{"reason", std::string(reason)}});
    return std::nullopt;
  }
  // Locking, locked or failed: whatever the lock command did, restore the engine at once.
  storage::cancel_open_commands(tx, vehicle_id, t);
  auto tracker = storage::tracker_of_vehicle(tx, vehicle_id);
  lock->pending_since.reset();
  lock->wait_reason.reset();
  lock->updated_at = t;
  if (!tracker) {
    lock->state = LockState::Unlocked;
    storage::upsert_lock(tx, *lock);
    storage::audit(tx, vehicle_id, lock->plan_id, "released", std::string(reason) + " (no tracker installed)", actor,
                   std::nullopt, t);
    publish_lock(tx, "telematics.lock.released", vehicle_id, lock->plan_id, {{"reason", std::string(reason)}});
    return std::nullopt;
  }
  auto id = storage::insert_command(tx, vehicle_id, tracker->id, "unlock", t);
  lock->state = LockState::Unlocking;
  storage::upsert_lock(tx, *lock);
  storage::audit(tx, vehicle_id, lock->plan_id, "unlock_queued", reason, actor, id, t);
  return tracker->id;
}

void App::advance_lock(const std::string& vehicle_id) {
  std::optional<std::string> dispatch;
  db_.transact([&](pqxx::work& tx) {
    dispatch.reset();
    auto lock = storage::lock_for_update(tx, vehicle_id);
    if (!lock || lock->state != LockState::Pending || !lock->pending_since) return;
    const auto t = now();
    Motion m;
    if (auto l = storage::latest_of_vehicle(tx, vehicle_id)) {
      m.last_fix_at = l->device_time;
      m.speed_kmh = l->speed_kmh.value_or(0);
      m.ignition = l->ignition;
      m.stopped_since = l->stopped_since;
      if (l->lat && l->lon) m.in_exclusion_zone = geo_->in_exclusion_zone(*l->lat, *l->lon);
    }
    auto verdict = decide_lock(cfg_.lock_rules, *lock->pending_since, m, t);
    std::optional<storage::Tracker> tracker;
    if (verdict.action == LockAction::Send) {
      tracker = storage::tracker_of_vehicle(tx, vehicle_id);
      if (!tracker) verdict = {LockAction::Wait, "no tracker installed"};
    }
    if (verdict.action == LockAction::Wait) {
      if (lock->wait_reason != verdict.reason) {
        lock->wait_reason = verdict.reason;
        lock->updated_at = t;
        storage::upsert_lock(tx, *lock);
      }
      return;
    }
    auto id = storage::insert_command(tx, vehicle_id, tracker->id, "lock", t);
    lock->state = LockState::Locking;
    lock->wait_reason.reset();
    lock->updated_at = t;
    storage::upsert_lock(tx, *lock);
    storage::audit(tx, vehicle_id, lock->plan_id, "lock_queued", "vehicle " + verdict.reason, "system", id, t);
    dispatch = tracker->id;
  });
  if (dispatch) dispatch_commands(*dispatch);
}

void App::dispatch_commands(const std::string& tracker_id) {
  CommandSender sender;
  std::optional<storage::Tracker> tracker;
  std::vector<storage::Command> sent;
  db_.transact([&](pqxx::work& tx) {
    sent.clear();
    tracker = storage::tracker_by_id(tx, tracker_id);
    if (!tracker) return;
    {
      std::lock_guard lk(senders_mu_);
      auto it = senders_.find(tracker->protocol);
      if (it == senders_.end() || !it->second.connected || !it->second.send) return;  // e.g. OsmAnd: fetched
      sender = it->second;
    }
    if (!sender.connected(*tracker)) return;  // offline: sent on reconnect
    sent = storage::queued_commands(tx, tracker_id);
    record_sent(tx, sent);
  });
  for (const auto& c : sent) {
    if (!sender.send(*tracker, c.id, c.kind)) {
      // Gone between the check and the write: queued again, sent on reconnect.
      db_.transact([&](pqxx::work& tx) { storage::requeue(tx, c.id); });
    }
  }
}

void App::record_sent(pqxx::transaction_base& tx, const std::vector<storage::Command>& commands) {
  const auto t = now();
  for (const auto& c : commands) {
    storage::mark_sent(tx, c.id, t);
    auto lock = storage::lock_for_update(tx, c.vehicle_id);
    const auto plan = lock ? lock->plan_id : std::nullopt;
    storage::audit(tx, c.vehicle_id, plan, "sent", c.kind == "lock" ? "engine cut sent" : "engine restore sent",
                   "system", c.id, t);
    publish_lock(tx, "telematics.lock.sent", c.vehicle_id, plan, {{"kind", c.kind}, {"command_id", c.id}});
  }
}

void App::on_command_reply(std::int64_t id, const std::string& text) {
  db_.transact([&](pqxx::work& tx) {
    auto c = storage::command_for_update(tx, id);
    if (!c || (c->status != "sent" && c->status != "queued")) return;
    const auto t = now();
    const bool failed = reply_says_failed(text);
    storage::answer_command(tx, id, failed ? "failed" : "acknowledged", text, t);
    auto lock = storage::lock_for_update(tx, c->vehicle_id);
    if (!lock) return;
    if (failed) {
      if (c->kind == "lock" && lock->state == LockState::Locking) {
        lock->state = LockState::Failed;
        lock->updated_at = t;
        storage::upsert_lock(tx, *lock);
      }
      storage::audit(tx, c->vehicle_id, lock->plan_id, "failed", "device refused the command", "device", id, t);
      publish_lock(tx, "telematics.lock.failed", c->vehicle_id, lock->plan_id,
                   {{"kind", c->kind}, {"command_id", id}, {"reason", "device refused the command"}});
      return;
    }
    if (c->kind == "lock" && lock->state == LockState::Locking) {
      lock->state = LockState::Locked;
      lock->updated_at = t;
      storage::upsert_lock(tx, *lock);
      storage::audit(tx, c->vehicle_id, lock->plan_id, "acknowledged", "engine cut confirmed by the device", "device", id, t);
      publish_lock(tx, "telematics.lock.acknowledged", c->vehicle_id, lock->plan_id, {{"command_id", id}});
    } else if (c->kind == "unlock" && lock->state == LockState::Unlocking) {
      lock->state = LockState::Unlocked;
      lock->updated_at = t;
      storage::upsert_lock(tx, *lock);
      storage::audit(tx, c->vehicle_id, lock->plan_id, "released", "engine restore confirmed by the device", "device", id, t);
      publish_lock(tx, "telematics.lock.released", c->vehicle_id, lock->plan_id, {{"command_id", id}});
    }
  });
}

// ---- periodic jobs ------------------------------------------------------------------------------

void App::advance_pending_locks() {
  auto vehicles = db_.query([](pqxx::nontransaction& tx) { return storage::pending_lock_vehicles(tx); });
  for (const auto& v : vehicles) advance_lock(v);
}

void App::dispatch_queued() {
  auto trackers = db_.query([](pqxx::nontransaction& tx) { return storage::trackers_with_queued_commands(tx); });
  for (const auto& t : trackers) dispatch_commands(t);
}

void App::retry_commands() {
  const auto t = now();
  auto overdue = db_.query([&](pqxx::nontransaction& tx) { return storage::overdue_commands(tx, t - cfg_.command_ack_timeout); });
  for (auto id : overdue) {
    db_.transact([&](pqxx::work& tx) {
      auto c = storage::command_for_update(tx, id);
      if (!c || c->status != "sent") return;
      if (c->attempts < cfg_.command_max_attempts) {
        storage::requeue(tx, id);
        return;
      }
      storage::answer_command(tx, id, "failed", "no answer from the device", t);
      auto lock = storage::lock_for_update(tx, c->vehicle_id);
      const auto plan = lock ? lock->plan_id : std::nullopt;
      if (lock && c->kind == "lock" && lock->state == LockState::Locking) {
        lock->state = LockState::Failed;
        lock->updated_at = t;
        storage::upsert_lock(tx, *lock);
      }
      storage::audit(tx, c->vehicle_id, plan, "failed", "no answer from the device", "system", id, t);
      publish_lock(tx, "telematics.lock.failed", c->vehicle_id, plan,
                   {{"kind", c->kind}, {"command_id", id}, {"reason", "no answer from the device"}});
    });
  }
  if (!overdue.empty()) dispatch_queued();
}

void App::detect_offline() {
  const auto t = now();
  db_.transact([&](pqxx::work& tx) {
    for (const auto& [tracker, vehicle] : storage::mark_offline(tx, t - cfg_.offline_after)) {
      if (!vehicle) continue;
      rto::events::enqueue(tx, source(), {"telematics.device.offline", *vehicle,
                                          js::object{{"vehicle_id", *vehicle}, {"tracker_id", tracker},
                                                     {"since", rto::to_rfc3339(t - cfg_.offline_after)}}});
    }
  });
}

}  // namespace telematics
