#include "routes.hpp"

#include "handlers.hpp"

namespace payment_service {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto staff = Access::staff();
  const auto admin = Access::admin();
  const auto cashiers = Access::roles_any({"agent", "admin"});
  const auto reversers = Access::roles_any({"admin", "support_agent"});

  r.get("/api/v1/plan-templates", Access::anyone(), to(&Handlers::list_templates));
  r.get("/api/v1/plan-templates/{id}", Access::anyone(), to(&Handlers::get_template));
  r.post("/api/v1/plan-templates", admin, to(&Handlers::create_template));
  r.put("/api/v1/plan-templates/{id}", admin, to(&Handlers::update_template));

  r.post("/api/v1/plans/quote", Access::anyone(), to(&Handlers::quote));
  r.post("/api/v1/plans", Access::roles_any({"customer"}), to(&Handlers::create_plan));
  r.get("/api/v1/plans/mine", Access::signed_in(), to(&Handlers::my_plans));
  r.get("/api/v1/plans/portfolio", staff, to(&Handlers::portfolio));
  r.get("/api/v1/plans", staff, to(&Handlers::list_plans));
  r.get("/api/v1/plans/{id}", Access::signed_in(), to(&Handlers::get_plan));
  r.get("/api/v1/plans/{id}/payoff-quote", Access::signed_in(), to(&Handlers::payoff_quote));
  r.get("/api/v1/plans/{id}/ownership-certificate", Access::signed_in(), to(&Handlers::ownership_certificate));
  r.post("/api/v1/plans/{id}/cash-payments", cashiers, to(&Handlers::cash_payment));
  r.get("/api/v1/plans/{id}/cash-desk", cashiers, to(&Handlers::cash_desk));
  r.post("/api/v1/payments/{id}/reverse", reversers, to(&Handlers::reverse_payment));
  r.post("/api/v1/plans/{id}/repossess", Access::roles_any({"admin", "credit_officer"}), to(&Handlers::repossess_plan));
  r.post("/api/v1/plans/{id}/refunds", reversers, to(&Handlers::refund_plan));

  r.post("/api/v1/payments", Access::roles_any({"customer", "admin", "support_agent"}), to(&Handlers::create_collection));
  r.get("/api/v1/payments/review", staff, to(&Handlers::review_queue));
  r.post("/api/v1/payments/review/callbacks/{id}/resolve", reversers, to(&Handlers::resolve_callback));
  r.post("/api/v1/payments/{id}/resolve", reversers, to(&Handlers::resolve_request));
  r.get("/api/v1/payments/approvals", staff, to(&Handlers::list_approvals));
  r.get("/api/v1/payments/approvals/{id}", staff, to(&Handlers::get_approval));
  r.post("/api/v1/payments/approvals/{id}/approve", reversers, to(&Handlers::approve));
  r.post("/api/v1/payments/approvals/{id}/reject", reversers, to(&Handlers::reject));
  r.get("/api/v1/payments/{id}", Access::signed_in(), to(&Handlers::get_collection));
  r.get("/api/v1/plans/{id}/payments", Access::signed_in(), to(&Handlers::plan_collections));
  r.post("/api/v1/webhooks/{provider}", Access::anyone(), to(&Handlers::webhook));
  r.put("/api/v1/webhooks/{provider}", Access::anyone(), to(&Handlers::webhook));

  // Operations' hooks (a scheduler, an operator's tool), under the caller name "operations".
  const auto operations = Access::services({"operations"});
  r.post("/internal/payments", operations, to(&Handlers::internal_payment));
  r.post("/internal/delinquency/run", operations, to(&Handlers::internal_delinquency_run));
  r.post("/internal/reminders/run", operations, to(&Handlers::internal_reminders_run));
  r.post("/internal/plans/expire-deposits", operations, to(&Handlers::internal_expire_deposits));
  r.post("/internal/payments/reconcile", operations, to(&Handlers::internal_reconcile));

  // A customer's plans and their vehicles: the support service checks that a ticket's plan or
  // vehicle is the customer's own.
  r.get("/internal/customers/{id}/plans", Access::services({"support-service"}), to(&Handlers::internal_customer_plans));
}

}  // namespace payment_service
