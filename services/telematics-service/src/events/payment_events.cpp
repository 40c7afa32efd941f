// Events from the payment service and what telematics-service does with each: a plan's vehicle
// and customer (who may see it), lock required / released (the immobiliser).
#include <algorithm>
#include <cctype>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "events/events.hpp"
#include "storage/queries.hpp"

namespace telematics {
namespace js = boost::json;

namespace {

std::optional<std::string> lower_uuid(const js::object* data, const char* key) {
  if (!data) return std::nullopt;
  const auto* v = data->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  std::string s(v->as_string());
  if (!rto::crypto::is_uuid(s)) return std::nullopt;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

void App::on_payment_event(pqxx::work& tx, const rto::events::Received& e) {
  const js::object* data = e.data.if_object();
  auto vehicle = lower_uuid(data, "vehicle_id");
  auto plan = lower_uuid(data, "plan_id");
  auto customer = lower_uuid(data, "customer_id");
  if (!vehicle || !plan || !customer) {
    rto::log::warn("payment event without vehicle_id, plan_id or customer_id ignored", {{"event_id", e.id}, {"type", e.type}});
    return;
  }
  const std::string actor = e.source.empty() ? std::string("payment-service") : e.source;
  auto link = [&](const char* status) { storage::upsert_plan(tx, *vehicle, {*plan, *customer, status}, now()); };
  auto current = storage::plan_of_vehicle(tx, *vehicle);
  const bool other_plan = current && current->plan_id != *plan;
  if (e.type == "payment.plan.activated") {
    link("active");
  } else if (e.type == "payment.plan.completed") {
    link("completed");
    release_lock(tx, *vehicle, "plan completed: the vehicle belongs to its owner", actor);
  } else if (e.type == "payment.plan.cancelled") {
    if (other_plan) return;
    link("cancelled");
    release_lock(tx, *vehicle, "plan cancelled", actor);
  } else if (e.type == "payment.plan.repossessed") {
    if (other_plan && current->status == "active") return;
    link("repossessed");
    // The operator takes the vehicle back: it stays immobilised (staff may unlock it by hand to
    // move it); its last position is on the vehicle's page and the fleet overview for recovery.
    request_lock(tx, *vehicle, plan, "plan repossessed", actor);
  } else if (e.type == "payment.lock.required") {
    if (other_plan && current->status != "cancelled") {
      rto::log::warn("lock for a plan that no longer holds the vehicle ignored", {{"event_id", e.id}, {"vehicle_id", *vehicle}});
      return;
    }
    if (!current || other_plan) link("active");
    if (current && !other_plan && current->status == "completed") {
      rto::log::warn("lock for a completed plan ignored", {{"event_id", e.id}, {"vehicle_id", *vehicle}});
      return;
    }
    request_lock(tx, *vehicle, plan, "payments overdue", actor);
  } else if (e.type == "payment.lock.released") {
    if (other_plan) return;
    release_lock(tx, *vehicle, "payments up to date", actor);
  }
}

void consume_payment_events(rto::Service& service, std::shared_ptr<App> app, std::string queue) {
  rto::events::ConsumerOptions o;
  o.queue = std::move(queue);
  o.bindings = {"payment.plan.activated", "payment.plan.completed", "payment.plan.cancelled",
                   "payment.plan.repossessed", "payment.lock.required", "payment.lock.released"};
  service.consume(std::move(o), [app](pqxx::work& tx, const rto::events::Received& e) { app->on_payment_event(tx, e); });
}

}  // namespace telematics
