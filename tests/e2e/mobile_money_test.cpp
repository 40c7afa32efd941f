// Paying by mobile money across the whole platform: the customer starts a payment through the
// gateway, the payment service asks the provider (the repository's simulator, which `make run`
// and the test platform start), the provider calls back through the gateway's public webhook,
// the payment service confirms with the provider and credits the plan exactly once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "rto/crypto.hpp"
#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::str;
using namespace std::chrono_literals;

namespace {

using e2e::PendingPlan;
using e2e::pending_plan;

e2e::Reply start_payment(Api& api, const PendingPlan& p, const std::string& provider, const std::string& phone,
                         std::int64_t amount = 0) {
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + p.customer.access_token);
  h.set("Content-Type", "application/json");
  h.set("Idempotency-Key", rto::crypto::uuid_v4());
  js::object body{{"plan_id", p.id},
                  {"amount", {{"amount", amount ? amount : p.deposit}, {"currency", p.currency}}},
                  {"provider", provider},
                  {"phone", phone}};
  return api.call(rto::http::Method::Post, "/api/v1/payments", js::serialize(body), h);
}

std::string wait_status(Api& api, const PendingPlan& p, const std::string& id, const std::string& want,
                        std::chrono::seconds within = 10s) {
  std::string status;
  auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    status = str(api.get("/api/v1/payments/" + id, p.customer.access_token), "status");
    if (status == want) break;
    std::this_thread::sleep_for(100ms);
  }
  return status;
}

std::string plan_status(Api& api, const PendingPlan& p) {
  return str(api.get("/api/v1/plans/" + p.id, p.customer.access_token), "status");
}

std::size_t ledger_payments(Api& api, const PendingPlan& p) {
  auto r = api.get("/api/v1/plans/" + p.id + "/payments", p.customer.access_token);
  return r.json.at("payments").as_array().size();
}

// The simulator's control API.
rto::http::ClientResponse sim_call(const std::string& target, const js::object& body = {}) {
  rto::http::Client c(e2e::sim_url());
  rto::http::Headers h;
  h.set("Content-Type", "application/json");
  return c.send(rto::http::Method::Post, target, h, js::serialize(body));
}
int sim(const std::string& target, const js::object& body = {}) { return sim_call(target, body).status; }

// Polls until the plan has `n` payments on its ledger (or time runs out); returns the count.
std::size_t wait_ledger_payments(Api& api, const PendingPlan& p, std::size_t n, std::chrono::seconds within = 10s) {
  std::size_t seen = 0;
  auto until = std::chrono::steady_clock::now() + within;
  while ((seen = ledger_payments(api, p)) < n && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(100ms);
  return seen;
}

std::int64_t sim_callbacks_sent(const std::string& request_id) {
  rto::http::Client c(e2e::sim_url());
  auto r = c.get("/_sim/transactions/" + request_id);
  if (r.status != 200) return -1;
  return js::parse(r.body).at("callbacks_sent").to_number<std::int64_t>();
}

class MobileMoney : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sim("/_sim/reset"), 200); }
  void TearDown() override { sim("/_sim/reset"); }
};

}  // namespace

TEST_F(MobileMoney, DepositByMtnActivatesThePlanAndDuplicatesCreditOnce) {
  Api api;
  auto p = pending_plan(api);
  ASSERT_FALSE(p.id.empty());
  ASSERT_EQ(sim("/_sim/behaviour", {{"callback", "duplicate"}, {"duplicates", 2}}), 200);
  auto r = start_payment(api, p, "mtn_momo", "0772 100200");
  ASSERT_EQ(r.status, 202) << r.body;
  const auto id = str(r, "id");
  EXPECT_EQ(wait_status(api, p, id, "succeeded"), "succeeded");
  EXPECT_EQ(plan_status(api, p), "active");
  auto paid = api.get("/api/v1/payments/" + id, p.customer.access_token);
  EXPECT_EQ(paid.json.at("receipt").at("plan_reference").as_string(), p.reference);
  // The duplicated callbacks have all been delivered (and stored), and changed nothing.
  for (int i = 0; i < 50 && sim_callbacks_sent(id) < 3; ++i) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(sim_callbacks_sent(id), 3);
  std::this_thread::sleep_for(500ms);  // the workers' turn
  EXPECT_EQ(ledger_payments(api, p), 1u);
  // Nobody else sees the payment.
  Api other_api;
  auto other = e2e::register_customer(other_api);
  EXPECT_EQ(other_api.get("/api/v1/payments/" + id, other.access_token).status, 404);
}

TEST_F(MobileMoney, AirtelFailureLeavesTheBalanceThenAPaymentSucceeds) {
  Api api;
  auto p = pending_plan(api);
  ASSERT_FALSE(p.id.empty());
  auto failed = start_payment(api, p, "airtel_money", "0752 100201");  // …1: not enough funds
  ASSERT_EQ(failed.status, 202) << failed.body;
  EXPECT_EQ(wait_status(api, p, str(failed, "id"), "failed"), "failed");
  EXPECT_EQ(plan_status(api, p), "pending_deposit");
  EXPECT_EQ(ledger_payments(api, p), 0u);

  auto ok = start_payment(api, p, "airtel_money", "0752 100200");
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(wait_status(api, p, str(ok, "id"), "succeeded"), "succeeded");
  EXPECT_EQ(plan_status(api, p), "active");
}

TEST_F(MobileMoney, ForgedCallbackIsNotCreditedAndSilenceExpires) {
  Api api;
  auto p = pending_plan(api);
  ASSERT_FALSE(p.id.empty());
  auto r = start_payment(api, p, "mtn_momo", "0772 100202");  // …2: the customer never answers
  ASSERT_EQ(r.status, 202) << r.body;
  const auto id = str(r, "id");
  // Anyone can reach the public webhook; a forged success is checked with the provider first.
  auto forged = api.put("/api/v1/webhooks/mtn_momo", {{"financialTransactionId", "1234567890"},
                                                      {"externalId", id},
                                                      {"amount", std::to_string(p.deposit)},
                                                      {"currency", "UGX"},
                                                      {"status", "SUCCESSFUL"}});
  EXPECT_EQ(forged.status, 200) << forged.body;
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(str(api.get("/api/v1/payments/" + id, p.customer.access_token), "status"), "pending");
  EXPECT_EQ(ledger_payments(api, p), 0u);
  // The reconciliation job gives up on it once the request expires (8 s in the test platform).
  EXPECT_EQ(wait_status(api, p, id, "expired", 20s), "expired");
  EXPECT_EQ(plan_status(api, p), "pending_deposit");
  EXPECT_EQ(ledger_payments(api, p), 0u);
}

TEST_F(MobileMoney, LostCallbackIsSettledByReconciliation) {
  Api api;
  auto p = pending_plan(api);
  ASSERT_FALSE(p.id.empty());
  auto r = start_payment(api, p, "mtn_momo", "0772 100203");  // …3: paid, callback lost
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_status(api, p, str(r, "id"), "succeeded", 15s), "succeeded");
  EXPECT_EQ(plan_status(api, p), "active");
  EXPECT_EQ(ledger_payments(api, p), 1u);
}

TEST_F(MobileMoney, MpesaDepositThenAPaybillPaymentConfirmedWithMpesa) {
  Api api;
  auto p = pending_plan(api, "KES");
  ASSERT_FALSE(p.id.empty());
  auto r = start_payment(api, p, "mpesa", "0712 100200");  // STK push to the rider's phone
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(wait_status(api, p, str(r, "id"), "succeeded"), "succeeded");
  EXPECT_EQ(plan_status(api, p), "active");

  // The next instalment paid from the M-Pesa menu (paybill, the plan's reference as the account
  // number): Safaricom confirms it to the gateway's public webhook, and the payment service
  // asks M-Pesa about the receipt before crediting it.
  auto c2b = sim_call("/_sim/mpesa/c2b", {{"bill_ref", p.reference},
                                          {"amount", 500},
                                          {"msisdn", "254712100200"},
                                          {"confirmation_url", e2e::gateway_url() + "/api/v1/webhooks/mpesa"}});
  ASSERT_EQ(c2b.status, 200) << c2b.body;
  const auto receipt = std::string(js::parse(c2b.body).at("trans_id").as_string());
  ASSERT_EQ(wait_ledger_payments(api, p, 2), 2u);
  auto payments = api.get("/api/v1/plans/" + p.id + "/payments", p.customer.access_token).json.at("payments").as_array();
  bool found = false;
  for (const auto& pay : payments)
    if (pay.at("provider_txn_id").as_string() == receipt) {
      found = true;
      EXPECT_EQ(pay.at("amount").at("amount").to_number<std::int64_t>(), 50'000);  // KES 500.00
    }
  EXPECT_TRUE(found) << "the paybill payment is on the ledger under its M-Pesa receipt";

  // A confirmation M-Pesa never sent (a receipt it never issued) credits nothing.
  auto forged = api.post("/api/v1/webhooks/mpesa", {{"TransactionType", "Pay Bill"},
                                                     {"TransID", "RFAKE00001"},
                                                     {"TransTime", "20261127100000"},
                                                     {"TransAmount", "50000.00"},
                                                     {"BusinessShortCode", "174379"},
                                                     {"BillRefNumber", p.reference},
                                                     {"MSISDN", "254712100200"}});
  EXPECT_EQ(forged.status, 200) << forged.body;
  // M-Pesa answers that it has no such receipt: the confirmation waits for staff.
  const auto admin = e2e::admin_token(api);
  std::string held;
  std::int64_t held_id = 0;
  for (int i = 0; i < 100 && held.empty(); ++i) {
    const auto review = api.get("/api/v1/payments/review?list=callbacks&status=held&provider=mpesa", admin);
    for (const auto& c : review.json.at("callbacks").as_array())
      if (c.at("outcome").is_string() && c.at("outcome").as_string().find("RFAKE00001") != js::string::npos &&
          c.at("status").as_string() != "received") {
        held = std::string(c.at("status").as_string());
        held_id = c.at("id").to_number<std::int64_t>();
      }
    if (held.empty()) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(held, "held");
  EXPECT_EQ(ledger_payments(api, p), 2u);

  // Four eyes: one support agent alone cannot turn it into money. The agent's credit is only a
  // proposal; the same agent cannot approve it; the customer's statement does not change; a
  // second staff member declines it.
  ASSERT_GT(held_id, 0);
  const auto agent = e2e::account_with_role(api, admin, "support_agent");
  const auto second = e2e::account_with_role(api, admin, "support_agent");
  auto proposal = api.post("/api/v1/payments/review/callbacks/" + std::to_string(held_id) + "/resolve",
                           {{"action", "credit"}, {"note", "customer sent a screenshot"}}, agent.access_token);
  ASSERT_EQ(proposal.status, 202) << proposal.body;
  const auto approval = std::string(proposal.json.at("approval").at("id").as_string());
  EXPECT_EQ(proposal.json.at("approval").at("evidence").as_string(), "RFAKE00001");
  auto self = api.post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, agent.access_token);
  EXPECT_EQ(self.status, 403) << self.body;
  EXPECT_NE(self.body.find("four-eyes"), std::string::npos) << self.body;
  EXPECT_EQ(ledger_payments(api, p), 2u) << "nothing credited on one person's word";
  auto declined = api.post("/api/v1/payments/approvals/" + approval + "/reject",
                           {{"note", "M-Pesa answered 2032: no such receipt"}}, second.access_token);
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_EQ(declined.json.at("approval").at("status").as_string(), "rejected");
  EXPECT_EQ(api.post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, second.access_token).status, 409);
  EXPECT_EQ(ledger_payments(api, p), 2u);
  EXPECT_EQ(plan_status(api, p), "active");
}
