// The journey every part serves, across the gateway, user, vehicle, credit and payment
// services: a verified customer gets a quote, applies, is approved, signs a plan (the vehicle is
// reserved), pays the deposit (the plan becomes active, the vehicle leased), and hears about it
// on the real-time `me` channel.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cstdio>
#include <set>
#include <thread>

#include "rto/crypto.hpp"
#include "rto/ws_client.hpp"
#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::str;
using namespace std::chrono_literals;

namespace {

const char* kMotorcycleDaily = "5e3d0001-0000-4000-8000-000000000001";  // seeded template

std::int64_t amount(const js::value& money) { return money.at("amount").as_int64(); }

}  // namespace

TEST(Journey, QuoteApplyApprovePlanDepositActiveLeased) {
  Api api;
  auto admin = e2e::admin_token(api);
  auto dealer = e2e::account_with_role(api, admin, "dealer");
  const std::int64_t price = 5200000;
  auto vehicle = e2e::available_vehicle(api, admin, dealer.access_token, "Bajaj", "Boxer BM150", price);
  ASSERT_FALSE(vehicle.empty());

  Api capi;
  auto customer = e2e::verified_customer(capi, admin);

  rto::testing::WsClient ws;
  ASSERT_EQ(e2e::realtime_connect(ws, customer.access_token), 101);
  ws.send(R"({"op":"subscribe","channel":"me"})");
  ASSERT_TRUE(ws.receive(5s).value_or("").find("subscribed") != std::string::npos);

  // A public quote.
  auto quote = api.post("/api/v1/plans/quote", {{"vehicle_id", vehicle}, {"template_id", kMotorcycleDaily}});
  ASSERT_EQ(quote.status, 200) << quote.body;
  const auto& q = quote.json.as_object();
  auto instalment = amount(q.at("instalment"));
  auto count = q.at("instalment_count").as_int64();
  EXPECT_EQ(amount(q.at("deposit")) + instalment * (count - 1) + amount(q.at("last_instalment")), amount(q.at("total_payable")));

  // Apply and get an automatic approval.
  auto app = capi.post("/api/v1/credit/applications", e2e::credit_application(vehicle, kMotorcycleDaily), customer.access_token);
  ASSERT_LT(app.status, 300) << app.body;
  const auto& decision = app.json.at("decision").as_object();
  ASSERT_EQ(decision.at("decision").as_string(), "approved") << app.body;
  auto decision_id = std::string(decision.at("id").as_string());
  auto min_pct = decision.at("terms").at("min_deposit_percent").to_number<std::int64_t>();
  auto deposit = std::max(amount(q.at("deposit")), (price * min_pct + 99) / 100);
  deposit = (deposit + 99) / 100 * 100;

  // Another customer cannot see the application, and cannot apply before KYC is verified.
  Api other_api;
  auto other = e2e::register_customer(other_api);
  EXPECT_EQ(other_api.get("/api/v1/credit/applications/" + str(app, "id"), other.access_token).status, 404);
  EXPECT_EQ(other_api.post("/api/v1/credit/applications", e2e::credit_application(vehicle, kMotorcycleDaily), other.access_token).status, 409);
  // One open application (or unused approval) at a time.
  EXPECT_EQ(capi.post("/api/v1/credit/applications", e2e::credit_application(vehicle, kMotorcycleDaily), customer.access_token).status, 409);

  // Sign the plan: the vehicle is reserved for it.
  auto plan = capi.post("/api/v1/plans",
                        {{"credit_decision_id", decision_id},
                         {"vehicle_id", vehicle},
                         {"template_id", kMotorcycleDaily},
                         {"deposit", {{"amount", deposit}, {"currency", "UGX"}}}},
                        customer.access_token);
  ASSERT_EQ(plan.status, 201) << plan.body;
  auto plan_id = str(plan, "id");
  auto reference = str(plan, "reference");
  EXPECT_EQ(str(plan, "status"), "pending_deposit");
  EXPECT_EQ(reference.rfind("RTO-", 0), 0u) << reference;
  EXPECT_EQ(e2e::vehicle_status(api, vehicle, admin), "reserved");
  EXPECT_EQ(other_api.get("/api/v1/plans/" + plan_id, other.access_token).status, 404);

  // The credit service hears of the plan (payment.plan.created): the approval is marked used.
  std::string used_for;
  for (int i = 0; i < 50 && used_for != plan_id; ++i) {
    auto a = capi.get("/api/v1/credit/applications/" + str(app, "id"), customer.access_token);
    used_for = str(a, "plan_id");
    if (used_for != plan_id) std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(used_for, plan_id);

  // The deposit arrives (as the mobile-money adapters will post it), twice: credited once.
  auto txn = "MP" + rto::crypto::uuid_v4().substr(0, 12);
  auto first = e2e::internal_payment(reference, deposit, txn);
  ASSERT_LT(first.status, 300) << first.body;
  auto again = e2e::internal_payment(reference, deposit, txn);
  ASSERT_LT(again.status, 300) << again.body;
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 200);  // the same provider transaction: the first result, credited once
  auto first_json = js::parse(first.body), again_json = js::parse(again.body);
  EXPECT_EQ(first_json.at("payment").at("id"), again_json.at("payment").at("id"));
  EXPECT_TRUE(again_json.at("duplicate").as_bool());

  auto active = capi.get("/api/v1/plans/" + plan_id, customer.access_token);
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(str(active, "status"), "active");

  // The vehicle follows (direct call and the payment.plan.activated event agree).
  EXPECT_EQ(e2e::wait_vehicle_status(api, vehicle, admin, "leased"), "leased");

  // The customer heard about their decision and their plan on the `me` channel.
  std::set<std::string> heard;
  for (int i = 0; i < 30 && !(heard.count("credit.application.decided") && heard.count("payment.plan.activated")); ++i) {
    auto text = ws.receive(3s);
    if (!text) break;
    auto f = js::parse(*text).as_object();
    if (f.at("type").as_string() == "event") heard.insert(std::string(f.at("event").at("type").as_string()));
  }
  EXPECT_TRUE(heard.count("credit.application.decided"));
  EXPECT_TRUE(heard.count("payment.plan.activated"));

  // Ten days later nothing more has been paid: days past due, a late fee, the lock.
  auto run = e2e::run_delinquency(e2e::local_date_in(10));
  ASSERT_LT(run.status, 300) << run.body;
  auto late = capi.get("/api/v1/plans/" + plan_id, customer.access_token);
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_GT(late.json.at("days_past_due").to_number<std::int64_t>(), 3) << late.body;
  EXPECT_TRUE(late.json.at("locked").as_bool()) << late.body;

  // Paying the payoff quote completes the plan and hands the vehicle over.
  auto quote_off = capi.get("/api/v1/plans/" + plan_id + "/payoff-quote", customer.access_token);
  ASSERT_EQ(quote_off.status, 200) << quote_off.body;
  auto payoff = amount(quote_off.json.at("amount"));
  ASSERT_GT(payoff, 0);
  auto paid = e2e::internal_payment(reference, payoff, "MP" + rto::crypto::uuid_v4().substr(0, 12));
  ASSERT_LT(paid.status, 300) << paid.body;
  auto done = capi.get("/api/v1/plans/" + plan_id, customer.access_token);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(str(done, "status"), "completed") << done.body;
  EXPECT_FALSE(done.json.at("locked").as_bool());
  EXPECT_EQ(e2e::wait_vehicle_status(api, vehicle, admin, "owned"), "owned");
  auto certificate = capi.get("/api/v1/plans/" + plan_id + "/ownership-certificate", customer.access_token);
  EXPECT_EQ(certificate.status, 200);
  EXPECT_NE(certificate.body.find(reference), std::string::npos);
  EXPECT_EQ(other_api.get("/api/v1/plans/" + plan_id + "/ownership-certificate", other.access_token).status, 404);
}
