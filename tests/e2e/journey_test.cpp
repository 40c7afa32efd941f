// The journey every part serves, across the gateway, user, vehicle, credit and payment
// services: a verified customer gets a quote, applies, is approved, signs a plan (the vehicle is
// reserved), pays the deposit (the plan becomes active, the vehicle leased), and hears about it
// on the real-time `me` channel.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
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

js::object application(const std::string& vehicle_id) {
  return {{"vehicle_id", vehicle_id},
          {"template_id", kMotorcycleDaily},
          {"employment_type", "boda_rider"},
          {"months_in_work", 48},
          {"monthly_income", {{"amount", 1800000}, {"currency", "UGX"}}},
          {"monthly_obligations", {{"amount", 100000}, {"currency", "UGX"}}},
          {"mobile_money", {{"months_of_history", 30}, {"avg_monthly_inflow", 1700000}, {"avg_monthly_transactions", 90}}},
          {"dependants", 1},
          {"months_at_residence", 60},
          {"guarantor",
           {{"name", "Moses Okello"}, {"phone", "0772123456"}, {"relationship", "brother"}, {"national_id", e2e::unique_national_id()}}},
          {"references", js::array{js::object{{"name", "Ruth Achieng"}, {"phone", "0752123456"}},
                                   js::object{{"name", "Peter Mugisha"}, {"phone", "0701987654"}}}}};
}

std::string vehicle_status(Api& api, const std::string& id) { return str(api.get("/api/v1/vehicles/" + id), "status"); }

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
  auto u = boost::urls::parse_uri(e2e::gateway_url()).value();
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + customer.access_token);
  h.set("X-Forwarded-For", e2e::unique_ip());
  ASSERT_EQ(ws.connect(std::string(u.host()), static_cast<std::uint16_t>(std::stoi(std::string(u.port()))),
                       "/api/v1/realtime", h),
            101);
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
  auto app = capi.post("/api/v1/credit/applications", application(vehicle), customer.access_token);
  ASSERT_LT(app.status, 300) << app.body;
  const auto& decision = app.json.at("decision").as_object();
  ASSERT_EQ(decision.at("decision").as_string(), "approved") << app.body;
  auto decision_id = std::string(decision.at("id").as_string());
  auto min_pct = decision.at("terms").at("min_deposit_percent").to_number<std::int64_t>();
  auto deposit = std::max(amount(q.at("deposit")), (price * min_pct + 99) / 100);
  deposit = (deposit + 99) / 100 * 100;

  // Another customer cannot see the application.
  Api other_api;
  auto other = e2e::register_customer(other_api);
  EXPECT_EQ(other_api.get("/api/v1/credit/applications/" + str(app, "id"), other.access_token).status, 404);

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
  EXPECT_EQ(vehicle_status(api, vehicle), "reserved");
  EXPECT_EQ(other_api.get("/api/v1/plans/" + plan_id, other.access_token).status, 404);

  // The deposit arrives (as the mobile-money adapters will post it), twice: credited once.
  rto::http::Client pay(e2e::payment_url());
  rto::http::Headers sh;
  sh.set("Authorization", "Bearer " + e2e::service_token());
  sh.set("Content-Type", "application/json");
  auto txn = "MP" + rto::crypto::uuid_v4().substr(0, 12);
  js::object body{{"plan_ref", reference},       {"amount", deposit},       {"currency", "UGX"},
                  {"provider", "mtn_momo"},      {"provider_txn_id", txn},  {"paid_at", "2026-11-26T08:00:00Z"}};
  auto first = pay.send(rto::http::Method::Post, "/internal/payments", sh, js::serialize(body));
  ASSERT_LT(first.status, 300) << first.body;
  auto again = pay.send(rto::http::Method::Post, "/internal/payments", sh, js::serialize(body));
  ASSERT_LT(again.status, 300) << again.body;
  EXPECT_EQ(js::parse(first.body).at("id"), js::parse(again.body).at("id"));

  auto active = capi.get("/api/v1/plans/" + plan_id, customer.access_token);
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(str(active, "status"), "active");

  // The vehicle follows (direct call and the payment.plan.activated event agree).
  std::string status;
  for (int i = 0; i < 50 && status != "leased"; ++i) {
    status = vehicle_status(api, vehicle);
    if (status != "leased") std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(status, "leased");

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
}
