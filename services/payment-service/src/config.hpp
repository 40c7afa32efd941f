#pragma once
// The payment service's configuration, read once at start-up from environment variables.
//
//   OPERATOR_TZ [Africa/Kampala]        the operator's time zone: due dates and "today" are its
//                                       local dates; read from the tz database (TZDIR, default
//                                       /usr/share/zoneinfo)
//   OPERATOR_UTC_OFFSET_MINUTES [unset] a fixed offset used instead of the tz database (e.g. 180
//                                       for East Africa, which has no daylight saving)
//   VEHICLE_SERVICE_URL (required)      vehicle-service, for prices and reservations
//   CREDIT_SERVICE_URL (required)       credit-service, for credit decisions
//   USER_SERVICE_URL [unset]            user-service, for the customer's name on the ownership
//                                       certificate (without it the certificate names the customer id)
//   DEPOSIT_TTL_SECONDS [172800]        a plan whose deposit is not paid within this is cancelled
//   DELINQUENCY_RUN_AT [06:00]          local time of the daily delinquency run
//   DEFAULT_AFTER_DAYS [60]             days past due at which a plan defaults (repossession review)
//   CALLBACK_RETENTION_DAYS [30]        provider callbacks that matched nothing and were never verified
//                                       nor resolved by staff are deleted once this old
//   CASH_BACKDATE_DAYS [3]              a cash receipt's paid_at may lie at most this many days back
//                                       (and never before the plan was made, nor in the future)
//   JOB_INTERVAL_MS [30000]             how often the background jobs look for work
//   PAYMENT_REQUEST_TTL_SECONDS [600]   a mobile-money request with no final answer by then expires
//   RECONCILE_AFTER_SECONDS [120]       a request still pending this long is asked about (callbacks get
//                                       lost); then again at the same interval until it settles
//   CALLBACK_WORKERS [64]               at most this many threads verify and credit stored provider
//                                       callbacks; each mostly waits for a provider's status API, so
//                                       there are many. Started as callbacks arrive; one idle for a
//                                       minute ends
//   CALLBACK_BACKLOG_MAX [10000]        callbacks stored and not yet worked off beyond which the
//                                       webhook answers 503 (the provider retries later)
//   PAYMENT_BATCH_MAX [32]              payments waiting to be recorded are recorded together, up to this
//                                       many in one transaction (1: one transaction each)
//   PAYMENT_BATCH_WRITERS [2]           how many such transactions may run at once
//   plus the mobile-money provider variables of providers/providers.hpp
//   plus the common variables of rto::config::Common (PORT defaults to 8084).
#include <chrono>
#include <optional>
#include <rto/config.hpp>
#include <string>

#include "domain/calendar.hpp"
#include "providers/providers.hpp"

namespace payment_service {

struct PaymentConfig {
  rto::config::Common common;
  Zone zone = Zone::fixed("UTC+03:00", 3 * 3600);
  std::string vehicle_service_url;
  std::string credit_service_url;
  std::string user_service_url;  // empty: not configured
  std::chrono::seconds deposit_ttl{48 * 3600};
  int delinquency_run_minutes = 6 * 60;  // local minutes after midnight
  int default_after_days = 60;
  std::chrono::days cash_backdate{3};
  std::chrono::days callback_retention{30};
  std::chrono::milliseconds job_interval{30000};
  std::chrono::milliseconds figures_interval{30000};  // FIGURES_INTERVAL_MS: the business gauges of /metrics
  std::chrono::seconds request_ttl{600};
  std::chrono::seconds reconcile_after{120};
  // Daraja Transaction Status queries about paybill receipts, so forged confirmations cannot
  // spend the provider's quota: overall, and for any one plan.
  int receipt_queries_per_minute = 600;
  int receipt_queries_per_plan_per_hour = 6;
  int callback_workers = 64;
  int callback_backlog_max = 10000;
  int record_batch_max = 32;
  int record_writers = 2;
  momo::ProvidersConfig providers;

  static PaymentConfig read(rto::config::Env& env);
  static PaymentConfig from_environment();
};

// "06:00" → 360; nullopt unless HH:MM with HH 00-23 and MM 00-59.
std::optional<int> parse_clock_time(std::string_view s);

}  // namespace payment_service
