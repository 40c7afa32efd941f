#include "rto/crypto.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "rto/errors.hpp"

namespace rto::crypto {

void init() {
  static const int rc = sodium_init();
  if (rc < 0) throw std::runtime_error("libsodium failed to initialise");
}

PasswordCost PasswordCost::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::minimal() { return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }

std::string hash_password(std::string_view password, PasswordCost cost) {
  init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) noexcept {
  if (init(), stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  char buf[crypto_pwhash_STRBYTES] = {};
  std::copy(stored_hash.begin(), stored_hash.end(), buf);
  return crypto_pwhash_str_verify(buf, password.data(), password.size()) == 0;
}

FieldCipher::FieldCipher(std::string_view base64_key) {
  init();
  std::string master;
  try {
    master = base64_decode(base64_key);
  } catch (const std::exception&) {
    throw ConfigError("ENCRYPTION_KEY: must be base64");
  }
  if (master.size() != crypto_kdf_KEYBYTES) throw ConfigError("ENCRYPTION_KEY: must decode to exactly 32 bytes");
  auto mk = reinterpret_cast<const unsigned char*>(master.data());
  crypto_kdf_derive_from_key(enc_key_, sizeof enc_key_, 1, "rto-fenc", mk);
  crypto_kdf_derive_from_key(idx_key_, sizeof idx_key_, 2, "rto-bidx", mk);
  sodium_memzero(master.data(), master.size());
}

std::string FieldCipher::encrypt(std::string_view plaintext, std::string_view ad) const {
  constexpr auto NB = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(NB + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(o, NB);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + NB, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
                                             plaintext.size(), reinterpret_cast<const unsigned char*>(ad.data()),
                                             ad.size(), nullptr, o, enc_key_);
  out.resize(NB + clen);
  return base64_encode(out);
}

std::string FieldCipher::decrypt(std::string_view sealed, std::string_view ad) const {
  constexpr auto NB = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string raw = base64_decode(sealed);
  if (raw.size() < NB + crypto_aead_xchacha20poly1305_ietf_ABYTES) throw std::runtime_error("ciphertext too short");
  std::string out(raw.size() - NB, '\0');
  unsigned long long mlen = 0;
  auto* r = reinterpret_cast<const unsigned char*>(raw.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, r + NB,
                                                 raw.size() - NB, reinterpret_cast<const unsigned char*>(ad.data()),
                                                 ad.size(), r, enc_key_) != 0)
    throw std::runtime_error("ciphertext failed authentication");
  out.resize(mlen);
  return out;
}

std::string FieldCipher::blind_index(std::string_view domain, std::string_view value) const {
  unsigned char h[32];
  crypto_generichash_state st;
  crypto_generichash_init(&st, idx_key_, sizeof idx_key_, sizeof h);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(value.data()), value.size());
  crypto_generichash_final(&st, h, sizeof h);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string random_token(std::size_t bytes) {
  init();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return base64_encode(raw, true);
}

std::string sha256_hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  init();
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&st, reinterpret_cast<unsigned char*>(mac.data()));
  return mac;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string uuid_v4() {
  init();
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  static const char* hexd = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hexd[b[i] >> 4];
    s += hexd[b[i] & 15];
  }
  return s;
}

bool is_uuid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string base64_encode(std::string_view data, bool url_safe) {
  init();
  int variant = url_safe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(data.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string base64_decode(std::string_view text) {
  init();
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  // Accept standard and URL-safe alphabets, with or without padding.
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), "\n\r ",
                          &len, &end, variant) == 0 &&
        end == text.data() + text.size()) {
      out.resize(len);
      return out;
    }
  }
  throw std::invalid_argument("not base64");
}

}  // namespace rto::crypto
