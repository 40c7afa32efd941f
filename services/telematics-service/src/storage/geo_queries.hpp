#pragma once
// The named statements of geofences, trips and daily usage (storage/geo_storage.*), in their own
// list: install() prepares sql::all() and sql::geo(). Same conventions as queries.hpp: time
// crosses as int8 microseconds (TS(n) in, US(col) out), always parameters.
#include <rto/db.hpp>
#include <string>
#include <vector>

#include "storage/queries.hpp"

namespace telematics::sql {

// ---- geofences --------------------------------------------------------------------------------
inline const std::string kGeofenceColumns =
    "g.id::text, g.name, g.kind, g.active, g.polygon::text, g.center_lat, g.center_lon, g.radius_m, " +
    US("g.created_at") + ", g.created_by, " + US("g.updated_at") + ", g.updated_by";

// $1 id, $2 name, $3 kind, $4 active, $5 polygon (json text or null), $6 centre lat, $7 centre
// lon, $8 radius (circle or nulls), $9 now µs, $10 by.
inline const rto::db::Statement kGeofenceInsert{"geo_fence_insert",
    "INSERT INTO geofences (id, name, kind, active, polygon, center_lat, center_lon, radius_m, created_at, created_by, "
    "updated_at, updated_by) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, $7, $8, " + TS(9) + ", $10, " + TS(9) +
    ", $10)"};
// The same parameters; the row as it is now, none when there is no such fence.
inline const rto::db::Statement kGeofenceUpdate{"geo_fence_update",
    "UPDATE geofences g SET name = $2, kind = $3, active = $4, polygon = $5::jsonb, center_lat = $6, center_lon = $7, "
    "radius_m = $8, updated_at = " + TS(9) + ", updated_by = $10 WHERE g.id = $1::uuid RETURNING " + kGeofenceColumns};
inline const rto::db::Statement kGeofenceDelete{"geo_fence_delete",
    "DELETE FROM geofences WHERE id = $1::uuid RETURNING id"};
inline const rto::db::Statement kGeofenceGet{"geo_fence_get",
    "SELECT " + kGeofenceColumns + " FROM geofences g WHERE g.id = $1::uuid"};
// Keyset page by (created_at, id): $1 after µs and $2 after id (nulls: from the start), $3 kind
// (null: any), $4 active (null: any), $5 limit.
inline const rto::db::Statement kGeofenceList{"geo_fence_list",
    "SELECT " + kGeofenceColumns + " FROM geofences g WHERE ($1::int8 IS NULL OR (g.created_at, g.id) > (" + TS(1) +
    ", $2::uuid)) AND ($3::text IS NULL OR g.kind = $3) AND ($4::bool IS NULL OR g.active = $4) "
    "ORDER BY g.created_at, g.id LIMIT $5"};
// Every active fence: the App's cache.
inline const rto::db::Statement kGeofencesActive{"geo_fences_active",
    "SELECT " + kGeofenceColumns + " FROM geofences g WHERE g.active ORDER BY g.created_at, g.id"};
// A fence deleted or deactivated: no vehicle is inside it any more (no exit event). A new
// version, so that no replica writes back a state it holds in memory with the fence inside.
inline const rto::db::Statement kInsideClear{"geo_inside_clear",
    "UPDATE vehicle_motion SET inside = array_remove(inside, $1::uuid), version = (random() * 9e18)::int8 "
    "WHERE inside @> ARRAY[$1::uuid]"};

// ---- per vehicle: fences, the trip machine, usage (the ingest path) ----------------------------
inline const rto::db::Statement kMotionForUpdate{"geo_motion_for_update",
    "SELECT array_to_string(inside, ','), " + US("last_time") + ", last_lat, last_lon, last_speed_kmh, ignition, "
    "reports_ignition, " + US("trip_start_time") + ", trip_start_lat, trip_start_lon, trip_distance_m, "
    "trip_max_speed_kmh, " + US("stopped_time") + ", stopped_lat, stopped_lon, version "
    "FROM vehicle_motion WHERE vehicle_id = $1::uuid FOR UPDATE"};
// One round trip for what a batch of fixes changed: the vehicle's state ($1 vehicle, $2 inside
// uuid[], $3-$8 last fix and ignition, $9-$16 the open trip, $17 now µs, $33 its new version),
// written only when the stored version is $34 (null: there is no row yet); then, and only then,
// its usage increments per local date ($18 tracker, $19 dates, $20 metres, $21 engine s, $22
// moving s, $23 trips) and its closed trips ($24 start µs, $25/$26 start lat/lon, $27 end µs,
// $28/$29 end lat/lon, $30 metres, $31 max speed, $32 end reason). Returns 1 when written, 0
// when the version differed (nothing written). Data-modifying CTEs all run, read or not.
inline const rto::db::Statement kMotionWrite{"geo_motion_write",
    "WITH m AS (INSERT INTO vehicle_motion (vehicle_id, version, inside, last_time, last_lat, last_lon, last_speed_kmh, "
    "ignition, reports_ignition, trip_start_time, trip_start_lat, trip_start_lon, trip_distance_m, trip_max_speed_kmh, "
    "stopped_time, stopped_lat, stopped_lon, updated_at) VALUES ($1::uuid, $33::int8, $2::uuid[], " + TS(3) +
    ", $4, $5, $6, $7, $8, " + TS(9) + ", $10, $11, $12, $13, " + TS(14) + ", $15, $16, " + TS(17) +
    ") ON CONFLICT (vehicle_id) DO UPDATE SET version = EXCLUDED.version, inside = EXCLUDED.inside, "
    "last_time = EXCLUDED.last_time, "
    "last_lat = EXCLUDED.last_lat, last_lon = EXCLUDED.last_lon, last_speed_kmh = EXCLUDED.last_speed_kmh, "
    "ignition = EXCLUDED.ignition, reports_ignition = EXCLUDED.reports_ignition, "
    "trip_start_time = EXCLUDED.trip_start_time, trip_start_lat = EXCLUDED.trip_start_lat, "
    "trip_start_lon = EXCLUDED.trip_start_lon, trip_distance_m = EXCLUDED.trip_distance_m, "
    "trip_max_speed_kmh = EXCLUDED.trip_max_speed_kmh, stopped_time = EXCLUDED.stopped_time, "
    "stopped_lat = EXCLUDED.stopped_lat, stopped_lon = EXCLUDED.stopped_lon, updated_at = EXCLUDED.updated_at "
    "WHERE vehicle_motion.version = $34::int8 RETURNING 1), "
    "u AS (INSERT INTO daily_usage (vehicle_id, date, tracker_id, distance_m, engine_seconds, moving_seconds, trips, "
    "updated_at) SELECT $1::uuid, x.d, $18::uuid, x.di, x.en, x.mo, x.tr, " + TS(17) + " FROM unnest($19::date[], "
    "$20::float8[], $21::float8[], $22::float8[], $23::int4[]) AS x(d, di, en, mo, tr) WHERE EXISTS (SELECT 1 FROM m) "
    "ON CONFLICT (vehicle_id, date) DO UPDATE SET tracker_id = EXCLUDED.tracker_id, "
    "distance_m = daily_usage.distance_m + EXCLUDED.distance_m, "
    "engine_seconds = daily_usage.engine_seconds + EXCLUDED.engine_seconds, "
    "moving_seconds = daily_usage.moving_seconds + EXCLUDED.moving_seconds, trips = daily_usage.trips + EXCLUDED.trips, "
    "updated_at = EXCLUDED.updated_at), "
    "t AS (INSERT INTO trips (id, vehicle_id, tracker_id, start_time, start_lat, start_lon, end_time, end_lat, end_lon, "
    "distance_m, max_speed_kmh, end_reason) SELECT gen_random_uuid(), $1::uuid, $18::uuid, "
    "'epoch'::timestamptz + x.st * interval '1 microsecond', x.sla, x.slo, "
    "'epoch'::timestamptz + x.et * interval '1 microsecond', x.ela, x.elo, x.di, x.ms, x.re "
    "FROM unnest($24::int8[], $25::float8[], $26::float8[], $27::int8[], $28::float8[], $29::float8[], "
    "$30::float8[], $31::float8[], $32::text[]) AS x(st, sla, slo, et, ela, elo, di, ms, re) "
    "WHERE EXISTS (SELECT 1 FROM m)) "
    "SELECT count(*)::int FROM m"};

// ---- reads --------------------------------------------------------------------------------------
// $1 vehicle, trips started in [$2, $3) µs, newest first; $4/$5 the keyset cursor (start µs, id;
// nulls: the first page), $6 limit.
inline const rto::db::Statement kTripsPage{"geo_trips_page",
    "SELECT id::text, tracker_id::text, " + US("start_time") + ", start_lat, start_lon, " + US("end_time") +
    ", end_lat, end_lon, distance_m, max_speed_kmh, end_reason FROM trips WHERE vehicle_id = $1::uuid AND "
    "start_time >= " + TS(2) + " AND start_time < " + TS(3) + " AND ($4::int8 IS NULL OR (start_time, id) < (" +
    TS(4) + ", $5::uuid)) ORDER BY start_time DESC, id DESC LIMIT $6"};
// $1 vehicle, dates $2..$3 inclusive, oldest first.
inline const rto::db::Statement kUsageRange{"geo_usage_range",
    "SELECT date::text, distance_m, engine_seconds, moving_seconds, trips, " + US("published_at") +
    " FROM daily_usage WHERE vehicle_id = $1::uuid AND date BETWEEN $2::date AND $3::date ORDER BY date"};

// ---- the daily usage job ------------------------------------------------------------------------
// Claims up to $2 unpublished days before the local date $1 (rows other replicas hold are
// skipped), marks them published at $3 µs and returns them with the plan that holds the vehicle
// (active, repossessed or completed; none otherwise). The caller enqueues the events in the same
// transaction.
inline const rto::db::Statement kUsageClaim{"geo_usage_claim",
    "WITH due AS (SELECT vehicle_id, date FROM daily_usage WHERE published_at IS NULL AND date < $1::date "
    "ORDER BY date, vehicle_id LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "UPDATE daily_usage u SET published_at = " + TS(3) + " FROM due LEFT JOIN vehicle_plans p ON "
    "p.vehicle_id = due.vehicle_id AND p.status IN ('active', 'repossessed', 'completed') "
    "WHERE u.vehicle_id = due.vehicle_id AND u.date = due.date "
    "RETURNING u.vehicle_id::text, u.tracker_id::text, u.date::text, u.distance_m, u.engine_seconds, "
    "u.moving_seconds, u.trips, p.plan_id::text, p.customer_id::text"};

inline std::vector<rto::db::Statement> geo() {
  return {kGeofenceInsert, kGeofenceUpdate, kGeofenceDelete, kGeofenceGet, kGeofenceList, kGeofencesActive,
          kInsideClear,    kMotionForUpdate, kMotionWrite,   kTripsPage,   kUsageRange,   kUsageClaim};
}

}  // namespace telematics::sql
