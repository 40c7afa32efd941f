#pragma once
// CORS decisions for browser clients (the web frontend). Pure: from the request's method and
// headers to the headers to add. An allowed origin is echoed with Vary: Origin; a disallowed
// origin gets no CORS headers at all, so the browser blocks the response.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rto/http.hpp"

namespace gateway {

struct CorsPolicy {
  std::vector<std::string> origins;  // exact origins ("http://localhost:3000"); "*" allows any
  std::string allow_methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  std::string allow_headers = "Authorization, Content-Type, Accept, Accept-Language, X-Request-Id, Idempotency-Key";
  std::string expose_headers = "X-Request-Id, Retry-After, Location";
  int max_age_seconds = 600;

  bool allows(std::string_view origin) const noexcept;
};

struct CorsDecision {
  bool preflight = false;  // OPTIONS with Origin and Access-Control-Request-Method
  bool allowed = false;    // the Origin is on the list
  rto::http::Headers headers;  // to add to the response (empty when not allowed)
};

CorsDecision cors_decide(const CorsPolicy& policy, rto::http::Method method, const rto::http::Headers& request_headers);

}  // namespace gateway
