#pragma once
// Identity, JWT access tokens (HS256, cpp-jwt) and internal service tokens.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rto::auth {

inline constexpr std::string_view kRoles[] = {"customer", "dealer", "agent", "credit_officer", "support_agent", "admin"};
bool is_known_role(std::string_view role) noexcept;

struct Identity {
  std::string subject;              // user id, or service name for service tokens
  std::vector<std::string> roles;   // empty for service tokens
  bool service = false;             // true for an internal service token
  std::chrono::system_clock::time_point expires_at{};  // when the token it came from expires

  bool has_role(std::string_view r) const noexcept;
  bool has_any_role(std::initializer_list<std::string_view> rs) const noexcept;
  bool is_staff() const noexcept;  // any role other than customer/dealer/agent
};

using Clock = std::chrono::system_clock;

class Tokens {
 public:
  // user_secret signs access tokens; service_secret signs service-to-service tokens.
  Tokens(std::string user_secret, std::string service_secret, std::string issuer = "rto",
         std::chrono::seconds access_ttl = std::chrono::minutes(15),
         std::chrono::seconds service_ttl = std::chrono::minutes(5));

  std::string issue_access(std::string_view user_id, const std::vector<std::string>& roles,
                           Clock::time_point now = Clock::now()) const;
  std::string issue_service(std::string_view service_name, Clock::time_point now = Clock::now()) const;

  // Both throw rto::Error (Unauthorized) for a token that is malformed, unsigned (alg=none),
  // signed with another algorithm or key, expired, or of the wrong kind.
  Identity verify_access(std::string_view token, Clock::time_point now = Clock::now()) const;
  Identity verify_service(std::string_view token, Clock::time_point now = Clock::now()) const;

  std::chrono::seconds access_ttl() const noexcept { return access_ttl_; }

 private:
  Identity verify(std::string_view token, const std::string& key, std::string_view typ, Clock::time_point now) const;

  std::string user_secret_, service_secret_, issuer_;
  std::chrono::seconds access_ttl_, service_ttl_;
  // Tokens already verified, until their expiry: a client sends the same token with every
  // request, and the gateway and the service both check it. Keyed by the whole token text,
  // so any altered token misses and is verified in full.
  struct Cache;
  std::shared_ptr<Cache> cache_;
};

// "Bearer xyz" -> "xyz"; empty when the header is absent or not a bearer token.
std::string_view bearer_token(std::string_view authorization_header) noexcept;

}  // namespace rto::auth
