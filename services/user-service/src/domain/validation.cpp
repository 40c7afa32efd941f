#include "domain/validation.hpp"

#include <algorithm>
#include <cctype>

namespace user_service {

std::size_t utf8_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::optional<std::string> password_problem(std::string_view password, std::string_view phone_e164,
                                            const PasswordPolicy& policy) {
  auto len = utf8_length(password);
  if (len < policy.min_length)
    return "must be at least " + std::to_string(policy.min_length) + " characters";
  if (len > policy.max_length) return "must be at most " + std::to_string(policy.max_length) + " characters";
  if (std::all_of(password.begin(), password.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "must not be only digits";
  auto phone = digits_of(phone_e164);
  if (!phone.empty()) {
    auto tail = phone.size() > 9 ? phone.substr(phone.size() - 9) : phone;
    if (digits_of(password).find(tail) != std::string::npos) return "must not contain your phone number";
  }
  return std::nullopt;
}

std::optional<std::string> full_name_problem(std::string_view name) {
  auto len = utf8_length(name);
  if (len < 2) return "must be at least 2 characters";
  if (len > 100) return "must be at most 100 characters";
  bool letter = false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) return "must not contain control characters";
    if (std::isalpha(c) || c >= 0x80) letter = true;
  }
  if (!letter) return "must contain letters";
  return std::nullopt;
}

std::optional<std::string> email_problem(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return "must be a valid email address";
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7F) return "must be a valid email address";
  auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || email.find('@') != at) return "must be a valid email address";
  auto domain = email.substr(at + 1);
  auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos)
    return "must be a valid email address";
  return std::nullopt;
}

}  // namespace user_service
