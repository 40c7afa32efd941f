#include "geo.hpp"

#include <algorithm>
#include <cmath>
#include <rto/clock.hpp>
#include <rto/log.hpp>
#include <rto/time.hpp>

#include "domain/trips.hpp"
#include "storage/geo_storage.hpp"

namespace telematics {
namespace js = boost::json;

namespace {
constexpr int kUsageClaimBatch = 500;
}  // namespace

Geo::Geo(rto::db::Pool& db, const TelematicsConfig& cfg) : db_(db), cfg_(cfg) {}

void Geo::reload() {
  auto list = db_.query([](pqxx::nontransaction& tx) { return storage::active_geofences(tx); });
  auto compiled = std::make_shared<Fences>();
  compiled->reserve(list.size());
  for (auto& f : list) compiled->emplace_back(std::move(f));
  std::lock_guard lk(mu_);
  fences_ = std::move(compiled);
}

std::shared_ptr<const Geo::Fences> Geo::fences() const {
  std::lock_guard lk(mu_);
  return fences_;
}

bool Geo::in_exclusion_zone(double lat, double lon) const {
  return geofence::inside_any(*fences(), geofence::Kind::Exclusion, lat, lon);
}

void Geo::on_good_fixes(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& vehicle_id,
                        const std::vector<Fix>& good, const std::optional<storage::PlanLink>& plan,
                        std::vector<rto::events::Event>& events, TimePoint now) {
  if (good.empty()) return;
  const auto fences = this->fences();
  auto m = storage::motion_for_update(tx, vehicle_id).value_or(storage::VehicleMotion{});
  // The state is the vehicle's: after a tracker swap the new one's fixes may be older than it.
  std::vector<Fix> fresh;
  fresh.reserve(good.size());
  for (const auto& f : good)
    if (!m.trip.last || f.time > m.trip.last->time) fresh.push_back(f);
  if (fresh.empty()) return;

  const auto crossings = geofence::transitions(*fences, m.inside, fresh);
  const auto outcome = trips::advance(cfg_.trip_rules, cfg_.zone, m.trip, fresh);
  storage::write_motion(tx, vehicle_id, tracker_id, m, outcome, now);

  for (const auto& c : crossings) {
    const auto& fence = (*fences)[c.fence].fence();
    const auto& f = fresh[c.fix];
    js::object d{{"vehicle_id", vehicle_id},
                 {"tracker_id", tracker_id},
                 {"geofence_id", fence.id},
                 {"name", fence.name},
                 {"kind", std::string(geofence::to_string(fence.kind))}};
    d["customer_id"] = plan && plan->status == "active" ? js::value(plan->customer_id) : js::value(nullptr);
    d["at"] = rto::to_rfc3339(f.time);
    d["lat"] = f.lat;
    d["lon"] = f.lon;
    events.push_back({c.entered ? "telematics.geofence.entered" : "telematics.geofence.exited", vehicle_id, std::move(d)});
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
