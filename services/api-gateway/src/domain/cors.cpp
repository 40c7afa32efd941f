#include "domain/cors.hpp"

namespace gateway {

bool CorsPolicy::allows(std::string_view origin) const noexcept {
  if (origin.empty() || origin == "null") return false;
  for (const auto& o : origins)
    if (o == "*" || rto::http::iequals(o, origin)) return true;
  return false;
}

CorsDecision cors_decide(const CorsPolicy& policy, rto::http::Method method, const rto::http::Headers& h) {
  CorsDecision d;
  auto origin = h.get("Origin");
  d.preflight = method == rto::http::Method::Options && origin && h.contains("Access-Control-Request-Method");
  if (!origin || !policy.allows(*origin)) return d;
  d.allowed = true;
  d.headers.set("Access-Control-Allow-Origin", std::string(*origin));
  if (d.preflight) {
    d.headers.set("Access-Control-Allow-Methods", policy.allow_methods);
    d.headers.set("Access-Control-Allow-Headers", policy.allow_headers);
    d.headers.set("Access-Control-Max-Age", std::to_string(policy.max_age_seconds));
    d.headers.set("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  } else {
    d.headers.set("Access-Control-Expose-Headers", policy.expose_headers);
    d.headers.set("Vary", "Origin");
  }
  return d;
}

}  // namespace gateway
