// End to end through the running gateway: what the edge refuses, and how it refuses it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <vector>

#include "rto/auth.hpp"
#include "rto/crypto.hpp"
#include "support.hpp"

namespace js = boost::json;
using rto::http::Headers;
using rto::http::Method;

namespace {

void expect_problem(const e2e::Reply& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.content_type(), "application/problem+json") << r.body;
  ASSERT_TRUE(r.json.is_object()) << r.body;
  EXPECT_EQ(r.json.as_object().at("status").as_int64(), status) << r.body;
  EXPECT_TRUE(r.json.as_object().contains("request_id")) << r.body;
}

std::string b64url(std::string_view s) { return rto::crypto::base64_encode(s, true); }

rto::auth::Tokens platform_tokens() {
  const auto& s = e2e::secrets();
  // As the user service holds them: the test platform's private key signs the tokens below.
  return rto::auth::Tokens(rto::auth::AccessKeys::parse(s.at("JWT_PRIVATE_KEY"), s.at("JWT_PUBLIC_KEYS")),
                           s.at("SERVICE_TOKEN_SECRET"));
}

// The claims of a real token, re-sent unsigned under {"alg":"none"}.
std::string unsigned_copy(const std::string& token, bool make_admin) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  auto claims = js::parse(rto::crypto::base64_decode(token.substr(first + 1, second - first - 1))).as_object();
  if (make_admin) claims["roles"] = js::array{"admin"};
  return b64url(R"({"alg":"none","typ":"JWT"})") + "." + b64url(js::serialize(claims)) + ".";
}

struct RawReply {
  int status = 0;
  std::string head, body;
};

// Sends raw bytes to the gateway and reads the answer until the connection closes. Used to
// announce a body larger than the limit without streaming megabytes first.
RawReply raw_exchange(const std::string& bytes) {
  auto ep = rto::http::Endpoint::parse(e2e::gateway_url());
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (::getaddrinfo(ep.host.c_str(), ep.port.c_str(), &hints, &res) != 0) throw std::runtime_error("resolve failed");
  int fd = ::socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd < 0 || ::connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    ::freeaddrinfo(res);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("connect failed");
  }
  ::freeaddrinfo(res);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  std::string in;
  char buf[4096];
  for (;;) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
    auto end = in.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto cl = in.find("Content-Length: ");
      if (cl == std::string::npos) cl = in.find("content-length: ");
      if (cl != std::string::npos && cl < end) {
        auto len = std::stoul(in.substr(cl + 16, in.find("\r\n", cl) - cl - 16));
        if (in.size() >= end + 4 + len) break;
      }
    }
  }
  ::close(fd);
  RawReply r;
  auto end = in.find("\r\n\r\n");
  if (in.size() < 12 || end == std::string::npos) return r;
  r.status = std::stoi(in.substr(9, 3));
  r.head = in.substr(0, end);
  r.body = in.substr(end + 4);
  return r;
}

}  // namespace

TEST(Gateway, TamperedTokenRefused) {
  e2e::Api api;
  auto a = e2e::register_customer(api);
  ASSERT_EQ(api.get("/api/v1/users/me", a.access_token).status, 200);

  auto bad_sig = a.access_token;
  bad_sig[bad_sig.size() - 2] = bad_sig[bad_sig.size() - 2] == 'a' ? 'b' : 'a';
  expect_problem(api.get("/api/v1/users/me", bad_sig), 401);

  // Claims changed (customer -> admin) under the original signature.
  auto first = a.access_token.find('.');
  auto second = a.access_token.find('.', first + 1);
  auto claims = js::parse(rto::crypto::base64_decode(a.access_token.substr(first + 1, second - first - 1))).as_object();
  claims["roles"] = js::array{"admin"};
  auto forged = a.access_token.substr(0, first) + "." + b64url(js::serialize(claims)) + a.access_token.substr(second);
  expect_problem(api.get("/api/v1/users", forged), 401);

  expect_problem(api.get("/api/v1/users/me", "not.a.jwt"), 401);
  expect_problem(api.get("/api/v1/users/me", std::string(10000, 'x')), 401);
}

TEST(Gateway, ExpiredTokenRefused) {
  e2e::Api api;
  auto a = e2e::register_customer(api);
  auto tokens = platform_tokens();
  // Valid signature, but issued two hours ago with a 15-minute lifetime.
  auto expired = tokens.issue_access(a.id, {"customer"}, rto::auth::Clock::now() - std::chrono::hours(2));
  auto r = api.get("/api/v1/users/me", expired);
  expect_problem(r, 401);
  EXPECT_TRUE(r.headers.contains("WWW-Authenticate"));
  // The same minting with the current time works, so only the expiry is at fault.
  EXPECT_EQ(api.get("/api/v1/users/me", tokens.issue_access(a.id, {"customer"})).status, 200);
}

TEST(Gateway, AlgNoneTokenRefused) {
  e2e::Api api;
  auto a = e2e::register_customer(api);
  expect_problem(api.get("/api/v1/users/me", unsigned_copy(a.access_token, false)), 401);
  expect_problem(api.get("/api/v1/users", unsigned_copy(a.access_token, true)), 401);
  // Also with a leftover signature segment.
  expect_problem(api.get("/api/v1/users/me", unsigned_copy(a.access_token, false) + "c2ln"), 401);
}

TEST(Gateway, ServiceTokenIsNotAUserToken) {
  e2e::Api api;
  auto svc = platform_tokens().issue_service("payment-service", "user-service");
  expect_problem(api.get("/api/v1/users/me", svc), 401);
}

TEST(Gateway, ClientSentIdentityHeadersIgnored) {
  e2e::Api api;
  auto caller = e2e::register_customer(api);
  auto victim = e2e::register_customer(api);
  Headers h;
  h.set("Authorization", "Bearer " + caller.access_token);
  h.set("X-User-Id", victim.id);
  h.set("X-User-Roles", "admin");
  h.set("X-Service-Name", "user-service");
  h.set("X-Forwarded-User", victim.id);
  auto me = api.call(Method::Get, "/api/v1/users/me", {}, h);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json.at("id").as_string(), caller.id);

  // Claimed admin role does not open an admin route either.
  auto list = api.call(Method::Get, "/api/v1/users", {}, h);
  expect_problem(list, 403);

  // Without a token, identity headers alone get nowhere.
  Headers only;
  only.set("X-User-Id", victim.id);
  only.set("X-User-Roles", "admin");
  expect_problem(api.call(Method::Get, "/api/v1/users/me", {}, only), 401);
}

TEST(Gateway, OversizedBodyIs413Problem) {
  // Announce a body above any allowed BODY_LIMIT_BYTES (at most 64 MiB): the gateway answers
  // from the headers alone, without waiting for the body.
  std::string req =
      "POST /api/v1/auth/register HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
      "X-Forwarded-For: " + e2e::unique_ip() + "\r\nContent-Length: 67108865\r\n\r\n";
  auto r = raw_exchange(req);
  EXPECT_EQ(r.status, 413) << r.head;
  EXPECT_NE(r.head.find("application/problem+json"), std::string::npos) << r.head;
  auto body = js::parse(r.body).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 413);
}

TEST(Gateway, InternalPathsAreNotRouted) {
  e2e::Api api;
  auto a = e2e::register_customer(api);
  expect_problem(api.get("/internal/users/" + a.id), 404);
  expect_problem(api.get("/internal/users/" + a.id, a.access_token), 404);
  // Not even with a genuine service token.
  expect_problem(api.get("/internal/users/" + a.id, platform_tokens().issue_service("payment-service", "user-service")), 404);
  expect_problem(api.get("/api/v1/../../internal/users/" + a.id, a.access_token), 400);
  expect_problem(api.get("/api/v1/nothing-here"), 404);
  expect_problem(api.get("/api/v1/usersX"), 404);
}

TEST(Gateway, AuthRateLimitPerClientAddress) {
  // RATE_AUTH_PER_IP_RPS=5, RATE_AUTH_PER_IP_BURST=10 in the test environment. One client
  // address (X-Forwarded-For through the trusted local proxy) keeps trying to sign in: a few
  // real attempts with wrong passwords, then quick ones the user service refuses at validation,
  // so the test does not depend on how fast password hashing is on this machine.
  e2e::Api api;
  std::vector<int> before;
  e2e::Reply refusal;
  for (int i = 0; i < 200; ++i) {
    auto body = i < 3 ? js::object{{"phone", e2e::unique_phone()}, {"password", "Wrong-password-1"}}
                      : js::object{{"phone", "not-a-phone"}, {"password", "Wrong-password-1"}};
    auto r = api.post("/api/v1/auth/login", body);
    if (r.status == 429) {
      refusal = std::move(r);
      break;
    }
    before.push_back(r.status);
  }
  ASSERT_EQ(refusal.status, 429) << "no 429 from one address after " << before.size() << " sign-in attempts";
  EXPECT_GE(before.size(), 10u);  // the burst was allowed
  for (int s : before) EXPECT_TRUE(s == 400 || s == 401) << s;
  expect_problem(refusal, 429);
  ASSERT_TRUE(refusal.headers.contains("Retry-After"));
  EXPECT_GE(std::stoi(std::string(*refusal.headers.get("Retry-After"))), 1);
  EXPECT_EQ(refusal.json.at("type").as_string(), "/problems/rate-limited");

  // Another address is not affected, and the limited address may still use non-auth routes.
  e2e::Api other;
  auto r = other.post("/api/v1/auth/login", {{"phone", e2e::unique_phone()}, {"password", "Wrong-password-1"}});
  EXPECT_EQ(r.status, 401) << r.body;
  auto a = e2e::register_customer(other);
  e2e::Api same_ip;
  same_ip.ip = api.ip;
  EXPECT_EQ(same_ip.get("/api/v1/users/me", a.access_token).status, 200);
}

TEST(Gateway, ReadyReportsUpstreams) {
  e2e::Api api;
  auto r = api.get("/ready");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& checks = r.json.at("checks").as_object();
  ASSERT_TRUE(checks.contains("upstream:user")) << r.body;
  EXPECT_EQ(checks.at("upstream:user").as_string(), "ok");
  EXPECT_EQ(api.get("/health").status, 200);
  // /metrics is not for anyone who comes through a proxy (the ingress adds X-Forwarded-For) ...
  EXPECT_EQ(api.get("/metrics").status, 404);
  // ... only for a scraper that reaches the process directly from a trusted network.
  api.ip.clear();
  auto m = api.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("gateway_upstream_requests_total"), std::string::npos);
}

TEST(Gateway, A3MBJsonBodyIs413AtTheGatewayNot503) {
  e2e::Api api;
  js::object body{{"phone", e2e::unique_phone()}, {"password", "Rider-Pass-2026"}, {"full_name", std::string(3 << 20, 'a')}};
  auto r = api.post("/api/v1/auth/register", body);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  EXPECT_EQ(r.content_type(), "application/problem+json");
}

TEST(Gateway, CorsPreflightFromFrontendOrigin) {
  e2e::Api api;
  Headers h;
  h.set("Origin", "http://localhost:3000");
  h.set("Access-Control-Request-Method", "PATCH");
  h.set("Access-Control-Request-Headers", "authorization, content-type");
  auto pre = api.call(Method::Options, "/api/v1/users/me", {}, h);
  EXPECT_EQ(pre.status, 204) << pre.body;
  EXPECT_EQ(pre.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(pre.headers.get("Access-Control-Allow-Methods").value_or("").find("PATCH"), std::string::npos);
  EXPECT_NE(pre.headers.get("Access-Control-Allow-Headers").value_or("").find("Authorization"), std::string::npos);
  EXPECT_TRUE(pre.headers.contains("Access-Control-Max-Age"));
  EXPECT_NE(pre.headers.get("Vary").value_or("").find("Origin"), std::string::npos);

  h.set("Origin", "https://attacker.example");
  auto denied = api.call(Method::Options, "/api/v1/users/me", {}, h);
  expect_problem(denied, 403);
  EXPECT_FALSE(denied.headers.contains("Access-Control-Allow-Origin"));

  // The real request from the frontend origin carries the CORS answer too.
  auto a = e2e::register_customer(api);
  Headers g;
  g.set("Origin", "http://localhost:3000");
  g.set("Authorization", "Bearer " + a.access_token);
  auto me = api.call(Method::Get, "/api/v1/users/me", {}, g);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST(Gateway, SecurityHeadersPresent) {
  e2e::Api api;
  auto a = e2e::register_customer(api);
  for (const auto& r : {api.get("/api/v1/users/me", a.access_token), api.get("/api/v1/users/me"),
                        api.get("/api/v1/nothing-here")}) {
    EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff") << r.status;
    EXPECT_EQ(r.headers.get("X-Frame-Options"), "DENY") << r.status;
    EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer") << r.status;
    EXPECT_EQ(r.headers.get("Cache-Control"), "no-store") << r.status;
    EXPECT_EQ(r.headers.get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'") << r.status;
    EXPECT_TRUE(r.headers.contains("X-Request-Id")) << r.status;
  }
}
