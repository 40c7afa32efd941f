// Closing a plan: repossession of a defaulted plan (write-off, event, the vehicle service told)
// and refunds of credit held for a customer.
#include <atomic>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;
using payment_service::make_date;

namespace {

// A plan of `c` defaulted by the daily run (60 days past due after grace).
js::object defaulted_plan(const Customer& c) {
  set_local(2026, 3, 2);
  auto plan = active_plan(c);
  EXPECT_EQ(run_delinquency(make_date(2026, 5, 3)).status, 200);
  auto s = statement(text(plan.at("id")), c.token);
  EXPECT_EQ(s.str("status"), "defaulted") << s.body;
  return s.obj();
}

std::int64_t sum_of(const js::value& rows, std::string_view key) {
  std::int64_t sum = 0;
  for (const auto& r : rows.as_array()) sum += amount_of(r.at(key));
  return sum;
}

// A plan of a new customer cancelled because only `paid` of its deposit came in time: `paid`
// is held as credit. Returns the customer and the plan id.
std::pair<Customer, std::string> cancelled_plan(std::int64_t paid) {
  set_local(2026, 3, 2, 9, 0);
  auto c = new_customer();
  auto created = create_plan(c, add_vehicle(), "motorcycle-daily-18m", 600'000);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(pay(created.str("reference"), paid).status, 201);
  world().clock->advance(48h + 1s);
  EXPECT_GE(world().app->jobs().expire_deposits(), 1);
  EXPECT_EQ(statement(created.str("id"), c.token).str("status"), "cancelled");
  return {c, created.str("id")};
}

Reply refund(const std::string& plan_id, std::int64_t amount, const std::string& reference, const std::string& token,
             const std::string& method = "mtn_momo", const std::string& currency = "UGX") {
  return post("/api/v1/plans/" + plan_id + "/refunds",
              js::object{{"amount", js::object{{"amount", amount}, {"currency", currency}}},
                         {"method", method},
                         {"reference", reference},
                         {"reason", "deposit returned after cancellation"}},
              token);
}

}  // namespace

TEST(Repossession, ADefaultedPlanIsClosedWrittenOffAndTheVehicleTakenBack) {
  auto c = new_customer();
  auto plan = defaulted_plan(c);
  const auto id = text(plan.at("id"));
  const auto vehicle = text(plan.at("vehicle_id"));
  const auto reason = js::object{{"reason", "recovered by the Kampala branch after 60 days in arrears"}};

  // Only credit officers and admins; a reason is required.
  EXPECT_EQ(post("/api/v1/plans/" + id + "/repossess", reason, c.token).status, 403);
  EXPECT_EQ(post("/api/v1/plans/" + id + "/repossess", reason, staff_token("support_agent")).status, 403);
  auto officer = staff_token("credit_officer");
  auto no_reason = post("/api/v1/plans/" + id + "/repossess", js::object{}, officer);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(no_reason.names_field("reason")) << no_reason.body;
  EXPECT_EQ(post("/api/v1/plans/" + new_id() + "/repossess", reason, officer).status, 404);

  // What is owed: the unpaid price and fees are carried as the vehicle taken back; the charge
  // (35 % flat markup on the financed 3,400,000) was never earned and is unwound.
  const std::int64_t outstanding = amount_of(plan.at("balance").at("outstanding"));
  const std::int64_t fees = sum_of(plan.at("late_fees"), "amount");
  const std::int64_t paid = amount_of(plan.at("balance").at("paid_total"));
  ASSERT_GT(fees, 0);
  ASSERT_EQ(paid, 600'000);  // the deposit
  const std::int64_t charge = 1'190'000;
  ASSERT_EQ(outstanding, 4'000'000 + charge + fees - paid);

  auto r = post("/api/v1/plans/" + id + "/repossess", reason, officer);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("status"), "repossessed");
  EXPECT_EQ(amount_of(r.obj().at("balance").at("outstanding")), 0);
  EXPECT_EQ(amount_of(r.obj().at("balance").at("overdue")), 0);
  EXPECT_TRUE(r.obj().at("next_due").is_null());
  const auto& repo = r.obj().at("repossession").as_object();
  EXPECT_EQ(amount_of(repo.at("written_off")), outstanding);
  EXPECT_EQ(text(repo.at("reason")), "recovered by the Kampala branch after 60 days in arrears");
  const auto& rows = r.obj().at("schedule").as_array();
  EXPECT_EQ(text(rows.at(0).at("status")), "paid");  // the deposit
  EXPECT_EQ(text(rows.at(1).at("status")), "written_off");
  EXPECT_EQ(text(rows.back().at("status")), "written_off");

  EXPECT_EQ(ledger_balance(id, "receivable"), 0);
  EXPECT_EQ(ledger_balance(id, "unearned_finance_income"), 0);
  EXPECT_EQ(ledger_balance(id, "repossessed_vehicles"), 4'000'000 + fees - paid);
  EXPECT_TRUE(journal_balanced());

  auto ev = events("payment.plan.repossessed", id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("vehicle_id")), vehicle);
  EXPECT_EQ(text(ev[0].at("customer_id")), c.id);
  EXPECT_EQ(amount_of(ev[0].at("written_off")), outstanding);
  EXPECT_EQ(world().neighbours.calls_of("repossess", vehicle).size(), 1u);
  EXPECT_EQ(world().neighbours.vehicle(vehicle).status, "repossessed");

  // Again: the same answer, nothing new.
  auto again = post("/api/v1/plans/" + id + "/repossess", reason, staff_token("admin"));
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(amount_of(again.obj().at("repossession").at("written_off")), outstanding);
  EXPECT_EQ(events("payment.plan.repossessed", id).size(), 1u);
  EXPECT_EQ(world().neighbours.calls_of("repossess", vehicle).size(), 1u);

  // The daily run leaves it alone; money arriving afterwards is held for refund.
  run_delinquency(make_date(2026, 5, 4));
  EXPECT_EQ(statement(id, c.token).str("status"), "repossessed");
  set_local(2026, 5, 4);
  auto late = pay(text(plan.at("reference")), 30'000);
  ASSERT_EQ(late.status, 201) << late.body;
  EXPECT_EQ(amount_of(late.obj().at("payment").at("allocation").at("credit")), 30'000);
  auto s = statement(id, c.token);
  EXPECT_EQ(amount_of(s.obj().at("balance").at("credit_balance")), 30'000);
  EXPECT_TRUE(s.obj().at("balance").at("refund_due").as_bool());
  EXPECT_TRUE(journal_balanced());
}

TEST(Repossession, OnlyADefaultedPlanCanBeRepossessed) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  auto r = post("/api/v1/plans/" + text(plan.at("id")) + "/repossess", js::object{{"reason", "customer disappeared"}},
                staff_token("admin"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.str("type").find("not-defaulted"), std::string::npos) << r.body;
  EXPECT_NE(r.str("detail").find("active"), std::string::npos) << r.body;
  EXPECT_EQ(statement(text(plan.at("id")), c.token).str("status"), "active");
  EXPECT_TRUE(events("payment.plan.repossessed", text(plan.at("id"))).empty());
}

TEST(Refunds, CreditHeldAfterACancellationIsPaidBackOnce) {
  const auto made = cancelled_plan(250'000);  // part of the deposit paid in time
  const auto& c = made.first;
  const auto& id = made.second;
  ASSERT_FALSE(HasFailure());

  auto agent = staff_token("support_agent");
  const auto ref = "MTN-RF-" + new_id().substr(0, 8);
  // Refused: the customer, a method we do not know, more than is held, another currency.
  EXPECT_EQ(refund(id, 100'000, ref, c.token).status, 403);
  auto bad_method = refund(id, 100'000, ref, agent, "bitcoin");
  EXPECT_EQ(bad_method.status, 400);
  EXPECT_TRUE(bad_method.names_field("method")) << bad_method.body;
  auto too_much = refund(id, 250'001, ref, agent);
  EXPECT_EQ(too_much.status, 409) << too_much.body;
  EXPECT_TRUE(too_much.names_field("amount.amount")) << too_much.body;
  auto kes = refund(id, 100'000, ref, agent, "mtn_momo", "KES");
  EXPECT_EQ(kes.status, 422) << kes.body;
  EXPECT_TRUE(kes.names_field("amount.currency")) << kes.body;
  EXPECT_EQ(refund(new_id(), 100'000, ref, agent).status, 404);

  // Four eyes: the agent proposes; nothing moves until another staff member approves.
  auto proposal = refund(id, 150'000, ref, agent);
  ASSERT_EQ(proposal.status, 202) << proposal.body;
  const auto approval = text(proposal.obj().at("approval").at("id"));
  EXPECT_EQ(text(proposal.obj().at("approval").at("status")), "pending");
  EXPECT_EQ(text(proposal.obj().at("approval").at("kind")), "refund");
  EXPECT_EQ(amount_of(proposal.obj().at("approval").at("amount")), 150'000);
  EXPECT_EQ(amount_of(statement(id, c.token).obj().at("balance").at("credit_balance")), 250'000);
  EXPECT_TRUE(events("payment.refund.paid", id).empty());
  auto second = refund(id, 150'000, ref, staff_token("admin"));
  EXPECT_EQ(second.status, 409) << "one open proposal per plan";
  EXPECT_NE(second.str("type").find("already-proposed"), std::string::npos) << second.body;
  auto own = post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, agent);
  EXPECT_EQ(own.status, 403) << "the proposer cannot approve";
  EXPECT_NE(own.str("type").find("four-eyes"), std::string::npos) << own.body;
  EXPECT_EQ(post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, staff_token("credit_officer")).status, 403);
  EXPECT_EQ(post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, c.token).status, 403);

  auto first = carry_out(proposal, staff_token("admin"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(text(first.obj().at("approval").at("status")), "approved");
  const auto& paid = first.obj().at("result").as_object();
  EXPECT_FALSE(paid.at("duplicate").as_bool());
  EXPECT_EQ(amount_of(paid.at("plan").at("credit_balance")), 100'000);
  EXPECT_EQ(text(first.obj().at("approval").at("result_id")), text(paid.at("refund").at("id")));
  auto again = post("/api/v1/payments/approvals/" + approval + "/approve", js::object{}, staff_token("admin"));
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.str("type").find("already-decided"), std::string::npos) << again.body;
  // The reference cannot be used again, for the same refund or another.
  auto twice = refund(id, 150'000, ref, agent);
  EXPECT_EQ(twice.status, 409);
  EXPECT_TRUE(twice.names_field("reference")) << twice.body;
  auto reused = refund(id, 90'000, ref, agent);
  EXPECT_EQ(reused.status, 409);
  EXPECT_TRUE(reused.names_field("reference")) << reused.body;

  // The rest, in cash, proposed by an admin and approved by the agent: nothing is held any more.
  auto rest = carry_out(refund(id, 100'000, "CASH-0042", staff_token("admin"), "cash"), agent);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(refund(id, 1, "CASH-0043", agent, "cash").status, 409);
  // Staff see the decided approvals with both names.
  auto listed = get("/api/v1/payments/approvals?status=approved&kind=refund&limit=200", agent);
  ASSERT_EQ(listed.status, 200) << listed.body;
  bool shown = false;
  for (const auto& a : listed.obj().at("items").as_array())
    if (text(a.at("id")) == approval) {
      shown = true;
      EXPECT_EQ(text(a.at("decided_by")), text(first.obj().at("approval").at("decided_by")));
      EXPECT_NE(text(a.at("decided_by")), text(a.at("proposed_by")));
    }
  EXPECT_TRUE(shown) << listed.body;
  EXPECT_EQ(get("/api/v1/payments/approvals", c.token).status, 403);
  auto bad_filter = get("/api/v1/payments/approvals?status=maybe", agent);
  EXPECT_EQ(bad_filter.status, 400);
  EXPECT_TRUE(bad_filter.names_field("status")) << bad_filter.body;

  auto s = statement(id, c.token);
  EXPECT_EQ(amount_of(s.obj().at("balance").at("credit_balance")), 0);
  EXPECT_EQ(amount_of(s.obj().at("balance").at("refunded")), 250'000);
  EXPECT_FALSE(s.obj().at("balance").at("refund_due").as_bool());
  ASSERT_EQ(s.obj().at("refunds").as_array().size(), 2u);
  EXPECT_EQ(text(s.obj().at("refunds").at(0).at("reference")), ref);
  EXPECT_EQ(text(s.obj().at("refunds").at(1).at("method")), "cash");

  EXPECT_EQ(ledger_balance(id, "customer_credit"), 0);
  EXPECT_EQ(ledger_balance(id, "clearing:mtn_momo"), 250'000 - 150'000);
  EXPECT_EQ(ledger_balance(id, "clearing:cash"), -100'000);
  EXPECT_TRUE(journal_balanced());
  auto ev = events("payment.refund.paid", id);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(amount_of(ev[0].at("amount")), 150'000);
  EXPECT_EQ(amount_of(ev[1].at("credit_balance")), 0);
}

TEST(Refunds, ConcurrentRefundsNeverPayOutMoreThanIsHeld) {
  const auto made = cancelled_plan(100'000);
  const auto& c = made.first;
  const auto& id = made.second;
  ASSERT_FALSE(HasFailure());

  auto agent = staff_token("support_agent");
  auto admin = staff_token("admin");
  std::vector<std::thread> threads;
  std::atomic<int> paid{0}, refused{0};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&, i] {
      const auto ref = "CASH-C" + std::to_string(i) + new_id().substr(0, 6);
      // One proposal per plan is open at a time: wait for the others to be decided.
      for (int attempt = 0; attempt < 500; ++attempt) {
        auto proposal = refund(id, 40'000, ref, agent, "cash");
        if (proposal.status == 409 && proposal.str("type").find("already-proposed") != std::string::npos) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        (carry_out(proposal, admin).status == 200 ? paid : refused)++;
        return;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(paid.load(), 2);  // 2 × 40,000 of the 100,000 held; a third would exceed it
  EXPECT_EQ(refused.load(), 4);
  auto s = statement(id, c.token);
  EXPECT_EQ(amount_of(s.obj().at("balance").at("credit_balance")), 20'000);
  EXPECT_EQ(ledger_balance(id, "customer_credit"), -20'000);
  EXPECT_TRUE(journal_balanced());
}
