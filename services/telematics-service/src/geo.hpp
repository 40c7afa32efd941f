#pragma once
// Geofences, trips and daily usage on the App side: the cache of active fences (so the ingest path
// never reads them per fix), the step of the ingest transaction that walks a vehicle's good fixes
// (enter/exit events, the trip machine, usage per local date), and the daily usage job.
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <rto/db.hpp>
#include <rto/events.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "config.hpp"
#include "domain/geofence.hpp"
#include "domain/types.hpp"
#include "storage/geo_storage.hpp"
#include "storage/storage.hpp"

namespace telematics {

class Geo {
 public:
  using Fences = std::vector<geofence::Compiled>;

  Geo(rto::db::Pool& db, const TelematicsConfig& cfg);

  // The cache: every active fence, compiled. reload() reads them now (after a change through the
  // API, and every GEOFENCE_RELOAD_MS for changes made through other replicas).
  void reload();
  std::shared_ptr<const Fences> fences() const;
  // For the immobiliser. Until the fences have been read once, it reads them now and throws if it
  // cannot: a lock then waits (its transaction fails and is tried again) rather than cutting an
  // engine inside a zone it does not know.
  bool in_exclusion_zone(double lat, double lon);

  // Inside the ingest transaction, after the latest state: the vehicle's good fixes (plausible,
  // newer than its latest, oldest first). Enter/exit events are appended to `events` (the caller
  // enqueues them with its own). One statement in the steady state: the vehicle's state as this
  // replica last wrote it is kept in memory, and one write of the new state, usage and closed
  // trips succeeds only if the stored state is still that one (its version token). Otherwise (not
  // in memory, another replica wrote, a transaction rolled back) the state is read under a row
  // lock and the fixes walked again: one statement more.
  void on_good_fixes(pqxx::transaction_base& tx, const std::string& tracker_id, const std::string& vehicle_id,
                     const std::vector<Fix>& good, const std::optional<storage::PlanLink>& plan,
                     std::vector<rto::events::Event>& events, TimePoint now);

  // Publishes telematics.usage.daily for every vehicle-day that ended at local midnight at least
  // USAGE_PUBLISH_DELAY_MS before `now` and was not published yet; each at most once, also with
  // several replicas (rows claimed with FOR UPDATE SKIP LOCKED). Returns how many went out.
  std::size_t publish_daily_usage(TimePoint now, const std::string& source);

 private:
  // One walk of a batch from a state.
  struct Walk {
    storage::VehicleMotion motion;  // the state after it
    std::vector<Fix> fresh;          // the fixes newer than the state's last
    std::vector<geofence::Transition> crossings;
    trips::Outcome outcome;
  };
  Walk walk(const Fences& fences, storage::VehicleMotion from, const std::vector<Fix>& good) const;
  std::optional<storage::StoredMotion> remembered(const std::string& vehicle_id) const;
  void remember(const std::string& vehicle_id, storage::StoredMotion m);

  static constexpr std::size_t kMaxRemembered = 500000;  // vehicles; beyond, memory starts afresh

  rto::db::Pool& db_;
  TelematicsConfig cfg_;
  mutable std::mutex mu_;
  std::shared_ptr<const Fences> fences_ = std::make_shared<Fences>();
  std::atomic<bool> loaded_{false};  // fences_ has been read from the database at least once
  mutable std::mutex states_mu_;
  std::unordered_map<std::string, storage::StoredMotion> states_;
};

}  // namespace telematics
