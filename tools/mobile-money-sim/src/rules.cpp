#include "mmsim/rules.hpp"

#include <cctype>
#include <cstdio>

#include <rto/crypto.hpp>
#include <rto/http.hpp>

namespace mmsim {

std::string_view to_string(Provider p) noexcept {
  switch (p) {
    case Provider::MtnMomo: return "mtn_momo";
    case Provider::AirtelMoney: return "airtel_money";
    case Provider::Mpesa: return "mpesa";
  }
  return "unknown";
}

std::optional<Provider> provider_from_string(std::string_view s) noexcept {
  for (auto p : kProviders)
    if (to_string(p) == s) return p;
  return std::nullopt;
}

Outcome outcome_for_msisdn(std::string_view msisdn) noexcept {
  if (msisdn.empty() || !std::isdigit(static_cast<unsigned char>(msisdn.back()))) return Outcome::Success;
  switch (msisdn.back()) {
    case '1': return Outcome::InsufficientFunds;
    case '2': return Outcome::NeverAnswered;
    case '3': return Outcome::LostCallback;
    case '4': return Outcome::Declined;
    case '5': return Outcome::WrongAmount;
    default: return Outcome::Success;
  }
}

bool sends_callback(Outcome o) noexcept { return o != Outcome::NeverAnswered && o != Outcome::LostCallback; }

std::int64_t reported_amount(Outcome o, std::int64_t requested) noexcept {
  return o == Outcome::WrongAmount ? requested / 2 : requested;
}

std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::Pending: return "pending";
    case Status::Succeeded: return "succeeded";
    case Status::Failed: return "failed";
    case Status::Expired: return "expired";
  }
  return "unknown";
}

Status status_at(Outcome o, Clock::time_point settles_at, Clock::time_point expires_at, Clock::time_point now) noexcept {
  if (o == Outcome::NeverAnswered) return now < expires_at ? Status::Pending : Status::Expired;
  if (now < settles_at) return Status::Pending;
  return o == Outcome::InsufficientFunds || o == Outcome::Declined ? Status::Failed : Status::Succeeded;
}

std::optional<Failure> failure_for(Outcome o, Status s) noexcept {
  if (s == Status::Expired)
    return Failure{"EXPIRED", "The transaction expired before the customer answered", "DP00800001029", 1037,
                   "DS timeout user cannot be reached"};
  if (s != Status::Failed) return std::nullopt;
  if (o == Outcome::Declined)
    return Failure{"APPROVAL_REJECTED", "The customer declined the payment", "DP00800001008", 1032,
                   "Request cancelled by user"};
  return Failure{"NOT_ENOUGH_FUNDS", "The payer does not have enough funds", "DP00800001007", 1,
                 "The balance is insufficient for the transaction."};
}

std::string mpesa_password(std::string_view shortcode, std::string_view passkey, std::string_view timestamp) {
  std::string plain;
  plain.reserve(shortcode.size() + passkey.size() + timestamp.size());
  plain.append(shortcode).append(passkey).append(timestamp);
  return rto::crypto::base64_encode(plain);
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool valid_airtel_msisdn(std::string_view msisdn) noexcept {
  if (!all_digits(msisdn)) return false;
  // A national number is at most 9 digits; longer and starting with an East African calling
  // code means the caller left the country code in, which Airtel refuses.
  bool has_calling_code = msisdn.starts_with("256") || msisdn.starts_with("254") || msisdn.starts_with("255");
  return !(has_calling_code && msisdn.size() > 9);
}

bool valid_mpesa_msisdn(std::string_view msisdn) noexcept {
  return msisdn.size() == 12 && all_digits(msisdn) && msisdn.starts_with("254");
}

bool valid_uuid_v4(std::string_view s) noexcept {
  if (!rto::crypto::is_uuid(s)) return false;
  char variant = static_cast<char>(std::tolower(static_cast<unsigned char>(s[19])));
  return s[14] == '4' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

std::optional<std::pair<std::string, std::string>> parse_basic_auth(std::string_view header) {
  if (header.size() < 6 || !rto::http::iequals(header.substr(0, 6), "Basic ")) return std::nullopt;
  std::string decoded;
  try {
    decoded = rto::crypto::base64_decode(header.substr(6));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto colon = decoded.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

bool credential_matches(std::string_view expected, std::string_view given) noexcept {
  return expected.empty() || expected == given;
}

std::optional<std::int64_t> parse_positive_amount(std::string_view s) noexcept {
  if (!all_digits(s) || s.size() > 15) return std::nullopt;  // 15 digits cannot overflow int64
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  if (v <= 0) return std::nullopt;
  return v;
}

std::string airtel_signed_payload(std::string_view transaction_json) {
  std::string s = "{\"transaction\":";
  s.append(transaction_json).append("}");
  return s;
}

std::string airtel_callback_hash(std::string_view key, std::string_view transaction_json) {
  return rto::crypto::base64_encode(rto::crypto::hmac_sha256(key, airtel_signed_payload(transaction_json)));
}

namespace {

std::string digits(Rng& rng, int n) {
  std::uniform_int_distribution<int> d(0, 9);
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + d(rng));
  return s;
}

char pick(Rng& rng, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> d(0, alphabet.size() - 1);
  return alphabet[d(rng)];
}

// A number that does not start with 0, so it keeps its width when read as a number.
std::string leading_nonzero_digits(Rng& rng, int n) {
  std::string s(1, pick(rng, "123456789"));
  return s + digits(rng, n - 1);
}

struct Civil {
  int year, month, day, hour, minute, second;
};

Civil civil(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto day = floor<days>(secs);
  year_month_day ymd{day};
  hh_mm_ss hms{secs - day};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count())};
}

}  // namespace

std::string mtn_financial_transaction_id(Rng& rng) { return leading_nonzero_digits(rng, 10); }

std::string airtel_money_id(Rng& rng, std::chrono::system_clock::time_point t) {
  auto c = civil(t);
  char date[48];  // generous: the check counts every int at its widest
  std::snprintf(date, sizeof date, "%02d%02d%02d", c.year % 100, c.month, c.day);
  return "MP" + std::string(date) + "." + digits(rng, 4) + "." + pick(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") +
         digits(rng, 5);
}

std::string mpesa_merchant_request_id(Rng& rng) {
  return leading_nonzero_digits(rng, 5) + "-" + leading_nonzero_digits(rng, 8) + "-" + pick(rng, "123456789");
}

std::string mpesa_checkout_request_id(Rng& rng, std::chrono::system_clock::time_point t) {
  auto c = civil(t + std::chrono::hours(3));
  char stamp[80];
  std::snprintf(stamp, sizeof stamp, "%02d%02d%04d%02d%02d%02d", c.day, c.month, c.year, c.hour, c.minute, c.second);
  return "ws_CO_" + std::string(stamp) + digits(rng, 4);
}

std::string mpesa_conversation_id(Rng& rng, std::chrono::system_clock::time_point t) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  auto c = civil(t + std::chrono::hours(3));
  char stamp[40];
  std::snprintf(stamp, sizeof stamp, "AG_%04d%02d%02d_", c.year, c.month, c.day);
  std::string s(stamp);
  for (int i = 0; i < 20; ++i) s += pick(rng, kHex);
  return s;
}

std::string mpesa_originator_conversation_id(Rng& rng) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string s;
  for (int group : {4, 4, 4, 12}) {
    if (!s.empty()) s += '-';
    for (int i = 0; i < group; ++i) s += pick(rng, kHex);
  }
  return s + digits(rng, 7);
}

std::string mpesa_receipt_number(Rng& rng) {
  static constexpr std::string_view kUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  static constexpr std::string_view kUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string s(1, pick(rng, kUpper));
  for (int i = 1; i < 10; ++i) s += pick(rng, kUpperDigits);
  return s;
}

std::string mpesa_timestamp(std::chrono::system_clock::time_point t) {
  auto c = civil(t + std::chrono::hours(3));  // East Africa Time, no daylight saving
  char out[80];
  std::snprintf(out, sizeof out, "%04d%02d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute, c.second);
  return out;
}

// --- Africa's Talking SMS ---

bool valid_e164(std::string_view number) noexcept {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+' || number[1] == '0') return false;
  return all_digits(number.substr(1));
}

std::string_view at_status_name(int code) noexcept {
  switch (code) {
    case 100: return "Processed";
    case 101: return "Success";
    case 102: return "Queued";
    case 401: return "RiskHold";
    case 402: return "InvalidSenderId";
    case 403: return "InvalidPhoneNumber";
    case 404: return "UnsupportedNumberType";
    case 405: return "InsufficientBalance";
    case 406: return "UserInBlacklist";
    case 407: return "CouldNotRoute";
    case 500: return "InternalServerError";
    case 501: return "GatewayError";
    case 502: return "RejectedByGateway";
    default: return {};
  }
}

int at_recipient_status(std::string_view number) noexcept { return valid_e164(number) ? 101 : 403; }

std::vector<std::string> at_recipients(std::string_view to) {
  std::vector<std::string> out;
  while (true) {
    auto comma = to.find(',');
    auto item = to.substr(0, comma);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.remove_prefix(1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    to.remove_prefix(comma + 1);
  }
  return out;
}

namespace {
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> form_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

constexpr std::string_view kFailureReasons[] = {"InsufficientCredit", "UserIsInactive", "UserInBlackList",
                                                "AbsentSubscriber", "DeliveryFailure"};
}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      auto name = form_unescape(pair.substr(0, eq));
      auto value = form_unescape(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      if (!name || !value) return std::nullopt;
      out.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto escape = [](std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
    return out;
  };
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += escape(name) + "=" + escape(value);
  }
  return out;
}

std::string_view at_network_code(std::string_view number) noexcept {
  if (number.starts_with("+254")) return "63902";  // Safaricom
  if (number.starts_with("+256")) return "64110";  // MTN Uganda
  if (number.starts_with("+255")) return "64002";  // Tigo Tanzania
  if (number.starts_with("+250")) return "63510";  // MTN Rwanda
  return {};
}

std::optional<std::vector<AtFailureRule>> parse_at_failure_rules(std::string_view spec) {
  std::vector<AtFailureRule> out;
  for (const auto& item : at_recipients(spec)) {
    auto colon = item.find(':');
    AtFailureRule r{item.substr(0, colon), colon == std::string::npos ? "DeliveryFailure" : item.substr(colon + 1)};
    if (!all_digits(r.suffix)) return std::nullopt;
    bool known = false;
    for (auto reason : kFailureReasons) known = known || reason == r.reason;
    if (!known) return std::nullopt;
    out.push_back(std::move(r));
  }
  return out;
}

AtReport at_report_for(std::string_view number, const std::vector<AtFailureRule>& rules) {
  for (const auto& r : rules)
    if (number.ends_with(r.suffix)) return {"Failed", r.reason};
  return {"Success", ""};
}

std::string at_message_id(Rng& rng) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string s = "ATXid_";
  for (int i = 0; i < 32; ++i) s += pick(rng, kHex);
  return s;
}

}  // namespace mmsim
