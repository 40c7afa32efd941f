#pragma once
// Every SQL statement of the telematics service, by name, in one place. Prepared on each pooled
// connection and always called with parameters. Time crosses as int8 microseconds: TS(n) turns
// parameter $n into a timestamptz, US(col) reads one back.
#include <rto/db.hpp>
#include <string>
#include <vector>

namespace telematics::sql {

inline std::string P(int n) { return "$" + std::to_string(n); }
inline std::string TS(int n) { return "('epoch'::timestamptz + " + P(n) + "::int8 * interval '1 microsecond')"; }
inline std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }

inline const std::string kTrackerColumns =
    "t.id::text, t.imei, t.protocol, t.phone, t.model, t.firmware, t.vehicle_id::text, " + US("t.created_at");

// ---- trackers ---------------------------------------------------------------------------------
inline const rto::db::Statement kTrackerInsert{"tracker_insert",
    "INSERT INTO trackers (id, imei, protocol, phone, model, firmware, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6, " + TS(7) + ", " + TS(7) + ")"};
inline const rto::db::Statement kTrackerById{"tracker_by_id",
    "SELECT " + kTrackerColumns + " FROM trackers t WHERE t.id = $1::uuid"};
inline const rto::db::Statement kTrackerByIdForUpdate{"tracker_by_id_for_update",
    "SELECT " + kTrackerColumns + " FROM trackers t WHERE t.id = $1::uuid FOR UPDATE"};
inline const rto::db::Statement kTrackerByImei{"tracker_by_imei",
    "SELECT " + kTrackerColumns + " FROM trackers t WHERE t.imei = $1"};
inline const rto::db::Statement kTrackerOfVehicle{"tracker_of_vehicle",
    "SELECT " + kTrackerColumns + " FROM trackers t WHERE t.vehicle_id = $1::uuid"};
// Keyset page by IMEI: $1 after ('' = from the start), $2 limit.
inline const rto::db::Statement kTrackerList{"tracker_list",
    "SELECT " + kTrackerColumns + " FROM trackers t WHERE t.imei > $1 ORDER BY t.imei LIMIT $2"};
inline const rto::db::Statement kTrackerSetVehicle{"tracker_set_vehicle",
    "UPDATE trackers SET vehicle_id = $2::uuid, updated_at = " + TS(3) + " WHERE id = $1::uuid"};
// $1 id, $2 phone, $3 model, $4 firmware (null: none), $5 protocol, $6 now µs, $7 by.
inline const rto::db::Statement kTrackerUpdate{"tracker_update",
    "UPDATE trackers SET phone = $2, model = $3, firmware = $4, protocol = $5, updated_at = " + TS(6) +
    ", updated_by = $7 WHERE id = $1::uuid"};
// A tracker that was never installed may be deleted: its device token first, then the tracker
// (a row comes back when it was deleted).
inline const rto::db::Statement kTrackerDeleteToken{"tracker_delete_token",
    "DELETE FROM device_tokens d USING trackers t WHERE d.tracker_id = $1::uuid AND t.id = d.tracker_id AND "
    "t.vehicle_id IS NULL AND NOT EXISTS (SELECT 1 FROM tracker_installs i WHERE i.tracker_id = t.id)"};
inline const rto::db::Statement kTrackerDelete{"tracker_delete",
    "DELETE FROM trackers t WHERE t.id = $1::uuid AND t.vehicle_id IS NULL AND NOT EXISTS "
    "(SELECT 1 FROM tracker_installs i WHERE i.tracker_id = t.id) RETURNING t.id"};
inline const rto::db::Statement kInstallInsert{"install_insert",
    "INSERT INTO tracker_installs (tracker_id, vehicle_id, installed_at, installed_by) "
    "VALUES ($1::uuid, $2::uuid, " + TS(3) + ", $4)"};
inline const rto::db::Statement kInstallClose{"install_close",
    "UPDATE tracker_installs SET removed_at = " + TS(2) + ", removed_by = $3 "
    "WHERE tracker_id = $1::uuid AND removed_at IS NULL"};
inline const rto::db::Statement kInstallHistory{"install_history",
    "SELECT vehicle_id::text, " + US("installed_at") + ", installed_by, " + US("removed_at") + ", removed_by "
    "FROM tracker_installs WHERE tracker_id = $1::uuid ORDER BY installed_at DESC, id DESC LIMIT 50"};
inline const rto::db::Statement kRefusedCount{"refused_count",
    "INSERT INTO refused_devices (device_id, protocol, count, last_at) VALUES ($1, $2, 1, " + TS(3) + ") "
    "ON CONFLICT (device_id) DO UPDATE SET count = refused_devices.count + 1, last_at = EXCLUDED.last_at"};

// ---- device tokens ------------------------------------------------------------------------------
inline const rto::db::Statement kDeviceTokenSet{"device_token_set",
    "INSERT INTO device_tokens (tracker_id, token_hash, created_at, created_by) VALUES ($1::uuid, $2, " + TS(3) +
    ", $4) ON CONFLICT (tracker_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, created_at = "
    "EXCLUDED.created_at, created_by = EXCLUDED.created_by, last_used_at = NULL"};
inline const rto::db::Statement kTrackerByToken{"tracker_by_token",
    "SELECT " + kTrackerColumns + " FROM device_tokens d JOIN trackers t ON t.id = d.tracker_id "
    "WHERE d.token_hash = $1"};
// Written at most once a minute per tracker, so a busy integration does not write it per batch.
inline const rto::db::Statement kDeviceTokenUsed{"device_token_used",
    "UPDATE device_tokens SET last_used_at = " + TS(2) + " WHERE tracker_id = $1::uuid AND "
    "(last_used_at IS NULL OR last_used_at < " + TS(2) + " - interval '1 minute')"};
inline const rto::db::Statement kDeviceTokenOf{"device_token_of",
    "SELECT " + US("created_at") + ", created_by, " + US("last_used_at") + " FROM device_tokens "
    "WHERE tracker_id = $1::uuid"};

// ---- partitions of positions ------------------------------------------------------------------
// $1 the first month (a date), $2 how many months: created ones counted.
inline const rto::db::Statement kEnsurePartitions{"ensure_partitions",
    "SELECT ensure_position_partitions($1::date, $2::int4)"};
// Partitions ending at or before $1 µs, detached: their names.
inline const rto::db::Statement kDetachPartitions{"detach_partitions",
    "SELECT detach_position_partitions(" + TS(1) + ")"};
inline const rto::db::Statement kPartitions{"partitions",
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'positions'::regclass ORDER BY c.relname"};

// ---- positions --------------------------------------------------------------------------------
// Parallel arrays, one element per fix: $1 tracker ids, $2 device time µs, $3 lat, $4 lon,
// $5 speed, $6 course, $7 satellites, $8 valid, $9 ignition (null = not reported); $10 server
// time µs. Only trackers installed on a vehicle; duplicates (same tracker and device time) dropped.
inline const rto::db::Statement kPositionsInsert{"positions_insert",
    "INSERT INTO positions (tracker_id, device_time, server_time, vehicle_id, lat, lon, speed_kmh, course, "
    "satellites, valid, ignition) "
    "SELECT u.tr, 'epoch'::timestamptz + u.dt * interval '1 microsecond', " + TS(10) + ", t.vehicle_id, "
    "u.lat, u.lon, u.sp, u.co, u.sa, u.va, u.ig "
    "FROM unnest($1::uuid[], $2::int8[], $3::float8[], $4::float8[], $5::float4[], $6::float4[], $7::int2[], "
    "$8::bool[], $9::bool[]) AS u(tr, dt, lat, lon, sp, co, sa, va, ig) "
    "JOIN trackers t ON t.id = u.tr AND t.vehicle_id IS NOT NULL "
    "ON CONFLICT (tracker_id, device_time) DO NOTHING"};

inline const std::string kLatestColumns =
    "l.tracker_id::text, l.vehicle_id::text, " + US("l.device_time") + ", l.lat, l.lon, l.speed_kmh::float8, "
    "l.course::float8, l.valid, l.ignition, l.battery_percent::float8, " + US("l.stopped_since") +
    ", l.oil_cut, l.online, " + US("l.last_seen_at") + ", l.external_voltage::float8";
// The latest state of several trackers, locked in tracker order (concurrent batches take their
// locks in the same order).
inline const rto::db::Statement kLatestManyForUpdate{"latest_many_for_update",
    "SELECT " + kLatestColumns + " FROM latest_positions l WHERE l.tracker_id = ANY($1::uuid[]) "
    "ORDER BY l.tracker_id FOR UPDATE"};
// Trackers with the plan that holds their vehicle, for one ingest batch.
inline const rto::db::Statement kIngestContext{"ingest_context",
    "SELECT " + kTrackerColumns + ", p.plan_id::text, p.customer_id::text, p.status FROM trackers t "
    "LEFT JOIN vehicle_plans p ON p.vehicle_id = t.vehicle_id WHERE t.id = ANY($1::uuid[])"};
inline const rto::db::Statement kLatestOfVehicle{"latest_of_vehicle",
    "SELECT " + kLatestColumns + " FROM latest_positions l JOIN trackers t ON t.id = l.tracker_id "
    "WHERE t.vehicle_id = $1::uuid"};
// $1 tracker, $2 vehicle, $3 device time µs, $4 lat, $5 lon, $6 speed, $7 course, $8 valid,
// $9 ignition, $10 battery, $11 stopped since µs, $12 oil cut, $13 online, $14 last seen µs,
// $15 external voltage.
inline const rto::db::Statement kLatestUpsert{"latest_upsert",
    "INSERT INTO latest_positions (tracker_id, vehicle_id, device_time, lat, lon, speed_kmh, course, valid, "
    "ignition, battery_percent, stopped_since, oil_cut, online, last_seen_at, external_voltage) VALUES ($1::uuid, "
    "$2::uuid, " + TS(3) + ", $4, $5, $6, $7, $8, $9, $10, " + TS(11) + ", $12, $13, " + TS(14) + ", $15) "
    "ON CONFLICT (tracker_id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, device_time = EXCLUDED.device_time, "
    "lat = EXCLUDED.lat, lon = EXCLUDED.lon, speed_kmh = EXCLUDED.speed_kmh, course = EXCLUDED.course, "
    "valid = EXCLUDED.valid, ignition = EXCLUDED.ignition, battery_percent = EXCLUDED.battery_percent, "
    "stopped_since = EXCLUDED.stopped_since, oil_cut = EXCLUDED.oil_cut, online = EXCLUDED.online, "
    "last_seen_at = EXCLUDED.last_seen_at, external_voltage = EXCLUDED.external_voltage"};
// The distance the vehicle has covered since it was first tracked: its days' usage summed.
inline const rto::db::Statement kOdometer{"odometer",
    "SELECT COALESCE(sum(distance_m), 0)::float8 FROM daily_usage WHERE vehicle_id = $1::uuid"};
// Trackers online whose last data is older than $1 µs: now offline. Returns them.
inline const rto::db::Statement kMarkOffline{"mark_offline",
    "UPDATE latest_positions SET online = false WHERE online AND last_seen_at < " + TS(1) +
    " RETURNING tracker_id::text, vehicle_id::text"};
// $1 vehicle, $2 from µs, $3 to µs, $4 limit: valid fixes, oldest first.
inline const rto::db::Statement kTrack{"track",
    "SELECT " + US("device_time") + ", lat, lon, speed_kmh::float8 FROM positions "
    "WHERE vehicle_id = $1::uuid AND device_time >= " + TS(2) + " AND device_time < " + TS(3) +
    " AND valid ORDER BY device_time LIMIT $4"};

// ---- plans ------------------------------------------------------------------------------------
inline const rto::db::Statement kPlanUpsert{"plan_upsert",
    "INSERT INTO vehicle_plans (vehicle_id, plan_id, customer_id, status, updated_at) "
    "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, " + TS(5) + ") ON CONFLICT (vehicle_id) DO UPDATE SET "
    "plan_id = EXCLUDED.plan_id, customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, "
    "updated_at = EXCLUDED.updated_at"};
inline const rto::db::Statement kPlanOfVehicle{"plan_of_vehicle",
    "SELECT plan_id::text, customer_id::text, status FROM vehicle_plans WHERE vehicle_id = $1::uuid"};

// ---- locks ------------------------------------------------------------------------------------
inline const rto::db::Statement kLockForUpdate{"lock_for_update",
    "SELECT vehicle_id::text, plan_id::text, state, " + US("pending_since") + ", wait_reason, " + US("updated_at") +
    " FROM locks WHERE vehicle_id = $1::uuid FOR UPDATE"};
inline const rto::db::Statement kLockGet{"lock_get",
    "SELECT vehicle_id::text, plan_id::text, state, " + US("pending_since") + ", wait_reason, " + US("updated_at") +
    " FROM locks WHERE vehicle_id = $1::uuid"};
inline const rto::db::Statement kLockUpsert{"lock_upsert",
    "INSERT INTO locks (vehicle_id, plan_id, state, pending_since, wait_reason, updated_at) VALUES ($1::uuid, "
    "$2::uuid, $3, " + TS(4) + ", $5, " + TS(6) + ") ON CONFLICT (vehicle_id) DO UPDATE SET plan_id = "
    "EXCLUDED.plan_id, state = EXCLUDED.state, pending_since = EXCLUDED.pending_since, wait_reason = "
    "EXCLUDED.wait_reason, updated_at = EXCLUDED.updated_at"};
// Of the vehicles $1, those whose lock is pending (the ones fresh positions may let go ahead).
inline const rto::db::Statement kLocksPendingAmong{"locks_pending_among",
    "SELECT vehicle_id::text FROM locks WHERE state = 'pending' AND vehicle_id = ANY($1::uuid[])"};
inline const rto::db::Statement kLocksPending{"locks_pending",
    "SELECT vehicle_id::text FROM locks WHERE state = 'pending' ORDER BY updated_at LIMIT 500"};
inline const rto::db::Statement kAuditInsert{"audit_insert",
    "INSERT INTO lock_audit (vehicle_id, plan_id, step, reason, actor, command_id, at) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, " + TS(7) + ")"};
inline const rto::db::Statement kAuditOfVehicle{"audit_of_vehicle",
    "SELECT step, reason, actor, command_id, " + US("at") + " FROM lock_audit WHERE vehicle_id = $1::uuid "
    "ORDER BY id DESC LIMIT 100"};

// ---- commands ---------------------------------------------------------------------------------
inline const rto::db::Statement kCommandInsert{"command_insert",
    "INSERT INTO commands (vehicle_id, tracker_id, kind, status, created_at) VALUES ($1::uuid, $2::uuid, $3, "
    "'queued', " + TS(4) + ") RETURNING id"};
inline const rto::db::Statement kCommandsCancelOpen{"commands_cancel_open",
    "UPDATE commands SET status = 'cancelled', answered_at = " + TS(2) + " WHERE vehicle_id = $1::uuid AND "
    "status IN ('queued', 'sent') RETURNING id"};
inline const rto::db::Statement kCommandsQueued{"commands_queued",
    "SELECT id, vehicle_id::text, kind FROM commands WHERE tracker_id = $1::uuid AND status = 'queued' "
    "ORDER BY id FOR UPDATE SKIP LOCKED"};
inline const rto::db::Statement kCommandMarkSent{"command_mark_sent",
    "UPDATE commands SET status = 'sent', attempts = attempts + 1, sent_at = " + TS(2) + " WHERE id = $1"};
inline const rto::db::Statement kCommandRequeue{"command_requeue",
    "UPDATE commands SET status = 'queued' WHERE id = $1 AND status = 'sent'"};
inline const rto::db::Statement kCommandForUpdate{"command_for_update",
    "SELECT id, vehicle_id::text, tracker_id::text, kind, status, attempts FROM commands WHERE id = $1 FOR UPDATE"};
inline const rto::db::Statement kCommandAnswer{"command_answer",
    "UPDATE commands SET status = $2, response = $3, answered_at = " + TS(4) + " WHERE id = $1"};
// Sent and unanswered since before $1 µs.
inline const rto::db::Statement kCommandsOverdue{"commands_overdue",
    "SELECT id FROM commands WHERE status = 'sent' AND sent_at < " + TS(1) + " ORDER BY id LIMIT 200"};
inline const rto::db::Statement kCommandsOfVehicle{"commands_of_vehicle",
    "SELECT id, kind, status, attempts, " + US("created_at") + ", " + US("sent_at") + ", " + US("answered_at") +
    " FROM commands WHERE vehicle_id = $1::uuid ORDER BY id DESC LIMIT 20"};

// The oldest command sent to a tracker and not yet answered (Codec 12 replies carry no id).
inline const rto::db::Statement kCommandOldestSent{"command_oldest_sent",
    "SELECT id FROM commands WHERE tracker_id = $1::uuid AND status = 'sent' ORDER BY id LIMIT 1"};

// ---- the fleet --------------------------------------------------------------------------------
// Installed trackers: how many, online, offline, moving (online, ≥ $1 km/h), locked, lock pending
// (pending or locking), lock failed.
inline const std::string kFleetFrom =
    " FROM trackers t LEFT JOIN latest_positions l ON l.tracker_id = t.id "
    "LEFT JOIN locks k ON k.vehicle_id = t.vehicle_id LEFT JOIN vehicle_plans p ON p.vehicle_id = t.vehicle_id "
    "WHERE t.vehicle_id IS NOT NULL";
inline const rto::db::Statement kFleetCounts{"fleet_counts",
    "SELECT count(*), count(*) FILTER (WHERE COALESCE(l.online, false)), "
    "count(*) FILTER (WHERE NOT COALESCE(l.online, false)), "
    "count(*) FILTER (WHERE COALESCE(l.online, false) AND COALESCE(l.speed_kmh, 0) >= $1), "
    "count(*) FILTER (WHERE k.state = 'locked'), count(*) FILTER (WHERE k.state IN ('pending', 'locking')), "
    "count(*) FILTER (WHERE k.state = 'failed')" + kFleetFrom};
// A keyset page by vehicle id: $1 status ('' all, online, offline, moving, locked, lock_pending,
// lock_failed), $2 moving threshold km/h, $3 after this vehicle id, $4 limit.
inline const rto::db::Statement kFleetPage{"fleet_page",
    "SELECT t.vehicle_id::text, t.id::text, t.protocol, COALESCE(l.online, false), " + US("l.last_seen_at") + ", " +
    US("l.device_time") + ", l.lat, l.lon, l.speed_kmh::float8, l.course::float8, l.ignition, "
    "l.battery_percent::float8, COALESCE(k.state, 'unlocked'), p.plan_id::text, p.status" + kFleetFrom +
    " AND t.vehicle_id > $3::uuid AND CASE $1 WHEN '' THEN true "
    "WHEN 'online' THEN COALESCE(l.online, false) WHEN 'offline' THEN NOT COALESCE(l.online, false) "
    "WHEN 'moving' THEN COALESCE(l.online, false) AND COALESCE(l.speed_kmh, 0) >= $2 "
    "WHEN 'locked' THEN k.state = 'locked' WHEN 'lock_pending' THEN k.state IN ('pending', 'locking') "
    "WHEN 'lock_failed' THEN k.state = 'failed' ELSE false END ORDER BY t.vehicle_id LIMIT $4"};

inline const rto::db::Statement kTrackersWithQueued{"trackers_with_queued",
    "SELECT DISTINCT tracker_id::text FROM commands WHERE status = 'queued' LIMIT 500"};

// The figures of /metrics, one row each: (kind, label, value). trackers: installed ones by
// online or offline; locks: per state; pending: the age in microseconds at $1 of the oldest lock
// waiting to take effect (pending or locking; 0: none).
inline const rto::db::Statement kFigures{"figures",
    "SELECT 'trackers', CASE WHEN COALESCE(l.online, false) THEN 'online' ELSE 'offline' END, count(*)::int8 "
    "FROM trackers t LEFT JOIN latest_positions l ON l.tracker_id = t.id WHERE t.vehicle_id IS NOT NULL GROUP BY 2 "
    "UNION ALL SELECT 'locks', state, count(*)::int8 FROM locks GROUP BY state "
    "UNION ALL SELECT 'pending', '', COALESCE(max(" + P(1) + "::int8 - " + US("COALESCE(pending_since, updated_at)") +
    "), 0)::int8 FROM locks WHERE state IN ('pending', 'locking')"};

inline std::vector<rto::db::Statement> all() {
  return {kTrackerInsert, kTrackerById, kTrackerByIdForUpdate, kTrackerByImei, kTrackerOfVehicle, kTrackerList,
          kTrackerSetVehicle, kInstallInsert, kInstallClose, kInstallHistory, kRefusedCount, kPositionsInsert,
          kLatestOfVehicle, kLatestUpsert, kMarkOffline, kTrack, kPlanUpsert, kPlanOfVehicle,
          kLockForUpdate, kLockGet, kLockUpsert, kLocksPending, kAuditInsert, kAuditOfVehicle, kCommandInsert,
          kCommandsCancelOpen, kCommandsQueued, kCommandMarkSent, kCommandRequeue, kCommandForUpdate,
          kCommandAnswer, kCommandsOverdue, kCommandsOfVehicle, kTrackersWithQueued, kFigures,
          kDeviceTokenSet, kTrackerByToken, kDeviceTokenUsed, kDeviceTokenOf, kEnsurePartitions,
          kDetachPartitions, kPartitions, kCommandOldestSent, kLocksPendingAmong, kLatestManyForUpdate, kIngestContext, kOdometer, kTrackerUpdate, kTrackerDeleteToken, kTrackerDelete, kFleetCounts, kFleetPage};
}

}  // namespace telematics::sql
