#include <gtest/gtest.h>

#include "domain/cors.hpp"

using gateway::cors_decide;
using gateway::CorsPolicy;
using rto::http::Headers;
using rto::http::Method;

namespace {
CorsPolicy policy() {
  CorsPolicy p;
  p.origins = {"http://localhost:3000", "https://app.example.com"};
  p.max_age_seconds = 600;
  return p;
}
}  // namespace

TEST(Cors, PreflightFromAllowedOrigin) {
  Headers h;
  h.set("Origin", "http://localhost:3000");
  h.set("Access-Control-Request-Method", "POST");
  h.set("Access-Control-Request-Headers", "authorization, content-type");
  auto d = cors_decide(policy(), Method::Options, h);
  EXPECT_TRUE(d.preflight);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(d.headers.get("Access-Control-Allow-Methods")->find("PATCH"), std::string::npos);
  EXPECT_NE(d.headers.get("Access-Control-Allow-Headers")->find("Authorization"), std::string::npos);
  EXPECT_EQ(d.headers.get("Access-Control-Max-Age"), "600");
  EXPECT_NE(d.headers.get("Vary")->find("Origin"), std::string::npos);
}

TEST(Cors, ActualRequestFromAllowedOrigin) {
  Headers h;
  h.set("Origin", "https://app.example.com");
  auto d = cors_decide(policy(), Method::Get, h);
  EXPECT_FALSE(d.preflight);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.headers.get("Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(d.headers.get("Vary"), "Origin");
  EXPECT_TRUE(d.headers.contains("Access-Control-Expose-Headers"));
  EXPECT_FALSE(d.headers.contains("Access-Control-Allow-Methods"));
}

TEST(Cors, DisallowedOriginGetsNoHeaders) {
  Headers h;
  h.set("Origin", "https://evil.example");
  h.set("Access-Control-Request-Method", "POST");
  auto d = cors_decide(policy(), Method::Options, h);
  EXPECT_TRUE(d.preflight);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.headers.size(), 0u);
  h.set("Origin", "null");
  EXPECT_FALSE(cors_decide(policy(), Method::Options, h).allowed);
  h.set("Origin", "http://localhost:3000.evil.example");
  EXPECT_FALSE(cors_decide(policy(), Method::Options, h).allowed);
}

TEST(Cors, NoOriginIsNotCors) {
  Headers h;
  h.set("Access-Control-Request-Method", "POST");
  auto d = cors_decide(policy(), Method::Options, h);
  EXPECT_FALSE(d.preflight);
  EXPECT_FALSE(d.allowed);
}

TEST(Cors, OptionsWithoutRequestMethodIsNotAPreflight) {
  Headers h;
  h.set("Origin", "http://localhost:3000");
  auto d = cors_decide(policy(), Method::Options, h);
  EXPECT_FALSE(d.preflight);
  EXPECT_TRUE(d.allowed);
}

TEST(Cors, Wildcard) {
  CorsPolicy p;
  p.origins = {"*"};
  Headers h;
  h.set("Origin", "https://anything.example");
  auto d = cors_decide(p, Method::Get, h);
  EXPECT_EQ(d.headers.get("Access-Control-Allow-Origin"), "https://anything.example");
}
