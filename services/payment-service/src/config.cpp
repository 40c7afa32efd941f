#include "config.hpp"

#include <rto/operator_zone.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace payment_service {

std::optional<int> parse_clock_time(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (int i : {0, 1, 3, 4})
    if (s[static_cast<std::size_t>(i)] < '0' || s[static_cast<std::size_t>(i)] > '9') return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

PaymentConfig PaymentConfig::read(rto::config::Env& env) {
  PaymentConfig c;
  c.common = rto::config::Common::read(env, "payment-service", 8084, true);

  c.zone = rto::config::operator_zone(env);

  c.vehicle_service_url = env.required("VEHICLE_SERVICE_URL");
  c.credit_service_url = env.required("CREDIT_SERVICE_URL");
  c.user_service_url = env.string("USER_SERVICE_URL", "");
  for (auto [name, url] : {std::pair{"VEHICLE_SERVICE_URL", c.vehicle_service_url},
                           std::pair{"CREDIT_SERVICE_URL", c.credit_service_url},
                           std::pair{"USER_SERVICE_URL", c.user_service_url}}) {
    if (!url.empty() && url.rfind("http://", 0) != 0) env.fail(name, "must be an http:// URL such as http://127.0.0.1:8082");
  }

  c.deposit_ttl = std::chrono::seconds(env.integer("DEPOSIT_TTL_SECONDS", 48 * 3600, 60, 30LL * 24 * 3600));
  auto run_at = env.string("DELINQUENCY_RUN_AT", "06:00");
  if (auto m = parse_clock_time(run_at))
    c.delinquency_run_minutes = *m;
  else
    env.fail("DELINQUENCY_RUN_AT", "must be a local time HH:MM such as 06:00");
  c.default_after_days = static_cast<int>(env.integer("DEFAULT_AFTER_DAYS", 60, 1, 3650));
  c.cash_backdate = std::chrono::days(env.integer("CASH_BACKDATE_DAYS", 3, 0, 60));
  c.callback_retention = std::chrono::days(env.integer("CALLBACK_RETENTION_DAYS", 30, 1, 3650));
  c.job_interval = env.millis("JOB_INTERVAL_MS", 30000, 100, 3'600'000);
  c.figures_interval = env.millis("FIGURES_INTERVAL_MS", 30000, 100, 3'600'000);
  c.request_ttl = std::chrono::seconds(env.integer("PAYMENT_REQUEST_TTL_SECONDS", 600, 5, 7 * 24 * 3600));
  c.reconcile_after = std::chrono::seconds(env.integer("RECONCILE_AFTER_SECONDS", 120, 1, 24 * 3600));
  c.receipt_queries_per_minute = static_cast<int>(env.integer("MPESA_RECEIPT_QUERIES_PER_MINUTE", 600, 1, 60000));
  c.receipt_queries_per_plan_per_hour =
      static_cast<int>(env.integer("MPESA_RECEIPT_QUERIES_PER_PLAN_PER_HOUR", 6, 1, 1000));
  c.callback_workers = static_cast<int>(env.integer("CALLBACK_WORKERS", 64, 1, 512));
  c.callback_backlog_max = static_cast<int>(env.integer("CALLBACK_BACKLOG_MAX", 10000, 1, 1'000'000));
  c.record_batch_max = static_cast<int>(env.integer("PAYMENT_BATCH_MAX", 32, 1, 256));
  c.record_writers = static_cast<int>(env.integer("PAYMENT_BATCH_WRITERS", 2, 1, 16));
  c.providers = momo::ProvidersConfig::read(env, c.common.deployment);

  env.done();
  return c;
}

PaymentConfig PaymentConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace payment_service
