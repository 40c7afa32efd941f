#pragma once
// Identity, JWT access tokens (ES256, cpp-jwt) and internal service tokens (HS256).
//
// Access tokens are signed by the user service alone, with its private key; every other process
// (the gateway included) holds only the public keys and can verify them but never mint one.
// Service tokens name the calling service (`sub`) and the service called (`aud`); each
// /internal/* route lists the callers it accepts. The gateway holds no signing key at all.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rto::auth {

inline constexpr std::string_view kRoles[] = {"customer", "dealer", "agent", "credit_officer", "support_agent", "admin"};
bool is_known_role(std::string_view role) noexcept;

// The ES256 keys of access tokens: the private key to sign with (the user service's only) and
// the public keys to verify with — two at once while a key is rotated, told apart by the token's
// `kid` header. Keys travel as JWT_PRIVATE_KEY "kid:BASE64" (PKCS#8 DER) and JWT_PUBLIC_KEYS
// "kid:BASE64[,kid:BASE64]" (SubjectPublicKeyInfo DER): the base64 of a PEM file's body.
struct AccessKeys {
  std::string signing_kid, signing_pem;                        // empty: cannot sign
  std::vector<std::pair<std::string, std::string>> verifying;  // (kid, public key PEM)

  // Throws std::invalid_argument naming what is wrong (a private key whose kid has no public
  // key, more than two public keys, a kid used twice, a key that is not base64).
  static AccessKeys parse(std::string_view private_key, std::string_view public_keys);
};

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
  // `access` signs (when it has a private key) and verifies access tokens; service_secret signs
  // and verifies service-to-service tokens (empty: this process neither makes nor takes them).
  // Throws std::invalid_argument when the private key does not match its public key.
  Tokens(AccessKeys access, std::string service_secret, std::string issuer = "rto",
         std::chrono::seconds access_ttl = std::chrono::minutes(15),
         std::chrono::seconds service_ttl = std::chrono::minutes(5));

  bool signs_access() const noexcept { return !access_.signing_pem.empty(); }
  // Throws std::logic_error in a process without the private key.
  std::string issue_access(std::string_view user_id, const std::vector<std::string>& roles,
                           Clock::time_point now = Clock::now()) const;
  // A token of `caller` for calling `audience`.
  std::string issue_service(std::string_view caller, std::string_view audience, Clock::time_point now = Clock::now()) const;

  // Both throw rto::Error (Unauthorized) for a token that is malformed, unsigned (alg=none),
  // signed with another algorithm or key, expired, or of the wrong kind; verify_service also
  // for a token meant for another service than `audience` (empty: any; test stand-ins only).
  Identity verify_access(std::string_view token, Clock::time_point now = Clock::now()) const;
  Identity verify_service(std::string_view token, std::string_view audience, Clock::time_point now = Clock::now()) const;

  std::chrono::seconds access_ttl() const noexcept { return access_ttl_; }

 private:
  Identity verify(std::string_view token, std::string_view typ, std::string_view audience, Clock::time_point now) const;

  AccessKeys access_;
  std::string service_secret_, issuer_;
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
