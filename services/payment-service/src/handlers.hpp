#pragma once
// HTTP handlers: parse the request (domain/inputs), authorise, call the App or storage,
// return a response. Errors are thrown as rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/http.hpp>

namespace payment_service {

class App;

class Handlers {
 public:
  explicit Handlers(std::shared_ptr<App> app) : app_(std::move(app)) {}
  using Request = rto::http::Request;
  using Response = rto::http::Response;

  // Templates (public reads; admin writes)
  Response list_templates(Request& req);
  Response get_template(Request& req);
  Response create_template(Request& req);
  Response update_template(Request& req);

  // Quotes and plans
  Response quote(Request& req);
  Response create_plan(Request& req);
  Response my_plans(Request& req);
  Response get_plan(Request& req);
  Response payoff_quote(Request& req);
  Response ownership_certificate(Request& req);

  // Staff
  Response list_plans(Request& req);
  Response portfolio(Request& req);
  Response cash_payment(Request& req);
  Response cash_desk(Request& req);
  Response reverse_payment(Request& req);
  Response repossess_plan(Request& req);
  Response refund_plan(Request& req);
  Response resolve_request(Request& req);
  Response resolve_callback(Request& req);
  Response list_approvals(Request& req);
  Response get_approval(Request& req);
  Response approve(Request& req);
  Response reject(Request& req);

  // Mobile money
  Response create_collection(Request& req);
  Response get_collection(Request& req);
  Response plan_collections(Request& req);
  Response review_queue(Request& req);
  Response webhook(Request& req);

  // Service to service
  Response internal_payment(Request& req);
  Response internal_delinquency_run(Request& req);
  Response internal_reminders_run(Request& req);
  Response internal_expire_deposits(Request& req);
  Response internal_reconcile(Request& req);
  Response internal_customer_plans(Request& req);

 private:
  std::shared_ptr<App> app_;
};

}  // namespace payment_service
