#pragma once
// The credit service's configuration, read once at start-up from environment variables.
#include <chrono>
#include <rto/config.hpp>
#include <rto/zone.hpp>
#include <string>

namespace credit_service {

// Variables (defaults in brackets), besides the common ones (rto::config::Common; PORT [8083]):
//   ENCRYPTION_KEY                     required: base64 of 32 bytes; encrypts guarantor and reference details
//   USER_SERVICE_URL                   [http://127.0.0.1:8081]  KYC status and date of birth
//   VEHICLE_SERVICE_URL                [http://127.0.0.1:8082]  vehicle price and status
//   PAYMENT_SERVICE_URL                [http://127.0.0.1:8084]  plan quotes (the instalment)
//   CREDIT_APPROVAL_TTL_DAYS           [30]  days an approval stays valid (1..365)
//   CREDIT_AFFORDABILITY_MAX_PERCENT   [40]  hard limit: instalment / (income - obligations) (1..100)
//   CREDIT_EXPIRY_INTERVAL_SECONDS     [300] how often approvals past their expiry are marked expired
//   DEFAULT_REGION                     [UG]  region for phone numbers written without a country code
//   NEIGHBOUR_TIMEOUT_MS               [5000] request timeout of calls to the other services
//   OPERATOR_TZ                        [Africa/Kampala] the operator's time zone (or OPERATOR_UTC_OFFSET_MINUTES, a
//                                      fixed offset): the local day an application was made on, which ends the
//                                      window of vehicle usage summarised beside it
struct CreditConfig {
  rto::config::Common common;
  std::string encryption_key;
  std::string user_service_url = "http://127.0.0.1:8081";
  std::string vehicle_service_url = "http://127.0.0.1:8082";
  std::string payment_service_url = "http://127.0.0.1:8084";
  int approval_ttl_days = 30;
  int affordability_max_percent = 40;
  std::chrono::seconds expiry_interval{300};
  std::string default_region = "UG";
  std::chrono::milliseconds neighbour_timeout{5000};
  rto::Zone zone = rto::Zone::fixed("UTC", 0);

  // Reads everything and throws rto::ConfigError naming every missing or invalid variable.
  static CreditConfig read(rto::config::Env& env);
  static CreditConfig from_environment();
};

}  // namespace credit_service
