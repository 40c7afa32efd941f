// Start-up configuration: defaults, and every missing or invalid variable named.
#include <cstdlib>
#include <rto/testing/service.hpp>
#include <rto/testing/env.hpp>

#include "config.hpp"
#include "fixture.hpp"

namespace {

using rto::testing::EnvGuard;

void set_valid(EnvGuard& g) {
  g.set("DATABASE_URL", "postgresql://u@127.0.0.1:1/creditdb");
  g.set("JWT_PUBLIC_KEYS", rto::testing::kJwtPublicKeys);
  g.set("SERVICE_TOKEN_SECRET", "0123456789abcdef0123456789abcdef0123");
  g.set("ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  for (auto k : {"USER_SERVICE_URL", "VEHICLE_SERVICE_URL", "PAYMENT_SERVICE_URL", "CREDIT_APPROVAL_TTL_DAYS",
                 "CREDIT_AFFORDABILITY_MAX_PERCENT", "CREDIT_EXPIRY_INTERVAL_SECONDS", "DEFAULT_REGION",
                 "NEIGHBOUR_TIMEOUT_MS", "PORT", "OPERATOR_TZ", "OPERATOR_UTC_OFFSET_MINUTES", "TZDIR"})
    g.set(k, nullptr);
}

std::string config_error() {
  try {
    credit_service::CreditConfig::from_environment();
  } catch (const rto::ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(Config, Defaults) {
  EnvGuard g;
  set_valid(g);
  auto c = credit_service::CreditConfig::from_environment();
  EXPECT_EQ(c.common.service, "credit-service");
  EXPECT_EQ(c.common.port, 8083);
  EXPECT_EQ(c.user_service_url, "http://127.0.0.1:8081");
  EXPECT_EQ(c.vehicle_service_url, "http://127.0.0.1:8082");
  EXPECT_EQ(c.payment_service_url, "http://127.0.0.1:8084");
  EXPECT_EQ(c.approval_ttl_days, 30);
  EXPECT_EQ(c.affordability_max_percent, 40);
  EXPECT_EQ(c.expiry_interval, std::chrono::seconds(300));
  EXPECT_EQ(c.default_region, "UG");
  EXPECT_EQ(c.zone.name(), "Africa/Kampala");
  EXPECT_EQ(c.zone.offset_at(std::chrono::system_clock::now()), 3 * 3600);
}

TEST(Config, ReadsTheCreditSettings) {
  EnvGuard g;
  set_valid(g);
  g.set("CREDIT_APPROVAL_TTL_DAYS", "14");
  g.set("CREDIT_AFFORDABILITY_MAX_PERCENT", "35");
  g.set("PAYMENT_SERVICE_URL", "http://payments.internal:9084");
  g.set("OPERATOR_TZ", "Africa/Lagos");
  auto c = credit_service::CreditConfig::from_environment();
  EXPECT_EQ(c.zone.name(), "Africa/Lagos");
  EXPECT_EQ(c.zone.offset_at(std::chrono::system_clock::now()), 3600);
  EXPECT_EQ(c.approval_ttl_days, 14);
  EXPECT_EQ(c.affordability_max_percent, 35);
  EXPECT_EQ(c.payment_service_url, "http://payments.internal:9084");
}

TEST(Config, EveryProblemIsNamed) {
  EnvGuard g;
  set_valid(g);
  g.set("ENCRYPTION_KEY", "too-short");
  g.set("CREDIT_APPROVAL_TTL_DAYS", "0");
  g.set("CREDIT_AFFORDABILITY_MAX_PERCENT", "150");
  g.set("USER_SERVICE_URL", "ftp://nowhere");
  g.set("DATABASE_URL", nullptr);
  g.set("OPERATOR_TZ", "../etc/passwd");
  auto err = config_error();
  for (auto name : {"ENCRYPTION_KEY", "CREDIT_APPROVAL_TTL_DAYS", "CREDIT_AFFORDABILITY_MAX_PERCENT",
                    "USER_SERVICE_URL", "DATABASE_URL", "OPERATOR_TZ"})
    EXPECT_NE(err.find(name), std::string::npos) << name << " in: " << err;
}
