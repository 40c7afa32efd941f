#include "geo.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <rto/clock.hpp>
#include <rto/log.hpp>
#include <rto/time.hpp>

#include "domain/trips.hpp"
#include "storage/geo_storage.hpp"

namespace telematics {
namespace js = boost::json;

namespace {
constexpr int kUsageClaimBatch = 500;

// Version tokens of vehicle_motion rows: random, so that no two writes ever share one.
std::mt19937_64& version_tokens() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}
}  // namespace

Geo::Geo(rto::db::Pool& db, const TelematicsConfig& cfg) : db_(db), cfg_(cfg) {}

void Geo::reload() {
  auto list = db_.query([](pqxx::nontransaction& tx) { return storage::active_geofences(tx); });
  auto compiled = std::make_shared<Fences>();
  compiled->reserve(list.size());
  for (auto& f : list) compiled->emplace_back(std::move(f));
  std::lock_guard lk(mu_);
  fences_ = std::move(compiled);
  loaded_ = true;
}

std::shared_ptr<const Geo::Fences> Geo::fences() const {
  std::lock_guard lk(mu_);
  return fences_;
}

bool Geo::in_exclusion_zone(double lat, double lon) {
  if (!loaded_) reload();
  return geofence::inside_any(*fences(), geofence::Kind::Exclusion, lat, lon);
}

std::optional<storage::StoredMotion> Geo::remembered(const std::string& vehicle_id) const {
  std::lock_guard lk(states_mu_);
  auto it = states_.find(vehicle_id);
  if (it == states_.end()) return std::nullopt;
  return it->second;
}

void Geo::remember(const std::string& vehicle_id, storage::StoredMotion m) {
  std::lock_guard lk(states_mu_);
  if (states_.size() >= kMaxRemembered && !states_.count(vehicle_id)) states_.clear();
  states_[vehicle_id] = std::move(m);
}

Geo::Walk Geo::walk(const Fences& fences, storage::VehicleMotion from, const std::vector<Fix>& good) const {
  Walk w;
  w.motion = std::move(from);
  // The state is the vehicle's: after a tracker swap the new one's fixes may be older than it.
  for (const auto& f : good)
    if (!w.motion.trip.last || f.time > w.motion.trip.last->time) w.fresh.push_back(f);
  if (w.fresh.empty()) return w;
  w.crossings = geofence::transitions(fences, w.motion.inside, w.fresh);
  w.outcome = trips::advance(cfg_.trip_rules, cfg_.zone, w.motion.trip, w.fresh);
  return w;
}

void Geo::on_good_fixes(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& vehicle_id,
                        const std::vector<Fix>& good, const std::optional<storage::PlanLink>& plan,
                        std::vector<rto::events::Event>& events, TimePoint now) {
  if (good.empty()) return;
  const auto fences = this->fences();
  auto known = remembered(vehicle_id);
  bool trusted = !known;  // read under the row lock (below), not from memory
  storage::VehicleMotion from;
  std::optional<std::int64_t> expected;  // the stored version the write requires (none: no row)
  auto read_locked = [&] {
    auto row = storage::motion_for_update(tx, vehicle_id);
    from = row ? std::move(row->motion) : storage::VehicleMotion{};
    expected = row ? std::optional<std::int64_t>(row->version) : std::nullopt;
    trusted = true;
  };
  if (known) {
    from = std::move(known->motion);
    expected = known->version;
  } else {
    read_locked();
  }
  for (int attempt = 1;; ++attempt) {
    auto w = walk(*fences, from, good);
    if (w.fresh.empty()) {
      // Nothing newer than the state: true of the stored one, or memory ran ahead of it (a
      // transaction that rolled back, retried now). Only the stored state can say.
      if (!trusted) {
        read_locked();
        continue;
      }
      if (expected) remember(vehicle_id, {std::move(from), *expected});
      return;
    }
    const std::int64_t version = static_cast<std::int64_t>(version_tokens()() >> 1);
    if (storage::write_motion(tx, vehicle_id, tracker_id, w.motion, w.outcome, expected, version, now)) {
      remember(vehicle_id, {w.motion, version});
      for (const auto& c : w.crossings) {
        const auto& fence = (*fences)[c.fence].fence();
        const auto& f = w.fresh[c.fix];
        js::object d{{"vehicle_id", vehicle_id},
                     {"tracker_id", tracker_id},
                     {"geofence_id", fence.id},
                     {"name", fence.name},
                     {"kind", std::string(geofence::to_string(fence.kind))}};
        d["customer_id"] = plan && plan->status == "active" ? js::value(plan->customer_id) : js::value(nullptr);
        d["at"] = rto::to_rfc3339(f.time);
        d["lat"] = f.lat;
        d["lon"] = f.lon;
        events.push_back(
            {c.entered ? "telematics.geofence.entered" : "telematics.geofence.exited", vehicle_id, std::move(d)});
      }
      return;
    }
    // The stored state is not the one walked from (another replica wrote it, a fence was removed
    // from it, or a transaction rolled back): read it under the row lock and walk again.
    if (attempt >= 3) throw std::runtime_error("the vehicle's motion state changed under its row lock");
    read_locked();
  }
}

std::size_t Geo::publish_daily_usage(TimePoint now, const std::string& source) {
  // Days before the local date of (now - delay) have ended at least `delay` ago.
  const auto before = rto::format_date(std::chrono::year_month_day(cfg_.zone.local_date(now - cfg_.usage_publish_delay)));
  std::size_t total = 0;
  for (;;) {
    const auto n = db_.transact([&](pqxx::work& tx) {
      auto rows = storage::claim_usage(tx, before, now, kUsageClaimBatch);
      std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::tie(a.usage.date, a.vehicle_id) < std::tie(b.usage.date, b.vehicle_id);
      });
      std::vector<rto::events::Event> events;
      events.reserve(rows.size());
      for (const auto& r : rows) {
        const auto& u = r.usage;
        js::object d{{"vehicle_id", r.vehicle_id}, {"tracker_id", r.tracker_id}};
        d["plan_id"] = r.plan_id ? js::value(*r.plan_id) : js::value(nullptr);
        d["customer_id"] = r.customer_id ? js::value(*r.customer_id) : js::value(nullptr);
        d["date"] = u.date;
        d["distance_m"] = std::llround(u.distance_m);
        d["engine_seconds"] = std::llround(u.engine_seconds);
        d["moving_seconds"] = std::llround(u.moving_seconds);
        d["trips"] = u.trips;
        d["active"] = trips::active(u.trips, u.moving_seconds);
        events.push_back({"telematics.usage.daily", r.vehicle_id, std::move(d)});
      }
      if (!events.empty()) rto::events::enqueue_all(tx, source, events);
      return rows.size();
    });
    total += n;
    if (n < static_cast<std::size_t>(kUsageClaimBatch)) break;
  }
  if (total > 0) rto::log::info("daily usage published", {{"days", static_cast<std::int64_t>(total)}, {"before", before}});
  return total;
}

}  // namespace telematics
