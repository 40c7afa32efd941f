#include "config.hpp"

#include <rto/operator_zone.hpp>

namespace credit_service {

CreditConfig CreditConfig::read(rto::config::Env& env) {
  CreditConfig c;
  c.common = rto::config::Common::read(env, "credit-service", 8083, true);

  c.encryption_key = env.encryption_key();
  c.user_service_url = env.url("USER_SERVICE_URL", c.user_service_url);
  c.vehicle_service_url = env.url("VEHICLE_SERVICE_URL", c.vehicle_service_url);
  c.payment_service_url = env.url("PAYMENT_SERVICE_URL", c.payment_service_url);

  c.approval_ttl_days = static_cast<int>(env.integer("CREDIT_APPROVAL_TTL_DAYS", 30, 1, 365));
  c.affordability_max_percent = static_cast<int>(env.integer("CREDIT_AFFORDABILITY_MAX_PERCENT", 40, 1, 100));
  c.expiry_interval = std::chrono::seconds(env.integer("CREDIT_EXPIRY_INTERVAL_SECONDS", 300, 1, 86400));
  c.neighbour_timeout = env.millis("NEIGHBOUR_TIMEOUT_MS", 5000, 100, 60000);

  c.default_region = env.region();
  c.zone = rto::config::operator_zone(env);

  env.done();
  return c;
}

CreditConfig CreditConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace credit_service
