// Wiring: the database and its migrations, the App, the route table, the jobs and the event
// consumers of user-service. main() calls install(); the integration tests call it with options.
#include <rto/service.hpp>

#include "app.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "storage/queries.hpp"
namespace user_service {

std::shared_ptr<App> install(rto::Service& service, UserConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto& pool = service.use_database(sql::all(), std::move(migrations));
  auto app = std::make_shared<App>(pool, service.tokens(), std::move(clock), std::move(cfg));
  app->ensure_admin();
  add_routes(service.router(), std::make_shared<Handlers>(app));
  if (opts.background_jobs) service.every("purge-expired", std::chrono::hours(1), [app] { app->purge_expired(); });
  return app;
}

}  // namespace user_service
