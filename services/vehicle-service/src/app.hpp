#pragma once
// The vehicle service's shared state and the operations that several entry points share:
// status changes (history row + outbox event, always together), the plan operations used by
// both the internal endpoints and the payment events, the reservation sweep, and the cached
// marketplace search. install() wires it all into an rto::Service.
#include <atomic>
#include <memory>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/events.hpp>
#include <rto/service.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "domain/listing.hpp"
#include "domain/reservation.hpp"
#include "domain/search_params.hpp"
#include "domain/status.hpp"
#include "domain/ttl_cache.hpp"
#include "domain/vehicle.hpp"
#include "images/storage.hpp"
#include "storage/storage.hpp"

namespace vehicle_service {

class App {
 public:
  App(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, VehicleConfig cfg,
      std::shared_ptr<ImageStorage> images);

  rto::db::Pool& db() const noexcept { return db_; }
  const VehicleConfig& config() const noexcept { return cfg_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  ImageStorage& images() const noexcept { return *images_; }
  TimePoint now() const { return clock_->now(); }

  // Moves `before` to `after.status` (after carries the new holding), after checking the status
  // machine: writes the row, a history row and a vehicle.status.changed event in `tx`.
  Vehicle change_status(pqxx::transaction_base& tx, const Vehicle& before, Vehicle after, Cause cause,
                        std::string_view reason, std::string_view actor);

  // Plan operations; each idempotent for the same plan (see domain/reservation.hpp). Throw 404
  // for an unknown vehicle and 409 naming the current status when the operation cannot happen.
  Vehicle reserve(pqxx::transaction_base& tx, const std::string& id, const ReserveRequest& r, std::string_view actor);
  Vehicle release(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                  std::string_view reason, std::string_view actor);
  Vehicle lease(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id, std::string_view actor);
  Vehicle transfer(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                   const std::string& customer_id, std::string_view actor);
  Vehicle repossess(pqxx::transaction_base& tx, const std::string& id, const std::string& plan_id,
                    std::string_view reason, std::string_view actor);

  // Returns reservations past their expiry to available (periodic job). Returns how many.
  int expire_reservations();

  // payment.plan.activated → lease, .completed → transfer, .cancelled → release, .repossessed →
  // repossess; runs inside the
  // consumer's transaction. An event that cannot apply (vehicle unknown, held by another plan)
  // is logged and acknowledged: retrying would not change the answer.
  void on_payment_event(pqxx::work& tx, const rto::events::Received& e);

  // The body of GET /api/v1/vehicles: items, next_cursor and facets (facets cached per filter
  // set for VEHICLE_FACET_CACHE_MS; whole bodies for VEHICLE_SEARCH_CACHE_MS when set).
  std::shared_ptr<const std::string> search(const SearchQuery& q);

  // Call after a committed change that search results may show: cached results computed
  // before it are no longer used.
  void changed() noexcept { generation_.fetch_add(1, std::memory_order_relaxed); }

 private:
  Vehicle load_locked(pqxx::transaction_base& tx, const std::string& id);
  void record(pqxx::transaction_base& tx, const Vehicle& before, const Vehicle& after, Cause cause,
              std::string_view reason, std::string_view actor, TimePoint now);
  std::string build_search(const SearchQuery& q, std::uint64_t generation);

  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  VehicleConfig cfg_;
  std::shared_ptr<ImageStorage> images_;
  std::atomic<std::uint64_t> generation_{0};
  TtlCache<storage::FacetCounts> facet_cache_;
  TtlCache<std::string> search_cache_;
};

struct InstallOptions {
  bool background_jobs = true;  // the reservation sweep
  bool consume_events = true;   // payment.plan.* from RabbitMQ
  std::string event_queue = "vehicle-service.events";
  std::shared_ptr<ImageStorage> images;  // default: LocalDirectoryStorage(IMAGE_DIR)
};

// Opens the database (platform and service migrations, prepared statements), adds the routes,
// the sweep and the event consumer. The returned App is also kept alive by the routes and jobs.
std::shared_ptr<App> install(rto::Service& service, VehicleConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

}  // namespace vehicle_service
