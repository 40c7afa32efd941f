#include "domain/listing.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <rto/auth.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "domain/validation.hpp"

namespace user_service {
namespace js = boost::json;

std::string encode_cursor(const PageCursor& c) {
  js::object o{{"t", c.created_us}, {"id", c.id}};
  return rto::crypto::base64_encode(js::serialize(o), true);
}

std::optional<PageCursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 200) return std::nullopt;
  try {
    auto raw = rto::crypto::base64_decode(text);
    boost::system::error_code ec;
    auto v = js::parse(raw, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    auto t = o.find("t");
    auto id = o.find("id");
    if (t == o.end() || id == o.end() || !t->value().is_int64() || !id->value().is_string()) return std::nullopt;
    PageCursor c{t->value().as_int64(), std::string(id->value().as_string())};
    // Within 1970..3000, so the database can turn it back into a timestamp.
    constexpr std::int64_t kMaxMicros = 32'503'680'000'000'000;
    if (c.created_us < 0 || c.created_us > kMaxMicros || !rto::crypto::is_uuid(c.id)) return std::nullopt;
    return c;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

UserListQuery parse_user_list_query(const std::vector<std::pair<std::string, std::string>>& query) {
  UserListQuery q;
  std::vector<rto::FieldError> errors;
  for (const auto& [key, value] : query) {
    if (key == "q") {
      std::string text = value;
      auto b = text.find_first_not_of(' ');
      auto e = text.find_last_not_of(' ');
      text = b == std::string::npos ? std::string() : text.substr(b, e - b + 1);
      if (utf8_length(text) > 100) {
        errors.push_back({"q", "must be at most 100 characters"});
      } else if (!text.empty()) {
        q.text_pattern = contains_pattern(text);
        auto digits = digits_of(text);
        // Digits-only searches (with + and spaces) also look at phone numbers.
        bool phone_like = digits.size() >= 3 && text.find_first_not_of("+0123456789 -") == std::string::npos;
        if (phone_like) {
          // National form 07… carries a trunk prefix that E.164 drops.
          if (digits.size() > 3 && digits.front() == '0') digits.erase(0, 1);
          q.phone_pattern = "%" + digits + "%";
        }
      }
    } else if (key == "role") {
      if (!rto::auth::is_known_role(value))
        errors.push_back({"role", "must be a known role"});
      else
        q.role = value;
    } else if (key == "status") {
      if (value != "active" && value != "disabled")
        errors.push_back({"status", "must be one of: active, disabled"});
      else
        q.status = value;
    } else if (key == "limit") {
      int n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > kMaxPageSize)
        errors.push_back({"limit", "must be an integer between 1 and " + std::to_string(kMaxPageSize)});
      else
        q.limit = n;
    } else if (key == "cursor") {
      if (value.empty()) continue;
      auto c = decode_cursor(value);
      if (!c)
        errors.push_back({"cursor", "is not a cursor returned by this list"});
      else
        q.after = std::move(c);
    }
  }
  if (!errors.empty()) {
    std::string detail = errors.size() == 1 ? "invalid query parameter '" + errors[0].field + "': " + errors[0].message
                                            : std::to_string(errors.size()) + " query parameters are invalid";
    throw rto::BadRequest(std::move(detail), std::move(errors));
  }
  return q;
}

}  // namespace user_service
