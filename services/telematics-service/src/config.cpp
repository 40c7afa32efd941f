#include "config.hpp"

#include <rto/operator_zone.hpp>

namespace telematics {

TelematicsConfig TelematicsConfig::read(rto::config::Env& env) {
  TelematicsConfig c;
  c.common = rto::config::Common::read(env, "telematics-service", 8085, true);
  c.gt06_port = static_cast<std::uint16_t>(env.integer("GT06_PORT", 5023, 0, 65535));
  c.teltonika_port = static_cast<std::uint16_t>(env.integer("TELTONIKA_PORT", 5027, 0, 65535));
  c.osmand_port = static_cast<std::uint16_t>(env.integer("OSMAND_PORT", 5055, 0, 65535));
  c.vehicle_service_url = env.url("VEHICLE_SERVICE_URL", c.vehicle_service_url);
  c.neighbour_timeout = env.millis("NEIGHBOUR_TIMEOUT_MS", 3000, 100, 60000);
  c.partitions_ahead = static_cast<int>(env.integer("POSITION_PARTITIONS_AHEAD", 3, 1, 24));
  c.retention_months = static_cast<int>(env.integer("POSITION_RETENTION_MONTHS", 0, 0, 1200));
  c.identify_cache = env.millis("IDENTIFY_CACHE_MS", 60000, 0, 3600000);
  c.batch_max_positions = static_cast<std::size_t>(env.integer("BATCH_MAX_POSITIONS", 1000, 1, 10000));
  c.device_max_connections = static_cast<std::size_t>(env.integer("DEVICE_MAX_CONNECTIONS", 20000, 1, 1000000));
  c.device_idle_timeout = env.millis("DEVICE_IDLE_TIMEOUT_MS", 300000, 1000, 86400000);
  c.ingest_flush = env.millis("INGEST_FLUSH_MS", 100, 10, 60000);
  c.offline_after = env.millis("DEVICE_OFFLINE_AFTER_MS", 600000, 1000, 86400000);
  c.position_event_interval = env.millis("POSITION_EVENT_INTERVAL_MS", 5000, 0, 3600000);
  c.track_max_points = static_cast<int>(env.integer("TRACK_MAX_POINTS", 5000, 10, 100000));
  c.lock_rules.grace = env.millis("LOCK_GRACE_MS", 300000, 0, 7 * 86400000LL);
  c.lock_rules.stopped_for = env.millis("LOCK_STOPPED_MS", 60000, 0, 3600000);
  c.lock_rules.max_speed_kmh = static_cast<double>(env.integer("LOCK_MAX_SPEED_KMH", 5, 1, 50));
  c.lock_rules.max_fix_age = env.millis("LOCK_MAX_FIX_AGE_MS", 300000, 1000, 86400000);
  c.command_ack_timeout = env.millis("COMMAND_ACK_TIMEOUT_MS", 60000, 100, 3600000);
  c.command_max_attempts = static_cast<int>(env.integer("COMMAND_MAX_ATTEMPTS", 3, 1, 20));
  c.job_interval = env.millis("JOB_INTERVAL_MS", 1000, 50, 60000);
  c.figures_interval = env.millis("FIGURES_INTERVAL_MS", 30000, 100, 3'600'000);
  c.zone = rto::config::operator_zone(env);
  c.trip_rules.start_speed_kmh = static_cast<double>(env.integer("TRIP_START_SPEED_KMH", 6, 1, 50));
  c.trip_rules.stop_after = env.millis("TRIP_STOP_MS", 300000, 10000, 3600000);
  c.trip_rules.max_gap = env.millis("TRIP_GAP_MS", 600000, 60000, 86400000);
  c.geofence_reload = env.millis("GEOFENCE_RELOAD_MS", 30000, 1000, 3600000);
  c.usage_publish_delay = env.millis("USAGE_PUBLISH_DELAY_MS", 3600000, 0, 86400000);
  env.done();
  return c;
}

TelematicsConfig TelematicsConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace telematics
