#pragma once
// The events credit-service consumes are all in this folder. consume_events() (declared in
// app.hpp beside the queue name) binds them on one queue, credit-service.events:
//   payment_events.cpp     payment.collection.received, payment.collection.reversed,
//                          payment.delinquency.changed, payment.plan.created (App::on_payment_event)
//   telematics_events.cpp  telematics.usage.daily (App::on_telematics_event)
// App::on_event handles each inside the consumer's transaction, which also records the event id,
// so a redelivered event is not handled twice.
#include "app.hpp"
