#include <gtest/gtest.h>

#include <cstdlib>
#include <rto/testing/env.hpp>
#include <fstream>

#include "rto/testing/service.hpp"
#include "config.hpp"

namespace {

using rto::testing::EnvGuard;

std::string write_temp(const std::string& text) {
  std::string path = ::testing::TempDir() + "routes_" + std::to_string(::getpid()) + "_" +
                     std::to_string(std::rand()) + ".json";
  std::ofstream(path) << text;
  return path;
}

void base_env(EnvGuard& g) {
  g.set("JWT_PUBLIC_KEYS", rto::testing::kJwtPublicKeys);  // the gateway holds no signing key
}

std::string read_error(EnvGuard&) {
  rto::config::Env env;
  gateway::Config::read(env);
  try {
    env.done();
  } catch (const rto::ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(GatewayConfig, ReadsRoutesUpstreamsAndLimits) {
  EnvGuard g;
  base_env(g);
  g.set("GATEWAY_ROUTES_FILE", std::string(GATEWAY_SOURCE_DIR) + "/routes.json");
  g.set("UPSTREAM_USER_URL", "http://127.0.0.1:8081/");
  g.set("UPSTREAM_VEHICLE_URL", "http://127.0.0.1:8082");
  g.set("UPSTREAM_CREDIT_URL", "http://127.0.0.1:8083");
  g.set("UPSTREAM_PAYMENT_URL", "http://127.0.0.1:8084");
  g.set("UPSTREAM_TELEMATICS_URL", "http://127.0.0.1:8085");
  g.set("UPSTREAM_SUPPORT_URL", "http://127.0.0.1:8086");
  g.set("AMQP_URL", "amqp://hub:secret@127.0.0.1:5999/");
  g.set("RATE_AUTH_PER_IP_RPS", "5");
  g.set("RATE_AUTH_PER_IP_BURST", "10");
  g.set("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8");
  g.set("CORS_ORIGINS", "http://localhost:3000, https://app.example.com");
  rto::config::Env env;
  auto c = gateway::Config::read(env);
  ASSERT_NO_THROW(env.done());
  EXPECT_EQ(c.common.port, 8080);
  EXPECT_EQ(c.upstream_urls.at("user"), "http://127.0.0.1:8081");
  EXPECT_EQ(c.upstream_urls.at("payment"), "http://127.0.0.1:8084");
  EXPECT_EQ(c.realtime_max_queue, 64u);
  // The real-time hub subscribes to the broker, so the gateway reads its URL too.
  EXPECT_EQ(c.common.amqp_url, "amqp://hub:secret@127.0.0.1:5999/");
  EXPECT_EQ(c.common.exchange, "rto.events");
  EXPECT_EQ(c.auth_per_ip.rate, 5);
  EXPECT_EQ(c.auth_per_ip.burst, 10);
  EXPECT_EQ(c.per_ip.rate, 50);
  EXPECT_EQ(c.per_ip.burst, 200);
  EXPECT_EQ(c.per_user.rate, 20);
  EXPECT_EQ(c.per_user.burst, 60);
  EXPECT_EQ(c.cors.origins.size(), 2u);
  EXPECT_EQ(c.upstream_timeout, std::chrono::milliseconds(10000));
}

TEST(GatewayConfig, MissingUpstreamUrlIsNamed) {
  EnvGuard g;
  base_env(g);
  g.set("GATEWAY_ROUTES_FILE", write_temp(R"([{"prefix": "/api/v1/users", "upstream": "user"},
                                               {"prefix": "/api/v1/plans", "upstream": "payment"}])"));
  g.set("UPSTREAM_USER_URL", "http://127.0.0.1:8081");
  auto err = read_error(g);
  EXPECT_NE(err.find("UPSTREAM_PAYMENT_URL"), std::string::npos) << err;
  EXPECT_NE(err.find("'payment'"), std::string::npos) << err;
}

TEST(GatewayConfig, BadUpstreamUrlIsNamed) {
  EnvGuard g;
  base_env(g);
  g.set("GATEWAY_ROUTES_FILE", std::string(GATEWAY_SOURCE_DIR) + "/routes.json");
  g.set("UPSTREAM_USER_URL", "https://user:8081");
  auto err = read_error(g);
  EXPECT_NE(err.find("UPSTREAM_USER_URL"), std::string::npos) << err;
}

TEST(GatewayConfig, BadOrMissingRoutesFileIsNamed) {
  EnvGuard g;
  base_env(g);
  g.set("GATEWAY_ROUTES_FILE", "/nonexistent/routes.json");
  auto err = read_error(g);
  EXPECT_NE(err.find("GATEWAY_ROUTES_FILE"), std::string::npos) << err;
  EXPECT_NE(err.find("/nonexistent/routes.json"), std::string::npos) << err;

  g.set("GATEWAY_ROUTES_FILE", write_temp(R"([{"prefix": "/api/v1/users", "upstream": "user", "public": "no"}])"));
  err = read_error(g);
  EXPECT_NE(err.find("GATEWAY_ROUTES_FILE"), std::string::npos) << err;
  EXPECT_NE(err.find("routes[0].public"), std::string::npos) << err;
}

TEST(GatewayConfig, BadLimitsProxiesAndOrigins) {
  EnvGuard g;
  base_env(g);
  g.set("GATEWAY_ROUTES_FILE", std::string(GATEWAY_SOURCE_DIR) + "/routes.json");
  g.set("UPSTREAM_USER_URL", "http://127.0.0.1:8081");
  g.set("RATE_PER_IP_RPS", "lots");
  g.set("TRUSTED_PROXIES", "proxy.internal");
  g.set("CORS_ORIGINS", "localhost:3000");
  auto err = read_error(g);
  EXPECT_NE(err.find("RATE_PER_IP_RPS"), std::string::npos) << err;
  EXPECT_NE(err.find("TRUSTED_PROXIES"), std::string::npos) << err;
  EXPECT_NE(err.find("CORS_ORIGINS"), std::string::npos) << err;
}
