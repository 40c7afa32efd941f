// Wiring: the database and its migrations, the App, the route table, the GT06 listener, the jobs
// and the event consumers of telematics-service. main() calls install(); the integration tests
// call it with options.
#include <algorithm>
#include <rto/log.hpp>
#include <rto/service.hpp>

#include "app.hpp"
#include "events/events.hpp"
#include "geo.hpp"
#include "geo_handlers.hpp"
#include "gt06_listener.hpp"
#include "osmand_listener.hpp"
#include "teltonika_listener.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "storage/geo_queries.hpp"
#include "storage/queries.hpp"
#include "storage/storage.hpp"

namespace telematics {

void report_figures(rto::metrics::Metrics& m, rto::db::Pool& pool, TimePoint now) {
  const auto f = pool.read([&](pqxx::read_transaction& tx) { return storage::figures(tx, now); });
  const char* trackers_help = "Installed trackers, online (reported within DEVICE_OFFLINE_AFTER_MS) or offline";
  m.gauge("telematics_trackers", trackers_help, {{"state", "online"}}).Set(static_cast<double>(f.online));
  m.gauge("telematics_trackers", trackers_help, {{"state", "offline"}}).Set(static_cast<double>(f.offline));
  for (auto s : kLockStates) {  // every state, 0 when none
    const std::string state(to_string(s));
    auto it = f.locks_by_state.find(state);
    m.gauge("telematics_locks", "Vehicles' immobiliser locks by state", {{"state", state}})
        .Set(it == f.locks_by_state.end() ? 0.0 : static_cast<double>(it->second));
  }
  m.gauge("telematics_lock_pending_oldest_seconds", "Age of the oldest lock waiting to take effect (0: none)")
      .Set(static_cast<double>(f.oldest_pending_us) / 1e6);
}

Installed install(rto::Service& service, TelematicsConfig cfg, std::shared_ptr<const rto::Clock> clock,
                  std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto statements = sql::all();
  for (auto& s : sql::geo()) statements.push_back(std::move(s));
  auto& pool = service.use_database(std::move(statements), std::move(migrations));
  Installed out;
  out.app = std::make_shared<App>(pool, std::move(clock), cfg);
  auto app = out.app;
  app->use_vehicle_service(service.tokens());
  // The months around now exist before the first position arrives (the job keeps them ahead).
  app->maintain_partitions();
  add_routes(service.router(), std::make_shared<Handlers>(app));
  add_geo_routes(service.router(), std::make_shared<GeoHandlers>(app));
  try {
    app->geo().reload();  // the geofence cache; the "geofences" job keeps it fresh
  } catch (const std::exception& e) {
    rto::log::warn("geofences not loaded at start; the periodic reload will retry", {{"error", e.what()}});
  }
  if (opts.device_listeners) {
    if (cfg.gt06_port != 0) {
      out.gt06 = std::make_shared<Gt06Listener>(app, cfg.common.host, cfg.gt06_port, cfg.device_max_connections,
                                                cfg.device_idle_timeout);
      out.gt06_port = out.gt06->start();
    }
    if (cfg.teltonika_port != 0) {
      out.teltonika = std::make_shared<TeltonikaListener>(app, cfg.common.host, cfg.teltonika_port,
                                                          cfg.device_max_connections, cfg.device_idle_timeout);
      out.teltonika_port = out.teltonika->start();
    }
    if (cfg.osmand_port != 0) {
      out.osmand = std::make_shared<OsmandListener>(app, cfg.common.host, cfg.osmand_port);
      out.osmand_port = out.osmand->start();
    }
  }
  if (opts.background_jobs) {
    service.every("partitions", std::chrono::hours(6), [app] { app->maintain_partitions(); });
    service.every("ingest-flush", cfg.ingest_flush, [app] { app->flush_ingest(); });
    service.every("locks", cfg.job_interval, [app] {
      app->advance_pending_locks();
      app->dispatch_queued();
    });
    service.every("command-retry", std::max(cfg.job_interval, cfg.command_ack_timeout / 4), [app] { app->retry_commands(); });
    service.every("offline", std::max(cfg.job_interval, cfg.offline_after / 10), [app] { app->detect_offline(); });
    service.every("geofences", cfg.geofence_reload, [app] { app->geo().reload(); });
    service.every("usage-daily", std::chrono::minutes(1),
                  [app] { app->geo().publish_daily_usage(app->now(), app->source()); });
    service.every("figures", cfg.figures_interval,
                  [app, &service] { report_figures(service.metrics(), app->db(), app->now()); });
  }
  if (opts.consume_events) consume_payment_events(service, app, opts.event_queue);
  return out;
}

}  // namespace telematics
