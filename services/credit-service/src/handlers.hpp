#pragma once
// HTTP handlers: parse the request (domain), assess or look up, change state inside one
// transaction with its history row and outbox event, return a response. Errors are thrown as
// rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/http.hpp>

namespace credit_service {

class App;

class Handlers {
 public:
  explicit Handlers(std::shared_ptr<App> app) : app_(std::move(app)) {}
  using Request = rto::http::Request;
  using Response = rto::http::Response;

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

 private:
  std::shared_ptr<App> app_;
};

}  // namespace credit_service
