#pragma once
// Storage of geofences, the per-vehicle motion state (fences it is in, the trip machine), closed
// trips and daily usage: every call goes through the named statements of storage/geo_queries.hpp
// and takes the caller's transaction.
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <rto/paging.hpp>
#include <string>
#include <vector>

#include "domain/geofence.hpp"
#include "domain/trips.hpp"
#include "domain/types.hpp"

namespace telematics::storage {

struct GeofenceRow {
  geofence::Fence fence;
  TimePoint created_at{}, updated_at{};
  std::string created_by, updated_by;
};

void insert_geofence(pqxx::transaction_base& tx, const GeofenceRow& g);
// Replaces name, kind, active and shape; the row as stored, none when there is no such fence.
std::optional<GeofenceRow> update_geofence(pqxx::transaction_base& tx, const geofence::Fence& f, TimePoint now,
                                           const std::string& by);
bool delete_geofence(pqxx::transaction_base& tx, const std::string& id);
std::optional<GeofenceRow> geofence_by_id(pqxx::transaction_base& tx, const std::string& id);

struct GeofenceFilter {
  std::optional<rto::paging::TimeCursor> after;
  std::optional<std::string> kind;
  std::optional<bool> active;
  int limit = 50;
};
std::vector<GeofenceRow> list_geofences(pqxx::transaction_base& tx, const GeofenceFilter& f);
std::vector<geofence::Fence> active_geofences(pqxx::transaction_base& tx);
// The fence no longer counts: removed from every vehicle's `inside`.
void clear_inside(pqxx::transaction_base& tx, const std::string& geofence_id);

// What is kept per vehicle between batches of fixes.
struct VehicleMotion {
  std::vector<std::string> inside;  // ids of the fences it is in
  trips::State trip;
};
struct StoredMotion {
  VehicleMotion motion;
  std::int64_t version = 0;  // the token of the write that made it
};
std::optional<StoredMotion> motion_for_update(pqxx::transaction_base& tx, const std::string& vehicle_id);
// The new state (with its new version token), the usage increments and the closed trips of one
// batch, in one statement, if the stored version is still `expected` (none: no row yet). False,
// and nothing written, otherwise.
bool write_motion(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& tracker_id,
                  const VehicleMotion& m, const trips::Outcome& o, std::optional<std::int64_t> expected,
                  std::int64_t version, TimePoint now);

struct TripRow {
  std::string id, tracker_id;
  trips::Trip trip;
};
struct TripCursor {
  TimePoint start{};
  std::string id;
};
std::vector<TripRow> trips_page(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint from, TimePoint to,
                                const std::optional<TripCursor>& before, int limit);

struct UsageRow {
  std::string date;  // YYYY-MM-DD, operator-local
  double distance_m = 0, engine_seconds = 0, moving_seconds = 0;
  int trips = 0;
  std::optional<TimePoint> published_at;
};
std::vector<UsageRow> usage_range(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& from,
                                  const std::string& to);

struct UsageClaimed {
  std::string vehicle_id, tracker_id;
  UsageRow usage;
  std::optional<std::string> plan_id, customer_id;
};
// Days before `before_date` not yet published, at most `limit`, now marked published at `now`.
std::vector<UsageClaimed> claim_usage(pqxx::transaction_base& tx, const std::string& before_date, TimePoint now,
                                      int limit);

}  // namespace telematics::storage
