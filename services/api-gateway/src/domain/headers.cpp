#include "domain/headers.hpp"

#include <vector>

namespace gateway {
namespace {

using rto::http::iequals;

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Header names listed in a Connection header ("Connection: close, X-Foo").
std::vector<std::string_view> connection_tokens(const rto::http::Headers& in) {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : in) {
    if (!iequals(k, "Connection")) continue;
    std::string_view s = v;
    std::size_t i = 0;
    while (i <= s.size()) {
      auto j = s.find(',', i);
      if (j == std::string_view::npos) j = s.size();
      auto t = s.substr(i, j - i);
      while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
      while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
      if (!t.empty()) out.push_back(t);
      i = j + 1;
    }
  }
  return out;
}

bool listed(const std::vector<std::string_view>& names, std::string_view name) noexcept {
  for (auto n : names)
    if (iequals(n, name)) return true;
  return false;
}

}  // namespace

bool is_hop_by_hop(std::string_view name) noexcept {
  static constexpr std::string_view kHop[] = {"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
                                              "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade"};
  for (auto h : kHop)
    if (iequals(h, name)) return true;
  return false;
}

bool is_identity_header(std::string_view name) noexcept {
  return iequals(name, "X-Forwarded-User") || istarts_with(name, "X-User-") || istarts_with(name, "X-Service-");
}

rto::http::Headers filter_request_headers(const rto::http::Headers& in) {
  auto dropped = connection_tokens(in);
  rto::http::Headers out;
  out.reserve(in.size());
  for (const auto& [k, v] : in) {
    if (is_hop_by_hop(k) || listed(dropped, k) || is_identity_header(k)) continue;
    if (iequals(k, "Host") || iequals(k, "Content-Length") || iequals(k, "Expect")) continue;
    if (istarts_with(k, "X-Forwarded-") || iequals(k, "Forwarded") || iequals(k, "X-Real-IP") ||
        iequals(k, "X-Request-Id"))
      continue;
    out.add(k, v);
  }
  return out;
}

rto::http::Headers filter_response_headers(const rto::http::Headers& in) {
  auto dropped = connection_tokens(in);
  rto::http::Headers out;
  out.reserve(in.size());
  for (const auto& [k, v] : in) {
    if (is_hop_by_hop(k) || listed(dropped, k)) continue;
    if (iequals(k, "Content-Length") || istarts_with(k, "Access-Control-")) continue;
    out.add(k, v);
  }
  return out;
}

void add_security_headers(rto::http::Headers& h, bool api) {
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "no-referrer");
  h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  // API answers are not cached unless the upstream says otherwise (listing images are
  // immutable and served with a long max-age and an ETag).
  if (api && !h.contains("Cache-Control")) h.set("Cache-Control", "no-store");
}

}  // namespace gateway
