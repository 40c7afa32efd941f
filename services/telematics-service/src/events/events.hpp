#pragma once
// The events telematics-service consumes, all in this folder: which it binds and what each does.
#include <memory>
#include <rto/service.hpp>
#include <string>

namespace telematics {

class App;

// payment.plan.* and payment.lock.* from the payment service, handled by App::on_payment_event
// inside the consumer's transaction (idempotent by event id).
void consume_payment_events(rto::Service& service, std::shared_ptr<App> app, std::string queue);

}  // namespace telematics
