#include "routes.hpp"

#include "handlers.hpp"

namespace user_service {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto staff = Access::staff();
  const auto reviewers = Access::roles_any({"admin", "credit_officer"});
  const auto admin = Access::admin();

  r.post("/api/v1/auth/register", Access::anyone(), to(&Handlers::register_user));
  r.post("/api/v1/auth/login", Access::anyone(), to(&Handlers::login));
  r.post("/api/v1/auth/refresh", Access::anyone(), to(&Handlers::refresh));
  r.post("/api/v1/auth/logout", Access::signed_in(), to(&Handlers::logout));

  r.get("/api/v1/users/me", Access::signed_in(), to(&Handlers::get_me));
  r.patch("/api/v1/users/me", Access::signed_in(), to(&Handlers::patch_me));
  r.put("/api/v1/users/me/kyc", Access::signed_in(), to(&Handlers::put_my_kyc));
  r.get("/api/v1/users/me/kyc", Access::signed_in(), to(&Handlers::get_my_kyc));

  r.get("/api/v1/users", reviewers, to(&Handlers::list_users));
  r.get("/api/v1/users/{id}", staff, to(&Handlers::get_user));
  r.get("/api/v1/users/{id}/kyc", reviewers, to(&Handlers::get_user_kyc));
  r.post("/api/v1/users/{id}/kyc/verify", reviewers, to(&Handlers::verify_kyc));
  r.post("/api/v1/users/{id}/kyc/reject", reviewers, to(&Handlers::reject_kyc));
  r.put("/api/v1/users/{id}/roles", admin, to(&Handlers::set_roles));
  r.post("/api/v1/users/{id}/disable", admin, to(&Handlers::disable_user));
  r.post("/api/v1/users/{id}/enable", admin, to(&Handlers::enable_user));

  r.get("/internal/users/{id}", Access::services({"credit-service", "payment-service", "support-service"}), to(&Handlers::internal_user));
  r.post("/internal/users/lookup", Access::services({"support-service"}), to(&Handlers::internal_users));
}

}  // namespace user_service
