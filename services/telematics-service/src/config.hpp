#pragma once
// The telematics service's configuration, read once at start-up from environment variables.
#include <chrono>
#include <cstdint>
#include <rto/config.hpp>
#include <rto/zone.hpp>
#include <string>

#include "domain/lock_policy.hpp"
#include "domain/trips.hpp"

namespace telematics {

struct TelematicsConfig {
  rto::config::Common common;  // PORT [8085]
  // GT06 trackers over TCP: GT06_PORT [5023] (Traccar's port); 0 turns the listener off.
  std::uint16_t gt06_port = 5023;
  // Teltonika Codec 8/8E over TCP: TELTONIKA_PORT [5027]; OsmAnd (Traccar Client) over HTTP:
  // OSMAND_PORT [5055]. Traccar's ports, so a tracker set up for Traccar needs no change; 0 = off.
  std::uint16_t teltonika_port = 5027;
  std::uint16_t osmand_port = 5055;
  // The vehicle service, asked whether a vehicle exists before a tracker is installed on it:
  // VEHICLE_SERVICE_URL [http://127.0.0.1:8082]; NEIGHBOUR_TIMEOUT_MS [3000].
  std::string vehicle_service_url = "http://127.0.0.1:8082";
  std::chrono::milliseconds neighbour_timeout{3000};
  // Positions are partitioned by month: POSITION_PARTITIONS_AHEAD [3] months are created ahead by
  // a job; POSITION_RETENTION_MONTHS [0 = keep all] detaches older months (kept as tables named
  // positions_YYYY_MM for archiving, then dropped by the operator).
  int partitions_ahead = 3;
  int retention_months = 0;
  std::size_t batch_max_positions = 1000;
  std::chrono::milliseconds identify_cache{60000};  // IDENTIFY_CACHE_MS [60000]; 0 = ask every time  // BATCH_MAX_POSITIONS [1000]: one POST /positions
  std::size_t device_max_connections = 20000;                   // DEVICE_MAX_CONNECTIONS [20000]
  std::chrono::milliseconds device_idle_timeout{std::chrono::minutes(5)};  // DEVICE_IDLE_TIMEOUT_MS [300000]
  std::chrono::milliseconds ingest_flush{100};                  // INGEST_FLUSH_MS [100]: batched position writes
  std::chrono::milliseconds offline_after{std::chrono::minutes(10)};  // DEVICE_OFFLINE_AFTER_MS [600000]
  std::chrono::milliseconds position_event_interval{5000};      // POSITION_EVENT_INTERVAL_MS [5000], per vehicle
  int track_max_points = 5000;                                  // TRACK_MAX_POINTS [5000]
  // The immobiliser: LOCK_GRACE_MS [300000], LOCK_STOPPED_MS [60000], LOCK_MAX_SPEED_KMH [5],
  // LOCK_MAX_FIX_AGE_MS [300000]; commands unanswered for COMMAND_ACK_TIMEOUT_MS [60000] are sent
  // again, COMMAND_MAX_ATTEMPTS [3] times in all, then the lock is flagged failed for staff.
  LockRules lock_rules;
  std::chrono::milliseconds command_ack_timeout{60000};
  int command_max_attempts = 3;
  std::chrono::milliseconds job_interval{1000};  // JOB_INTERVAL_MS [1000]: pending locks, queued commands
  std::chrono::milliseconds figures_interval{30000};  // FIGURES_INTERVAL_MS [30000]: the gauges of /metrics
  // Geofences, trips and daily usage (geo.hpp). The operator's zone (OPERATOR_TZ [Africa/Kampala],
  // or OPERATOR_UTC_OFFSET_MINUTES) makes the local dates of usage. Trips: TRIP_START_SPEED_KMH [6],
  // TRIP_STOP_MS [300000] (stopped this long ends a trip), TRIP_GAP_MS [600000] (a longer gap in
  // the data ends it). GEOFENCE_RELOAD_MS [30000]: how often the cached fences are read again (a
  // change through this replica's API reloads them at once). USAGE_PUBLISH_DELAY_MS [3600000]: a
  // local day's usage is published this long after its midnight (late, buffered fixes first).
  rto::Zone zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  trips::Rules trip_rules;
  std::chrono::milliseconds geofence_reload{30000};
  std::chrono::milliseconds usage_publish_delay{std::chrono::hours(1)};

  static TelematicsConfig read(rto::config::Env& env);
  static TelematicsConfig from_environment();
};

}  // namespace telematics
