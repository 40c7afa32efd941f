#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "config.hpp"
#include "domain/image.hpp"
#include "domain/listing.hpp"
#include "images/storage.hpp"
#include "storage/queries.hpp"
#include "storage/storage.hpp"
#include "tools/pictures.hpp"
#include "tools/tools.hpp"

namespace vehicle_service::tools {

namespace {

void usage() {
  std::cerr << "usage: vehicle-service [serve]             run the service\n"
               "       vehicle-service seed-demo         load the demo catalogue into an empty database\n"
               "       vehicle-service generate --count N   load N synthetic listings (benchmarks)\n"
               "environment: DATABASE_URL (required), DATABASE_MIGRATION_URL (the owner's), DEMO_DEALER_ID (seed-demo, generate),\n"
               "             IMAGE_DIR and IMAGE_MAX_BYTES (seed-demo: where the service keeps images)\n";
}

// As the service does at start: migrations as the owner, then the runtime role's grants.
void migrate(const ToolConfig& cfg, const std::vector<rto::db::Migration>& migrations) {
  rto::db::prepare(cfg.database_url, cfg.database_migration_url, migrations);
}

int current_year() {
  auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(days).year());
}

std::string plate(const char* prefix, int n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%s%03d%c", prefix, n % 1000, static_cast<char>('A' + (n / 1000) % 26));
  return buf;
}

}  // namespace

int run(const std::vector<std::string>& args, const std::vector<rto::db::Migration>& migrations) {
  try {
    if (args[0] == "seed-demo" && args.size() == 1) {
      return seed_demo(ToolConfig::from_environment(), migrations);
    }
    if (args[0] == "generate") {
      std::int64_t count = -1;
      for (std::size_t i = 1; i < args.size(); ++i) {
        std::string_view a = args[i], value;
        if (a == "--count" && i + 1 < args.size())
          value = args[++i];
        else if (a.substr(0, 8) == "--count=")
          value = a.substr(8);
        else {
          usage();
          return 2;
        }
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), count);
        if (ec != std::errc() || p != value.data() + value.size() || count < 1 || count > 10'000'000) {
          std::cerr << "vehicle-service generate: --count must be a whole number from 1 to 10000000\n";
          return 2;
        }
      }
      if (count < 0) {
        usage();
        return 2;
      }
      auto cfg = ToolConfig::from_environment();
      return generate(cfg, count, migrations);
    }
    if (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
      usage();
      return 0;
    }
    usage();
    return 2;
  } catch (const rto::ConfigError& e) {
    std::cerr << "vehicle-service: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vehicle-service " << args[0] << ": " << e.what() << "\n";
    return 1;
  }
}

// The tools write in bulk (thousands of rows a statement) and run by hand or from make run:
// no statement or lock timeout, unlike a service's requests.
const rto::db::Limits kUnbounded{std::chrono::milliseconds(10000), std::chrono::milliseconds(0),
                                 std::chrono::milliseconds(0)};

namespace {

// The demo pictures of each vehicle, in the order they are shown (the first is the cover).
using Pictures = std::vector<std::vector<std::string>>;
Pictures pictures_of(const std::vector<Vehicle>& vehicles) {
  Pictures out;
  out.reserve(vehicles.size());
  for (const auto& v : vehicles) out.push_back(demo_pictures(v));
  return out;
}

// Stores the pictures of vehicles[i] as an upload is stored: the same checks (type, magic bytes,
// size limit), the same files and rows. They are dated the vehicle's updated_at, which the cover
// refresh writes back. Each listing then passes the rule a dealer's listing meets at review
// (check_submit). The storage keys written are appended to `written`.
void add_pictures(pqxx::transaction_base& tx, ImageStorage& files, const ToolConfig& cfg,
                  const std::vector<Vehicle>& vehicles, const Pictures& pictures, std::vector<std::string>& written) {
  for (std::size_t i = 0; i < vehicles.size(); ++i) {
    const auto& v = vehicles[i];
    for (const auto& png : pictures[i]) {
      auto img = accept_upload(v.id, "image/png", png, cfg.image_max_bytes, v.updated_at);
      written.push_back(img.storage_key);
      storage::add_image(tx, files, img, png);
    }
    check_submit(Status::Draft, storage::images_of(tx, v.id).size());
  }
}

// Runs `f(tx, written)` in a transaction; files written by an attempt that did not commit are
// removed (a retried attempt writes new ones).
template <typename F>
auto with_pictures(rto::db::Pool& pool, ImageStorage& files, F&& f) {
  std::vector<std::string> written;
  auto forget = [&] {
    for (const auto& key : written) files.remove(key);
    written.clear();
  };
  try {
    return pool.transact([&](pqxx::work& tx) {
      forget();
      return f(tx, written);
    });
  } catch (...) {
    forget();
    throw;
  }
}

}  // namespace

int seed_demo(const ToolConfig& cfg, const std::vector<rto::db::Migration>& migrations) {
  const auto& url = cfg.database_url;
  const auto& dealer_id = cfg.demo_dealer_id;
  migrate(cfg, migrations);
  rto::db::Pool pool(url, 1, sql::all(), kUnbounded);
  LocalDirectoryStorage files(cfg.image_dir);
  bool inserted = false;
  std::size_t pictures_added = 0;
  if (pool.query([](pqxx::nontransaction& tx) { return storage::count_vehicles(tx); }) == 0) {
    const int year = current_year();
    std::mt19937_64 rng(20260101);  // the same catalogue every time
    const auto& ms = models();
    const auto& cs = cities();
    const auto now = std::chrono::system_clock::now();
    std::vector<Vehicle> batch;
    int n = 0;
    // Every model in several towns: two-wheelers everywhere, cars and vans in fewer places.
    for (std::size_t mi = 0; mi < ms.size(); ++mi) {
      const auto& m = ms[mi];
      const bool small = std::string_view(m.category) == "motorcycle" || std::string_view(m.category) == "e-motorcycle";
      const int copies = small ? 3 : 2;
      for (int k = 0; k < copies; ++k) {
        const auto& c = cs[(mi * 3 + static_cast<std::size_t>(k) * 2) % cs.size()];
        ++n;
        char vin[24];
        std::snprintf(vin, sizeof vin, "%s%013d", kDemoVinPrefix, n);
        const bool moto = std::string_view(m.category) != "car" && std::string_view(m.category) != "van-pickup";
        std::optional<std::string> reg;
        if (std::string_view(m.category) != "e-bike") reg = plate(moto ? c.moto_prefix : c.plate_prefix, 100 + n * 7);
        auto created = now - std::chrono::hours(24 * (n % 60)) - std::chrono::minutes(n * 13);
        batch.push_back(make_listing(m, c, rng, rto::crypto::uuid_v4(), dealer_id, vin, reg,
                                     std::chrono::time_point_cast<TimePoint::duration>(created), year));
      }
    }
    // Drawn before the transaction: the lock below holds back the service's writes meanwhile.
    const auto pictures = pictures_of(batch);
    inserted = with_pictures(pool, files, [&](pqxx::work& tx, std::vector<std::string>& written) {
      // Only into an empty catalogue; the lock keeps two seeders from both finding it empty.
      tx.exec(sql::kLockVehiclesForSeeding);
      if (storage::count_vehicles(tx) > 0) return false;
      storage::bulk_insert(tx, batch);
      add_pictures(tx, files, cfg, batch, pictures, written);  // dated as listed: updated_at stays
      return true;
    });
    if (inserted) {
      for (const auto& p : pictures) pictures_added += p.size();
      std::cerr << "vehicle-service seed-demo: " << batch.size() << " demo vehicles listed with " << pictures_added
                << " pictures (dealer " << dealer_id << ")\n";
      return 0;
    }
  }
  // A catalogue seeded before the demo listings had pictures: add theirs, once.
  auto missing = pool.query([&](pqxx::nontransaction& tx) {
    return storage::vehicles_without_images(tx, dealer_id, kDemoVinPrefix);
  });
  std::erase_if(missing, [](const Vehicle& v) { return !images_editable(v.status); });
  std::size_t completed = 0;
  if (!missing.empty()) {
    const auto pictures = pictures_of(missing);
    const auto now = std::chrono::time_point_cast<TimePoint::duration>(std::chrono::system_clock::now());
    completed = with_pictures(pool, files, [&](pqxx::work& tx, std::vector<std::string>& written) {
      std::vector<Vehicle> still;  // under the row lock: unchanged since read, still without images
      Pictures theirs;
      for (std::size_t i = 0; i < missing.size(); ++i) {
        auto v = storage::lock_vehicle(tx, missing[i].id);
        if (!v || !images_editable(v->status) || !storage::images_of(tx, v->id).empty()) continue;
        v->updated_at = now;
        still.push_back(std::move(*v));
        theirs.push_back(pictures[i]);
      }
      add_pictures(tx, files, cfg, still, theirs, written);
      return still.size();
    });
  }
  if (completed > 0)
    std::cerr << "vehicle-service seed-demo: the catalogue already has vehicles; pictures added to " << completed
              << (completed == 1 ? " demo vehicle that had none\n" : " demo vehicles that had none\n");
  else
    std::cerr << "vehicle-service seed-demo: the catalogue already has vehicles; nothing to do\n";
  return 0;
}

int generate(const ToolConfig& cfg, std::int64_t count, const std::vector<rto::db::Migration>& migrations) {
  migrate(cfg, migrations);
  const auto& url = cfg.database_url;
  const auto& dealer_id = cfg.demo_dealer_id;
  // PostgreSQL spends the time (index upkeep, the generated search columns), one core per
  // connection: two writers use both cores of a small machine.
  constexpr int kWriters = 2;
  constexpr std::int64_t kBatch = 2000;
  rto::db::Pool pool(url, kWriters, sql::all(), kUnbounded);
  const auto started = std::chrono::steady_clock::now();
  const int year = current_year();
  const auto& ms = models();
  const auto& cs = cities();
  // A run tag keeps VINs unique across runs: G + 8 hex + 8-digit sequence = 17 characters.
  const std::string run_tag = normalize_identifier(rto::crypto::sha256_hex(rto::crypto::uuid_v4()).substr(0, 8));
  std::vector<std::string> dealers{dealer_id};
  for (int i = 0; i < 199; ++i) dealers.push_back(rto::crypto::uuid_v4());
  const auto now = std::chrono::system_clock::now();
  std::atomic<std::int64_t> next{0}, done{0};
  std::mutex progress_mu;
  std::exception_ptr failure;

  auto writer = [&](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (;;) {
      const std::int64_t first = next.fetch_add(kBatch);
      if (first >= count) return;
      const std::int64_t n = std::min(kBatch, count - first);
      std::vector<Vehicle> batch;
      batch.reserve(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        const auto& m = ms[rng() % ms.size()];
        const auto& c = cs[rng() % cs.size()];
        char vin[24];
        std::snprintf(vin, sizeof vin, "G%s%08lld", run_tag.c_str(), static_cast<long long>(first + i));
        auto created = now - std::chrono::microseconds(static_cast<std::int64_t>(unit(rng) * 365.0 * 86400e6));
        auto v = make_listing(m, c, rng, rto::crypto::uuid_v4(), dealers[rng() % dealers.size()], vin, std::nullopt,
                              std::chrono::time_point_cast<TimePoint::duration>(created), year);
        const double s = unit(rng);  // mostly on the market, a few elsewhere in their life
        v.status = s < 0.90 ? Status::Available : s < 0.95 ? Status::Draft : s < 0.98 ? Status::Maintenance : Status::Retired;
        batch.push_back(std::move(v));
      }
      pool.transact([&](pqxx::work& tx) { storage::bulk_insert(tx, batch); });
      const auto total = done += n;
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::lock_guard lk(progress_mu);
      std::fprintf(stderr, "\rvehicle-service generate: %lld/%lld (%3d%%) %.1f s, %.0f rows/s   ",
                   static_cast<long long>(total), static_cast<long long>(count), static_cast<int>(total * 100 / count),
                   secs, secs > 0 ? static_cast<double>(total) / secs : 0.0);
      std::fflush(stderr);
    }
  };
  std::vector<std::thread> threads;
  std::random_device seeds;
  for (int w = 0; w < kWriters; ++w)
    threads.emplace_back([&, seed = (static_cast<std::uint64_t>(seeds()) << 32) ^ seeds()] {
      try {
        writer(seed);
      } catch (...) {
        std::lock_guard lk(progress_mu);
        if (!failure) failure = std::current_exception();
        next = count;  // stop the other writer
      }
    });
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  pool.query([](pqxx::nontransaction& tx) { tx.exec(sql::kVacuumAnalyzeVehicles); });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr, "\nvehicle-service generate: %lld vehicles in %.1f s\n", static_cast<long long>(count), secs);
  return 0;
}

}  // namespace vehicle_service::tools
