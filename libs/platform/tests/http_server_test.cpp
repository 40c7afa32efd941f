// The server and the request pipeline over real TCP (no database needed).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <future>
#include <thread>

#include "rto/testing/service.hpp"
#include "rto/http_client.hpp"
#include "rto/json.hpp"
#include "rto/service.hpp"

using namespace rto;
using namespace std::chrono_literals;

namespace {

config::Common test_config() {
  config::Common c;
  c.service = "test-service";
  c.host = "127.0.0.1";
  c.port = 0;
  c.http_workers = 4;
  c.body_limit = 4096;
  c.shutdown_grace = 5s;
  c.jwt_private_key = rto::testing::kJwtPrivateKey;
  c.jwt_public_keys = rto::testing::kJwtPublicKeys;
  c.service_token_secret = "fedcba9876543210fedcba9876543210";
  c.log_level = "error";
  return c;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    svc = std::make_unique<Service>(test_config());
    auto& r = svc->router();
    r.get("/open", http::Access::anyone(), [](http::Request&) { return http::Response::json(boost::json::object{{"ok", true}}); });
    r.post("/echo", http::Access::anyone(), [](http::Request& q) {
      auto o = json::parse_object(q.body);
      json::Reader rd(o);
      auto name = rd.string("name", true, 1, 50);
      rd.finish();
      return http::Response::json(201, boost::json::object{{"name", *name}});
    });
    r.get("/mine", http::Access::signed_in(), [](http::Request& q) { return http::Response::json(boost::json::object{{"sub", q.user().subject}}); });
    r.get("/admin", http::Access::roles_any({"admin"}), [](http::Request&) { return http::Response::no_content(); });
    r.get("/internal/x", http::Access::service(), [](http::Request& q) { return http::Response::json(boost::json::object{{"svc", q.user().subject}}); });
    r.get("/internal/payments-only", http::Access::services({"payment-service"}), [](http::Request&) { return http::Response::no_content(); });
    r.get("/boom", http::Access::anyone(), [](http::Request&) -> http::Response { throw std::runtime_error("secret internal detail"); });
    r.get("/slow", http::Access::anyone(), [](http::Request&) {
      std::this_thread::sleep_for(600ms);
      return http::Response::text(200, "done");
    });
    port = svc->start_in_background();
    client = std::make_unique<http::Client>("http://127.0.0.1:" + std::to_string(port));
  }
  void TearDown() override { svc->stop(); }

  http::Headers bearer(const std::string& t) {
    http::Headers h;
    h.set("Authorization", "Bearer " + t);
    return h;
  }

  std::unique_ptr<Service> svc;
  std::uint16_t port = 0;
  std::unique_ptr<http::Client> client;
};

boost::json::object body(const http::ClientResponse& r) { return boost::json::parse(r.body).as_object(); }

}  // namespace

TEST_F(ServerTest, HealthAndKeepAlive) {
  for (int i = 0; i < 3; ++i) {
    auto r = client->get("/health");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(body(r).at("status").as_string(), "ok");
  }
  EXPECT_EQ(client->get("/ready").status, 200);  // no checks registered
  auto m = client->get("/metrics");
  EXPECT_NE(m.body.find("http_requests_total"), std::string::npos);
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowedAreProblems) {
  auto r = client->get("/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  r = client->send(http::Method::Delete, "/open");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow").value_or(""), "GET");
}

TEST_F(ServerTest, ValidationNamesTheField) {
  auto r = client->send(http::Method::Post, "/echo", {}, R"({"name": 12})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r).at("errors").as_array()[0].as_object().at("field").as_string(), "name");
  r = client->send(http::Method::Post, "/echo", {}, R"({"name": )");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r).at("errors").as_array()[0].as_object().at("field").as_string(), "body");
  r = client->send(http::Method::Post, "/echo", {}, R"({"name": "Amina"})");
  EXPECT_EQ(r.status, 201);
}

TEST_F(ServerTest, OversizedBodyIs413) {
  std::string big(10000, 'x');
  auto r = client->send(http::Method::Post, "/echo", {}, R"({"name":")" + big + "\"}");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
}

TEST_F(ServerTest, AccessIsCheckedPerRoute) {
  auto r = client->get("/mine");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.get("WWW-Authenticate").value_or(""), "Bearer");
  auto customer = svc->tokens().issue_access("u-7", {"customer"});
  r = client->get("/mine", bearer(customer));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r).at("sub").as_string(), "u-7");
  EXPECT_EQ(client->get("/admin", bearer(customer)).status, 403);
  EXPECT_EQ(client->get("/admin", bearer(svc->tokens().issue_access("u-1", {"admin"}))).status, 204);
  EXPECT_EQ(client->get("/internal/x", bearer(customer)).status, 401);
  r = client->get("/internal/x", bearer(svc->tokens().issue_service("credit-service", "test-service")));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(body(r).at("svc").as_string(), "credit-service");
  // A route lists its callers; a token names its audience.
  const auto& t = svc->tokens();
  EXPECT_EQ(client->get("/internal/payments-only", bearer(t.issue_service("payment-service", "test-service"))).status, 204);
  EXPECT_EQ(client->get("/internal/payments-only", bearer(t.issue_service("credit-service", "test-service"))).status, 403);
  EXPECT_EQ(client->get("/internal/payments-only", bearer(t.issue_service("payment-service", "user-service"))).status, 401);
}

TEST_F(ServerTest, UnexpectedErrorsAre500WithoutDetails) {
  auto r = client->get("/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret internal detail"), std::string::npos);
  EXPECT_FALSE(body(r).at("request_id").as_string().empty());
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
  http::Headers h;
  h.set("X-Request-Id", "abc-123");
  EXPECT_EQ(client->get("/open", h).headers.get("X-Request-Id").value_or(""), "abc-123");
  h.set("X-Request-Id", "bad id with spaces");
  auto generated = client->get("/open", h).headers.get("X-Request-Id").value_or("");
  EXPECT_EQ(generated.size(), 36u);
}

TEST_F(ServerTest, GracefulShutdownFinishesInFlightRequests) {
  auto slow = std::async(std::launch::async, [&] {
    http::Client c("http://127.0.0.1:" + std::to_string(port));
    return c.get("/slow");
  });
  std::this_thread::sleep_for(150ms);
  auto stopping = std::async(std::launch::async, [&] { svc->stop(); });
  auto r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "done");
  stopping.get();
  http::Client late("http://127.0.0.1:" + std::to_string(port), {.connect_timeout = 500ms});
  EXPECT_THROW(late.get("/open"), http::UpstreamError);
}

TEST(ClientReuse, PostAfterUpstreamRestartUsesAFreshConnection) {
  auto make = [](std::uint16_t port) {
    auto cfg = test_config();
    cfg.port = port;
    auto s = std::make_unique<Service>(cfg);
    s->router().post("/things", http::Access::anyone(), [](http::Request&) { return http::Response::json(201, boost::json::object{{"ok", true}}); });
    return s;
  };
  auto first = make(0);
  auto port = first->start_in_background();
  http::Client client("http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(client.send(http::Method::Post, "/things", {}, "{}").status, 201);  // leaves a pooled connection
  first->stop();
  auto second = make(port);
  second->start_in_background();
  EXPECT_EQ(client.send(http::Method::Post, "/things", {}, "{}").status, 201);
  second->stop();
}

TEST_F(ServerTest, EveryResponseCarriesBaselineSecurityHeaders) {
  for (const char* path : {"/open", "/health", "/nope"}) {
    auto r = client->get(path);
    EXPECT_EQ(r.headers.get("X-Content-Type-Options").value_or(""), "nosniff") << path;
    EXPECT_EQ(r.headers.get("X-Frame-Options").value_or(""), "DENY") << path;
    EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "no-store") << path;
  }
  auto big = client->send(http::Method::Post, "/echo", {}, std::string(10000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.headers.get("X-Content-Type-Options").value_or(""), "nosniff");
}

TEST_F(ServerTest, HeadKeepsTheLengthOfTheGetAnswer) {
  auto get = client->get("/open");
  auto head = client->send(http::Method::Head, "/open");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.headers.get("Content-Length").value_or(""), std::to_string(get.body.size()));
}

namespace {
std::string json_field(const std::string& body, const char* key) {
  auto v = boost::json::parse(body);
  const auto* f = v.as_object().if_contains(key);
  return f && f->is_string() ? std::string(f->as_string()) : "";
}
}  // namespace

TEST(Readiness, AnswersAtOnceWhileEveryWorkerIsBusy) {
  auto cfg = test_config();
  cfg.http_workers = 1;
  Service svc(cfg);
  svc.router().get("/slow", http::Access::anyone(), [](http::Request&) {
    std::this_thread::sleep_for(1500ms);
    return http::Response::text(200, "done");
  });
  svc.add_ready_check("database", [] { return true; });
  auto port = svc.start_in_background();
  const auto base = "http://127.0.0.1:" + std::to_string(port);
  auto busy = std::async(std::launch::async, [&] { return http::Client(base).get("/slow").status; });
  std::this_thread::sleep_for(200ms);  // the one worker is now asleep
  const auto started = std::chrono::steady_clock::now();
  auto r = http::Client(base).get("/ready");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json_field(r.body, "status"), "ready");
  EXPECT_EQ(busy.get(), 200);
  svc.stop();
}

TEST(Readiness, AFailingOptionalCheckIsDegradedAndARequiredOneIsNotReady) {
  std::atomic<bool> db_up{true};
  Service svc(test_config());
  svc.add_ready_check("database", [&] { return db_up.load(); });
  svc.add_ready_check("broker", [] { return false; }, Service::Need::Optional);
  auto port = svc.start_in_background();
  http::Client c("http://127.0.0.1:" + std::to_string(port));
  auto r = c.get("/ready");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json_field(r.body, "status"), "degraded");
  auto checks = boost::json::parse(r.body).at("checks").as_object();
  EXPECT_EQ(checks.at("broker").as_string(), "degraded");
  EXPECT_EQ(checks.at("database").as_string(), "ok");
  auto m = c.get("/metrics");
  EXPECT_NE(m.body.find("ready_check_ok{check=\"broker\"} 0"), std::string::npos);
  db_up = false;
  std::this_thread::sleep_for(2500ms);  // the next run of the probe
  r = c.get("/ready");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(json_field(r.body, "status"), "not_ready");
  svc.stop();
}

TEST(Metrics, RefusedThroughAProxyAndFromOutsideTheAllowedNetworks) {
  {
    Service svc(test_config());
    auto port = svc.start_in_background();
    http::Client c("http://127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(c.get("/metrics").status, 200);
    http::Headers h;
    h.set("X-Forwarded-For", "203.0.113.9");
    EXPECT_EQ(c.get("/metrics", h).status, 404);
    svc.stop();
  }
  auto cfg = test_config();
  cfg.metrics_allow_from = "10.0.0.0/8";
  Service svc(cfg);
  auto port = svc.start_in_background();
  EXPECT_EQ(http::Client("http://127.0.0.1:" + std::to_string(port)).get("/metrics").status, 404);
  svc.stop();
}

TEST(BodyLimits, EachRouteHasItsOwnAndTheHeaderDecides) {
  Service svc(test_config());  // body_limit 4096
  svc.router().post("/photo", http::Access::anyone(), [](http::Request& q) {
    return http::Response::json(201, boost::json::object{{"bytes", q.body.size()}});
  });
  svc.router().post("/small", http::Access::anyone(), [](http::Request&) { return http::Response::no_content(); });
  svc.set_body_limits([](std::string_view, std::string_view target) -> std::size_t {
    return target.starts_with("/photo") ? 64 * 1024 : target.starts_with("/small") ? 512 : 4096;
  });
  auto port = svc.start_in_background();
  http::Client c("http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(c.send(http::Method::Post, "/photo", {}, std::string(40000, 'x')).status, 201);
  auto r = c.send(http::Method::Post, "/small", {}, std::string(600, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("512"), std::string::npos) << r.body;
  EXPECT_EQ(c.send(http::Method::Post, "/small", {}, std::string(500, 'x')).status, 204);
  svc.stop();
}

TEST(Connections, OneAddressMayHoldOnlySoMany) {
  auto cfg = test_config();
  cfg.max_connections_per_ip = 2;
  Service svc(cfg);
  auto port = svc.start_in_background();
  auto open = [&] {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  };
  // Closed by the server: a read returns end of stream (0) instead of timing out.
  auto closed_by_server = [](int fd) {
    timeval tv{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b;
    return ::recv(fd, &b, 1, 0) == 0;
  };
  int a = open(), b = open();
  std::this_thread::sleep_for(100ms);
  int c = open();
  EXPECT_TRUE(closed_by_server(c));
  EXPECT_FALSE(closed_by_server(a));
  ::close(a);
  std::this_thread::sleep_for(200ms);
  int d = open();  // room again
  EXPECT_FALSE(closed_by_server(d));
  for (int fd : {b, c, d}) ::close(fd);
  svc.stop();
}
