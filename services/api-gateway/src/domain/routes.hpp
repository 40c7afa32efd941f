#pragma once
// The gateway's route table: which path prefix goes to which upstream service, and which
// requests may pass without a token. Pure: parsing and matching only, no I/O.
//
// File format (JSON), either a list of entries or {"routes": [ ... ]}:
//   {"prefix": "/api/v1/auth", "upstream": "user", "public": true}
//   {"prefix": "/api/v1/vehicles", "upstream": "vehicle", "public_methods": ["GET", "HEAD"],
//    "body_limit": 6291456}
// "body_limit" (bytes) is the largest request body the route takes (photo uploads more than
// JSON, provider callbacks less); without it, the gateway's BODY_LIMIT_BYTES. A larger body is
// refused with 413 before it is read or proxied.
// Longest prefix wins, on segment boundaries ("/api/v1/users" matches "/api/v1/users" and
// "/api/v1/users/me", never "/api/v1/usersX"). Paths under /internal/ are never routable.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gateway {

struct RouteEntry {
  std::string prefix;    // "/api/v1/users" (no trailing slash)
  std::string upstream;  // upstream name, e.g. "user"; its URL comes from UPSTREAM_<NAME>_URL
  bool all_public = false;                  // "public": true
  std::vector<std::string> public_methods;  // "public_methods": ["GET", ...] (upper case)
  std::size_t body_limit = 0;               // "body_limit" in bytes; 0: the gateway's default

  // True when a request with this method needs no access token.
  bool is_public(std::string_view method) const noexcept;
  // Metrics/log label for the route, e.g. "/api/v1/users/*".
  std::string label() const { return prefix + "/*"; }
};

class RouteTable {
 public:
  // Throws rto::ConfigError with a message naming the offending entry and field.
  static RouteTable parse(std::string_view json_text);

  // The entry with the longest prefix that matches `path` on a segment boundary, or null.
  const RouteEntry* match(std::string_view path) const noexcept;

  const std::vector<RouteEntry>& entries() const noexcept { return entries_; }
  // The body limit of the route `target` (a request target; its query is ignored) falls under:
  // its entry's, or `fallback` when it sets none or no entry matches.
  std::size_t body_limit(std::string_view target, std::size_t fallback) const noexcept;
  // Distinct upstream names, in order of first appearance.
  std::vector<std::string> upstreams() const;

 private:
  std::vector<RouteEntry> entries_;  // sorted by prefix length, longest first
};

// true when `path` equals `prefix` or continues it with a '/'.
bool prefix_matches(std::string_view prefix, std::string_view path) noexcept;
// "user" -> "UPSTREAM_USER_URL", "kyc-docs" -> "UPSTREAM_KYC_DOCS_URL".
std::string upstream_env_var(std::string_view upstream);
// Paths that the gateway refuses to route whatever the table says: /internal and below.
bool is_internal_path(std::string_view path) noexcept;
// False for paths with "." or ".." segments, empty segments, backslashes or control bytes, which
// an upstream could normalise into a path other than the one the gateway matched.
bool is_clean_path(std::string_view path) noexcept;

}  // namespace gateway
