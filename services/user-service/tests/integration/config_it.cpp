// Start-up configuration: every missing or invalid variable is named.
#include <cstdlib>
#include <rto/testing/service.hpp>
#include <rto/testing/env.hpp>

#include "config.hpp"
#include "fixture.hpp"

namespace {

using rto::testing::EnvGuard;

void set_valid(EnvGuard& g) {
  g.set("DATABASE_URL", "postgresql://u@127.0.0.1:1/userdb");
  g.set("JWT_PUBLIC_KEYS", rto::testing::kJwtPublicKeys);
  g.set("JWT_PRIVATE_KEY", rto::testing::kJwtPrivateKey);
  g.set("SERVICE_TOKEN_SECRET", "0123456789abcdef0123456789abcdef0123");
  g.set("ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  g.set("ADMIN_PHONE", "0701000001");
  g.set("ADMIN_PASSWORD", "Admin-Pass-2026");
  g.set("DEFAULT_REGION", nullptr);
  g.set("PASSWORD_HASH_PROFILE", nullptr);
  g.set("PORT", nullptr);
}

std::string config_error() {
  try {
    user_service::UserConfig::from_environment();
  } catch (const rto::ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(Config, ReadsAndDefaults) {
  EnvGuard g;
  set_valid(g);
  auto c = user_service::UserConfig::from_environment();
  EXPECT_EQ(c.common.service, "user-service");
  EXPECT_EQ(c.common.port, 8081);
  EXPECT_EQ(c.default_region, "UG");
  EXPECT_EQ(c.admin_phone, "+256701000001");
  EXPECT_EQ(c.password_hash_profile, "interactive");
}

TEST(Config, MissingVariablesAreNamed) {
  EnvGuard g;
  set_valid(g);
  g.set("ENCRYPTION_KEY", nullptr);
  g.set("ADMIN_PHONE", nullptr);
  g.set("ADMIN_PASSWORD", nullptr);
  auto e = config_error();
  EXPECT_NE(e.find("ENCRYPTION_KEY"), std::string::npos) << e;
  EXPECT_NE(e.find("ADMIN_PHONE"), std::string::npos) << e;
  EXPECT_NE(e.find("ADMIN_PASSWORD"), std::string::npos) << e;
}

TEST(Config, InvalidValuesAreNamed) {
  EnvGuard g;
  set_valid(g);
  g.set("ENCRYPTION_KEY", "c2hvcnQ=");
  g.set("ADMIN_PHONE", "12");
  g.set("PASSWORD_HASH_PROFILE", "fast");
  auto e = config_error();
  EXPECT_NE(e.find("ENCRYPTION_KEY"), std::string::npos) << e;
  EXPECT_NE(e.find("ADMIN_PHONE"), std::string::npos) << e;
  EXPECT_NE(e.find("PASSWORD_HASH_PROFILE"), std::string::npos) << e;

  EnvGuard g2;
  g2.set("ADMIN_PHONE", "0701000001");
  g2.set("ENCRYPTION_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  g2.set("PASSWORD_HASH_PROFILE", nullptr);
  g2.set("ADMIN_PASSWORD", "12345678");
  g2.set("DEFAULT_REGION", "uganda");
  auto e2 = config_error();
  EXPECT_NE(e2.find("DEFAULT_REGION"), std::string::npos) << e2;

  EnvGuard g3;
  g3.set("DEFAULT_REGION", nullptr);
  auto e3 = config_error();
  EXPECT_NE(e3.find("ADMIN_PASSWORD"), std::string::npos) << e3;
}
