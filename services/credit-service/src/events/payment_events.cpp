// Events from the payment service and what credit-service does with each; the consumer's wiring.
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/repayment.hpp"
#include "events/events.hpp"
#include "storage/storage.hpp"

namespace credit_service {
namespace js = boost::json;

void App::on_payment_event(pqxx::work& tx, const rto::events::Received& ev) {
  if (ev.type == "payment.collection.received") {
    auto c = parse_collection(ev.data);
    storage::record_collection(tx, c, now());
    rto::log::info("repayment recorded", {{"customer_id", c.customer_id}, {"plan_id", c.plan_id},
                                          {"instalments", static_cast<std::int64_t>(c.settled.size())}});
  } else if (ev.type == "payment.plan.created") {
    const auto* d = ev.data.if_object();
    auto uuid = [d](const char* key) -> std::optional<std::string> {
      const auto* v = d ? d->if_contains(key) : nullptr;
      if (!v || !v->is_string() || !rto::crypto::is_uuid(v->as_string())) return std::nullopt;
      return std::string(v->as_string());
    };
    auto decision_id = uuid("credit_decision_id");
    auto plan_id = uuid("plan_id");
    if (!decision_id || !plan_id) {
      rto::log::warn("payment.plan.created without credit_decision_id or plan_id ignored", {{"event_id", ev.id}});
      return;
    }
    if (auto id = storage::mark_used(tx, *decision_id, *plan_id, now()))
      rto::log::info("approval used for a plan", {{"application_id", *id}, {"plan_id", *plan_id}});
  } else if (ev.type == "payment.collection.reversed") {
    auto r = parse_reversal(ev.data);
    storage::record_reversal(tx, r, now());
    rto::log::info("repayment reversed", {{"customer_id", r.customer_id}, {"plan_id", r.plan_id},
                                          {"payment_id", r.payment_id}});
  } else if (ev.type == "payment.delinquency.changed") {
    auto d = parse_delinquency(ev.data);
    storage::record_delinquency(tx, d, now());
    rto::log::info("delinquency recorded", {{"customer_id", d.customer_id}, {"plan_id", d.plan_id},
                                            {"days_past_due", d.days_past_due}});
  }
}

void App::on_event(pqxx::work& tx, const rto::events::Received& ev) {
  if (ev.type.starts_with("telematics."))
    on_telematics_event(tx, ev);
  else
    on_payment_event(tx, ev);
}

void consume_events(rto::Service& service, std::shared_ptr<App> app, std::string queue) {
  rto::events::ConsumerOptions o;
  o.queue = std::move(queue);
  o.bindings = {"payment.collection.received", "payment.collection.reversed", "payment.delinquency.changed",
                "payment.plan.created", "telematics.usage.daily"};
  service.consume(std::move(o), [app](pqxx::work& tx, const rto::events::Received& ev) { app->on_event(tx, ev); });
}

}  // namespace credit_service
