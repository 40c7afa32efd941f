#include "clients.hpp"

#include <boost/json.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>

namespace credit_service {
namespace js = boost::json;

namespace {

rto::http::ClientOptions options(const CreditConfig& cfg) {
  rto::http::ClientOptions o;
  o.connect_timeout = std::min(cfg.neighbour_timeout, std::chrono::milliseconds(2000));
  o.request_timeout = cfg.neighbour_timeout;
  return o;
}

}  // namespace

Clients::Clients(const CreditConfig& cfg, const rto::auth::Tokens& tokens)
    : users_(cfg.user_service_url, tokens, cfg.common.service, "user-service", options(cfg)),
      vehicles_(cfg.vehicle_service_url, tokens, cfg.common.service, "vehicle-service", options(cfg)),
      payments_(cfg.payment_service_url, options(cfg)) {}

std::optional<Customer> Clients::customer(const std::string& id) {
  auto v = users_.get_json("/internal/users/" + id);
  if (!v) return std::nullopt;
  return parse_customer(*v);
}

std::optional<Vehicle> Clients::vehicle(const std::string& id) {
  auto v = vehicles_.get_json("/internal/vehicles/" + id);
  if (!v) return std::nullopt;
  return parse_vehicle(*v);
}

QuoteOutcome Clients::quote(const std::string& vehicle_id, const std::string& template_id,
                            std::string_view authorization) {
  QuoteOutcome out;
  rto::http::Headers h;
  h.set("Content-Type", "application/json");
  h.set("Accept", "application/json");
  if (!authorization.empty()) h.set("Authorization", std::string(authorization));
  const auto body = js::serialize(js::object{{"vehicle_id", vehicle_id}, {"template_id", template_id}});
  rto::http::ClientResponse res;
  try {
    res = payments_.send(rto::http::Method::Post, "/api/v1/plans/quote", h, body);
  } catch (const rto::http::UpstreamError& e) {
    rto::log::warn("payment service unreachable for a quote", {{"error", e.what()}});
    out.detail = "unreachable";
    return out;
  }
  if (res.status == 200) {
    try {
      out.quote = parse_quote(res.json());
      out.kind = QuoteOutcome::Kind::Quoted;
    } catch (const rto::Error& e) {
      rto::log::warn("payment service quote unreadable", {{"error", e.detail()}});
      out.detail = "unreadable answer";
    }
    return out;
  }
  if (res.status == 404) {
    out.kind = QuoteOutcome::Kind::NotFound;
    return out;
  }
  if (res.status == 400 || res.status == 409 || res.status == 422) {
    out.kind = QuoteOutcome::Kind::Refused;
    boost::system::error_code ec;
    auto v = js::parse(res.body, ec);
    if (!ec && v.is_object())
      if (const auto* d = v.as_object().if_contains("detail"); d && d->is_string())
        out.detail = std::string(d->as_string());
    return out;
  }
  rto::log::warn("payment service answered a quote with an error", {{"status", res.status}});
  out.detail = "status " + std::to_string(res.status);
  return out;
}

}  // namespace credit_service
