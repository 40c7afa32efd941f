#pragma once
// The vehicle-service binary's sub-commands:
//   vehicle-service seed-demo              ≈50 realistic East African listings with pictures,
//                                          only when the catalogue is empty (DEMO_DEALER_ID owns
//                                          them); demo listings without pictures get them
//   vehicle-service generate --count N     N synthetic listings for benchmarks, in batches, with
//                                          progress on stderr
// Both apply the migrations first and read DATABASE_URL.
#include <cstdint>
#include <random>
#include <rto/db.hpp>
#include <string>
#include <vector>

#include "config.hpp"
#include "domain/vehicle.hpp"

namespace vehicle_service::tools {

// Runs a sub-command; returns the process exit code (2 for bad usage).
int run(const std::vector<std::string>& args, const std::vector<rto::db::Migration>& migrations);

// Demo listings have VINs "DEMO" + 13 digits.
inline constexpr const char* kDemoVinPrefix = "DEMO";

// Into an empty catalogue: the demo listings, each with its pictures (tools/pictures.hpp) stored
// as an upload is (accept_upload, storage::add_image under IMAGE_DIR), in one transaction.
// Otherwise: pictures for the demo listings that have none and whose images may still change
// (a catalogue seeded before the pictures). Running it again adds nothing.
int seed_demo(const ToolConfig& cfg, const std::vector<rto::db::Migration>& migrations);
int generate(const ToolConfig& cfg, std::int64_t count, const std::vector<rto::db::Migration>& migrations);

// ---- the catalogue both draw from (tools/catalogue.cpp) ----

struct ModelSpec {
  const char* category;
  const char* make;
  const char* model;
  const char* fuel;
  int engine_cc;        // 0: none (electric)
  double battery_kwh;   // 0: none
  std::int64_t price_ugx;         // a typical new price, UGX
  std::int64_t price_kes_cents;   // a typical new price, KES minor units
  int first_year;
  const char* blurb;
};

struct CitySpec {
  const char* name;
  const char* currency;
  const char* branch;
  double lat;
  double lon;
  const char* plate_prefix;  // car plates
  const char* moto_prefix;   // motorcycle plates
};

const std::vector<ModelSpec>& models();
const std::vector<CitySpec>& cities();

// A plausible listing of `m` in `c` (used, a few years old, price and mileage to match), with
// the given id, dealer, VIN and registration.
Vehicle make_listing(const ModelSpec& m, const CitySpec& c, std::mt19937_64& rng, std::string id, std::string dealer_id,
                     std::string vin, std::optional<std::string> registration, TimePoint created_at, int current_year);

}  // namespace vehicle_service::tools
