#include "access.hpp"

#include <rto/errors.hpp>

#include "storage/storage.hpp"

namespace telematics {

bool sees_fleet(const rto::http::Request& req) {
  return req.identity && !req.identity->service &&
         req.identity->has_any_role({"admin", "agent", "credit_officer", "support_agent"});
}

void require_viewer(const rto::http::Request& req, pqxx::transaction_base& tx, const std::string& vehicle_id) {
  if (sees_fleet(req)) return;
  const auto& who = req.user();
  auto plan = storage::plan_of_vehicle(tx, vehicle_id);
  if (plan && plan->status == "active" && plan->customer_id == who.subject && who.has_role("customer")) return;
  throw rto::NotFound("no vehicle with this id");
}

}  // namespace telematics
