#pragma once
// The events credit-service consumes are all in this folder. consume_payment_events() (declared
// in app.hpp beside the queue name) binds payment.collection.received, payment.delinquency.changed
// and payment.plan.created; App::on_payment_event handles them inside the consumer's transaction.
#include "app.hpp"
