#pragma once
// The support service's configuration, read once at start-up from environment variables.
#include <chrono>
#include <rto/config.hpp>
#include <string>

#include "domain/sms.hpp"
#include "domain/templates.hpp"
#include "domain/ticket.hpp"
#include "sms/provider.hpp"

namespace support_service {

struct SupportConfig {
  rto::config::Common common;              // PORT [8086]
  std::string user_service_url;            // USER_SERVICE_URL [""]: phone, name and language of a user
  std::string payment_service_url;         // PAYMENT_SERVICE_URL [""]: a customer's plans and vehicles (a
                                           //   ticket naming a plan or vehicle answers 503 without it)
  std::string default_language = "en";     // DEFAULT_LANGUAGE [en]: when the user's is unknown
  SlaTargets sla;                          // SLA_FIRST_RESPONSE_HOURS [24,8,4,1], SLA_RESOLUTION_HOURS [120,72,24,8]
                                           //   (low, normal, high, urgent)
  std::chrono::milliseconds sla_job{60000};  // SLA_JOB_INTERVAL_MS [60000]
  NoticeSettings notices;                  // BRAND_NAME [RTO Motors], PAY_INSTRUCTIONS
  std::string sms_provider = "outbox";     // SMS_PROVIDER [outbox] | africastalking
  AfricasTalkingSettings africastalking;   // AT_BASE_URL, AT_USERNAME, AT_API_KEY, AT_SENDER_ID
  int sms_max_attempts = 5;                // SMS_MAX_ATTEMPTS [5]
  std::chrono::seconds sms_retry_base{30};   // SMS_RETRY_BASE_SECONDS [30]
  std::chrono::seconds sms_retry_max{1800};  // SMS_RETRY_MAX_SECONDS [1800]
  std::chrono::milliseconds sms_job{1000};   // SMS_JOB_INTERVAL_MS [1000]
  int sms_batch = 100;                     // SMS_BATCH [100]
  int sms_concurrency = 4;                 // SMS_CONCURRENCY [4]: sends of one batch in flight at once
  int event_batch = 100;                   // EVENT_BATCH [100]: events handled in one transaction
  sms::QuietHours quiet;                   // SMS_QUIET_START_HOUR [21], SMS_QUIET_END_HOUR [7] in
                                           //   OPERATOR_TZ [Africa/Kampala] (a tz database name, read
                                           //   from TZDIR [/usr/share/zoneinfo]); the older
                                           //   OPERATOR_UTC_OFFSET_MINUTES, when set, still works: a
                                           //   fixed offset that overrides the zone's rules
  std::size_t attachment_max_bytes = 5 * 1024 * 1024;  // ATTACHMENT_MAX_BYTES [5242880]: one ticket image
  std::string default_region = "UG";       // DEFAULT_REGION [UG]: for phone numbers in national form

  static SupportConfig read(rto::config::Env& env);
  static SupportConfig from_environment();
};

}  // namespace support_service
