#include <gtest/gtest.h>

#include <cstdlib>

#include "rto/config.hpp"
#include "rto/testing/service.hpp"
#include <string>
#include <vector>

TEST(Config, NamesEveryMissingOrInvalidVariable) {
  ::unsetenv("JWT_PUBLIC_KEYS");
  ::unsetenv("SERVICE_TOKEN_SECRET");
  ::setenv("PORT", "notanumber", 1);
  ::unsetenv("DATABASE_URL");
  rto::config::Env env;
  rto::config::Common::read(env, "svc", 8081, true);
  try {
    env.done();
    FAIL();
  } catch (const rto::ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("JWT_PUBLIC_KEYS"), std::string::npos);
    EXPECT_NE(m.find("SERVICE_TOKEN_SECRET"), std::string::npos);
    EXPECT_NE(m.find("PORT"), std::string::npos);
    EXPECT_NE(m.find("DATABASE_URL"), std::string::npos);
  }
  ::unsetenv("PORT");
}

TEST(Config, ReadsValidValues) {
  ::setenv("JWT_PUBLIC_KEYS", rto::testing::kJwtPublicKeys, 1);
  ::setenv("SERVICE_TOKEN_SECRET", "fedcba9876543210fedcba9876543210", 1);
  ::setenv("HTTP_WORKERS", "4", 1);
  rto::config::Env env;
  auto c = rto::config::Common::read(env, "svc", 8081, false);
  env.done();
  EXPECT_EQ(c.port, 8081);
  EXPECT_EQ(c.http_workers, 4);
  ::setenv("SERVICE_TOKEN_SECRET", "short", 1);
  rto::config::Env env2;
  rto::config::Common::read(env2, "svc", 8081, false);
  EXPECT_THROW(env2.done(), rto::ConfigError);
  ::unsetenv("HTTP_WORKERS");
  ::unsetenv("SERVICE_TOKEN_SECRET");
  ::unsetenv("JWT_PUBLIC_KEYS");
}

TEST(Config, OnlyTheUserServiceSignsAndTheGatewayHoldsNoSigningKey) {
  const auto errors = [](rto::config::Common::Holds holds, std::vector<std::pair<const char*, const char*>> vars) {
    for (const auto& [k, v] : vars) ::setenv(k, v, 1);
    std::string m;
    try {
      rto::config::Env env;
      rto::config::Common::read(env, "svc", 8081, false, holds);
      env.done();
    } catch (const rto::ConfigError& e) {
      m = e.what();
    }
    for (const auto& [k, v] : vars) ::unsetenv(k);
    return m;
  };
  const std::pair<const char*, const char*> pub{"JWT_PUBLIC_KEYS", rto::testing::kJwtPublicKeys};
  const std::pair<const char*, const char*> priv{"JWT_PRIVATE_KEY", rto::testing::kJwtPrivateKey};
  const std::pair<const char*, const char*> svc{"SERVICE_TOKEN_SECRET", "fedcba9876543210fedcba9876543210"};
  const rto::config::Common::Holds signer{.access_signing_key = true}, gateway{.service_secret = false};
  EXPECT_EQ(errors(signer, {pub, priv, svc}), "");
  EXPECT_EQ(errors({}, {pub, svc}), "");
  EXPECT_EQ(errors(gateway, {pub}), "");
  EXPECT_NE(errors({}, {pub, priv, svc}).find("JWT_PRIVATE_KEY"), std::string::npos) << "only the user service signs";
  EXPECT_NE(errors(signer, {pub, svc}).find("JWT_PRIVATE_KEY"), std::string::npos) << "the user service must sign";
  EXPECT_NE(errors(gateway, {pub, svc}).find("SERVICE_TOKEN_SECRET"), std::string::npos) << "not in the gateway";
  EXPECT_NE(errors(gateway, {pub, priv}).find("JWT_PRIVATE_KEY"), std::string::npos) << "not in the gateway";
  EXPECT_NE(errors({}, {{"JWT_PUBLIC_KEYS", "garbage"}, svc}).find("JWT_PUBLIC_KEYS"), std::string::npos);
}
