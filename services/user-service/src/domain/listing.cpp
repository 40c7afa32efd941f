#include "domain/listing.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <rto/auth.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "domain/validation.hpp"

namespace user_service {
namespace js = boost::json;

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
    } else if (key == "kyc_status") {
      if (value != "not_submitted" && value != "pending" && value != "verified" && value != "rejected")
        errors.push_back({"kyc_status", "must be one of: not_submitted, pending, verified, rejected"});
      else
        q.kyc_status = value;
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
  rto::paging::throw_if_any(std::move(errors));
  return q;
}

}  // namespace user_service
