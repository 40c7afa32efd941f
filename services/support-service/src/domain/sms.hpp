#pragma once
// SMS as pure logic: GSM-7 / UCS-2 length and part counting, form encoding, reading Africa's
// Talking's answers, the retry schedule and quiet hours. No I/O.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rto/zone.hpp>

namespace support_service::sms {

using TimePoint = std::chrono::system_clock::time_point;

struct Length {
  bool gsm7 = true;   // every character is in the GSM 03.38 default alphabet (or its extension)
  int units = 0;      // septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2)
  int segments = 0;   // parts billed: 160/153 per part in GSM-7, 70/67 in UCS-2; 0 for an empty text
};
// Counts a UTF-8 text. Invalid UTF-8 is counted as UCS-2 with one unit per byte.
Length measure(std::string_view utf8);

// application/x-www-form-urlencoded
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
std::vector<std::pair<std::string, std::string>> form_decode(std::string_view body);
std::optional<std::string> form_value(const std::vector<std::pair<std::string, std::string>>& f, std::string_view key);

// What happened to one send attempt.
enum class Outcome { Sent, Retry, Failed };
struct SendResult {
  Outcome outcome = Outcome::Retry;
  std::string message_id;  // provider's id when sent
  int status_code = 0;     // provider's per-recipient statusCode, or the HTTP status
  std::string detail;      // status text / error (never the phone number)
};

// Reads Africa's Talking's answer to POST /version1/messaging for one recipient (PROTOCOLS.md §5):
// statusCode 100/101/102 → Sent; 4xx → Failed (final); 5xx → Retry. An HTTP 5xx is Retry, any
// other non-2xx is Failed; a 2xx body without a recipient entry is Retry.
SendResult read_africastalking_answer(int http_status, std::string_view body);

// Delivery report statuses that end a message's life.
bool is_final_delivery_status(std::string_view status) noexcept;  // Success, Failed, Rejected
bool is_known_delivery_status(std::string_view status) noexcept;  // the above and Sent, Submitted, Buffered

// The wait before attempt `attempt` + 1 (attempt ≥ 1): base·2^(attempt−1), at most `cap`.
std::chrono::seconds backoff(int attempt, std::chrono::seconds base, std::chrono::seconds cap) noexcept;

// Quiet hours in the operator's local time ([start, end) hours, wrapping midnight when start >
// end, e.g. 21 → 7; none when start == end), in a tz database zone (OPERATOR_TZ).
// next_allowed returns the earliest instant ≥ now outside them.
struct QuietHours {
  int start_hour = 21;
  int end_hour = 7;
  rto::Zone zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);  // the operator's time zone
};
bool in_quiet_hours(TimePoint now, const QuietHours& q) noexcept;
TimePoint next_allowed(TimePoint now, const QuietHours& q) noexcept;

}  // namespace support_service::sms
