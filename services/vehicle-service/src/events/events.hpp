#pragma once
// The events vehicle-service consumes, all in this folder: which it binds and what each does.
#include <memory>
#include <rto/service.hpp>
#include <string>

namespace vehicle_service {

class App;

// payment.plan.* / payment.collection.* from the payment service, handled by App::on_payment_event
// inside the consumer's transaction (idempotent by event id).
void consume_payment_events(rto::Service& service, std::shared_ptr<App> app, std::string queue);

}  // namespace vehicle_service
