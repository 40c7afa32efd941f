// The gateway end to end on loopback: a tiny upstream rto::Service and a gateway rto::Service,
// both on port 0. No database or broker needed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <memory>
#include <thread>

#include "config.hpp"
#include "proxy/gateway.hpp"
#include <sodium.h>

#include "rto/testing/service.hpp"
#include "rto/auth.hpp"
#include "rto/crypto.hpp"
#include "rto/http_client.hpp"
#include "rto/log.hpp"
#include "rto/service.hpp"

namespace js = boost::json;
using rto::http::Access;
using rto::http::Headers;
using rto::http::Method;
using rto::http::Request;
using rto::http::Response;

namespace {

// Access tokens are signed with the test private key (as the user service would) and verified by
// the gateway with the public key alone.
rto::auth::AccessKeys signer() { return rto::auth::AccessKeys::parse(rto::testing::kJwtPrivateKey, rto::testing::kJwtPublicKeys); }
const std::string kServiceSecret = "test-service-secret-0123456789abcdef012345";

rto::config::Common common(std::string name) {
  rto::config::Common c;
  c.service = std::move(name);
  c.host = "127.0.0.1";
  c.port = 0;
  c.http_workers = 4;
  c.body_limit = 64 << 10;
  c.jwt_private_key = rto::testing::kJwtPrivateKey;  // the upstreams mint tokens in these tests
  c.jwt_public_keys = rto::testing::kJwtPublicKeys;
  c.service_token_secret = kServiceSecret;
  c.log_level = "error";
  c.shutdown_grace = std::chrono::milliseconds(500);
  return c;
}

// Echoes what the upstream received, so tests can see exactly what the gateway forwarded.
Response echo(Request& req) {
  js::object headers;
  for (const auto& [k, v] : req.headers) {
    std::string name = k;
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    headers[name] = v;
  }
  auto r = Response::json(200, js::object{{"method", rto::http::to_string(req.method)},
                                          {"target", req.target},
                                          {"body", req.body},
                                          {"headers", std::move(headers)}});
  r.headers.set("X-Upstream", "yes");
  r.headers.set("Access-Control-Allow-Origin", "*");  // the gateway alone decides CORS
  return r;
}

// A port with nothing listening: bound, never listened on, kept for the test's lifetime.
struct DeadPort {
  int fd = -1;
  std::uint16_t port = 0;
  DeadPort() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~DeadPort() { ::close(fd); }
};

// The claims of a real token under another header, signed (HMAC-SHA512 keyed with the public
// key's text: the algorithm confusion an attacker would try) or not at all.
std::string reheader(const std::string& token, std::string_view header_json, bool hs512) {
  auto first = token.find('.');
  auto second = token.find('.', first + 1);
  std::string signing_input = rto::crypto::base64_encode(header_json, true) + token.substr(first, second - first);
  std::string sig;
  if (hs512) {
    unsigned char mac[crypto_auth_hmacsha512_BYTES];
    crypto_auth_hmacsha512_state st;
    const auto key = rto::auth::AccessKeys::parse("", rto::testing::kJwtPublicKeys).verifying.at(0).second;
    crypto_auth_hmacsha512_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha512_update(&st, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
    crypto_auth_hmacsha512_final(&st, mac);
    sig = rto::crypto::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac), true);
  }
  return signing_input + "." + sig;
}

struct Reply {
  int status = 0;
  Headers headers;
  std::string body;
  js::value json;
};

class GatewayProxy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rto::log::init("gateway-proxy-test", "error");
    dead_ = std::make_unique<DeadPort>();

    upstream_ = std::make_unique<rto::Service>(common("test-upstream"));
    auto& r = upstream_->router();
    for (auto p : {"/api/v1/users/echo", "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/open/echo"}) {
      r.get(p, Access::anyone(), echo);
      r.post(p, Access::anyone(), echo);
    }
    r.get("/api/v1/users/slow", Access::anyone(), [](Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      return Response::json(js::object{{"slow", true}});
    });
    r.post("/api/v1/users/created", Access::anyone(), [](Request&) {
      Response res = Response::json(201, js::object{{"id", "u-1"}});
      res.headers.set("Location", "/api/v1/users/u-1");
      return res;
    });
    upstream_port_ = upstream_->start_in_background();

    gateway::Config cfg;
    cfg.common = common("api-gateway");
    cfg.routes = gateway::RouteTable::parse(R"([
      {"prefix": "/api/v1/auth", "upstream": "user", "public": true},
      {"prefix": "/api/v1/auth/logout", "upstream": "user", "public": false},
      {"prefix": "/api/v1/users", "upstream": "user"},
      {"prefix": "/api/v1/open", "upstream": "user", "public": true},
      {"prefix": "/api/v1/open/small", "upstream": "user", "public": true, "body_limit": 2048},
      {"prefix": "/api/v1/down", "upstream": "down", "public": true}
    ])");
    cfg.upstream_urls["user"] = "http://127.0.0.1:" + std::to_string(upstream_port_);
    cfg.upstream_urls["down"] = "http://127.0.0.1:" + std::to_string(dead_->port);
    cfg.upstream_timeout = std::chrono::milliseconds(300);
    cfg.upstream_connect_timeout = std::chrono::milliseconds(300);
    cfg.ready_timeout = std::chrono::milliseconds(300);
    cfg.cors.origins = {"http://localhost:3000"};
    cfg.trusted_proxies = gateway::TrustedProxies::parse({"127.0.0.1", "::1"});
    cfg.per_ip = {50, 200};
    cfg.per_user = {1, 5};
    cfg.auth_per_ip = {1, 3};

    gateway_ = std::make_unique<rto::Service>(cfg.common);
    gw_ = gateway::install(*gateway_, cfg);
    gateway_port_ = gateway_->start_in_background();
    client_ = std::make_unique<rto::http::Client>("http://127.0.0.1:" + std::to_string(gateway_port_));
  }

  static void TearDownTestSuite() {
    client_.reset();
    gateway_->stop();
    upstream_->stop();
    gateway_.reset();
    gw_.reset();
    upstream_.reset();
    dead_.reset();
  }

  static Reply call(Method m, std::string_view target, Headers h = {}, std::string_view body = {}) {
    if (!h.contains("X-Forwarded-For")) h.set("X-Forwarded-For", "198.51.100.1");
    if (!body.empty() && !h.contains("Content-Type")) h.set("Content-Type", "application/json");
    auto r = client_->send(m, target, h, body);
    Reply out{r.status, std::move(r.headers), std::move(r.body), nullptr};
    boost::system::error_code ec;
    auto v = js::parse(out.body, ec);
    if (!ec) out.json = std::move(v);
    return out;
  }

  static std::string token(std::string sub = "user-1", std::vector<std::string> roles = {"customer"}) {
    rto::auth::Tokens t(signer(), kServiceSecret);
    return t.issue_access(sub, roles);
  }

  static Headers bearer(const std::string& tok, std::string ip = "198.51.100.1") {
    Headers h;
    h.set("Authorization", "Bearer " + tok);
    h.set("X-Forwarded-For", std::move(ip));
    return h;
  }

  static void expect_problem(const Reply& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type"), "application/problem+json") << r.body;
    ASSERT_TRUE(r.json.is_object()) << r.body;
    EXPECT_EQ(r.json.as_object().at("status").as_int64(), status);
  }

  static std::string seen_header(const Reply& r, std::string_view name) {
    const auto& h = r.json.as_object().at("headers").as_object();
    auto* v = h.if_contains(name);
    return v ? std::string(v->as_string()) : std::string("<absent>");
  }

  static inline std::unique_ptr<DeadPort> dead_;
  static inline std::unique_ptr<rto::Service> upstream_;
  static inline std::unique_ptr<rto::Service> gateway_;
  static inline std::shared_ptr<gateway::Gateway> gw_;
  static inline std::unique_ptr<rto::http::Client> client_;
  static inline std::uint16_t upstream_port_ = 0, gateway_port_ = 0;
};

TEST_F(GatewayProxy, ForwardsRequestWithIdentityAndForwardingHeaders) {
  auto h = bearer(token("user-42", {"customer", "dealer"}), "203.0.113.5");
  h.set("X-Request-Id", "req-abc-123");
  auto r = call(Method::Get, "/api/v1/users/echo?x=1&y=a%20b", h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json.at("method").as_string(), "GET");
  EXPECT_EQ(r.json.at("target").as_string(), "/api/v1/users/echo?x=1&y=a%20b");
  EXPECT_EQ(seen_header(r, "x-user-id"), "user-42");
  EXPECT_EQ(seen_header(r, "x-user-roles"), "customer,dealer");
  EXPECT_EQ(seen_header(r, "authorization").substr(0, 7), "Bearer ");
  EXPECT_EQ(seen_header(r, "x-forwarded-for"), "203.0.113.5, 127.0.0.1");
  EXPECT_EQ(seen_header(r, "x-forwarded-proto"), "http");
  EXPECT_EQ(seen_header(r, "x-request-id"), "req-abc-123");
  EXPECT_EQ(r.headers.get("X-Request-Id"), "req-abc-123");
  EXPECT_EQ(r.headers.get("X-Upstream"), "yes");
  EXPECT_FALSE(r.headers.contains("Access-Control-Allow-Origin"));
}

TEST_F(GatewayProxy, ForwardsBodyAndUpstreamStatus) {
  auto r = call(Method::Post, "/api/v1/users/echo", bearer(token("user-b")), R"({"a":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json.at("body").as_string(), R"({"a":1})");
  EXPECT_EQ(seen_header(r, "content-type"), "application/json");

  auto c = call(Method::Post, "/api/v1/users/created", bearer(token("user-b")), R"({})");
  EXPECT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(c.headers.get("Location"), "/api/v1/users/u-1");
}

TEST_F(GatewayProxy, StripsClientIdentityHeaders) {
  auto h = bearer(token("user-real"));
  h.set("X-User-Id", "user-victim");
  h.set("X-User-Roles", "admin");
  h.set("X-Service-Name", "payment-service");
  h.set("X-Forwarded-User", "admin");
  auto r = call(Method::Get, "/api/v1/users/echo", h);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(seen_header(r, "x-user-id"), "user-real");
  EXPECT_EQ(seen_header(r, "x-user-roles"), "customer");
  EXPECT_EQ(seen_header(r, "x-service-name"), "<absent>");
  EXPECT_EQ(seen_header(r, "x-forwarded-user"), "<absent>");

  Headers anon;
  anon.set("X-User-Id", "user-victim");
  anon.set("X-User-Roles", "admin");
  auto p = call(Method::Get, "/api/v1/open/echo", anon);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(seen_header(p, "x-user-id"), "<absent>");
  EXPECT_EQ(seen_header(p, "x-user-roles"), "<absent>");
}

TEST_F(GatewayProxy, EdgeAuthentication) {
  expect_problem(call(Method::Get, "/api/v1/users/echo"), 401);
  auto tok = token();
  // Inside the signature: the last base64url character of a 64-byte ES256 signature also
  // carries padding bits, and changing only those leaves the signature as it was.
  auto& c = tok[tok.size() - 10];
  c = c == 'A' ? 'B' : 'A';
  auto bad = call(Method::Get, "/api/v1/users/echo", bearer(tok));
  expect_problem(bad, 401);
  EXPECT_TRUE(bad.headers.contains("WWW-Authenticate"));

  // Signed with a key the gateway does not know.
  rto::auth::Tokens other(rto::auth::AccessKeys::parse(rto::testing::kJwtPrivateKey2, rto::testing::kJwtPublicKey2),
                          kServiceSecret);
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(other.issue_access("u", {"admin"}))), 401);
  rto::auth::Tokens t(signer(), kServiceSecret);
  auto expired = t.issue_access("u", {"customer"}, rto::auth::Clock::now() - std::chrono::hours(2));
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(expired)), 401);
  // Two Authorization headers: which one counts would depend on who reads them, so refuse.
  Headers two = bearer(token("user-two"));
  two.add("Authorization", "Bearer " + token("user-other"));
  expect_problem(call(Method::Get, "/api/v1/users/echo", two), 400);

  // alg=none and a different algorithm (HS512 keyed with the public key) are refused.
  auto good = token("user-alg");
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(reheader(good, R"({"alg":"none","typ":"JWT"})", false))), 401);
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(reheader(good, R"({"alg":"HS512","typ":"JWT"})", true))), 401);
  // A service token is not a user access token.
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(t.issue_service("payment", "api-gateway"))), 401);

  // Public routes pass without a token; logout is not public.
  Headers ip;
  ip.set("X-Forwarded-For", "192.0.2.50");
  EXPECT_EQ(call(Method::Post, "/api/v1/auth/login", ip, "{}").status, 200);
  expect_problem(call(Method::Post, "/api/v1/auth/logout", ip, "{}"), 401);
  EXPECT_EQ(call(Method::Post, "/api/v1/auth/logout", bearer(token("user-lo"), "192.0.2.51"), "{}").status, 200);
}

TEST_F(GatewayProxy, UpstreamDownIs503) {
  auto r = call(Method::Get, "/api/v1/down/anything");
  expect_problem(r, 503);
  EXPECT_TRUE(r.headers.contains("Retry-After"));
  EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff");
}

TEST_F(GatewayProxy, SlowUpstreamIs504) {
  auto r = call(Method::Get, "/api/v1/users/slow", bearer(token("user-slow")));
  expect_problem(r, 504);
  // The pooled connection that timed out must not poison the next request.
  auto ok = call(Method::Get, "/api/v1/users/echo", bearer(token("user-slow")));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(GatewayProxy, NotRouted) {
  auto internal = call(Method::Get, "/internal/users/1");
  expect_problem(internal, 404);
  expect_problem(call(Method::Get, "/api/v1/nothing-here"), 404);
  expect_problem(call(Method::Get, "/api/v1/usersX"), 404);
  expect_problem(call(Method::Get, "/api/v1/auth/../users/echo"), 400);
  expect_problem(call(Method::Get, "/api/v1/auth/%2e%2e/users/echo"), 400);
}

TEST_F(GatewayProxy, CorsPreflightAndActualRequests) {
  Headers h;
  h.set("Origin", "http://localhost:3000");
  h.set("Access-Control-Request-Method", "PATCH");
  h.set("Access-Control-Request-Headers", "authorization, content-type");
  auto pre = call(Method::Options, "/api/v1/users/me", h);
  EXPECT_EQ(pre.status, 204) << pre.body;
  EXPECT_EQ(pre.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(pre.headers.get("Access-Control-Allow-Methods").value_or("").find("PATCH"), std::string::npos);
  EXPECT_NE(pre.headers.get("Access-Control-Allow-Headers").value_or("").find("Authorization"), std::string::npos);
  EXPECT_TRUE(pre.headers.contains("Access-Control-Max-Age"));
  EXPECT_NE(pre.headers.get("Vary").value_or("").find("Origin"), std::string::npos);

  h.set("Origin", "https://evil.example");
  auto denied = call(Method::Options, "/api/v1/users/me", h);
  expect_problem(denied, 403);
  EXPECT_FALSE(denied.headers.contains("Access-Control-Allow-Origin"));

  auto b = bearer(token("user-cors"));
  b.set("Origin", "http://localhost:3000");
  auto actual = call(Method::Get, "/api/v1/users/echo", b);
  EXPECT_EQ(actual.status, 200);
  EXPECT_EQ(actual.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
  EXPECT_NE(actual.headers.get("Vary").value_or("").find("Origin"), std::string::npos);

  // Errors carry CORS headers too, so the browser app can read them.
  Headers e;
  e.set("Origin", "http://localhost:3000");
  auto unauth = call(Method::Get, "/api/v1/users/echo", e);
  EXPECT_EQ(unauth.status, 401);
  EXPECT_EQ(unauth.headers.get("Access-Control-Allow-Origin"), "http://localhost:3000");
}

TEST_F(GatewayProxy, RateLimitsAuthPerIpAndPerUser) {
  Headers h;
  h.set("X-Forwarded-For", "192.0.2.77");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(call(Method::Post, "/api/v1/auth/login", h, "{}").status, 200) << i;
  auto r = call(Method::Post, "/api/v1/auth/login", h, "{}");
  expect_problem(r, 429);
  ASSERT_TRUE(r.headers.contains("Retry-After"));
  EXPECT_GE(std::stoi(std::string(*r.headers.get("Retry-After"))), 1);
  EXPECT_EQ(r.headers.get("X-Frame-Options"), "DENY");
  // Another client address has its own bucket; other routes are not under the auth limit.
  h.set("X-Forwarded-For", "192.0.2.78");
  EXPECT_EQ(call(Method::Post, "/api/v1/auth/login", h, "{}").status, 200);
  EXPECT_EQ(call(Method::Get, "/api/v1/open/echo", bearer(token("x"), "192.0.2.77")).status, 200);

  auto tok = token("user-busy");
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(call(Method::Get, "/api/v1/users/echo", bearer(tok, "192.0.2.1" + std::to_string(i))).status, 200);
  expect_problem(call(Method::Get, "/api/v1/users/echo", bearer(tok, "192.0.2.99")), 429);
}

TEST_F(GatewayProxy, SecurityHeadersOnEveryAnswer) {
  for (const auto& r : {call(Method::Get, "/api/v1/users/echo", bearer(token("user-sec"))),
                        call(Method::Get, "/api/v1/users/echo"), call(Method::Get, "/api/v1/none")}) {
    EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.headers.get("X-Frame-Options"), "DENY");
    EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r.headers.get("Cache-Control"), "no-store");
    EXPECT_EQ(r.headers.get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  }
}

TEST_F(GatewayProxy, ReadinessReportsEachUpstream) {
  EXPECT_TRUE(gw_->upstream_ready("user"));
  EXPECT_FALSE(gw_->upstream_ready("down"));
  auto r = call(Method::Get, "/ready");
  EXPECT_EQ(r.status, 503) << r.body;  // the "down" upstream is not ready
  EXPECT_NE(r.body.find("upstream:user"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("upstream:down"), std::string::npos) << r.body;
  EXPECT_EQ(call(Method::Get, "/health").status, 200);
}

TEST_F(GatewayProxy, MetricsPerUpstreamAndRoute) {
  call(Method::Get, "/api/v1/users/echo", bearer(token("user-metrics")));
  // Through a proxy (X-Forwarded-For, as call() sends) /metrics is not served; directly it is.
  EXPECT_EQ(call(Method::Get, "/metrics").status, 404);
  auto direct = client_->send(Method::Get, "/metrics", {}, {});
  Reply m{direct.status, std::move(direct.headers), std::move(direct.body), nullptr};
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("gateway_upstream_requests_total"), std::string::npos);
  EXPECT_NE(m.body.find("upstream=\"user\""), std::string::npos);
  EXPECT_NE(m.body.find("status_class=\"2xx\""), std::string::npos);
  EXPECT_NE(m.body.find("gateway_upstream_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("/api/v1/users/*"), std::string::npos);
}

TEST_F(GatewayProxy, OversizedBodyIs413) {
  auto r = call(Method::Post, "/api/v1/auth/login", {}, std::string((64 << 10) + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers.get("Content-Type"), "application/problem+json");
}

TEST_F(GatewayProxy, ARouteTakesNoLargerBodyThanItsLimit) {
  auto r = call(Method::Post, "/api/v1/open/small/x", {}, std::string(3000, 'x'));
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(r.body.find("2048"), std::string::npos) << r.body;
  // Within the limit it goes through (the upstream has no such route).
  EXPECT_EQ(call(Method::Post, "/api/v1/open/small/x", {}, std::string(1000, 'x')).status, 404);
}

}  // namespace
