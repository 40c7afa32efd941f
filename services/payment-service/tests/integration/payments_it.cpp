// Recording payments: deposit and activation, the waterfall, idempotency under concurrency,
// cash receipts, reversals, payoff, completion and the ownership certificate.
#include <atomic>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {
const char* kDaily = "motorcycle-daily-18m";

const js::array& schedule_of(const Reply& s) { return s.obj().at("schedule").as_array(); }

std::int64_t outstanding_in_db(const std::string& plan_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params("SELECT outstanding FROM plans WHERE id = $1::uuid", plan_id)[0][0].as<std::int64_t>();
}

// The projection agrees with the ledger and with the schedule rows.
void expect_consistent(const std::string& plan_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto row = tx.exec_params(
      "SELECT p.outstanding, p.credit_balance, "
      "(SELECT COALESCE(sum(amount - paid - waived), 0) FROM schedule s WHERE s.plan_id = p.id) + "
      "(SELECT COALESCE(sum(amount - paid), 0) FROM late_fees f WHERE f.plan_id = p.id) "
      "FROM plans p WHERE p.id = $1::uuid",
      plan_id)[0];
  auto outstanding = row[0].as<std::int64_t>();
  EXPECT_EQ(row[2].as<std::int64_t>(), outstanding);
  EXPECT_EQ(ledger_balance(plan_id, "receivable"), outstanding);
  EXPECT_EQ(-ledger_balance(plan_id, "customer_credit"), row[1].as<std::int64_t>());
  EXPECT_TRUE(journal_balanced());
}

}  // namespace

TEST(Payments, TheDepositActivatesThePlanAndItsInstalmentsCountFromThatDay) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto vehicle = add_vehicle();
  auto r = create_plan(c, vehicle, kDaily, 600'000);
  ASSERT_EQ(r.status, 201);
  auto id = r.str("id");
  set_local(2026, 3, 3, 18, 30);  // paid the next evening
  auto p = pay(r.str("reference"), 600'000, "MP-DEP-" + id);
  ASSERT_EQ(p.status, 201) << p.body;
  EXPECT_EQ(p.obj().at("plan").at("status"), "active");
  EXPECT_EQ(amount_of(p.obj().at("payment").at("allocation").at("deposit")), 600'000);
  auto s = statement(id, c.token);
  EXPECT_EQ(s.str("status"), "active");
  EXPECT_EQ(text(schedule_of(s)[1].at("due_date")), "2026-03-04");
  EXPECT_EQ(text(schedule_of(s)[546].at("due_date")), "2027-08-31");
  EXPECT_EQ(text(s.obj().at("next_due").at("due_date")), "2026-03-04");
  EXPECT_EQ(text(s.obj().at("terms").at("quote").at("first_due_date")), "2026-03-03");  // as quoted
  EXPECT_EQ(s.obj().at("equity").at("percent"), "15.00");
  auto act = events("payment.plan.activated", id);
  ASSERT_EQ(act.size(), 1u);
  EXPECT_EQ(text(act[0].at("customer_id")), c.id);
  EXPECT_EQ(text(act[0].at("first_due_date")), "2026-03-04");
  auto got = events("payment.collection.received", id);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].at("instalments_settled").as_array().size(), 1u);
  EXPECT_EQ(got[0].at("instalments_settled").as_array()[0].at("seq").as_int64(), 0);
  EXPECT_EQ(world().neighbours.vehicle(vehicle).status, "leased");
  expect_consistent(id);
}

TEST(Payments, TheWaterfallPaysTheOldestFirstThenAhead) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  set_local(2026, 3, 5);  // instalments of 03-03 and 03-04 overdue, 03-05 current
  auto part = pay(ref, 5'000);
  ASSERT_EQ(part.status, 201);
  const auto& a = part.obj().at("payment").at("allocation");
  EXPECT_EQ(amount_of(a.at("overdue")), 5'000);
  EXPECT_EQ(a.at("slices").as_array()[0].at("seq").as_int64(), 1);
  EXPECT_TRUE(a.at("instalments_settled").as_array().empty());

  auto more = pay(ref, 3'400 + 8'400 + 8'400 + 10'000);
  ASSERT_EQ(more.status, 201);
  const auto& b = more.obj().at("payment").at("allocation");
  EXPECT_EQ(amount_of(b.at("overdue")), 3'400 + 8'400);
  EXPECT_EQ(amount_of(b.at("current")), 8'400);
  EXPECT_EQ(amount_of(b.at("future")), 10'000);
  auto settled = b.at("instalments_settled").as_array();
  ASSERT_EQ(settled.size(), 4u);
  EXPECT_EQ(settled[0].at("days_late").as_int64(), 2);
  EXPECT_EQ(settled[1].at("days_late").as_int64(), 1);
  EXPECT_EQ(settled[2].at("days_late").as_int64(), 0);
  auto ev = events("payment.collection.received", id);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[2].at("instalments_settled").as_array().size(), 4u);
  EXPECT_EQ(text(ev[2].at("customer_id")), c.id);
  EXPECT_EQ(text(ev[2].at("provider")), "mtn_momo");

  auto s = statement(id, c.token);
  auto rows = schedule_of(s);
  EXPECT_EQ(text(rows[3].at("status")), "paid");
  EXPECT_EQ(text(rows[5].at("status")), "partial");
  EXPECT_EQ(amount_of(rows[5].at("remaining")), 8'400 - 1'600);
  EXPECT_EQ(text(s.obj().at("next_due").at("due_date")), "2026-03-07");
  EXPECT_EQ(s.obj().at("days_past_due").as_int64(), 0);
  EXPECT_EQ(amount_of(s.obj().at("balance").at("overdue")), 0);
  expect_consistent(id);
}

TEST(Payments, TheSameTransactionTwiceCreditsOnce) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  auto before = outstanding_in_db(id);
  auto first = pay(ref, 8'400, "MP-ONCE-" + id);
  ASSERT_EQ(first.status, 201);
  auto second = pay(ref, 8'400, "MP-ONCE-" + id);
  EXPECT_EQ(second.status, 200);
  EXPECT_TRUE(second.obj().at("duplicate").as_bool());
  EXPECT_EQ(second.obj().at("payment").at("id"), first.obj().at("payment").at("id"));
  EXPECT_EQ(outstanding_in_db(id), before - 8'400);
  auto other_amount = pay(ref, 9'000, "MP-ONCE-" + id);
  EXPECT_EQ(other_amount.status, 409);
  auto other = active_plan(new_customer());
  auto elsewhere = pay(text(other.at("reference")), 8'400, "MP-ONCE-" + id);
  EXPECT_EQ(elsewhere.status, 409);
  EXPECT_TRUE(elsewhere.names_field("provider_txn_id"));
}

TEST(Payments, ConcurrentDuplicatesCreditOnceAndDistinctPaymentsAllCount) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  auto before = outstanding_in_db(id);
  std::atomic<int> created{0}, duplicates{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto r = pay(ref, 8'400, "MP-RACE-" + id);
      if (r.status == 201)
        ++created;
      else if (r.status == 200)
        ++duplicates;
      else
        ++other;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(outstanding_in_db(id), before - 8'400);

  threads.clear();
  for (int i = 0; i < 8; ++i) threads.emplace_back([&, i] { EXPECT_EQ(pay(ref, 1'000 + i).status, 201); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(outstanding_in_db(id), before - 8'400 - (8 * 1'000 + 28));
  expect_consistent(id);
}

// Payments arriving together are recorded together (several per transaction): each still gets its
// own answer, a bad one fails alone, and every plan agrees with its ledger afterwards.
TEST(Payments, PaymentsArrivingTogetherEachGetTheirOwnOutcome) {
  auto a = active_plan(new_customer());
  auto b = active_plan(new_customer());
  auto d = active_plan(new_customer());
  const auto a_id = text(a.at("id")), b_id = text(b.at("id")), d_id = text(d.at("id"));
  const auto a_ref = text(a.at("reference")), b_ref = text(b.at("reference")), d_ref = text(d.at("reference"));
  const auto taken = "MP-TAKEN-" + b_id;
  ASSERT_EQ(pay(b_ref, 500, taken, "mpesa").status, 201);
  const auto a0 = outstanding_in_db(a_id), b0 = outstanding_in_db(b_id), d0 = outstanding_in_db(d_id);
  const auto a_events = events("payment.collection.received", a_id).size();

  auto body = [](const std::string& key, const std::string& plan, std::int64_t amount, const std::string& txn,
                 const char* currency = "UGX") {
    return js::object{{key, plan},          {"amount", amount},       {"currency", currency},
                      {"provider", "mpesa"}, {"provider_txn_id", txn}, {"paid_at", "2026-03-02T08:00:00Z"}};
  };
  struct Case {
    js::object body;
    int status = 0;  // what it must answer; 0 = 201 or 200 (a duplicate pair: one of each)
    int got = 0;
  };
  const auto twice = "MP-TWICE-" + a_id;
  std::vector<Case> cases{
      {body("plan_ref", a_ref, 1'000, "MP-A1-" + a_id), 201},
      {body("plan_id", a_id, 2'000, "MP-A2-" + a_id), 201},
      {body("plan_ref", a_ref, 3'000, "MP-A3-" + a_id), 201},
      {body("plan_ref", a_ref, 4'000, twice), 0},
      {body("plan_id", a_id, 4'000, twice), 0},
      {body("plan_ref", b_ref, 5'000, "MP-B1-" + b_id), 201},
      {body("plan_ref", b_ref, 5'000, "MP-B2-" + b_id, "KES"), 422},
      {body("plan_id", d_id, 6'000, "MP-D1-" + d_id), 201},
      {body("plan_ref", d_ref, 7'000, taken), 409},  // recorded for plan B before
      {body("plan_ref", "RTO-000000", 8'000, "MP-X-" + a_id), 404},
  };
  for (int round = 0; round < 2; ++round) {  // the second round replays every one of them
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (auto& c : cases)
      threads.emplace_back([&] {
        ++ready;
        while (ready.load() < static_cast<int>(cases.size())) std::this_thread::yield();
        c.got = post("/internal/payments", c.body, service_token()).status;
      });
    for (auto& t : threads) t.join();
    int pair_created = 0;
    for (const auto& c : cases) {
      if (c.status == 0) {
        EXPECT_TRUE(c.got == 201 || c.got == 200) << c.got;
        pair_created += c.got == 201;
      } else if (round == 1 && c.status == 201) {
        EXPECT_EQ(c.got, 200) << js::serialize(c.body);  // a replay: the first result
      } else {
        EXPECT_EQ(c.got, c.status) << js::serialize(c.body);
      }
    }
    EXPECT_EQ(pair_created, round == 0 ? 1 : 0);
  }
  EXPECT_EQ(outstanding_in_db(a_id), a0 - (1'000 + 2'000 + 3'000 + 4'000));
  EXPECT_EQ(outstanding_in_db(b_id), b0 - 5'000);
  EXPECT_EQ(outstanding_in_db(d_id), d0 - 6'000);
  EXPECT_EQ(events("payment.collection.received", a_id).size(), a_events + 4);
  for (const auto& id : {a_id, b_id, d_id}) expect_consistent(id);
  // Payments of one plan keep the order they were recorded in (their seq), which reversals replay.
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto rows = tx.exec_params(
      "SELECT count(*), count(DISTINCT seq), count(DISTINCT entry_id) FROM payments WHERE plan_id = $1::uuid", a_id)[0];
  EXPECT_EQ(rows[0].as<int>(), rows[1].as<int>());
  EXPECT_EQ(rows[0].as<int>(), rows[2].as<int>());
}

TEST(Payments, StaffRecordCashWithAReceiptNumber) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  auto agent_id = new_id();
  auto agent = token_for(agent_id, {"agent"});
  js::object body{{"amount", js::object{{"amount", 8'400}, {"currency", "UGX"}}}, {"receipt_number", "BR-7-" + id.substr(0, 8)}};
  auto r = post("/api/v1/plans/" + ref + "/cash-payments", body, agent);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("payment").at("provider"), "cash");
  EXPECT_EQ(text(r.obj().at("payment").at("recorded_by")), agent_id);
  EXPECT_EQ(r.obj().at("payment").at("receipt_number"), body.at("receipt_number"));
  EXPECT_EQ(post("/api/v1/plans/" + id + "/cash-payments", body, agent).status, 200);  // same receipt
  EXPECT_EQ(post("/api/v1/plans/" + id + "/cash-payments", body, c.token).status, 403);
  EXPECT_EQ(post("/api/v1/plans/" + id + "/cash-payments", body, staff_token("credit_officer")).status, 403);
  EXPECT_EQ(post("/api/v1/plans/RTO-000000/cash-payments", body, agent).status, 404);
  expect_consistent(id);

  // The cash desk: the plan by its reference, what is due and owed, nothing about the rider.
  auto desk = get("/api/v1/plans/" + ref + "/cash-desk", agent);
  ASSERT_EQ(desk.status, 200) << desk.body;
  EXPECT_EQ(text(desk.obj().at("id")), id);
  EXPECT_EQ(text(desk.obj().at("currency")), "UGX");
  EXPECT_TRUE(desk.obj().at("next_due").is_object());
  EXPECT_GT(amount_of(desk.obj().at("outstanding")), 0);
  EXPECT_FALSE(desk.obj().contains("customer_id"));
  EXPECT_FALSE(desk.obj().contains("payments"));
  EXPECT_FALSE(desk.obj().contains("schedule"));
  EXPECT_EQ(get("/api/v1/plans/" + id + "/cash-desk", agent).status, 200);
  EXPECT_EQ(get("/api/v1/plans/RTO-000000/cash-desk", agent).status, 404);
  EXPECT_EQ(get("/api/v1/plans/nope/cash-desk", agent).status, 404);
  EXPECT_EQ(get("/api/v1/plans/" + ref + "/cash-desk", c.token).status, 403);
  EXPECT_EQ(get("/api/v1/plans/" + ref + "/cash-desk", staff_token("credit_officer")).status, 403);
}

TEST(Payments, ACashReceiptCannotBeBackdatedFreely) {
  set_local(2026, 5, 4);
  auto c = new_customer();
  auto plan = active_plan(c);  // made on 4 May
  auto id = text(plan.at("id"));
  auto agent = staff_token("agent");
  set_local(2026, 5, 10);  // six days later
  auto receipt = [&](const char* paid_at) {
    return post("/api/v1/plans/" + id + "/cash-payments",
                js::object{{"amount", js::object{{"amount", 8'400}, {"currency", "UGX"}}},
                           {"receipt_number", "BR-" + new_id().substr(0, 12)},
                           {"paid_at", paid_at}},
                agent);
  };
  for (const char* bad : {"2000-01-01T08:00:00Z",   // before the plan
                          "2026-05-03T08:00:00Z",   // the day before the plan
                          "2026-05-06T08:00:00Z",   // four days back: more than CASH_BACKDATE_DAYS (3)
                          "2026-05-11T08:00:00Z"})  // tomorrow
  {
    auto r = receipt(bad);
    EXPECT_EQ(r.status, 422) << bad << ": " << r.body;
    EXPECT_TRUE(r.names_field("paid_at")) << bad << ": " << r.body;
  }
  auto ok = receipt("2026-05-08T08:00:00Z");  // two days back
  ASSERT_EQ(ok.status, 201) << ok.body;
  expect_consistent(id);
}

TEST(Payments, AmountsBeyondTheCeilingAre422) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto r = post("/api/v1/plans/" + id + "/cash-payments",
                js::object{{"amount", js::object{{"amount", 1'000'000'000'001}, {"currency", "UGX"}}},
                           {"receipt_number", "BR-" + new_id().substr(0, 12)}},
                staff_token("agent"));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(r.names_field("amount.amount")) << r.body;
  auto q = post("/api/v1/plans/quote",
                js::object{{"template_id", "motorcycle-daily-18m"},
                           {"price", js::object{{"amount", std::int64_t{9'000'000'000'000'000'000}}, {"currency", "UGX"}}}});
  EXPECT_EQ(q.status, 422) << q.body;
  EXPECT_TRUE(q.names_field("price.amount")) << q.body;
  // And the database holds the bound too.
  auto db = raw_db();
  pqxx::work tx(db);
  EXPECT_THROW(tx.exec_params("UPDATE plans SET paid_total = 2000000000000000 WHERE id = $1", id), pqxx::check_violation);
}

TEST(Payments, BadPaymentsAreRefused) {
  auto c = new_customer();
  auto plan = active_plan(c);
  auto ref = text(plan.at("reference"));
  js::object body{{"plan_ref", "RTO-000000"}, {"amount", 100}, {"currency", "UGX"}, {"provider", "mtn_momo"},
                  {"provider_txn_id", "X-" + new_id()}, {"paid_at", "2026-03-02T08:00:00Z"}};
  auto unknown = post("/internal/payments", body, service_token());
  EXPECT_EQ(unknown.status, 404);
  body["plan_ref"] = "RTO-ZZZZZZ";
  auto typo = post("/internal/payments", body, service_token());
  EXPECT_EQ(typo.status, 400);
  EXPECT_TRUE(typo.names_field("plan_ref"));
  body["plan_ref"] = ref;
  body["currency"] = "KES";
  auto kes = post("/internal/payments", body, service_token());
  EXPECT_EQ(kes.status, 422);
  EXPECT_TRUE(kes.names_field("currency"));
  body["currency"] = "UGX";
  EXPECT_EQ(post("/internal/payments", body, c.token).status, 401);  // a user token is not a service token
  EXPECT_EQ(post("/internal/payments", body, "").status, 401);
}

TEST(Payments, AReversalReDerivesTheScheduleAndBalances) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  set_local(2026, 3, 4);
  auto a = pay(ref, 8'400);  // instalment 1
  auto b = pay(ref, 8'400);  // instalment 2
  ASSERT_EQ(b.status, 201);
  auto before = outstanding_in_db(id);
  auto support_id = new_id();
  auto support = token_for(support_id, {"support_agent"});
  auto admin_id = new_id();
  auto admin = token_for(admin_id, {"admin"});
  const auto reverse = [](const Reply& payment) { return "/api/v1/payments/" + text(payment.obj().at("payment").at("id")) + "/reverse"; };
  // Four eyes: proposed by one staff member, carried out when another approves.
  auto proposal = post(reverse(a), js::object{{"reason", "the mobile-money provider recalled it"}}, support);
  ASSERT_EQ(proposal.status, 202) << proposal.body;
  EXPECT_EQ(text(proposal.obj().at("approval").at("kind")), "reversal");
  EXPECT_EQ(amount_of(proposal.obj().at("approval").at("amount")), 8'400);
  EXPECT_EQ(outstanding_in_db(id), before) << "nothing changes before approval";
  EXPECT_TRUE(events("payment.collection.reversed", id).empty());
  const auto approval = "/api/v1/payments/approvals/" + text(proposal.obj().at("approval").at("id"));
  EXPECT_EQ(post(approval + "/approve", js::object{}, support).status, 403);
  auto rev = post(approval + "/approve", js::object{{"note", "recall seen in the MTN portal"}}, admin);
  ASSERT_EQ(rev.status, 200) << rev.body;
  const auto& reversed = rev.obj().at("result").at("payment");
  EXPECT_EQ(text(reversed.at("status")), "reversed");
  EXPECT_EQ(text(reversed.at("reversal").at("reversed_by")), admin_id);
  EXPECT_EQ(text(rev.obj().at("approval").at("proposed_by")), support_id);
  EXPECT_EQ(text(rev.obj().at("approval").at("decided_by")), admin_id);
  EXPECT_EQ(outstanding_in_db(id), before + 8'400);
  // The remaining payment now covers instalment 1, not 2.
  auto s = statement(id, c.token);
  EXPECT_EQ(text(schedule_of(s)[1].at("status")), "paid");
  EXPECT_EQ(amount_of(schedule_of(s)[2].at("remaining")), 8'400);
  EXPECT_EQ(s.obj().at("payments").as_array().size(), 3u);
  EXPECT_EQ(events("payment.collection.reversed", id).size(), 1u);
  expect_consistent(id);
  auto twice = post(reverse(a), js::object{{"reason", "again"}}, support);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(post(reverse(b), js::object{{"reason", "not allowed"}}, staff_token("credit_officer")).status, 403);
  // A rejected proposal changes nothing, and frees the payment for another proposal.
  auto declined = post(reverse(b), js::object{{"reason", "customer disputes it"}}, support);
  ASSERT_EQ(declined.status, 202) << declined.body;
  const auto declined_at = "/api/v1/payments/approvals/" + text(declined.obj().at("approval").at("id"));
  auto no_note = post(declined_at + "/reject", js::object{}, admin);
  EXPECT_EQ(no_note.status, 400);
  EXPECT_TRUE(no_note.names_field("note")) << no_note.body;
  auto rejected = post(declined_at + "/reject", js::object{{"note", "the customer's bank statement shows it"}}, admin);
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(text(rejected.obj().at("approval").at("status")), "rejected");
  EXPECT_EQ(post(declined_at + "/approve", js::object{}, admin).status, 409);
  EXPECT_EQ(outstanding_in_db(id), before + 8'400);
  EXPECT_EQ(post(reverse(b), js::object{{"reason", "asked again"}}, support).status, 202);
  // Whoever took cash can neither propose nor approve reversing it.
  auto cash = post("/api/v1/plans/" + id + "/cash-payments",
                   js::object{{"amount", js::object{{"amount", 500}, {"currency", "UGX"}}}, {"receipt_number", "R-" + id.substr(0, 6)}},
                   admin);
  ASSERT_EQ(cash.status, 201) << cash.body;
  EXPECT_EQ(post(reverse(cash), js::object{{"reason", "my own mistake"}}, admin).status, 403);
  auto theirs = post(reverse(cash), js::object{{"reason", "wrong plan"}}, support);
  ASSERT_EQ(theirs.status, 202) << theirs.body;
  auto by_cashier = carry_out(theirs, admin);
  EXPECT_EQ(by_cashier.status, 403) << by_cashier.body;
  // The deposit of an active plan stays.
  auto deposit_payment = text(statement(id, c.token).obj().at("payments").as_array()[0].at("id"));
  auto deposit = post("/api/v1/payments/" + deposit_payment + "/reverse", js::object{{"reason", "customer asked"}}, support);
  EXPECT_EQ(carry_out(deposit, admin).status, 409) << deposit.body;
}

TEST(Payments, APayoffClosesThePlanAndTransfersTheVehicle) {
  set_local(2026, 3, 2);
  auto c = new_customer("Grace Atim");
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));
  auto vehicle = text(plan.at("vehicle_id"));
  set_local(2026, 4, 1);
  ASSERT_EQ(pay(ref, 8'400 * 10).status, 201);
  auto q = get("/api/v1/plans/" + id + "/payoff-quote", c.token);
  ASSERT_EQ(q.status, 200) << q.body;
  auto amount = amount_of(q.obj().at("amount"));
  auto discount = amount_of(q.obj().at("discount"));
  EXPECT_GT(discount, 0);  // the unearned markup is waived
  auto floor = amount_of(q.obj().at("due_now")) + amount_of(q.obj().at("future_principal")) + amount_of(q.obj().at("fees"));
  EXPECT_GE(amount, floor);
  EXPECT_LT(amount, floor + 100);  // the whole charge waived, rounded to UGX 100 once
  EXPECT_LT(amount, outstanding_in_db(id));
  EXPECT_EQ(get("/api/v1/plans/" + id + "/ownership-certificate", c.token).status, 409);

  auto done = pay(ref, amount + 700);
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(done.obj().at("plan").at("status"), "completed");
  EXPECT_TRUE(done.obj().at("payment").at("allocation").at("payoff").as_bool());
  EXPECT_EQ(amount_of(done.obj().at("payment").at("allocation").at("credit")), 700);
  auto s = statement(id, c.token);
  EXPECT_EQ(s.str("status"), "completed");
  EXPECT_EQ(amount_of(s.obj().at("outstanding")), 0);
  EXPECT_EQ(s.obj().at("equity").at("percent"), "100.00");
  EXPECT_TRUE(s.obj().at("balance").at("refund_due").as_bool());
  auto ev = events("payment.plan.completed", id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("customer_id")), c.id);
  EXPECT_TRUE(ev[0].at("payoff").as_bool());
  EXPECT_EQ(world().neighbours.vehicle(vehicle).status, "owned");
  EXPECT_EQ(world().neighbours.vehicle(vehicle).owner, c.id);
  EXPECT_EQ(ledger_balance(id, "receivable"), 0);
  EXPECT_EQ(ledger_balance(id, "unearned_finance_income"), 0);
  EXPECT_EQ(ledger_balance(id, "finance_income"), -(1'190'000 - discount));
  expect_consistent(id);

  auto cert = get("/api/v1/plans/" + id + "/ownership-certificate", c.token);
  ASSERT_EQ(cert.status, 200);
  EXPECT_EQ(cert.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(cert.body.find("Grace Atim"), std::string::npos);
  EXPECT_NE(cert.body.find(ref), std::string::npos);
  EXPECT_NE(cert.body.find("Bajaj"), std::string::npos);
  EXPECT_NE(cert.body.find("2026-04-01"), std::string::npos);
  EXPECT_EQ(get("/api/v1/plans/" + id + "/ownership-certificate", new_customer().token).status, 404);
  EXPECT_EQ(get("/api/v1/plans/" + id + "/payoff-quote", c.token).status, 409);

  // Money after completion is held for refund.
  auto extra = pay(ref, 2'000);
  ASSERT_EQ(extra.status, 201);
  EXPECT_EQ(amount_of(extra.obj().at("payment").at("allocation").at("credit")), 2'000);
  EXPECT_EQ(amount_of(extra.obj().at("plan").at("credit_balance")), 2'700);
  expect_consistent(id);
}

TEST(Payments, PayingTheLastInstalmentCompletesThePlan) {
  set_local(2026, 3, 2);
  auto admin = staff_token("admin");
  auto slug = "short-" + new_id().substr(0, 8);
  auto t = post("/api/v1/plan-templates",
                js::object{{"slug", slug}, {"name", "Short"}, {"category", "motorcycle"}, {"currency", "UGX"},
                           {"frequency", "monthly"}, {"instalment_count", 3}, {"min_deposit_bps", 1000},
                           {"pricing", "annual_rate"}, {"rate_bps", 2400}, {"grace_days", 0}, {"lock_after_days", 5},
                           {"payoff_discount_bps", 0}},
                admin);
  ASSERT_EQ(t.status, 201) << t.body;
  auto c = new_customer();
  auto plan = active_plan(c, t.str("id"), 1'000'000);
  auto id = text(plan.at("id"));
  std::int64_t left = amount_of(plan.at("outstanding"));
  EXPECT_EQ(text(plan.at("schedule").as_array()[1].at("due_date")), "2026-04-02");
  auto r = pay(text(plan.at("reference")), left);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("plan").at("status"), "completed");
  EXPECT_FALSE(r.obj().at("payment").at("allocation").at("payoff").as_bool());
  EXPECT_EQ(amount_of(r.obj().at("payment").at("allocation").at("credit")), 0);
  EXPECT_EQ(events("payment.plan.completed", id).size(), 1u);
  expect_consistent(id);
}

// The business figures of /metrics read from the database: plans by status, portfolio at risk,
// what waits for staff, the oldest open request, each as the database holds it.
TEST(Figures, TheDatabasesFiguresAreReportedOnMetrics) {
  auto c = new_customer();
  auto st = active_plan(c);
  auto& w = world();
  w.app->payments().figures().refresh(w.app->db(), w.clock->now());
  auto db = raw_db();
  pqxx::read_transaction tx(db);
  for (const char* status : {"active", "pending_deposit", "completed"}) {
    const auto n = tx.exec_params1("SELECT count(*) FROM plans WHERE status = $1", std::string(status))[0].as<double>();
    EXPECT_EQ(metric(std::string("payment_plans{status=\"") + status + "\"}"), n) << status;
  }
  EXPECT_GE(metric(R"(payment_plans{status="active"})"), 1.0);
  const auto outstanding = tx.exec1("SELECT sum(outstanding) FROM plans WHERE status IN ('active', 'defaulted') AND currency = 'UGX'")[0]
                               .as<double>();
  const auto par1 = tx.exec1("SELECT COALESCE(sum(outstanding) FILTER (WHERE days_past_due >= 1), 0) FROM plans "
                             "WHERE status IN ('active', 'defaulted') AND currency = 'UGX'")[0]
                        .as<double>();
  EXPECT_DOUBLE_EQ(metric(R"(payment_portfolio_at_risk_ratio{bucket="par1",currency="UGX"})"), par1 / outstanding);
  const auto held = tx.exec1("SELECT count(*) FROM provider_callbacks c WHERE status = 'held' AND NOT EXISTS "
                             "(SELECT 1 FROM review_resolutions r WHERE r.item = 'callback' AND r.item_id = c.id::text)")[0]
                        .as<double>();
  EXPECT_EQ(metric("payment_callbacks_for_review"), held);
  EXPECT_GE(metric("payment_requests_pending_oldest_seconds"), 0.0);
}
