#include "routes.hpp"

#include "handlers.hpp"

namespace credit_service {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto customer = Access::roles_any({"customer"});
  const auto reviewers = Access::roles_any({"credit_officer", "admin"});
  const auto admin = Access::admin();

  r.post("/api/v1/credit/prequalify", customer, to(&Handlers::prequalify));
  r.post("/api/v1/credit/applications", customer, to(&Handlers::submit));
  r.get("/api/v1/credit/applications/mine", Access::signed_in(), to(&Handlers::mine));
  // Owner or staff; anyone else gets 404.
  r.get("/api/v1/credit/applications/{id}", Access::signed_in(), to(&Handlers::get_application));
  r.post("/api/v1/credit/applications/{id}/withdraw", Access::signed_in(), to(&Handlers::withdraw));
  r.post("/api/v1/credit/applications/{id}/decision", reviewers, to(&Handlers::officer_decision));
  r.get("/api/v1/credit/review-queue", reviewers, to(&Handlers::review_queue));

  r.get("/api/v1/credit/models", admin, to(&Handlers::list_models));
  r.post("/api/v1/credit/models", admin, to(&Handlers::create_model));
  r.get("/api/v1/credit/models/{version}", admin, to(&Handlers::get_model));
  r.post("/api/v1/credit/models/{version}/activate", admin, to(&Handlers::activate_model));

  r.get("/internal/credit/decisions/{id}", Access::services({"payment-service"}), to(&Handlers::internal_decision));
}

}  // namespace credit_service
