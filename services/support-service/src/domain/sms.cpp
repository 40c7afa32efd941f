#include "domain/sms.hpp"

#include <boost/json.hpp>

namespace support_service::sms {

namespace {

// GSM 03.38 basic character set, as Unicode code points.
constexpr char32_t kBasic[] = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ', U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U' ',
    U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+', U',', U'-', U'.', U'/', U':',
    U';', U'<', U'=', U'>', U'?', U'¡', U'Ä', U'Ö', U'Ñ', U'Ü', U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};
constexpr char32_t kExtension[] = {U'^', U'{', U'}', U'\\', U'[', U'~', U']', U'|', U'€', U'\f'};

int gsm_cost(char32_t c) noexcept {
  if ((c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return 1;
  for (auto b : kBasic)
    if (b == c) return 1;
  for (auto e : kExtension)
    if (e == c) return 2;
  return 0;
}

// Decodes UTF-8; false on invalid input.
bool decode(std::string_view s, std::vector<char32_t>& out) {
  for (std::size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
      auto n = static_cast<unsigned char>(s[i + k]);
      if ((n >> 6) != 0x2) return false;
      c = (c << 6) | (n & 0x3F);
    }
    out.push_back(c);
    i += len;
  }
  return true;
}

int parts(int units, int single, int multi) { return units == 0 ? 0 : units <= single ? 1 : (units + multi - 1) / multi; }

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void encode_component(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_' ||
        c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

}  // namespace

Length measure(std::string_view utf8) {
  Length l;
  std::vector<char32_t> cps;
  if (!decode(utf8, cps)) {
    l.gsm7 = false;
    l.units = static_cast<int>(utf8.size());
    l.segments = parts(l.units, 70, 67);
    return l;
  }
  int septets = 0;
  int utf16 = 0;
  for (auto c : cps) {
    int cost = gsm_cost(c);
    if (cost == 0) l.gsm7 = false;
    septets += cost;
    utf16 += c > 0xFFFF ? 2 : 1;
  }
  if (l.gsm7) {
    l.units = septets;
    l.segments = parts(septets, 160, 153);
  } else {
    l.units = utf16;
    l.segments = parts(utf16, 70, 67);
  }
  return l;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    encode_component(out, k);
    out += '=';
    encode_component(out, v);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> form_decode(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(decode_component(part), "");
    } else {
      out.emplace_back(decode_component(part.substr(0, eq)), decode_component(part.substr(eq + 1)));
    }
  }
  return out;
}

std::optional<std::string> form_value(const std::vector<std::pair<std::string, std::string>>& f, std::string_view key) {
  for (const auto& [k, v] : f)
    if (k == key) return v;
  return std::nullopt;
}

SendResult read_africastalking_answer(int http_status, std::string_view body) {
  SendResult r;
  r.status_code = http_status;
  if (http_status >= 500) {
    r.outcome = Outcome::Retry;
    r.detail = "provider answered HTTP " + std::to_string(http_status);
    return r;
  }
  if (http_status < 200 || http_status >= 300) {
    r.outcome = Outcome::Failed;
    r.detail = "provider refused the request with HTTP " + std::to_string(http_status);
    return r;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  const boost::json::object* data = nullptr;
  if (!ec && v.is_object())
    if (auto* d = v.as_object().if_contains("SMSMessageData"); d && d->is_object()) data = &d->as_object();
  const boost::json::array* recipients = nullptr;
  if (data)
    if (auto* rs = data->if_contains("Recipients"); rs && rs->is_array()) recipients = &rs->as_array();
  if (!recipients || recipients->empty() || !recipients->at(0).is_object()) {
    r.outcome = Outcome::Retry;
    r.detail = "provider answer has no recipient status";
    if (data)
      if (auto* m = data->if_contains("Message"); m && m->is_string()) r.detail += ": " + std::string(m->as_string());
    return r;
  }
  const auto& rec = recipients->at(0).as_object();
  int code = 0;
  if (auto* c = rec.if_contains("statusCode")) {
    if (c->is_int64()) code = static_cast<int>(c->as_int64());
    else if (c->is_uint64()) code = static_cast<int>(c->as_uint64());
  }
  r.status_code = code;
  if (auto* s = rec.if_contains("status"); s && s->is_string()) r.detail = std::string(s->as_string());
  if (code >= 100 && code <= 102) {
    r.outcome = Outcome::Sent;
    if (auto* id = rec.if_contains("messageId"); id && id->is_string()) r.message_id = std::string(id->as_string());
  } else if (code >= 500) {
    r.outcome = Outcome::Retry;
  } else {
    r.outcome = Outcome::Failed;
  }
  return r;
}

bool is_final_delivery_status(std::string_view s) noexcept { return s == "Success" || s == "Failed" || s == "Rejected"; }
bool is_known_delivery_status(std::string_view s) noexcept {
  return is_final_delivery_status(s) || s == "Sent" || s == "Submitted" || s == "Buffered";
}

std::chrono::seconds backoff(int attempt, std::chrono::seconds base, std::chrono::seconds cap) noexcept {
  if (attempt < 1) attempt = 1;
  auto d = base;
  for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
  return d < cap ? d : cap;
}

bool in_quiet_hours(TimePoint now, const QuietHours& q) noexcept {
  if (q.start_hour == q.end_hour) return false;
  int h = q.zone.local_minutes(now) / 60;
  if (q.start_hour < q.end_hour) return h >= q.start_hour && h < q.end_hour;
  return h >= q.start_hour || h < q.end_hour;
}

TimePoint next_allowed(TimePoint now, const QuietHours& q) noexcept {
  if (!in_quiet_hours(now, q)) return now;
  // The offset in force now is kept for the wait (the zones served have no daylight saving).
  int minute = q.zone.local_minutes(now);
  int end = q.end_hour * 60;
  int wait = end - minute;
  if (wait <= 0) wait += 24 * 60;
  auto start_of_minute = std::chrono::floor<std::chrono::minutes>(now);
  return TimePoint(start_of_minute + std::chrono::minutes(wait));
}

}  // namespace support_service::sms
