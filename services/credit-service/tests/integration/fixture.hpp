#pragma once
// One credit service per test binary, on a fresh database of the test PostgreSQL, driven through
// Service::dispatch (the whole request pipeline, without a socket). The user, vehicle and
// payment services are stood in for by small rto::Service instances on port 0 serving the
// routes the credit service calls, with answers each test sets. Time comes from a ManualClock
// that tests may move forward.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/http.hpp>
#include <rto/service.hpp>
#include <rto/testing.hpp>
#include <string>

#include "app.hpp"
#include "config.hpp"

namespace it {

namespace js = boost::json;
using rto::http::Method;

using rto::testing::Reply;
using rto::testing::text;

// What the stand-in services answer.
struct Neighbours {
  struct Template {
    std::string frequency;  // daily | weekly | monthly
    std::int64_t instalment = 0;
    std::int64_t count = 0;
  };
  std::mutex mu;
  std::map<std::string, js::object> users;     // GET /internal/users/{id}
  std::map<std::string, js::object> vehicles;  // GET /internal/vehicles/{id}
  std::map<std::string, Template> templates;   // POST /api/v1/plans/quote
  int payment_status = 0;                      // non-zero: every quote is answered with this status
  int user_status = 0;                         // non-zero: every user lookup is answered with this status
  std::atomic<int> quotes{0};
  std::string last_quote_authorization;

  std::unique_ptr<rto::Service> user_service, vehicle_service, payment_service;
  std::string user_url, vehicle_url, payment_url;

  void start(const rto::config::Common& like);
  void stop();
};

class World : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  Neighbours neighbours;
  std::unique_ptr<rto::testing::TempDatabase> db;
  std::shared_ptr<rto::ManualClock> clock;
  std::unique_ptr<rto::Service> service;
  std::shared_ptr<credit_service::App> app;
  credit_service::CreditConfig config;
  std::string consumer_queue;  // set by start_consumer(); deleted with the exchange at the end
};

// Starts the event consumer on a queue of this test run, bound to the run's exchange, and returns
// once it is connected (once per run: later calls find it running).
void start_consumer();
// Publishes an event (CloudEvents envelope) to the run's exchange, as the payment service (or, for
// telematics.*, the telematics service) would.
void publish(const std::string& id, const std::string& type, const js::object& data);

World& world();
Neighbours& neighbours();
credit_service::CreditConfig test_config(const std::string& database_url);

Reply call(Method m, std::string_view target, std::string_view body = {}, const std::string& token = "");
Reply get(std::string_view target, const std::string& token = "");
Reply post(std::string_view target, const js::value& body, const std::string& token = "");

struct Person {
  std::string id, phone, token;
};
// A customer known to the user stand-in, with an access token.
Person customer(const std::string& kyc_status = "verified", const std::string& date_of_birth = "1990-05-01");
// Someone with these roles (not known to the user stand-in).
Person staff(const std::vector<std::string>& roles);
// A service token, as the payment service would send.
std::string service_token(const std::string& service = "payment-service");

// A vehicle known to the vehicle stand-in; returns its id.
std::string vehicle(std::int64_t price = 4'800'000, const std::string& status = "available",
                    const std::string& currency = "UGX");

// Plan templates the payment stand-in quotes:
//   boda-weekly-78: weekly UGX 80,000 x 78     -> monthly 346,666
//   boda-daily-540: daily UGX 12,000 x 540     -> monthly 360,000
//   car-monthly-24: monthly UGX 350,000 x 24   -> monthly 350,000
inline constexpr const char* kWeekly = "boda-weekly-78";
inline constexpr const char* kDaily = "boda-daily-540";
inline constexpr const char* kMonthly = "car-monthly-24";

// The example application (score 684, grade B, approved with the weekly template).
js::object application_body(const std::string& vehicle_id, const std::string& template_id = kWeekly);
Reply apply(const Person& p, const js::value& body);

// Outbox rows of one subject and type (envelopes, oldest first).
std::vector<js::object> events(const std::string& subject, const std::string& type);

pqxx::connection raw_db();

}  // namespace it
