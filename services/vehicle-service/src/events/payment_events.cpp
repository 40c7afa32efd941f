// Events from the payment service and what vehicle-service does with each.
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/listing.hpp"
#include "events/events.hpp"
#include "storage/storage.hpp"

namespace vehicle_service {
namespace js = boost::json;

void App::on_payment_event(pqxx::work& tx, const rto::events::Received& e) {
  const js::object* data = e.data.if_object();
  auto text = [&](const char* key) -> std::optional<std::string> {
    if (!data) return std::nullopt;
    const auto* v = data->if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return canonical_uuid(v->as_string());
  };
  auto vehicle = text("vehicle_id");
  auto plan = text("plan_id");
  auto customer = text("customer_id");
  if (!vehicle || !plan || !customer) {
    rto::log::warn("payment event without vehicle_id, plan_id or customer_id ignored",
                   {{"event_id", e.id}, {"type", e.type}});
    return;
  }
  const std::string actor = e.source.empty() ? std::string("payment-service") : e.source;
  try {
    if (e.type == "payment.plan.activated") {
      lease(tx, *vehicle, *plan, actor);
    } else if (e.type == "payment.plan.completed") {
      transfer(tx, *vehicle, *plan, *customer, actor);
    } else if (e.type == "payment.plan.cancelled") {
      std::string reason = "payment plan cancelled";
      if (const auto* r = data->if_contains("reason"); r && r->is_string() && !r->as_string().empty())
        reason += ": " + std::string(r->as_string());
      release(tx, *vehicle, *plan, reason, actor);
    } else if (e.type == "payment.plan.repossessed") {
      std::string reason = "payment plan defaulted; vehicle repossessed";
      if (const auto* r = data->if_contains("reason"); r && r->is_string() && r->as_string().size() >= 3)
        reason = std::string(r->as_string());
      repossess(tx, *vehicle, *plan, reason, actor);
    } else {
      return;
    }
    changed();
  } catch (const rto::Error& err) {
    if (err.status() != 404 && err.status() != 409) throw;
    rto::log::warn("payment event does not apply to the vehicle",
                   {{"event_id", e.id}, {"type", e.type}, {"vehicle_id", *vehicle}, {"detail", err.detail()}});
  }
}

void consume_payment_events(rto::Service& service, std::shared_ptr<App> app, std::string queue) {
  rto::events::ConsumerOptions o;
  o.queue = std::move(queue);
  o.bindings = {"payment.plan.activated", "payment.plan.completed", "payment.plan.cancelled",
                   "payment.plan.repossessed"};
  service.consume(std::move(o), [app](pqxx::work& tx, const rto::events::Received& e) { app->on_payment_event(tx, e); });
}

}  // namespace vehicle_service
