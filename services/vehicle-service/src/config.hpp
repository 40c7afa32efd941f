#pragma once
// The vehicle service's configuration, read once at start-up from environment variables.
#include <chrono>
#include <cstddef>
#include <rto/config.hpp>
#include <string>

namespace vehicle_service {

struct VehicleConfig {
  rto::config::Common common;  // PORT [8082]; BODY_LIMIT_BYTES [6291456 = 6 MiB: a 5 MB image plus headroom]
  std::string image_dir;       // IMAGE_DIR [.data/images]: relative to the working directory, or absolute
  std::size_t image_max_bytes = 5 * 1024 * 1024;            // IMAGE_MAX_BYTES [5242880]
  std::chrono::milliseconds reservation_sweep{30000};        // VEHICLE_RESERVATION_SWEEP_MS [30000]
  // Public search caches (see App::search): facet counts per filter set, and whole response
  // bodies per query. Changes made through this process invalidate both at once; other
  // replicas' changes show within about twice the TTL (stale-while-revalidate).
  std::chrono::milliseconds facet_cache_ttl{5000};           // VEHICLE_FACET_CACHE_MS [5000]; 0 = off
  std::chrono::milliseconds search_cache_ttl{1000};          // VEHICLE_SEARCH_CACHE_MS [1000]; 0 = off

  // Reads everything and throws rto::ConfigError naming every missing or invalid variable.
  static VehicleConfig read(rto::config::Env& env);
  static VehicleConfig from_environment();
};

// What the sub-commands (seed-demo, generate) need. seed-demo stores the demo pictures where
// the service reads images, so it takes the service's IMAGE_DIR and IMAGE_MAX_BYTES.
struct ToolConfig {
  std::string database_url;            // DATABASE_URL (required)
  std::string database_migration_url;  // DATABASE_MIGRATION_URL [DATABASE_URL]: the owner's
  std::string demo_dealer_id;  // DEMO_DEALER_ID [00000000-0000-4000-8000-00000000d001]
  std::string image_dir;       // IMAGE_DIR [.data/images]
  std::size_t image_max_bytes = 5 * 1024 * 1024;  // IMAGE_MAX_BYTES [5242880]
  static ToolConfig from_environment();
};

inline constexpr const char* kDefaultDemoDealerId = "00000000-0000-4000-8000-00000000d001";

}  // namespace vehicle_service
