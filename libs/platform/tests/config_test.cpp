#include <gtest/gtest.h>

#include <cstdlib>

#include "rto/config.hpp"

TEST(Config, NamesEveryMissingOrInvalidVariable) {
  ::unsetenv("JWT_SECRET");
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
    EXPECT_NE(m.find("JWT_SECRET"), std::string::npos);
    EXPECT_NE(m.find("SERVICE_TOKEN_SECRET"), std::string::npos);
    EXPECT_NE(m.find("PORT"), std::string::npos);
    EXPECT_NE(m.find("DATABASE_URL"), std::string::npos);
  }
  ::unsetenv("PORT");
}

TEST(Config, ReadsValidValues) {
  ::setenv("JWT_SECRET", "0123456789abcdef0123456789abcdef", 1);
  ::setenv("SERVICE_TOKEN_SECRET", "fedcba9876543210fedcba9876543210", 1);
  ::setenv("HTTP_WORKERS", "4", 1);
  rto::config::Env env;
  auto c = rto::config::Common::read(env, "svc", 8081, false);
  env.done();
  EXPECT_EQ(c.port, 8081);
  EXPECT_EQ(c.http_workers, 4);
  ::setenv("JWT_SECRET", "short", 1);
  rto::config::Env env2;
  rto::config::Common::read(env2, "svc", 8081, false);
  EXPECT_THROW(env2.done(), rto::ConfigError);
  ::unsetenv("HTTP_WORKERS");
}
