#include "routes.hpp"

#include "handlers.hpp"

namespace vehicle_service {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto listers = Access::roles_any({"dealer", "admin"});
  const auto staff = Access::staff();
  const auto admin = Access::admin();

  r.get("/api/v1/categories", Access::anyone(), to(&Handlers::categories));

  r.get("/api/v1/vehicles", Access::anyone(), to(&Handlers::search));
  r.post("/api/v1/vehicles", listers, to(&Handlers::create));
  r.get("/api/v1/vehicles/mine", listers, to(&Handlers::mine));
  r.get("/api/v1/vehicles/{id}", Access::anyone(), to(&Handlers::get_vehicle));
  r.patch("/api/v1/vehicles/{id}", listers, to(&Handlers::update));
  r.post("/api/v1/vehicles/{id}/submit", listers, to(&Handlers::submit));
  r.post("/api/v1/vehicles/{id}/approve", admin, to(&Handlers::approve));
  r.post("/api/v1/vehicles/{id}/reject", admin, to(&Handlers::reject));
  r.post("/api/v1/vehicles/{id}/status", staff, to(&Handlers::set_status));
  r.get("/api/v1/vehicles/{id}/history", Access::signed_in(), to(&Handlers::history));

  r.post("/api/v1/vehicles/{id}/images", listers, to(&Handlers::upload_image));
  r.put("/api/v1/vehicles/{id}/images/order", listers, to(&Handlers::reorder_images));
  r.get("/api/v1/vehicles/{id}/images/{image_id}", Access::anyone(), to(&Handlers::get_image));
  r.del("/api/v1/vehicles/{id}/images/{image_id}", listers, to(&Handlers::delete_image));
  r.post("/api/v1/vehicles/{id}/images/{image_id}/cover", listers, to(&Handlers::set_cover));

  r.get("/internal/vehicles/{id}", Access::services({"credit-service", "payment-service", "telematics-service"}),
        to(&Handlers::internal_get));
  r.post("/internal/vehicles/{id}/reserve", Access::services({"payment-service"}), to(&Handlers::internal_reserve));
  r.post("/internal/vehicles/{id}/release", Access::services({"payment-service"}), to(&Handlers::internal_release));
  r.post("/internal/vehicles/{id}/lease", Access::services({"payment-service"}), to(&Handlers::internal_lease));
  r.post("/internal/vehicles/{id}/transfer", Access::services({"payment-service"}), to(&Handlers::internal_transfer));
  r.post("/internal/vehicles/{id}/repossess", Access::services({"payment-service"}), to(&Handlers::internal_repossess));
}

}  // namespace vehicle_service
