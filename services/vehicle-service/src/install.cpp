// Wiring: the database and its migrations, the App, the route table, the jobs and the event
// consumers of vehicle-service. main() calls install(); the integration tests call it with options.
#include <rto/service.hpp>

#include "app.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "events/events.hpp"
#include "storage/queries.hpp"

namespace vehicle_service {

std::shared_ptr<App> install(rto::Service& service, VehicleConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto& pool = service.use_database(sql::all(), std::move(migrations));
  auto images = opts.images ? opts.images : std::make_shared<LocalDirectoryStorage>(cfg.image_dir);
  const auto sweep = cfg.reservation_sweep;
  auto app = std::make_shared<App>(pool, std::move(clock), std::move(cfg), std::move(images));
  add_routes(service.router(), std::make_shared<Handlers>(app));
  if (opts.background_jobs)
    service.every("reservation-sweep", sweep, [app] { app->expire_reservations(); });
  if (opts.consume_events) consume_payment_events(service, app, opts.event_queue);
  return app;
}

}  // namespace vehicle_service
