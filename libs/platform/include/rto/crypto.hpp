#pragma once
// libsodium: Argon2id passwords, XChaCha20-Poly1305 field encryption, keyed blind index,
// random tokens, hashes, UUIDs.
#include <string>
#include <string_view>

namespace rto::crypto {

void init();  // sodium_init; safe to call more than once

struct PasswordCost {
  unsigned long long ops;
  std::size_t mem;
  static PasswordCost interactive();  // libsodium INTERACTIVE (64 MiB)
  static PasswordCost minimal();      // for tests only
};
std::string hash_password(std::string_view password, PasswordCost cost = PasswordCost::interactive());
bool verify_password(std::string_view stored_hash, std::string_view password) noexcept;

// Field encryption with a 32-byte master key given as base64 (ENCRYPTION_KEY). Sub-keys for
// encryption and for the blind index are derived from it (crypto_kdf), so one secret serves both.
class FieldCipher {
 public:
  explicit FieldCipher(std::string_view base64_key);  // throws ConfigError for a bad key
  std::string encrypt(std::string_view plaintext, std::string_view associated = "") const;  // base64(nonce|ct)
  std::string decrypt(std::string_view sealed, std::string_view associated = "") const;     // throws on tamper
  // Deterministic keyed hash (hex) for equality lookups without storing the value.
  std::string blind_index(std::string_view domain, std::string_view value) const;

 private:
  unsigned char enc_key_[32];
  unsigned char idx_key_[32];
};

std::string random_token(std::size_t bytes = 32);  // base64url, no padding
std::string sha256_hex(std::string_view data);
// HMAC-SHA256 of data under key (any length); the raw 32-byte MAC.
std::string hmac_sha256(std::string_view key, std::string_view data);
// Compares two byte strings in time independent of where they differ (false on length mismatch).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;
std::string uuid_v4();
bool is_uuid(std::string_view s) noexcept;
std::string base64_encode(std::string_view data, bool url_safe = false);
std::string base64_decode(std::string_view text);  // throws std::invalid_argument

}  // namespace rto::crypto
