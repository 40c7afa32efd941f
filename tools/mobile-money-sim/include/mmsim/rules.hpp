#pragma once
// The simulator's pure rules: outcomes by phone number, status over time, each provider's
// failure vocabulary, identifier formats and request checks. No I/O, no clocks read here.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mmsim {

enum class Provider { MtnMomo, AirtelMoney, Mpesa };
inline constexpr Provider kProviders[] = {Provider::MtnMomo, Provider::AirtelMoney, Provider::Mpesa};
std::string_view to_string(Provider p) noexcept;  // mtn_momo | airtel_money | mpesa
std::optional<Provider> provider_from_string(std::string_view s) noexcept;

// What happens to a payment, chosen by the last digit of the payer's number.
enum class Outcome {
  Success,            // 0, 6, 7, 8, 9
  InsufficientFunds,  // 1
  NeverAnswered,      // 2: pending until expiry, no callback
  LostCallback,       // 3: succeeds, but the callback is never sent
  Declined,           // 4
  WrongAmount,        // 5: succeeds, the provider reports half the amount
};
Outcome outcome_for_msisdn(std::string_view msisdn) noexcept;  // no trailing digit: Success
bool sends_callback(Outcome o) noexcept;
// The amount the provider reports back (half, rounded down, for WrongAmount).
std::int64_t reported_amount(Outcome o, std::int64_t requested) noexcept;

enum class Status { Pending, Succeeded, Failed, Expired };
std::string_view to_string(Status s) noexcept;  // pending | succeeded | failed | expired

using Clock = std::chrono::steady_clock;
// Status at `now` of a payment that settles at `settles_at` (after the customer "answered")
// and, when never answered, expires at `expires_at`. Computed on demand, so no timer is needed.
Status status_at(Outcome o, Clock::time_point settles_at, Clock::time_point expires_at, Clock::time_point now) noexcept;

// Why a payment failed, in each provider's words.
struct Failure {
  std::string_view mtn_reason;            // MTN FailureReason code
  std::string_view message;               // plain words (MTN reason message, Airtel message)
  std::string_view airtel_response_code;  // DP008000010xx
  int mpesa_result_code;
  std::string_view mpesa_result_desc;
};
// Empty unless the status is Failed or Expired.
std::optional<Failure> failure_for(Outcome o, Status s) noexcept;

// Password of an M-Pesa STK push or query: base64(shortcode + passkey + timestamp).
std::string mpesa_password(std::string_view shortcode, std::string_view passkey, std::string_view timestamp);

// Airtel's subscriber.msisdn: digits only and without the country calling code.
bool valid_airtel_msisdn(std::string_view msisdn) noexcept;
// An M-Pesa payer number: 12 digits starting with 254.
bool valid_mpesa_msisdn(std::string_view msisdn) noexcept;
// X-Reference-Id: a UUID of version 4 (MTN refuses other versions).
bool valid_uuid_v4(std::string_view s) noexcept;
// A positive whole number written in decimal digits, e.g. MTN's string amount "1500".
std::optional<std::int64_t> parse_positive_amount(std::string_view s) noexcept;
bool all_digits(std::string_view s) noexcept;  // false when empty
// "Basic base64(user:secret)" → {user, secret}; empty when malformed.
std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header);
// An unset (empty) expected credential accepts any value.
bool credential_matches(std::string_view expected, std::string_view given) noexcept;

// The signed bytes and the hash of an Airtel callback: S = {"transaction":<T>} where T is the
// serialized transaction object; hash = base64(HMAC-SHA256(key, S)).
std::string airtel_signed_payload(std::string_view transaction_json);
std::string airtel_callback_hash(std::string_view key, std::string_view transaction_json);

// Identifier formats, from the providers' published samples.
using Rng = std::mt19937_64;
std::string mtn_financial_transaction_id(Rng& rng);                             // 10 digits
std::string airtel_money_id(Rng& rng, std::chrono::system_clock::time_point t);  // MP210603.1234.L06941
std::string mpesa_merchant_request_id(Rng& rng);                                // 25558-10595705-4
std::string mpesa_checkout_request_id(Rng& rng, std::chrono::system_clock::time_point t);  // ws_CO_<ddMMyyyyHHmmss><4 digits>
std::string mpesa_receipt_number(Rng& rng);                                     // LGR7OWQX0R
std::string mpesa_conversation_id(Rng& rng, std::chrono::system_clock::time_point t);  // AG_20250117_20305b55146d275e7daf
std::string mpesa_originator_conversation_id(Rng& rng);                         // 21dc-4436-8408-ee2f032ee36b9257921
// yyyyMMddHHmmss in East Africa Time (UTC+3), as M-Pesa writes timestamps.
std::string mpesa_timestamp(std::chrono::system_clock::time_point t);

// --- Africa's Talking SMS (PROTOCOLS.md §5) ---

// An E.164 number: '+', then 8 to 15 digits, the first not 0.
bool valid_e164(std::string_view number) noexcept;
// AT's words for a per-recipient statusCode (101 → "Success", 403 → "InvalidPhoneNumber", …);
// empty for a code AT does not use.
std::string_view at_status_name(int code) noexcept;
// The statusCode a recipient gets: 101 for a valid E.164 number, 403 otherwise.
int at_recipient_status(std::string_view number) noexcept;
// The `to` field: comma-separated numbers, spaces around each ignored, empty items dropped.
std::vector<std::string> at_recipients(std::string_view to);
// application/x-www-form-urlencoded → fields in order ('+' is a space, %XX decoded); empty
// when the body is malformed (bad escape).
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);
// The mobile network code AT reports for a number (by country calling code; "" when unknown).
std::string_view at_network_code(std::string_view number) noexcept;

// Which numbers get a Failed delivery report: "suffix[:reason],…", e.g. "99:AbsentSubscriber".
// A reason must be one AT uses (InsufficientCredit, UserIsInactive, UserInBlackList,
// AbsentSubscriber, DeliveryFailure); without one it is DeliveryFailure.
struct AtFailureRule {
  std::string suffix;
  std::string reason;
};
// Empty when the spec is malformed (empty suffix, a suffix that is not digits, unknown reason).
std::optional<std::vector<AtFailureRule>> parse_at_failure_rules(std::string_view spec);
struct AtReport {
  std::string status;          // Success or Failed
  std::string failure_reason;  // empty for Success
};
// The final delivery report of a message sent to `number`: the first rule whose suffix ends
// the number makes it Failed.
AtReport at_report_for(std::string_view number, const std::vector<AtFailureRule>& rules);
// ATXid_ followed by 32 lowercase hex digits.
std::string at_message_id(Rng& rng);

}  // namespace mmsim
