#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/routes.hpp"
#include "rto/errors.hpp"

using gateway::RouteTable;

namespace {

const char* kTable = R"([
  {"prefix": "/api/v1/auth", "upstream": "user", "public": true},
  {"prefix": "/api/v1/auth/logout", "upstream": "user", "public": false},
  {"prefix": "/api/v1/users/", "upstream": "user"},
  {"prefix": "/api/v1/vehicles", "upstream": "vehicle", "public_methods": ["get", "HEAD"]}
])";

std::string error_of(std::string_view json) {
  try {
    RouteTable::parse(json);
  } catch (const rto::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(RouteTable, LongestPrefixWins) {
  auto t = RouteTable::parse(kTable);
  ASSERT_NE(t.match("/api/v1/auth/login"), nullptr);
  EXPECT_EQ(t.match("/api/v1/auth/login")->prefix, "/api/v1/auth");
  EXPECT_TRUE(t.match("/api/v1/auth/login")->is_public("POST"));
  ASSERT_NE(t.match("/api/v1/auth/logout"), nullptr);
  EXPECT_EQ(t.match("/api/v1/auth/logout")->prefix, "/api/v1/auth/logout");
  EXPECT_FALSE(t.match("/api/v1/auth/logout")->is_public("POST"));
  EXPECT_EQ(t.match("/api/v1/auth/logout/")->prefix, "/api/v1/auth/logout");
  EXPECT_EQ(t.match("/api/v1/auth/logoutall")->prefix, "/api/v1/auth");
}

TEST(RouteTable, MatchesOnSegmentBoundaries) {
  auto t = RouteTable::parse(kTable);
  EXPECT_NE(t.match("/api/v1/users"), nullptr);
  EXPECT_NE(t.match("/api/v1/users/"), nullptr);
  EXPECT_NE(t.match("/api/v1/users/me/kyc"), nullptr);
  EXPECT_EQ(t.match("/api/v1/usersX"), nullptr);
  EXPECT_EQ(t.match("/api/v1/user"), nullptr);
  EXPECT_EQ(t.match("/api/v1"), nullptr);
  EXPECT_EQ(t.match("/"), nullptr);
  EXPECT_EQ(t.match("/API/v1/users"), nullptr);
  EXPECT_EQ(t.match("/api/v1/users/me")->label(), "/api/v1/users/*");
}

TEST(RouteTable, PublicMethods) {
  auto t = RouteTable::parse(kTable);
  auto* v = t.match("/api/v1/vehicles/123");
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->is_public("GET"));
  EXPECT_TRUE(v->is_public("HEAD"));
  EXPECT_FALSE(v->is_public("POST"));
  EXPECT_FALSE(t.match("/api/v1/users/me")->is_public("GET"));  // default: token required
}

TEST(RouteTable, Upstreams) {
  auto t = RouteTable::parse(kTable);
  EXPECT_EQ(t.upstreams(), (std::vector<std::string>{"user", "vehicle"}));
  EXPECT_EQ(gateway::upstream_env_var("user"), "UPSTREAM_USER_URL");
  EXPECT_EQ(gateway::upstream_env_var("kyc-docs"), "UPSTREAM_KYC_DOCS_URL");
}

TEST(RouteTable, AcceptsObjectForm) {
  auto t = RouteTable::parse(R"({"routes": [{"prefix": "/api/v1/users", "upstream": "user"}]})");
  EXPECT_EQ(t.entries().size(), 1u);
}

TEST(RouteTable, RefusesBadTablesNamingTheEntry) {
  EXPECT_NE(error_of("not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of("[]").find("no routes"), std::string::npos);
  EXPECT_NE(error_of("42").find("expected a list"), std::string::npos);
  EXPECT_NE(error_of(R"([{"upstream": "user"}])").find("routes[0].prefix"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "api/v1/x", "upstream": "user"}])").find("routes[0].prefix"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/", "upstream": "user"}])").find("routes[0].prefix"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/../x", "upstream": "user"}])").find("routes[0].prefix"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/internal/users", "upstream": "user"}])").find("/internal"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "user"}, {"prefix": "/api/a/", "upstream": "x"}])")
                .find("routes[1].prefix: duplicate"),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a"}])").find("routes[0].upstream"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "User Service"}])").find("routes[0].upstream"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "u", "public": "yes"}])").find("routes[0].public"), std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "u", "public_methods": ["FETCH"]}])").find("FETCH"),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "u", "public": true, "public_methods": ["GET"]}])")
                .find("either"),
            std::string::npos);
  EXPECT_NE(error_of(R"([{"prefix": "/api/a", "upstream": "u", "pubic": true}])").find("routes[0].pubic: unknown"),
            std::string::npos);
}

TEST(RouteTable, InternalAndCleanPaths) {
  EXPECT_TRUE(gateway::is_internal_path("/internal"));
  EXPECT_TRUE(gateway::is_internal_path("/internal/users/1"));
  EXPECT_FALSE(gateway::is_internal_path("/internals"));
  EXPECT_FALSE(gateway::is_internal_path("/api/v1/internal"));

  EXPECT_TRUE(gateway::is_clean_path("/api/v1/users/me"));
  EXPECT_TRUE(gateway::is_clean_path("/api/v1/users/"));
  EXPECT_TRUE(gateway::is_clean_path("/"));
  EXPECT_TRUE(gateway::is_clean_path("/api/v1/files/a.b..c"));
  EXPECT_FALSE(gateway::is_clean_path("/api/v1/auth/../users/me"));
  EXPECT_FALSE(gateway::is_clean_path("/api/v1/auth/.."));
  EXPECT_FALSE(gateway::is_clean_path("/api/v1/./users"));
  EXPECT_FALSE(gateway::is_clean_path("/api//v1/users"));
  EXPECT_FALSE(gateway::is_clean_path("/api/v1\\users"));
  EXPECT_FALSE(gateway::is_clean_path(std::string_view("/api/v1/u\0x", 11)));
  EXPECT_FALSE(gateway::is_clean_path("api/v1/users"));
}

TEST(RouteTable, ShippedTableIsValid) {
  std::ifstream in(std::string(GATEWAY_SOURCE_DIR) + "/routes.json");
  ASSERT_TRUE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  auto t = RouteTable::parse(ss.str());
  EXPECT_TRUE(t.match("/api/v1/auth/login")->is_public("POST"));
  EXPECT_TRUE(t.match("/api/v1/auth/register")->is_public("POST"));
  EXPECT_TRUE(t.match("/api/v1/auth/refresh")->is_public("POST"));
  EXPECT_FALSE(t.match("/api/v1/auth/logout")->is_public("POST"));
  EXPECT_FALSE(t.match("/api/v1/users/me")->is_public("GET"));
  EXPECT_EQ(t.match("/api/v1/users/me")->upstream, "user");
  EXPECT_EQ(t.match("/internal/users/1"), nullptr);
  EXPECT_EQ(t.match("/api/v1/telematics/vehicles/1/position")->upstream, "telematics");
  EXPECT_FALSE(t.match("/api/v1/telematics/trackers")->is_public("GET"));
  EXPECT_EQ(t.match("/api/v1/support/tickets")->upstream, "support");
  EXPECT_FALSE(t.match("/api/v1/support/tickets")->is_public("POST"));
  // Delivery reports come from the SMS provider: public, and to support, not to the payment webhooks.
  EXPECT_EQ(t.match("/api/v1/webhooks/sms")->upstream, "support");
  EXPECT_TRUE(t.match("/api/v1/webhooks/sms")->is_public("POST"));
  EXPECT_EQ(t.match("/api/v1/webhooks/mtn_momo")->upstream, "payment");
}

TEST(RouteTable, BodyLimitPerRoute) {
  auto t = RouteTable::parse(R"([
    {"prefix": "/api/v1/vehicles", "upstream": "vehicle", "body_limit": 6291456},
    {"prefix": "/api/v1/webhooks", "upstream": "payment", "public": true, "body_limit": 16384},
    {"prefix": "/api/v1/users", "upstream": "user"}
  ])");
  EXPECT_EQ(t.body_limit("/api/v1/vehicles/v-1/images?x=1", 1024), 6291456u);
  EXPECT_EQ(t.body_limit("/api/v1/webhooks/mpesa", 1 << 20), 16384u);
  EXPECT_EQ(t.body_limit("/api/v1/users/me", 1 << 20), static_cast<std::size_t>(1 << 20));
  EXPECT_EQ(t.body_limit("/nowhere", 777), 777u);
  EXPECT_THROW(RouteTable::parse(R"([{"prefix": "/a", "upstream": "u", "body_limit": 10}])"), rto::ConfigError);
  EXPECT_THROW(RouteTable::parse(R"([{"prefix": "/a", "upstream": "u", "body_limit": "big"}])"), rto::ConfigError);
}
