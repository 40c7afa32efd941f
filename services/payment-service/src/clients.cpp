#include "clients.hpp"

#include <rto/errors.hpp>
#include <rto/http_client.hpp>
#include <rto/log.hpp>

namespace payment_service {
namespace js = boost::json;
using rto::http::Method;

Clients::Clients(const PaymentConfig& cfg, const rto::auth::Tokens& tokens) {
  rto::http::ClientOptions opts;
  opts.request_timeout = std::chrono::milliseconds(5000);
  vehicles_ = std::make_unique<rto::ServiceClient>(cfg.vehicle_service_url, tokens, cfg.common.service, "vehicle-service", opts);
  credit_ = std::make_unique<rto::ServiceClient>(cfg.credit_service_url, tokens, cfg.common.service, "credit-service", opts);
  if (!cfg.user_service_url.empty())
    users_ = std::make_unique<rto::ServiceClient>(cfg.user_service_url, tokens, cfg.common.service, "user-service", opts);
}

CreditDecision Clients::credit_decision(const std::string& id) {
  auto r = credit_->call(Method::Get, "/internal/credit/decisions/" + id);
  if (r.status == 404) throw rto::Unprocessable("no such credit decision", {{"credit_decision_id", "names no credit decision"}});
  if (r.status != 200) throw rto::Error(rto::ErrorKind::BadGateway, "the credit service could not answer");
  return parse_credit_decision(r.json());
}

VehicleAnswer Clients::vehicle(const std::string& id) {
  auto r = vehicles_->call(Method::Get, "/internal/vehicles/" + id);
  if (r.status == 404) throw rto::Unprocessable("no such vehicle", {{"vehicle_id", "names no vehicle"}});
  if (r.status != 200) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service could not answer");
  return parse_vehicle(r.json());
}

void Clients::reserve(const std::string& vehicle_id, const std::string& plan_id, const std::string& customer_id,
                      std::chrono::seconds ttl) {
  js::object body{{"plan_id", plan_id}, {"customer_id", customer_id}, {"ttl_seconds", ttl.count()}};
  rto::http::ClientResponse r;
  try {
    r = vehicles_->send(Method::Post, "/internal/vehicles/" + vehicle_id + "/reserve", js::serialize(body));
  } catch (const rto::http::UpstreamError& e) {
    // The reservation may or may not have been made: undo it either way.
    rto::log::warn("vehicle reservation failed", {{"plan_id", plan_id}, {"error", e.what()}});
    release_vehicle(vehicle_id, plan_id, "plan_creation_failed");
    throw rto::Unavailable("the vehicle service is unavailable; try again shortly");
  }
  if (r.status == 409)
    throw rto::Conflict("this vehicle is not available", {{"vehicle_id", "is not available"}}).with_code("vehicle-unavailable");
  if (r.status < 200 || r.status >= 300) {
    release_vehicle(vehicle_id, plan_id, "plan_creation_failed");
    throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service could not reserve the vehicle");
  }
}

void Clients::release_vehicle(const std::string& vehicle_id, const std::string& plan_id, const std::string& reason) {
  notify_vehicle(vehicle_id, "release", js::object{{"plan_id", plan_id}, {"reason", reason}});
}

void Clients::notify_vehicle(const std::string& vehicle_id, const std::string& action, js::object body) {
  try {
    auto r = vehicles_->send(Method::Post, "/internal/vehicles/" + vehicle_id + "/" + action, js::serialize(body));
    if (r.status >= 300)
      rto::log::warn("vehicle call refused",
                     {{"action", action}, {"vehicle_id", vehicle_id}, {"status", r.status}, {"plan_id", body["plan_id"]}});
  } catch (const std::exception& e) {
    rto::log::warn("vehicle call failed", {{"action", action}, {"vehicle_id", vehicle_id}, {"error", e.what()}});
  }
}

std::optional<std::string> Clients::customer_name(const std::string& customer_id) {
  if (!users_) return std::nullopt;
  try {
    auto r = users_->get("/internal/users/" + customer_id);
    if (r.status != 200) return std::nullopt;
    auto v = r.json();
    if (!v.is_object()) return std::nullopt;
    const auto* name = v.as_object().if_contains("full_name");
    if (!name || !name->is_string() || name->as_string().empty()) return std::nullopt;
    return std::string(name->as_string());
  } catch (const std::exception& e) {
    rto::log::warn("user service lookup failed", {{"customer_id", customer_id}, {"error", e.what()}});
    return std::nullopt;
  }
}

}  // namespace payment_service
