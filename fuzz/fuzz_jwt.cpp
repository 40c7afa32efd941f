// Tokens (rto::auth, auth.cpp): what arrives in an Authorization header. Input: one byte
// choosing the mode, then
//   0: an access token (ES256), verified as every service verifies a user's request;
//   1: a service token (HS256) for the payment service;
//   2: an Authorization header value: bearer_token, then verify_access;
//   3: a token header and claims (JSON, separated by a newline; claims only without one),
//      signed here with the service secret, so that the claim checks behind the signature
//      (issuer, type, audience, expiry, subject, roles) see fuzzed input too.
// Every rejection must be an rto::Error 401.
#include <chrono>
#include <rto/auth.hpp>
#include <rto/crypto.hpp>

#include "fuzz_common.hpp"

using rto::auth::AccessKeys;
using rto::auth::Tokens;

namespace {
// The test keys of rto/testing/service.hpp (public test material, never deployed).
constexpr const char* kPrivateKey =
    "test-1:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeLpT3pyHV3DKvRxJThAqyH+1LR9ySvoiXy+2oFu9rO2hRANCAATAuHFXFpS/"
    "WiKWc1vnhewBUAQg2yokn0nsa1lI586mZkxIyzVSZnORuz/VDJWEyOxezb0tEmaAgDuP0zZhulZX";
constexpr const char* kPublicKeys =
    "test-1:MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwLhxVxaUv1oilnNb54XsAVAEINsqJJ9J7GtZSOfOpmZMSMs1UmZzkbs/"
    "1QyVhMjsXs29LRJmgIA7j9M2YbpWVw==";
constexpr const char* kSecret = "service-secret-service-secret-service-99";

std::string b64url(std::string_view s) {
  auto out = rto::crypto::base64_encode(s, true);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

const Tokens& tokens() {
  static const Tokens t(AccessKeys::parse("", kPublicKeys), kSecret);
  return t;
}

void check_401(const char* where, const std::function<void()>& f) {
  try {
    f();
  } catch (const rto::Error& e) {
    if (e.status() != 401) fuzz::finding(where, "rto::Error that is not a 401", e.what());
  } catch (const std::exception& e) {
    fuzz::finding(where, typeid(e).name(), e.what());
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto rest = fuzz::as_text(data + 1, size - 1);
  (void)kPrivateKey;
  switch (data[0] % 4) {
    case 0:
      check_401("verify_access", [&] { tokens().verify_access(rest); });
      break;
    case 1:
      check_401("verify_service", [&] { tokens().verify_service(rest, "payment-service"); });
      break;
    case 2:
      check_401("bearer_token", [&] { tokens().verify_access(rto::auth::bearer_token(rest)); });
      break;
    default: {
      std::string_view header = R"({"alg":"HS256","typ":"JWT"})", claims = rest;
      if (auto nl = rest.find('\n'); nl != std::string_view::npos) {
        header = rest.substr(0, nl);
        claims = rest.substr(nl + 1);
      }
      std::string signing = b64url(header) + "." + b64url(claims);
      std::string token = signing + "." + b64url(rto::crypto::hmac_sha256(kSecret, signing));
      check_401("verify_service(signed)", [&] { tokens().verify_service(token, "payment-service"); });
      check_401("verify_access(signed)", [&] { tokens().verify_access(token); });
      break;
    }
  }
  return 0;
}
