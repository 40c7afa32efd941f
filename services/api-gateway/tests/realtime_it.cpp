// The real-time hub over real WebSocket connections on loopback, fed through a real broker:
// events are published to a temporary exchange on the test RabbitMQ, exactly as the services'
// outbox relays publish them.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <memory>
#include <thread>

#include "config.hpp"
#include "proxy/gateway.hpp"
#include "rto/testing/service.hpp"
#include "rto/auth.hpp"
#include "rto/crypto.hpp"
#include "rto/events.hpp"
#include "rto/http_client.hpp"
#include "rto/log.hpp"
#include "rto/mq.hpp"
#include "rto/service.hpp"
#include "rto/testing.hpp"
#include "rto/ws_client.hpp"

namespace js = boost::json;
using rto::testing::WsClient;
using namespace std::chrono_literals;

namespace {

const std::string kServiceSecret = "realtime-test-service-secret-0123456789ab";

std::unique_ptr<rto::testing::TempExchange> g_exchange;
std::unique_ptr<rto::Service> g_service;
std::shared_ptr<gateway::Gateway> g_gw;
std::shared_ptr<gateway::Hub> g_hub;
std::uint16_t g_port = 0;
std::unique_ptr<rto::auth::Tokens> g_tokens;

void publish(const std::string& type, const std::string& subject, js::object data) {
  static std::mutex mu;
  static std::unique_ptr<rto::mq::Connection> conn;
  std::lock_guard lk(mu);
  if (!conn) conn = std::make_unique<rto::mq::Connection>(rto::testing::amqp_url());
  auto id = rto::crypto::uuid_v4();
  auto body = js::serialize(rto::events::envelope(id, "test", {type, subject, std::move(data)}, "2026-11-26T10:00:00Z"));
  conn->publish(g_exchange->name(), type, body, id);
}

std::string token_for(const std::string& user, std::vector<std::string> roles) {
  return g_tokens->issue_access(user, roles, std::chrono::system_clock::now());
}

js::object frame(const std::optional<std::string>& text) {
  if (!text) return {};
  return js::parse(*text).as_object();
}

// Reads frames until one of `type` arrives (or nothing does within the timeout).
js::object next_of(WsClient& c, std::string_view type, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto f = frame(c.receive(std::max(left, 1ms)));
    if (f.empty()) return {};
    if (f.at("type").as_string() == type) return f;
  }
  return {};
}

int open(WsClient& c, rto::http::Headers h = {}) { return c.connect("127.0.0.1", g_port, "/api/v1/realtime", h); }

void subscribe(WsClient& c, std::string_view channel) {
  c.send(js::serialize(js::object{{"op", "subscribe"}, {"channel", channel}}));
}

class Realtime : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rto::log::init("realtime-test", "error");
    g_exchange = std::make_unique<rto::testing::TempExchange>("t.realtime");
    gateway::Config cfg;
    cfg.common.service = "api-gateway";
    cfg.common.host = "127.0.0.1";
    cfg.common.port = 0;
    cfg.common.jwt_public_keys = rto::testing::kJwtPublicKeys;  // the gateway only verifies
    cfg.common.log_level = "error";
    cfg.common.amqp_url = rto::testing::amqp_url();
    cfg.common.exchange = g_exchange->name();
    cfg.common.shutdown_grace = 1s;
    cfg.routes = gateway::RouteTable::parse(R"([{"prefix": "/api/v1/users", "upstream": "user"}])");
    cfg.upstream_urls["user"] = "http://127.0.0.1:9";
    cfg.cors.origins = {"http://localhost:3000"};
    cfg.trusted_proxies = gateway::TrustedProxies::parse({"127.0.0.1"});
    cfg.per_ip = {1000, 1000};
    cfg.realtime_max_queue = 8;
    cfg.realtime_max_sessions = 50;
    g_tokens = std::make_unique<rto::auth::Tokens>(
        rto::auth::AccessKeys::parse(rto::testing::kJwtPrivateKey, rto::testing::kJwtPublicKeys), kServiceSecret);
    g_service = std::make_unique<rto::Service>(cfg.common);
    g_gw = gateway::install(*g_service, cfg);
    g_hub = gateway::install_realtime(*g_service, g_gw, cfg, true);
    g_port = g_service->start_in_background();

    g_setup_error = wait_until_live();
  }

  // A failure here is reported by every test (SetUp), not swallowed as a skipped suite.
  void SetUp() override { ASSERT_TRUE(g_setup_error.empty()) << g_setup_error; }

  // Waits until the hub's broker subscription is live: probe events reach a subscriber.
  // Returns what went wrong, or "".
  static std::string wait_until_live() {
    WsClient probe;
    if (open(probe) != 101) return "the real-time endpoint did not upgrade";
    subscribe(probe, "vehicles");
    if (next_of(probe, "subscribed").empty()) return "the probe's subscription was not confirmed";
    bool live = false;
    for (int i = 0; i < 100 && !live; ++i) {
      publish("vehicle.status.changed", "probe", {{"vehicle_id", "probe"}});
      live = !next_of(probe, "event", 200ms).empty();
      if (!live && !probe.is_open()) {
        probe.connect("127.0.0.1", g_port, "/api/v1/realtime");
        subscribe(probe, "vehicles");
        next_of(probe, "subscribed");
      }
    }
    return live ? "" : "the hub never received events from the broker";
  }

  static inline std::string g_setup_error;

  static void TearDownTestSuite() {
    g_service->stop();
    g_hub.reset();
    g_gw.reset();
    g_service.reset();
    g_exchange.reset();
  }
};

TEST_F(Realtime, PlainGetIsToldToUpgrade) {
  rto::http::Client http("http://127.0.0.1:" + std::to_string(g_port));
  auto r = http.send(rto::http::Method::Get, "/api/v1/realtime", {}, "");
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.headers.get("Upgrade").value_or(""), "websocket");
}

TEST_F(Realtime, PublicChannelReceivesVehicleChangesWithoutCustomerDetails) {
  WsClient c;
  ASSERT_EQ(open(c), 101);
  subscribe(c, "vehicles");
  auto ok = next_of(c, "subscribed");
  ASSERT_FALSE(ok.empty());
  EXPECT_EQ(ok.at("channel").as_string(), "vehicles");

  publish("vehicle.status.changed", "v-42",
          {{"vehicle_id", "v-42"}, {"old_status", "available"}, {"new_status", "reserved"}, {"customer_id", "c-1"},
           {"reason", "reserved for plan p-1"}});
  js::object ev;
  for (int i = 0; i < 20 && ev.empty(); ++i) {  // skip probe events from the suite's set-up
    auto f = next_of(c, "event");
    ASSERT_FALSE(f.empty());
    if (f.at("event").at("subject").as_string() == "v-42") ev = f;
  }
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.at("channel").as_string(), "vehicles");
  const auto& data = ev.at("event").at("data").as_object();
  EXPECT_EQ(data.at("new_status").as_string(), "reserved");
  EXPECT_FALSE(data.contains("customer_id"));
  EXPECT_FALSE(data.contains("reason"));

  // Events that are not about listings never reach the public channel.
  publish("credit.application.decided", "a-1", {{"customer_id", "c-1"}});
  publish("vehicle.status.changed", "v-43", {{"vehicle_id", "v-43"}});
  auto next = next_of(c, "event");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.at("event").at("type").as_string(), "vehicle.status.changed");
}

TEST_F(Realtime, UnauthorisedSubscriptionsAreRefusedNotWidened) {
  WsClient anon;
  ASSERT_EQ(open(anon), 101);
  subscribe(anon, "me");
  auto e = next_of(anon, "error");
  ASSERT_FALSE(e.empty());
  EXPECT_EQ(e.at("code").as_string(), "unauthorized");
  EXPECT_EQ(e.at("channel").as_string(), "me");

  WsClient customer;
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token_for("cust-fleet", {"customer"}));
  ASSERT_EQ(open(customer, h), 101);
  subscribe(customer, "fleet");
  auto f = next_of(customer, "error");
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.at("code").as_string(), "forbidden");

  // Nothing for the fleet reaches the refused client.
  publish("telematics.alarm.raised", "t-1", {{"vehicle_id", "v-1"}});
  EXPECT_TRUE(next_of(customer, "event", 500ms).empty());

  // Garbage gets an error frame, and the connection stays usable.
  customer.send("{not json");
  EXPECT_EQ(next_of(customer, "error").at("code").as_string(), "bad-message");
  customer.send(R"({"op":"ping"})");
  EXPECT_FALSE(next_of(customer, "pong").empty());
}

TEST_F(Realtime, MeChannelCarriesOnlyTheCallersOwnEvents) {
  WsClient alice, bob;
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token_for("alice-id", {"customer"}));
  ASSERT_EQ(open(alice, h), 101);  // token on the upgrade
  ASSERT_EQ(open(bob), 101);       // token in a first message
  bob.send(js::serialize(js::object{{"op", "auth"}, {"token", token_for("bob-id", {"customer"})}}));
  auto auth = next_of(bob, "authenticated");
  ASSERT_FALSE(auth.empty());
  EXPECT_EQ(auth.at("user_id").as_string(), "bob-id");
  subscribe(alice, "me");
  subscribe(bob, "me");
  ASSERT_FALSE(next_of(alice, "subscribed").empty());
  ASSERT_FALSE(next_of(bob, "subscribed").empty());

  publish("credit.application.decided", "app-a", {{"customer_id", "alice-id"}, {"decision", "approved"}});
  auto a = next_of(alice, "event");
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.at("channel").as_string(), "me");
  EXPECT_EQ(a.at("event").at("subject").as_string(), "app-a");
  EXPECT_EQ(a.at("event").at("data").at("decision").as_string(), "approved");
  EXPECT_TRUE(next_of(bob, "event", 500ms).empty()) << "bob received alice's event";

  publish("payment.collection.received", "pay-b", {{"customer_id", "bob-id"}});
  auto b = next_of(bob, "event");
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(b.at("event").at("subject").as_string(), "pay-b");
  EXPECT_TRUE(next_of(alice, "event", 500ms).empty()) << "alice received bob's event";

  // After unsubscribing, nothing more arrives.
  alice.send(R"({"op":"unsubscribe","channel":"me"})");
  ASSERT_FALSE(next_of(alice, "unsubscribed").empty());
  publish("credit.application.decided", "app-a2", {{"customer_id", "alice-id"}});
  EXPECT_TRUE(next_of(alice, "event", 500ms).empty());
}

TEST_F(Realtime, AnExpiredTokenClosesPrivateChannelsUntilTheClientSignsInAgain) {
  // Access tokens last 15 minutes; this one has about two seconds left.
  auto nearly_expired = g_tokens->issue_access("late-id", {"customer"}, std::chrono::system_clock::now() - 15min + 2s);
  WsClient c;
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + nearly_expired);
  ASSERT_EQ(open(c, h), 101);
  subscribe(c, "me");
  ASSERT_FALSE(next_of(c, "subscribed").empty());
  subscribe(c, "vehicles");
  ASSERT_FALSE(next_of(c, "subscribed").empty());

  auto expired = next_of(c, "error", 6s);
  ASSERT_FALSE(expired.empty()) << "no token-expired frame";
  EXPECT_EQ(expired.at("code").as_string(), "token-expired");
  ASSERT_TRUE(c.is_open());

  // The customer's own events stop; the public channel goes on.
  publish("credit.application.decided", "app-late", {{"customer_id", "late-id"}});
  publish("vehicle.status.changed", "v-late", {{"vehicle_id", "v-late"}});
  auto ev = next_of(c, "event");
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.at("event").at("subject").as_string(), "v-late") << "a private event reached a signed-out session";
  subscribe(c, "me");
  EXPECT_EQ(next_of(c, "error").at("code").as_string(), "unauthorized");

  // Signing in again with a fresh token brings the private channel back.
  c.send(js::serialize(js::object{{"op", "auth"}, {"token", token_for("late-id", {"customer"})}}));
  ASSERT_FALSE(next_of(c, "authenticated").empty());
  subscribe(c, "me");
  ASSERT_FALSE(next_of(c, "subscribed").empty());
  publish("credit.application.decided", "app-late-2", {{"customer_id", "late-id"}});
  ev = next_of(c, "event");
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.at("event").at("subject").as_string(), "app-late-2");
}

TEST_F(Realtime, StaffFleetChannelSeesOperationsEvents) {
  WsClient officer;
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token_for("officer-id", {"credit_officer"}));
  ASSERT_EQ(open(officer, h), 101);
  subscribe(officer, "fleet");
  ASSERT_FALSE(next_of(officer, "subscribed").empty());
  publish("payment.lock.required", "plan-9", {{"customer_id", "c-9"}, {"vehicle_id", "v-9"}});
  js::object ev;
  for (int i = 0; i < 20 && ev.empty(); ++i) {
    auto f = next_of(officer, "event");
    ASSERT_FALSE(f.empty());
    if (f.at("event").at("type").as_string() == "payment.lock.required") ev = f;
  }
  EXPECT_EQ(ev.at("channel").as_string(), "fleet");
  EXPECT_EQ(ev.at("event").at("data").at("customer_id").as_string(), "c-9");  // staff see it in full
}

TEST_F(Realtime, SigningInAgainWithFewerRolesClosesTheChannelsTheyNoLongerAllow) {
  WsClient officer;
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token_for("demoted-id", {"credit_officer"}));
  ASSERT_EQ(open(officer, h), 101);
  subscribe(officer, "fleet");
  ASSERT_FALSE(next_of(officer, "subscribed").empty());
  // Demoted to customer: the new token is sent on the open connection.
  officer.send(js::serialize(js::object{{"op", "auth"}, {"token", token_for("demoted-id", {"customer"})}}));
  ASSERT_FALSE(next_of(officer, "authenticated").empty());
  auto closed = next_of(officer, "unsubscribed");
  ASSERT_FALSE(closed.empty());
  EXPECT_EQ(closed.at("channel").as_string(), "fleet");
  publish("payment.lock.required", "plan-10", {{"customer_id", "c-10"}, {"vehicle_id", "v-10"}});
  EXPECT_TRUE(next_of(officer, "event", 700ms).empty()) << "a customer token still receives fleet events";
}

TEST_F(Realtime, ADisabledAccountIsRefusedAtTheEdgeAtOnce) {
  rto::http::Client c("http://127.0.0.1:" + std::to_string(g_port));
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token_for("disabled-id", {"customer"}));
  auto status = [&] { return c.get("/api/v1/users/me", h).status; };
  auto becomes = [&](int want) {
    for (int i = 0; i < 60; ++i) {
      if (status() == want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  EXPECT_EQ(status(), 503);  // the token passes; the upstream here is down
  publish("user.account.disabled", "disabled-id", {{"user_id", "disabled-id"}});
  EXPECT_TRUE(becomes(401)) << "the disabled account's token was still accepted";
  WsClient ws;
  EXPECT_EQ(open(ws, h), 401);
  publish("user.account.enabled", "disabled-id", {{"user_id", "disabled-id"}});
  EXPECT_TRUE(becomes(503)) << "the account was enabled again but its token is still refused";
}

TEST_F(Realtime, UpgradeIsRefusedForBadTokensAndForeignOrigins) {
  WsClient bad;
  rto::http::Headers h;
  h.set("Authorization", "Bearer not-a-token");
  EXPECT_EQ(open(bad, h), 401);
  EXPECT_NE(bad.refusal_body().find("not valid"), std::string::npos);

  WsClient foreign;
  rto::http::Headers o;
  o.set("Origin", "https://evil.example");
  EXPECT_EQ(open(foreign, o), 403);

  WsClient ours;
  rto::http::Headers ok;
  ok.set("Origin", "http://localhost:3000");
  EXPECT_EQ(open(ours, ok), 101);
}

TEST_F(Realtime, ASlowClientIsDisconnectedWhileOthersKeepUp) {
  auto staff = token_for("admin-id", {"admin"});
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + staff);
  WsClient slow, fast;
  slow.set_receive_buffer(4096);
  ASSERT_EQ(open(slow, h), 101);
  ASSERT_EQ(open(fast, h), 101);
  subscribe(slow, "fleet");
  subscribe(fast, "fleet");
  ASSERT_FALSE(next_of(slow, "subscribed").empty());
  ASSERT_FALSE(next_of(fast, "subscribed").empty());
  auto before = g_hub->sessions();

  constexpr int kEvents = 400;
  std::atomic<int> fast_got{0};
  std::thread reader([&] {
    while (fast_got < kEvents) {
      auto f = frame(fast.receive(10s));
      if (f.empty()) break;
      if (f.at("type").as_string() == "event" && f.at("event").at("type").as_string() == "vehicle.bulk.test") ++fast_got;
    }
  });
  // The slow client reads nothing: 400 × 16 KiB fill its (small) socket buffer, then its queue.
  std::string blob(16 * 1024, 'x');
  for (int i = 0; i < kEvents; ++i) {
    publish("vehicle.bulk.test", "v-" + std::to_string(i), {{"blob", blob}});
    std::this_thread::sleep_for(3ms);  // a pace a reading client keeps up with, even under ASan
  }
  reader.join();
  EXPECT_EQ(fast_got.load(), kEvents) << "the fast client missed events; close code " << fast.close_code();

  // The slow one was cut off (queue limit 8), within the close timeout.
  bool dropped = false;
  for (int i = 0; i < 100 && !dropped; ++i) {
    dropped = g_hub->sessions() < before;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(dropped) << "the slow client is still connected";
  // Draining what it had, the slow client finds the connection closed.
  int frames = 0;
  while (slow.receive(2s)) ++frames;
  EXPECT_FALSE(slow.is_open());
  EXPECT_LT(frames, kEvents);
  if (slow.close_code() != 0) {
    EXPECT_EQ(slow.close_code(), rto::ws::kCloseTryAgainLater);
  }
}

}  // namespace
