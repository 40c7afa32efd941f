// The platform when its infrastructure fails: RabbitMQ stopped while requests flow (writes go on
// through the outbox, readiness says "degraded" and stays 200), and PostgreSQL paused with
// SIGSTOP, so it accepts connections and answers nothing (every request ends with 503 within a
// few seconds, and readiness turns 503 without waiting behind busy workers). Both are put back
// before each test ends, and the test waits until every service is ready again.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "rto/crypto.hpp"
#include "rto/http_client.hpp"
#include "support.hpp"

namespace {
namespace js = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::vector<std::string> service_urls() {
  return {e2e::user_url(),
          e2e::env_or("E2E_VEHICLE_URL", "http://127.0.0.1:18082"),
          e2e::env_or("E2E_CREDIT_URL", "http://127.0.0.1:18083"),
          e2e::payment_url(),
          e2e::env_or("E2E_TELEMATICS_URL", "http://127.0.0.1:18085"),
          e2e::env_or("E2E_SUPPORT_URL", "http://127.0.0.1:18086"),
          e2e::gateway_url()};
}

bool infra(const std::string& action) {
  const char* script = std::getenv("TEST_INFRA_SCRIPT");
  if (!script) return false;
  const std::string cmd = std::string(script) + " " + action + " --env test >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

struct Ready {
  int status = 0;
  std::string state;  // ready | degraded | not_ready
};

Ready ready_of(const std::string& base) {
  try {
    rto::http::Client c(base);
    auto r = c.get("/ready");
    boost::system::error_code ec;
    auto v = js::parse(r.body, ec);
    std::string state;
    if (!ec && v.is_object())
      if (const auto* s = v.as_object().if_contains("status"); s && s->is_string()) state = std::string(s->as_string());
    return {r.status, state};
  } catch (const std::exception&) {
    return {0, "unreachable"};
  }
}

// Waits until every service answers /ready with "ready" (all its checks passing).
bool all_ready(std::chrono::seconds within) {
  const auto until = Clock::now() + within;
  while (Clock::now() < until) {
    bool all = true;
    for (const auto& u : service_urls()) all = all && ready_of(u).state == "ready";
    if (all) return true;
    std::this_thread::sleep_for(500ms);
  }
  return false;
}

// Puts the infrastructure back whatever the test did, so the tests after it find it working.
struct Restore {
  ~Restore() {
    infra("postgres-resume");
    infra("rabbitmq-start");
    EXPECT_TRUE(all_ready(120s)) << "the platform did not become ready again";
  }
};

}  // namespace

TEST(Resilience, WithTheBrokerStoppedWritesGoOnAndReadinessIsDegradedNot503) {
  ASSERT_NE(std::getenv("TEST_INFRA_SCRIPT"), nullptr) << "TEST_INFRA_SCRIPT must point to scripts/infra.sh (scripts/test.sh sets it)";
  ASSERT_TRUE(all_ready(60s));
  Restore restore;
  ASSERT_TRUE(infra("rabbitmq-stop"));
  // A registration commits (its event waits in the outbox).
  e2e::Api api;
  auto acc = e2e::register_customer(api);
  EXPECT_FALSE(acc.id.empty());
  // The user service (its relay could not publish that event) and the gateway (its real-time
  // subscription) notice the broker is gone: degraded, still 200. No service answers 503.
  std::vector<std::string> seen_503;
  const auto until = Clock::now() + 30s;
  bool noticed = false;
  while (Clock::now() < until) {
    for (const auto& u : service_urls()) {
      auto r = ready_of(u);
      if (r.status == 503) seen_503.push_back(u + ": " + r.state);
    }
    noticed = ready_of(e2e::user_url()).state == "degraded" && ready_of(e2e::gateway_url()).state == "degraded";
    if (noticed) break;
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(noticed) << "the user service and the gateway did not report the broker outage as degraded";
  EXPECT_TRUE(seen_503.empty()) << "a service answered /ready 503 without the broker: " << seen_503.front();
  auto another = e2e::register_customer(api);
  EXPECT_FALSE(another.id.empty());
  ASSERT_TRUE(infra("rabbitmq-start"));
}

TEST(Resilience, WithPostgresPausedEveryRequestEndsWith503WithinSeconds) {
  ASSERT_NE(std::getenv("TEST_INFRA_SCRIPT"), nullptr) << "TEST_INFRA_SCRIPT must point to scripts/infra.sh (scripts/test.sh sets it)";
  ASSERT_TRUE(all_ready(60s));
  Restore restore;
  ASSERT_TRUE(infra("postgres-pause"));
  e2e::Api api;
  // A search nobody made before (no cache can answer it) and a sign-in: both need the database.
  const auto query = "/api/v1/vehicles?q=zz" + rto::crypto::uuid_v4().substr(0, 8);
  for (const std::string& target : {query, std::string("/api/v1/auth/login")}) {
    const auto started = Clock::now();
    auto r = target == query ? api.get(target)
                             : api.post(target, js::object{{"phone", e2e::unique_phone()}, {"password", "Whatever-2026"}});
    const auto took = Clock::now() - started;
    EXPECT_EQ(r.status, 503) << target << ": " << r.body;
    EXPECT_EQ(r.content_type(), "application/problem+json") << target;
    EXPECT_LT(took, 12s) << target << " took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
  }
  // Readiness answers at once, and turns 503 once the probe finds the database gone.
  const auto until = Clock::now() + 20s;
  Ready r;
  while (Clock::now() < until) {
    const auto started = Clock::now();
    r = ready_of(e2e::user_url());
    EXPECT_LT(Clock::now() - started, 2s) << "/ready waited";
    if (r.status == 503) break;
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_EQ(r.status, 503) << r.state;
  EXPECT_EQ(r.state, "not_ready");
  ASSERT_TRUE(infra("postgres-resume"));
  ASSERT_TRUE(all_ready(60s));
  EXPECT_EQ(api.get(query).status, 200);
}
