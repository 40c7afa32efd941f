#include <gtest/gtest.h>

#include <jwt/jwt.hpp>

#include "rto/auth.hpp"
#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/testing/service.hpp"

using rto::auth::AccessKeys;
using rto::auth::Tokens;
using namespace std::chrono_literals;

namespace {
const std::string kSvc = "service-secret-service-secret-service-99";
// The signer (the user service): its private key and the public one.
const AccessKeys kUser = AccessKeys::parse(rto::testing::kJwtPrivateKey, rto::testing::kJwtPublicKeys);
// A verifier (any other service): the public key only.
const AccessKeys kVerifier = AccessKeys::parse("", rto::testing::kJwtPublicKeys);
// The public key's text, as an attacker would use it for an HMAC (algorithm confusion).
std::string public_pem() { return kVerifier.verifying.at(0).second; }

int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const rto::Error& e) {
    return e.status();
  }
  return 0;
}
}  // namespace

TEST(Tokens, AccessRoundTrip) {
  Tokens t(kUser, kSvc);
  auto tok = t.issue_access("u-1", {"customer", "dealer"});
  auto id = t.verify_access(tok);
  EXPECT_EQ(id.subject, "u-1");
  EXPECT_TRUE(id.has_role("dealer"));
  EXPECT_FALSE(id.has_role("admin"));
  EXPECT_FALSE(id.service);
}

TEST(Tokens, ExpiredIsRejected) {
  Tokens t(kUser, kSvc);
  auto tok = t.issue_access("u-1", {"customer"}, std::chrono::system_clock::now() - 16min);
  EXPECT_EQ(status_of([&] { t.verify_access(tok); }), 401);
}

TEST(Tokens, TamperedSignatureIsRejected) {
  Tokens t(kUser, kSvc);
  auto tok = t.issue_access("u-1", {"customer"});
  // Inside the signature: the last base64url character of a 64-byte ES256 signature also
  // carries padding bits, and changing only those leaves the signature as it was.
  auto& c = tok[tok.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(status_of([&] { t.verify_access(tok); }), 401);
}

TEST(Tokens, TamperedPayloadIsRejected) {
  Tokens t(kUser, kSvc);
  auto tok = t.issue_access("u-1", {"customer"});
  auto d1 = tok.find('.'), d2 = tok.rfind('.');
  auto payload = rto::crypto::base64_decode(tok.substr(d1 + 1, d2 - d1 - 1));
  auto pos = payload.find("customer");
  ASSERT_NE(pos, std::string::npos);
  payload.replace(pos, 8, "admin\",\"");
  auto forged = tok.substr(0, d1 + 1) + rto::crypto::base64_encode(payload, true) + tok.substr(d2);
  EXPECT_EQ(status_of([&] { t.verify_access(forged); }), 401);
}

TEST(Tokens, AlgNoneIsRejected) {
  Tokens t(kUser, kSvc);
  auto header = rto::crypto::base64_encode(R"({"alg":"none","typ":"JWT"})", true);
  auto exp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                (std::chrono::system_clock::now() + 10min).time_since_epoch())
                                .count());
  auto body = rto::crypto::base64_encode(
      R"({"iss":"rto","sub":"u-1","typ":"access","roles":["admin"],"exp":)" + exp + "}", true);
  EXPECT_EQ(status_of([&] { t.verify_access(header + "." + body + "."); }), 401);
  EXPECT_EQ(status_of([&] { t.verify_access(header + "." + body); }), 401);
}

TEST(Tokens, OtherAlgorithmIsRejected) {
  using namespace jwt::params;
  // HMAC keyed with the public key's own text: the classic algorithm confusion.
  for (const char* alg : {"HS256", "HS512"}) {
    jwt::jwt_object obj{algorithm(alg), secret(public_pem())};
    obj.header().add_header("kid", "test-1");
    obj.add_claim("iss", "rto").add_claim("sub", "u-1").add_claim("typ", "access").add_claim(
        "exp", std::chrono::system_clock::now() + 10min);
    Tokens t(kVerifier, kSvc);
    EXPECT_EQ(status_of([&] { t.verify_access(obj.signature()); }), 401) << alg;
  }
}

TEST(Tokens, OnlyTheHolderOfThePrivateKeySigns) {
  Tokens signer(kUser, kSvc), verifier(kVerifier, kSvc);
  EXPECT_TRUE(signer.signs_access());
  EXPECT_FALSE(verifier.signs_access());
  EXPECT_THROW(verifier.issue_access("u-1", {"admin"}), std::logic_error);
  auto tok = signer.issue_access("u-1", {"admin"});
  EXPECT_EQ(verifier.verify_access(tok).subject, "u-1");
  EXPECT_EQ(verifier.verify_access(tok).roles, (std::vector<std::string>{"admin"}));
  // A service holding only the service secret cannot make an access token of it.
  Tokens gateway(kVerifier, "");
  EXPECT_THROW(gateway.issue_service("api-gateway", "user-service"), std::logic_error);
  EXPECT_EQ(status_of([&] { gateway.verify_service(signer.issue_service("x", "api-gateway"), "api-gateway"); }), 401);
}

TEST(Tokens, TwoKeysVerifyWhileOneIsRotated) {
  // The next key is published first; the signer moves to it; the old one is then withdrawn.
  const std::string both = std::string(rto::testing::kJwtPublicKeys) + "," + rto::testing::kJwtPublicKey2;
  Tokens old_signer(kUser, kSvc);
  Tokens new_signer(AccessKeys::parse(rto::testing::kJwtPrivateKey2, both), kSvc);
  Tokens during(AccessKeys::parse("", both), kSvc);
  Tokens after(AccessKeys::parse("", rto::testing::kJwtPublicKey2), kSvc);
  auto old_token = old_signer.issue_access("u-1", {"customer"});
  auto new_token = new_signer.issue_access("u-2", {"customer"});
  EXPECT_EQ(during.verify_access(old_token).subject, "u-1");
  EXPECT_EQ(during.verify_access(new_token).subject, "u-2");
  EXPECT_EQ(after.verify_access(new_token).subject, "u-2");
  EXPECT_EQ(status_of([&] { after.verify_access(old_token); }), 401);
}

TEST(Tokens, KeysAreCheckedWhenRead) {
  EXPECT_THROW(AccessKeys::parse("", "no-colon"), std::invalid_argument);
  EXPECT_THROW(AccessKeys::parse("", "k:not base64!"), std::invalid_argument);
  const std::string three = std::string(rto::testing::kJwtPublicKeys) + "," + rto::testing::kJwtPublicKey2 + ",third:" +
                            std::string(rto::testing::kJwtPublicKey2).substr(7);
  EXPECT_THROW(AccessKeys::parse("", three), std::invalid_argument);
  const std::string twice = std::string(rto::testing::kJwtPublicKeys) + "," + rto::testing::kJwtPublicKeys;
  EXPECT_THROW(AccessKeys::parse("", twice), std::invalid_argument);
  // A private key whose kid has no public key, or that is another key's pair.
  EXPECT_THROW(AccessKeys::parse(rto::testing::kJwtPrivateKey2, rto::testing::kJwtPublicKeys), std::invalid_argument);
  const std::string mismatched = std::string("test-1:") + std::string(rto::testing::kJwtPrivateKey2).substr(7);
  EXPECT_THROW(Tokens(AccessKeys::parse(mismatched, rto::testing::kJwtPublicKeys), kSvc), std::invalid_argument);
}

TEST(Tokens, WrongKeyIsRejected) {
  Tokens a(kUser, kSvc), b(AccessKeys::parse("", rto::testing::kJwtPublicKey2), kSvc);
  EXPECT_EQ(status_of([&] { b.verify_access(a.issue_access("u", {"customer"})); }), 401);
}

TEST(Tokens, ServiceAndAccessTokensAreNotInterchangeable) {
  Tokens t(kUser, kSvc);
  auto svc = t.issue_service("payment-service", "vehicle-service");
  EXPECT_EQ(t.verify_service(svc, "vehicle-service").subject, "payment-service");
  EXPECT_TRUE(t.verify_service(svc, "vehicle-service").service);
  EXPECT_EQ(status_of([&] { t.verify_access(svc); }), 401);
  EXPECT_EQ(status_of([&] { t.verify_service(t.issue_access("u", {"admin"}), "vehicle-service"); }), 401);
  // Meant for the vehicle service: the user service does not take it.
  EXPECT_EQ(status_of([&] { t.verify_service(svc, "user-service"); }), 401);
}

TEST(Tokens, GarbageIsRejected) {
  Tokens t(kUser, kSvc);
  for (const std::string& s : std::vector<std::string>{"", "abc", "a.b.c", "....", std::string(10000, 'x')})
    EXPECT_EQ(status_of([&] { t.verify_access(s); }), 401) << s.substr(0, 10);
}

TEST(Bearer, ParsesHeader) {
  EXPECT_EQ(rto::auth::bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(rto::auth::bearer_token("bearer  abc "), "abc");
  EXPECT_EQ(rto::auth::bearer_token("Basic abc"), "");
  EXPECT_EQ(rto::auth::bearer_token(""), "");
}

TEST(Tokens, CachedTokensStillExpireAndKindsStaySeparate) {
  Tokens t(kUser, kSvc);
  auto now = std::chrono::system_clock::now();
  auto tok = t.issue_access("u-9", {"customer"}, now);
  EXPECT_EQ(t.verify_access(tok, now).subject, "u-9");              // verified in full, cached
  EXPECT_EQ(t.verify_access(tok, now + 1min).subject, "u-9");       // from the cache
  EXPECT_EQ(status_of([&] { t.verify_access(tok, now + 16min); }), 401);  // the cache honours exp
  EXPECT_EQ(status_of([&] { t.verify_service(tok, "svc", now); }), 401);  // an access token is no service token
  auto altered = tok;
  altered[altered.size() - 2] = altered[altered.size() - 2] == 'x' ? 'y' : 'x';
  EXPECT_EQ(status_of([&] { t.verify_access(altered, now); }), 401);
}

// Found by fuzz_jwt: a byte over 0x7F in a token reached cpp-jwt's base64 decoder, which indexes
// its table with it as a negative char (an assertion failure, or without assertions a read
// outside the table). Such a token is a 401 before it is decoded.
TEST(Tokens, BytesOutsideBase64urlAreRejected) {
  Tokens t(kUser, kSvc);
  auto tok = t.issue_access("u-1", {"customer"});
  for (std::size_t at : {std::size_t{3}, tok.find('.') + 3, tok.size() - 3}) {
    auto bad = tok;
    bad[at] = static_cast<char>(0xB9);
    EXPECT_EQ(status_of([&] { t.verify_access(bad); }), 401) << at;
    EXPECT_EQ(status_of([&] { t.verify_service(bad, "payment-service"); }), 401) << at;
  }
  EXPECT_EQ(status_of([&] { t.verify_access("eyJ\xb9\xcf.eyJ.c2ln"); }), 401);
}

// Found by fuzz_jwt: cpp-jwt converts exp to an unsigned integer while validating, before the
// signature is known good, so an unsigned token with "exp": 4.1e40 was undefined behaviour. A
// time claim that is not an integer is a 401 before cpp-jwt sees it.
TEST(Tokens, TimeClaimsThatAreNotIntegersAreRejected) {
  Tokens t(kUser, kSvc);
  auto b64 = [](std::string_view s) {
    auto out = rto::crypto::base64_encode(s, true);
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
  };
  for (const char* claims : {R"({"iss":"rto","sub":"u","typ":"service","aud":"payment-service","exp":41026666666666666666666666666666666666644800})",
                             R"({"iss":"rto","sub":"u","typ":"access","exp":1.5e300,"iat":1})",
                             R"({"iss":"rto","sub":"u","typ":"access","exp":4102444800,"nbf":-1e30})"}) {
    auto unsigned_token = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(claims) + "." + b64("not a signature");
    EXPECT_EQ(status_of([&] { t.verify_service(unsigned_token, "payment-service"); }), 401) << claims;
    EXPECT_EQ(status_of([&] { t.verify_access(unsigned_token); }), 401) << claims;
  }
}

// Found by fuzz_jwt: a correctly signed service token expiring in the year 3270 overflowed the
// nanosecond time point of Identity::expires_at. An expiry past 2200 is a 401.
TEST(Tokens, AnExpiryPast2200IsRejected) {
  Tokens t(kUser, kSvc);
  auto b64 = [](std::string_view s) {
    auto out = rto::crypto::base64_encode(s, true);
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
  };
  auto signed_token = [&](const std::string& claims) {
    auto input = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(claims);
    return input + "." + b64(rto::crypto::hmac_sha256(kSvc, input));
  };
  const std::string base = R"({"iss":"rto","sub":"credit-service","aud":"payment-service","typ":"service","exp":)";
  EXPECT_EQ(status_of([&] { t.verify_service(signed_token(base + "41023444800}"), "payment-service"); }), 401);
  EXPECT_EQ(status_of([&] { t.verify_service(signed_token(base + "4102444800}"), "payment-service"); }), 0);
}
