// Closing a plan across the platform: a plan that defaults is repossessed by a credit officer
// through the gateway, the vehicle service takes the vehicle back, and money that arrives
// afterwards is refunded by a support agent.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "rto/crypto.hpp"
#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::str;

namespace {

std::int64_t amount(const js::value& money) { return money.at("amount").to_number<std::int64_t>(); }

}  // namespace

TEST(Closing, ADefaultedPlanIsRepossessedAndLaterMoneyRefunded) {
  Api api;
  auto p = e2e::pending_plan(api);
  ASSERT_FALSE(p.id.empty());
  auto admin = e2e::admin_token(api);
  ASSERT_LT(e2e::internal_payment(p.reference, p.deposit, "MP" + rto::crypto::uuid_v4().substr(0, 12)).status, 300);
  ASSERT_EQ(e2e::wait_vehicle_status(api, p.vehicle_id, admin, "leased"), "leased");

  // Seventy days without a payment: the daily run defaults the plan.
  auto run = e2e::run_delinquency(e2e::local_date_in(70));
  ASSERT_LT(run.status, 300) << run.body;
  auto defaulted = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  ASSERT_EQ(str(defaulted, "status"), "defaulted") << defaulted.body;
  const auto owed = amount(defaulted.json.at("balance").at("outstanding"));
  ASSERT_GT(owed, 0);

  // The customer cannot; a credit officer can, with a reason.
  const js::object reason{{"reason", "seventy days in arrears; recovered by the branch"}};
  EXPECT_EQ(api.post("/api/v1/plans/" + p.id + "/repossess", reason, p.customer.access_token).status, 403);
  auto officer = e2e::account_with_role(api, admin, "credit_officer");
  auto r = api.post("/api/v1/plans/" + p.id + "/repossess", reason, officer.access_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r, "status"), "repossessed");
  EXPECT_EQ(amount(r.json.at("repossession").at("written_off")), owed);
  EXPECT_EQ(amount(r.json.at("balance").at("outstanding")), 0);
  EXPECT_EQ(e2e::wait_vehicle_status(api, p.vehicle_id, admin, "repossessed"), "repossessed");

  // The customer still pays 20,000: it is held for them, and a support agent refunds it.
  ASSERT_LT(e2e::internal_payment(p.reference, 20'000, "MP" + rto::crypto::uuid_v4().substr(0, 12)).status, 300);
  auto held = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  EXPECT_EQ(amount(held.json.at("balance").at("credit_balance")), 20'000) << held.body;
  EXPECT_TRUE(held.json.at("balance").at("refund_due").as_bool());
  auto agent = e2e::account_with_role(api, admin, "support_agent");
  const js::object refund{{"amount", {{"amount", 20'000}, {"currency", "UGX"}}},
                          {"method", "mtn_momo"},
                          {"reference", "RF" + rto::crypto::uuid_v4().substr(0, 10)},
                          {"reason", "paid after the vehicle was repossessed"}};
  EXPECT_EQ(api.post("/api/v1/plans/" + p.id + "/refunds", refund, p.customer.access_token).status, 403);
  // Proposed by the agent, recorded when an admin approves it (four eyes).
  auto proposed = api.post("/api/v1/plans/" + p.id + "/refunds", refund, agent.access_token);
  ASSERT_EQ(proposed.status, 202) << proposed.body;
  auto pending = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  EXPECT_EQ(amount(pending.json.at("balance").at("credit_balance")), 20'000) << "unchanged until approved";
  const auto approval = "/api/v1/payments/approvals/" + std::string(proposed.json.at("approval").at("id").as_string());
  EXPECT_EQ(api.post(approval + "/approve", js::object{}, agent.access_token).status, 403);
  auto paid_back = api.post(approval + "/approve", js::object{{"note", "voucher checked"}}, admin);
  ASSERT_EQ(paid_back.status, 200) << paid_back.body;
  EXPECT_EQ(paid_back.json.at("approval").at("status").as_string(), "approved");
  auto after = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  EXPECT_EQ(amount(after.json.at("balance").at("credit_balance")), 0);
  EXPECT_FALSE(after.json.at("balance").at("refund_due").as_bool());
  EXPECT_EQ(after.json.at("refunds").as_array().size(), 1u);
}
