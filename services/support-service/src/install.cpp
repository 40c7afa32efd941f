// Wiring: the database and its migrations, the SMS provider, the App, the route table, the jobs
// and the event consumer of support-service. main() calls install(); the integration tests call
// it with options.
#include <algorithm>
#include <prometheus/counter.h>
#include <rto/service.hpp>

#include "app.hpp"
#include "routes.hpp"
#include "sms/provider.hpp"

namespace support_service {

std::shared_ptr<App> install(rto::Service& service, SupportConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto& pool = service.use_database({}, std::move(migrations));
  auto provider = opts.sms;
  if (!provider) {
    if (cfg.sms_provider == "africastalking")
      provider = std::make_shared<AfricasTalkingProvider>(cfg.africastalking);
    else
      provider = std::make_shared<DevOutboxProvider>();
  }
  const auto sla_period = cfg.sla_job;
  const auto sms_period = cfg.sms_job;
  auto app = std::make_shared<App>(pool, service.tokens(), std::move(clock), std::move(cfg), std::move(provider));
  app->count_template_fallbacks(&prometheus::BuildCounter()
                                     .Name("support_template_fallbacks_total")
                                     .Help("Notifications whose template failed to render, sent in built-in English instead")
                                     .Register(service.metrics().registry()));
  // Ticket images are larger than any JSON body: their route alone takes up to the image limit.
  service.set_body_limits([image = app->config().attachment_max_bytes + 1024,
                           json = service.config().body_limit](std::string_view method, std::string_view target) {
    auto path = target.substr(0, target.find('?'));
    const bool upload = method == "POST" && path.starts_with("/api/v1/support/tickets/") && path.ends_with("/attachments");
    return upload ? std::max(image, json) : json;
  });
  add_routes(service.router(), app);
  if (opts.background_jobs) {
    service.every("sla-breaches", sla_period, [app] { app->mark_breaches(); });
    service.every("sms-delivery", sms_period, [app] {
      while (app->deliver_sms() >= app->config().sms_batch) {
      }
    });
  }
  if (opts.consume_events) {
    rto::events::ConsumerOptions co;
    co.queue = opts.event_queue;
    co.bindings = consumed_events();
    // A burst (the morning's reminders, a day's receipts) is handled a batch to a transaction.
    co.batch = app->config().event_batch;
    co.prefetch = std::max(co.prefetch, 2 * co.batch);
    service.consume(std::move(co), rto::events::BatchHandler([app](pqxx::work& tx, std::span<const rto::events::Received> evs) {
                      app->on_events(tx, evs);
                    }));
  }
  return app;
}

}  // namespace support_service
