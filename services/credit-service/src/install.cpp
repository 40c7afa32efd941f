// Wiring: the database and its migrations, the App, the route table, the jobs and the event
// consumers of credit-service. main() calls install(); the integration tests call it with options.
#include <rto/service.hpp>

#include "app.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "events/events.hpp"
#include "storage/queries.hpp"

namespace credit_service {

std::shared_ptr<App> install(rto::Service& service, CreditConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto& pool = service.use_database(sql::all(), std::move(migrations));
  const auto interval = cfg.expiry_interval;
  auto app = std::make_shared<App>(pool, service.tokens(), std::move(clock), std::move(cfg));
  add_routes(service.router(), std::make_shared<Handlers>(app));
  if (opts.background_jobs)
    service.every("expire-approvals", std::chrono::duration_cast<std::chrono::milliseconds>(interval),
                  [app] { app->expire_approvals(); });
  if (opts.consume_events) consume_events(service, app, opts.consumer_queue);
  return app;
}

}  // namespace credit_service
