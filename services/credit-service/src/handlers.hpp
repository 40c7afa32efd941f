#pragma once
// HTTP handlers: parse the request (domain), assess or look up, change state inside one
// transaction with its history row and outbox event, return a response. Errors are thrown as
// rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/router.hpp>

namespace credit_service {

class App;

class Handlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  // Customers
  Response prequalify(Request& req);
  Response submit(Request& req);
  Response mine(Request& req);
  Response get_application(Request& req);
  Response withdraw(Request& req);

  // Credit officers
  Response review_queue(Request& req);
  Response officer_decision(Request& req);

  // Admin: scorecard models
  Response list_models(Request& req);
  Response create_model(Request& req);
  Response get_model(Request& req);
  Response activate_model(Request& req);

  // Service to service
  Response internal_decision(Request& req);

};

}  // namespace credit_service
