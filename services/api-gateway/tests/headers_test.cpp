#include <gtest/gtest.h>

#include "domain/headers.hpp"

using rto::http::Headers;

TEST(Headers, HopByHopAndIdentity) {
  EXPECT_TRUE(gateway::is_hop_by_hop("connection"));
  EXPECT_TRUE(gateway::is_hop_by_hop("Transfer-Encoding"));
  EXPECT_TRUE(gateway::is_hop_by_hop("Keep-Alive"));
  EXPECT_FALSE(gateway::is_hop_by_hop("Authorization"));
  EXPECT_TRUE(gateway::is_identity_header("x-user-id"));
  EXPECT_TRUE(gateway::is_identity_header("X-User-Roles"));
  EXPECT_TRUE(gateway::is_identity_header("X-Service-Name"));
  EXPECT_TRUE(gateway::is_identity_header("X-Forwarded-User"));
  EXPECT_TRUE(gateway::is_identity_header("X-User-Anything"));
  EXPECT_FALSE(gateway::is_identity_header("X-Username-Hint"));
  EXPECT_FALSE(gateway::is_identity_header("Authorization"));
}

TEST(Headers, RequestFilter) {
  Headers in;
  in.add("Host", "gateway.example");
  in.add("Connection", "keep-alive, X-Secret-Hop");
  in.add("X-Secret-Hop", "1");
  in.add("Keep-Alive", "timeout=5");
  in.add("Transfer-Encoding", "chunked");
  in.add("Upgrade", "websocket");
  in.add("Content-Length", "12");
  in.add("Content-Type", "application/json");
  in.add("Authorization", "Bearer abc");
  in.add("X-User-Id", "someone-else");
  in.add("x-user-roles", "admin");
  in.add("X-Service-Name", "payment");
  in.add("X-Forwarded-User", "admin");
  in.add("X-Forwarded-For", "6.6.6.6");
  in.add("X-Forwarded-Proto", "https");
  in.add("Forwarded", "for=6.6.6.6");
  in.add("X-Real-IP", "6.6.6.6");
  in.add("X-Request-Id", "abc");
  in.add("Accept-Language", "sw");
  in.add("Idempotency-Key", "k1");
  auto out = gateway::filter_request_headers(in);
  std::vector<std::string> names;
  for (const auto& [k, v] : out) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"Content-Type", "Authorization", "Accept-Language", "Idempotency-Key"}));
}

TEST(Headers, ResponseFilter) {
  Headers in;
  in.add("Content-Type", "application/json");
  in.add("Content-Length", "10");
  in.add("Connection", "close");
  in.add("Transfer-Encoding", "chunked");
  in.add("Access-Control-Allow-Origin", "*");
  in.add("Location", "/api/v1/users/1");
  in.add("Set-Cookie", "a=b");
  in.add("Set-Cookie", "c=d");
  auto out = gateway::filter_response_headers(in);
  std::vector<std::string> names;
  for (const auto& [k, v] : out) names.push_back(k);
  EXPECT_EQ(names, (std::vector<std::string>{"Content-Type", "Location", "Set-Cookie", "Set-Cookie"}));
}

TEST(Headers, SecurityHeaders) {
  Headers h;
  gateway::add_security_headers(h, true);
  EXPECT_EQ(h.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(h.get("X-Frame-Options"), "DENY");
  EXPECT_EQ(h.get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(h.get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(h.get("Cache-Control"), "no-store");
  Headers other;
  gateway::add_security_headers(other, false);
  EXPECT_FALSE(other.contains("Cache-Control"));
  // An upstream's own caching policy (immutable listing images) is kept.
  Headers image;
  image.set("Cache-Control", "public, max-age=31536000, immutable");
  gateway::add_security_headers(image, true);
  EXPECT_EQ(image.get("Cache-Control"), "public, max-age=31536000, immutable");
}
