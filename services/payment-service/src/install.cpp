// Wiring: the database (its statements and migrations), the App, the route table, the jobs and
// the callback workers of payment-service. main() calls install(); the integration tests call it
// with options. The service consumes no events.
#include <rto/service.hpp>

#include "app.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "storage/approval_queries.hpp"
#include "storage/collection_queries.hpp"
#include "storage/queries.hpp"

namespace payment_service {

std::shared_ptr<App> install(rto::Service& service, PaymentConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto statements = sql::all();
  for (auto& st : sql::collection_statements()) statements.push_back(std::move(st));
  for (auto& st : sql::approval_statements()) statements.push_back(std::move(st));
  auto& pool = service.use_database(std::move(statements), std::move(migrations));
  auto interval = cfg.job_interval;
  auto app = std::make_shared<App>(pool, service.tokens(), std::move(clock), std::move(cfg));
  add_routes(service.router(), std::make_shared<Handlers>(app));
  service.metrics().gauge_fn("payment_callbacks_purged", "Unmatched, never verified provider callbacks deleted after "
                             "CALLBACK_RETENTION_DAYS since the process started",
                             [app] { return static_cast<double>(app->jobs().callbacks_purged()); });
  service.metrics().gauge_fn("payment_receipt_queries_postponed", "Paybill receipt queries to M-Pesa postponed: "
                             "over MPESA_RECEIPT_QUERIES_PER_MINUTE",
                             [app] { return static_cast<double>(app->collections().receipt_queries_postponed()); });
  service.metrics().gauge_fn("payment_receipt_queries_refused", "Paybill confirmations left to staff: their plan's "
                             "receipts were asked about over MPESA_RECEIPT_QUERIES_PER_PLAN_PER_HOUR",
                             [app] { return static_cast<double>(app->collections().receipt_queries_refused()); });
  app->payments().figures().use(service.metrics());
  if (opts.background_jobs) {
    service.every("payment-jobs", interval, [app] { app->jobs().tick(); });
    service.every("payment-figures", app->config().figures_interval,
                  [app] { app->payments().figures().refresh(app->db(), app->now()); });
    app->collections().start_callback_workers(app->config().callback_workers);
  }
  return app;
}

}  // namespace payment_service
