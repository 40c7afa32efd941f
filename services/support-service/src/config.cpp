#include "config.hpp"

#include <rto/operator_zone.hpp>

#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace support_service {

namespace {
bool read_hours(rto::config::Env& env, const char* name, const char* def, Hours (&out)[4]) {
  auto items = env.list(name, def);
  if (items.size() != 4) {
    env.fail(name, "must be four hour counts: low, normal, high, urgent");
    return false;
  }
  for (int i = 0; i < 4; ++i) {
    int v = 0;
    auto [p, ec] = std::from_chars(items[i].data(), items[i].data() + items[i].size(), v);
    if (ec != std::errc() || p != items[i].data() + items[i].size() || v < 1 || v > 24 * 90) {
      env.fail(name, "each value must be a whole number of hours from 1 to 2160");
      return false;
    }
    out[i] = Hours(v);
  }
  return true;
}
}  // namespace

SupportConfig SupportConfig::read(rto::config::Env& env) {
  SupportConfig c;
  c.common = rto::config::Common::read(env, "support-service", 8086, true);
  c.user_service_url = env.string("USER_SERVICE_URL", "");
  c.payment_service_url = env.string("PAYMENT_SERVICE_URL", "");
  for (auto [name, url] : {std::pair{"USER_SERVICE_URL", c.user_service_url},
                           std::pair{"PAYMENT_SERVICE_URL", c.payment_service_url}}) {
    if (!url.empty() && url.rfind("http://", 0) != 0) env.fail(name, "must be an http:// URL such as http://127.0.0.1:8084");
  }
  c.default_language = env.string("DEFAULT_LANGUAGE", "en");
  if (!is_language(c.default_language)) env.fail("DEFAULT_LANGUAGE", "must be en or sw");
  read_hours(env, "SLA_FIRST_RESPONSE_HOURS", "24,8,4,1", c.sla.first_response);
  read_hours(env, "SLA_RESOLUTION_HOURS", "120,72,24,8", c.sla.resolution);
  c.sla_job = env.millis("SLA_JOB_INTERVAL_MS", 60000, 100, 3600000);
  c.notices.brand = env.string("BRAND_NAME", "RTO Motors");
  c.notices.pay_instructions = env.string("PAY_INSTRUCTIONS", "Pay with mobile money in the app.");
  c.sms_provider = env.string("SMS_PROVIDER", "outbox");
  if (c.sms_provider == "africastalking") {
    c.africastalking.base_url = env.string("AT_BASE_URL", "https://api.africastalking.com");
    c.africastalking.username = env.required("AT_USERNAME");
    c.africastalking.api_key = env.required("AT_API_KEY");
    c.africastalking.sender_id = env.string("AT_SENDER_ID", "");
  } else if (c.sms_provider != "outbox") {
    env.fail("SMS_PROVIDER", "must be outbox or africastalking");
  }
  c.sms_max_attempts = static_cast<int>(env.integer("SMS_MAX_ATTEMPTS", 5, 1, 50));
  c.sms_retry_base = std::chrono::seconds(env.integer("SMS_RETRY_BASE_SECONDS", 30, 0, 3600));
  c.sms_retry_max = std::chrono::seconds(env.integer("SMS_RETRY_MAX_SECONDS", 1800, 0, 86400));
  c.sms_job = env.millis("SMS_JOB_INTERVAL_MS", 1000, 50, 600000);
  c.sms_batch = static_cast<int>(env.integer("SMS_BATCH", 100, 1, 1000));
  c.sms_concurrency = static_cast<int>(env.integer("SMS_CONCURRENCY", 4, 1, 32));
  c.event_batch = static_cast<int>(env.integer("EVENT_BATCH", 100, 1, 500));
  c.quiet.start_hour = static_cast<int>(env.integer("SMS_QUIET_START_HOUR", 21, 0, 23));
  c.quiet.end_hour = static_cast<int>(env.integer("SMS_QUIET_END_HOUR", 7, 0, 23));
  // The operator's zone, as the payment service reads it.
  c.quiet.zone = rto::config::operator_zone(env);
  c.attachment_max_bytes =
      static_cast<std::size_t>(env.integer("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, 1024, 20 * 1024 * 1024));
  c.default_region = env.string("DEFAULT_REGION", "UG");
  env.done();
  return c;
}

SupportConfig SupportConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace support_service
