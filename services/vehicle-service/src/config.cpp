#include "config.hpp"

#include <cstdlib>
#include <rto/crypto.hpp>

namespace vehicle_service {

namespace {
constexpr std::int64_t kDefaultBodyLimit = 6 * 1024 * 1024;
}

VehicleConfig VehicleConfig::read(rto::config::Env& env) {
  VehicleConfig c;
  c.common = rto::config::Common::read(env, "vehicle-service", 8082, true);
  // Images are uploaded as raw bodies of up to 5 MB, so this service's default is larger than
  // the platform's. An explicit BODY_LIMIT_BYTES (already validated above) wins.
  const char* limit = std::getenv("BODY_LIMIT_BYTES");
  if (!limit || !*limit) c.common.body_limit = kDefaultBodyLimit;
  c.image_dir = env.string("IMAGE_DIR", ".data/images");
  c.image_max_bytes = static_cast<std::size_t>(env.integer("IMAGE_MAX_BYTES", 5 * 1024 * 1024, 1024, 64 << 20));
  c.reservation_sweep = env.millis("VEHICLE_RESERVATION_SWEEP_MS", 30000, 100, 3600000);
  c.facet_cache_ttl = env.millis("VEHICLE_FACET_CACHE_MS", 5000, 0, 600000);
  c.search_cache_ttl = env.millis("VEHICLE_SEARCH_CACHE_MS", 1000, 0, 600000);
  env.done();
  return c;
}

VehicleConfig VehicleConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

ToolConfig ToolConfig::from_environment() {
  rto::config::Env env;
  ToolConfig c;
  c.database_url = env.required("DATABASE_URL");
  c.database_migration_url = env.string("DATABASE_MIGRATION_URL", "");
  c.demo_dealer_id = env.string("DEMO_DEALER_ID", kDefaultDemoDealerId);
  if (!rto::crypto::is_uuid(c.demo_dealer_id)) env.fail("DEMO_DEALER_ID", "must be a UUID");
  c.image_dir = env.string("IMAGE_DIR", ".data/images");
  c.image_max_bytes = static_cast<std::size_t>(env.integer("IMAGE_MAX_BYTES", 5 * 1024 * 1024, 1024, 64 << 20));
  env.done();
  return c;
}

}  // namespace vehicle_service
