#pragma once
// Which headers cross the gateway. Pure functions over rto::http::Headers.
#include <string_view>

#include "rto/http.hpp"

namespace gateway {

// Connection-level headers (RFC 9110 §7.6.1) that a proxy must not forward.
bool is_hop_by_hop(std::string_view name) noexcept;
// Headers through which the gateway tells upstreams who the caller is. A client must never be
// able to send them: X-User-Id, X-User-Roles, X-Service-Name, X-Forwarded-User, and anything
// starting with X-User- or X-Service-.
bool is_identity_header(std::string_view name) noexcept;

// The client's headers as they may go upstream: without hop-by-hop headers (including those
// named in Connection), identity headers, Host and Content-Length (the client sets its own), and
// the forwarding headers the gateway writes itself (X-Forwarded-*, Forwarded, X-Real-IP,
// X-Request-Id). Authorization is kept: upstreams check the token again.
rto::http::Headers filter_request_headers(const rto::http::Headers& in);

// The upstream's headers as they may go to the client: without hop-by-hop headers,
// Content-Length (the server sets it), and CORS headers (the gateway alone decides CORS).
rto::http::Headers filter_response_headers(const rto::http::Headers& in);

// Security headers on every gateway response; Cache-Control: no-store for API responses.
void add_security_headers(rto::http::Headers& h, bool api);

}  // namespace gateway
