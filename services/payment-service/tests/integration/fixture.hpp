#pragma once
// One payment service per test binary, on a fresh database of the test PostgreSQL, driven
// through Service::dispatch (the whole request pipeline, without a socket). Its neighbours
// (vehicle-service, credit-service, user-service) are stood in for by one small rto::Service
// on port 0 that serves their internal routes from in-memory state. Time comes from a
// ManualClock; events are read from the outbox table (no relay runs).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
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
#include <vector>

#include "app.hpp"
#include "config.hpp"
#include "mmsim/simulator.hpp"

namespace it {

namespace js = boost::json;
using rto::http::Method;

using rto::testing::Reply;
using rto::testing::text;

// {"amount": n, ...} → n
std::int64_t amount_of(const js::value& money);

// The neighbours' state, shared with the stub's handler threads.
struct Neighbours {
  struct Vehicle {
    std::string status = "available";
    std::int64_t price = 4'000'000;
    std::string currency = "UGX";
    std::string category = "motorcycle";
    std::optional<std::string> reserved_by;  // plan id
    std::optional<std::string> owner;
  };
  std::mutex mu;
  std::map<std::string, Vehicle> vehicles;
  std::map<std::string, js::object> decisions;
  std::map<std::string, std::string> names;  // user id → full name
  std::vector<std::string> calls;            // "reserve <vehicle> <plan>", "release …", "lease …", "transfer …", "repossess …"
  int reserve_status = 0;                    // when set, reserve answers this status (after reserving if 2xx)
  std::function<void()> on_reserve;          // runs inside the reserve call (failure injection)

  // Calls of one kind ("reserve", "release", …), for one vehicle when given.
  std::vector<std::string> calls_of(std::string_view verb, const std::string& vehicle = "");
  Vehicle vehicle(const std::string& id);
};

class World : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<rto::testing::TempDatabase> db;
  std::shared_ptr<rto::ManualClock> clock;
  std::unique_ptr<rto::Service> stub;
  std::unique_ptr<rto::Service> service;
  std::shared_ptr<payment_service::App> app;
  payment_service::PaymentConfig config;
  Neighbours neighbours;
  // The mobile-money providers: the repository's simulator on port 0, and a relay on port 0
  // that hands the providers' callbacks to `service` (which serves no socket of its own).
  std::unique_ptr<mmsim::Simulator> sim;
  std::unique_ptr<rto::Service> sim_service;
  std::unique_ptr<rto::Service> relay;
  std::string sim_url, relay_url;
};

World& world();
rto::config::Common common_config(const std::string& name, const std::string& database_url);

// A request through the full pipeline. `target` may carry a query string.
Reply call(Method m, std::string_view target, std::string_view body = {}, const std::string& token = "");
Reply get(std::string_view target, const std::string& token = "");
Reply post(std::string_view target, const js::value& body, const std::string& token = "");
Reply put(std::string_view target, const js::value& body, const std::string& token = "");

std::string new_id();
std::string token_for(const std::string& user_id, const std::vector<std::string>& roles);
std::string customer_token(const std::string& user_id);
std::string staff_token(const std::string& role);  // a fresh staff member with that role
std::string service_token(const std::string& service = "operations");

// Sets the clock to a local (Africa/Kampala, UTC+3) date and time.
void set_local(int y, unsigned m, unsigned d, int hour = 10, int minute = 0);
payment_service::Date local_today();

// Neighbour state.
std::string add_vehicle(std::int64_t price = 4'000'000, std::string category = "motorcycle");
std::string approve(const std::string& customer, const std::string& vehicle, js::object overrides = {});

struct Customer {
  std::string id, token;
};
Customer new_customer(const std::string& name = "Amina Nakato");

// A plan through POST /api/v1/plans (credit approval and vehicle made up here); returns the reply.
Reply create_plan(const Customer& c, const std::string& vehicle, const std::string& template_id,
                  std::int64_t deposit, js::object decision_overrides = {});
// An active plan (deposit paid by mobile money); returns its statement.
js::object active_plan(const Customer& c, const std::string& template_id = "motorcycle-daily-18m",
                       std::int64_t price = 4'000'000);

// POST /internal/payments by reference.
Reply pay(const std::string& reference, std::int64_t amount, const std::string& txn = "",
          const std::string& provider = "mtn_momo", std::string paid_at = "");
Reply run_delinquency(payment_service::Date as_of);
Reply statement(const std::string& plan_id, const std::string& token);
// Four eyes: a proposal (202 {approval}: a credit, refund or reversal) approved by another staff
// member; the approve reply ({approval, result}), or the proposal itself when it was refused.
Reply carry_out(const Reply& proposal, const std::string& approver_token);

// The simulator's control API (/_sim/...).
Reply sim_get(std::string_view target);
Reply sim_post(std::string_view target, const js::value& body = js::object{});

// Outbox events of a type (oldest first), optionally for one plan.
std::vector<js::object> events(const std::string& type, const std::string& plan_id = "");

// The value of one series on the service's /metrics (0 when absent), e.g.
// metric("payment_plans{status=\"active\"}"); labels in name order, as they are written.
double metric(const std::string& series);
// Waits up to two seconds for metric(series) to reach at least `want`; returns its last value.
double metric_at_least(const std::string& series, double want);

// A direct connection to the test database for checks behind the API.
pqxx::connection raw_db();
// True when every journal entry balances per currency and has at least two lines.
bool journal_balanced();
std::int64_t ledger_balance(const std::string& plan_id, const std::string& account);

}  // namespace it
