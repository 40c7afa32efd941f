#pragma once
// Field rules shared by registration, profile changes and KYC. Each returns the problem in
// plain words for the client, or nullopt when the value is acceptable.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace user_service {

struct PasswordPolicy {
  std::size_t min_length = 8;    // characters (UTF-8 code points)
  std::size_t max_length = 128;  // bounds the hashing work a request can cause
};

// Length within the policy, not only digits, and not containing the phone number's
// subscriber digits (the last nine digits of the E.164 number, or all of them if fewer).
std::optional<std::string> password_problem(std::string_view password, std::string_view phone_e164,
                                            const PasswordPolicy& policy = {});

// 2..100 characters after trimming, at least one letter, no control characters.
std::optional<std::string> full_name_problem(std::string_view name);

// A loose plausibility check: one '@', a non-empty local part, a dotted domain, no spaces.
std::optional<std::string> email_problem(std::string_view email);

std::size_t utf8_length(std::string_view s) noexcept;
std::string digits_of(std::string_view s);

}  // namespace user_service
