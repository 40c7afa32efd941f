#include "config.hpp"

#include <rto/crypto.hpp>
#include <rto/http.hpp>

namespace credit_service {

namespace {
void url(rto::config::Env& env, const char* name, std::string& out) {
  out = env.string(name, out);
  try {
    rto::http::Endpoint::parse(out);
  } catch (const std::exception&) {
    env.fail(name, "must be an http://host:port URL");
  }
}
}  // namespace

CreditConfig CreditConfig::read(rto::config::Env& env) {
  CreditConfig c;
  c.common = rto::config::Common::read(env, "credit-service", 8083, true);

  c.encryption_key = env.required("ENCRYPTION_KEY");
  if (!c.encryption_key.empty()) {
    try {
      rto::crypto::FieldCipher probe(c.encryption_key);
    } catch (const rto::ConfigError&) {
      env.fail("ENCRYPTION_KEY", "must be the base64 encoding of exactly 32 bytes (`openssl rand -base64 32`)");
    }
  }
  url(env, "USER_SERVICE_URL", c.user_service_url);
  url(env, "VEHICLE_SERVICE_URL", c.vehicle_service_url);
  url(env, "PAYMENT_SERVICE_URL", c.payment_service_url);

  c.approval_ttl_days = static_cast<int>(env.integer("CREDIT_APPROVAL_TTL_DAYS", 30, 1, 365));
  c.affordability_max_percent = static_cast<int>(env.integer("CREDIT_AFFORDABILITY_MAX_PERCENT", 40, 1, 100));
  c.expiry_interval = std::chrono::seconds(env.integer("CREDIT_EXPIRY_INTERVAL_SECONDS", 300, 1, 86400));
  c.neighbour_timeout = env.millis("NEIGHBOUR_TIMEOUT_MS", 5000, 100, 60000);

  c.default_region = env.string("DEFAULT_REGION", "UG");
  bool region_ok = c.default_region.size() == 2 && c.default_region[0] >= 'A' && c.default_region[0] <= 'Z' &&
                   c.default_region[1] >= 'A' && c.default_region[1] <= 'Z';
  if (!region_ok) env.fail("DEFAULT_REGION", "must be an ISO 3166 alpha-2 region code such as UG or KE");

  env.done();
  return c;
}

CreditConfig CreditConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace credit_service
