#include <gtest/gtest.h>

#include <jwt/jwt.hpp>

#include "rto/auth.hpp"
#include "rto/crypto.hpp"
#include "rto/errors.hpp"

using rto::auth::Tokens;
using namespace std::chrono_literals;

namespace {
const std::string kUser = "user-secret-user-secret-user-secret-0123";
const std::string kSvc = "service-secret-service-secret-service-99";

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
  tok.back() = tok.back() == 'A' ? 'B' : 'A';
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
  jwt::jwt_object obj{algorithm("HS512"), secret(kUser)};
  obj.add_claim("iss", "rto").add_claim("sub", "u-1").add_claim("typ", "access").add_claim(
      "exp", std::chrono::system_clock::now() + 10min);
  Tokens t(kUser, kSvc);
  EXPECT_EQ(status_of([&] { t.verify_access(obj.signature()); }), 401);
}

TEST(Tokens, WrongKeyIsRejected) {
  Tokens a(kUser, kSvc), b("another-user-secret-another-user-secret!!", kSvc);
  EXPECT_EQ(status_of([&] { b.verify_access(a.issue_access("u", {"customer"})); }), 401);
}

TEST(Tokens, ServiceAndAccessTokensAreNotInterchangeable) {
  Tokens t(kUser, kSvc);
  auto svc = t.issue_service("payment-service");
  EXPECT_EQ(t.verify_service(svc).subject, "payment-service");
  EXPECT_TRUE(t.verify_service(svc).service);
  EXPECT_EQ(status_of([&] { t.verify_access(svc); }), 401);
  EXPECT_EQ(status_of([&] { t.verify_service(t.issue_access("u", {"admin"})); }), 401);
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
  EXPECT_EQ(status_of([&] { t.verify_service(tok, now); }), 401);    // an access token is no service token
  auto altered = tok;
  altered[altered.size() - 2] = altered[altered.size() - 2] == 'x' ? 'y' : 'x';
  EXPECT_EQ(status_of([&] { t.verify_access(altered, now); }), 401);
}
