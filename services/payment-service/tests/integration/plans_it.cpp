// The plan-creation saga (credit decision, reservation, compensation), visibility, and the
// deposit time-to-live.
#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {
const char* kDaily = "motorcycle-daily-18m";

int count(const std::string& sql, const std::string& param) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params(sql, param)[0][0].as<int>();
}
}  // namespace

TEST(Plans, CreatedPendingWithReservationScheduleAndEvent) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto vehicle = add_vehicle(4'000'000);
  auto r = create_plan(c, vehicle, kDaily, 600'000);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& p = r.obj();
  auto id = r.str("id");
  EXPECT_EQ(r.str("status"), "pending_deposit");
  auto ref = r.str("reference");
  ASSERT_EQ(ref.size(), 10u);
  EXPECT_EQ(ref.substr(0, 4), "RTO-");
  EXPECT_EQ(ref.substr(4).find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), std::string::npos) << ref;
  EXPECT_EQ(r.str("customer_id"), c.id);
  EXPECT_EQ(p.at("schedule").as_array().size(), 547u);  // the deposit and 546 instalments
  EXPECT_EQ(text(p.at("schedule").as_array()[0].at("kind")), "deposit");
  EXPECT_EQ(amount_of(p.at("outstanding")), 5'190'000);
  EXPECT_EQ(text(p.at("next_due").at("due_date")), "2026-03-02");
  EXPECT_EQ(p.at("terms").at("vehicle").at("make"), "Bajaj");
  EXPECT_EQ(world().neighbours.vehicle(vehicle).reserved_by, id);
  EXPECT_EQ(world().neighbours.calls_of("reserve", vehicle).size(), 1u);
  auto ev = events("payment.plan.created", id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("customer_id")), c.id);
  EXPECT_EQ(text(ev[0].at("vehicle_id")), vehicle);
  // The credit service marks the approval used from it.
  {
    auto db = raw_db();
    pqxx::read_transaction tx(db);
    EXPECT_EQ(text(ev[0].at("credit_decision_id")),
              tx.exec_params1("SELECT credit_decision_id::text FROM plans WHERE id = $1::uuid", id)[0].as<std::string>());
  }
  EXPECT_EQ(amount_of(ev[0].at("deposit")), 600'000);
  EXPECT_EQ(ledger_balance(id, "receivable"), 5'190'000);
  EXPECT_TRUE(journal_balanced());
}

TEST(Plans, IdempotentPerCreditDecision) {
  auto c = new_customer();
  auto vehicle = add_vehicle();
  auto decision = approve(c.id, vehicle);
  js::object body{{"credit_decision_id", decision},
                  {"vehicle_id", vehicle},
                  {"template_id", kDaily},
                  {"deposit", js::object{{"amount", 600'000}, {"currency", "UGX"}}}};
  auto first = post("/api/v1/plans", body, c.token);
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post("/api/v1/plans", body, c.token);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.str("id"), first.str("id"));
  EXPECT_EQ(again.str("reference"), first.str("reference"));
  EXPECT_EQ(count("SELECT count(*) FROM plans WHERE credit_decision_id = $1::uuid", decision), 1);
  // Someone else presenting the decision gets nothing.
  auto other = new_customer();
  EXPECT_EQ(post("/api/v1/plans", body, other.token).status, 422);
}

TEST(Plans, RefuseDecisionsThatDoNotFit) {
  auto c = new_customer();
  auto vehicle = add_vehicle(4'000'000);
  struct Case {
    js::object overrides;
    std::int64_t deposit;
    const char* field;
  };
  std::vector<Case> cases{
      {{{"decision", "declined"}}, 600'000, "credit_decision_id"},
      {{{"valid", false}}, 600'000, "credit_decision_id"},
      {{{"customer_id", new_id()}}, 600'000, "credit_decision_id"},
      {{{"vehicle_id", new_id()}}, 600'000, "vehicle_id"},
      {{{"terms", js::object{{"min_deposit_percent", 25}, {"max_financed", nullptr}, {"max_term_days", 800}}}}, 600'000, "deposit"},
      {{{"terms", js::object{{"min_deposit_percent", 10},
                             {"max_financed", js::object{{"amount", 3'000'000}, {"currency", "UGX"}}},
                             {"max_term_days", 800}}}},
       600'000,
       "deposit"},
      {{{"terms", js::object{{"min_deposit_percent", 10}, {"max_financed", nullptr}, {"max_term_days", 365}}}}, 600'000, "template_id"},
      {{{"template_id", "5e3d0004-0000-4000-8000-000000000004"}}, 600'000, "template_id"},
      {{}, 100'000, "deposit"},  // below the template's 15 %
  };
  for (const auto& k : cases) {
    auto r = create_plan(c, vehicle, kDaily, k.deposit, k.overrides);
    EXPECT_EQ(r.status, 422) << js::serialize(k.overrides) << " " << r.body;
    EXPECT_TRUE(r.names_field(k.field)) << k.field << " " << r.body;
  }
  auto unknown = post("/api/v1/plans",
                      js::object{{"credit_decision_id", new_id()},
                                 {"vehicle_id", vehicle},
                                 {"template_id", kDaily},
                                 {"deposit", js::object{{"amount", 600'000}, {"currency", "UGX"}}}},
                      c.token);
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(world().neighbours.calls_of("reserve", vehicle).empty());  // nothing was reserved
  EXPECT_EQ(world().neighbours.vehicle(vehicle).status, "available");
  // Only customers open plans.
  auto staff = post("/api/v1/plans", js::object{{"credit_decision_id", new_id()}}, staff_token("admin"));
  EXPECT_EQ(staff.status, 403);
}

TEST(Plans, ATakenVehicleIsAConflict) {
  auto c = new_customer();
  auto vehicle = add_vehicle();
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.vehicles[vehicle].status = "reserved";
    world().neighbours.vehicles[vehicle].reserved_by = new_id();
  }
  auto r = create_plan(c, vehicle, kDaily, 600'000);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.str("type").find("vehicle-unavailable"), std::string::npos) << r.body;

  // Taken between the check and the reservation.
  auto v2 = add_vehicle();
  auto other_plan = new_id();
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.on_reserve = [v2, other_plan] {
      std::lock_guard inner(world().neighbours.mu);
      world().neighbours.vehicles[v2].status = "reserved";
      world().neighbours.vehicles[v2].reserved_by = other_plan;
    };
  }
  auto raced = create_plan(c, v2, kDaily, 600'000);
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.on_reserve = nullptr;
  }
  EXPECT_EQ(raced.status, 409) << raced.body;
  EXPECT_EQ(world().neighbours.vehicle(v2).reserved_by, other_plan);  // not released: not ours
}

TEST(Plans, AFailureAfterTheReservationReleasesIt) {
  auto c = new_customer();
  // 1. The vehicle service reserves but then answers 500.
  auto v1 = add_vehicle();
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.reserve_status = 500;
  }
  auto r1 = create_plan(c, v1, kDaily, 600'000);
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.reserve_status = 0;
  }
  EXPECT_EQ(r1.status, 502) << r1.body;
  EXPECT_EQ(world().neighbours.vehicle(v1).status, "available");
  EXPECT_EQ(world().neighbours.calls_of("release", v1).size(), 1u);

  // 2. Our own database refuses the plan after the reservation.
  auto v2 = add_vehicle();
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.on_reserve = [] {
      auto conn = raw_db();
      pqxx::work tx(conn);
      tx.exec("ALTER TABLE schedule ADD CONSTRAINT test_refuse CHECK (amount < 0) NOT VALID");
      tx.commit();
    };
  }
  auto r2 = create_plan(c, v2, kDaily, 600'000);
  {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.on_reserve = nullptr;
  }
  {
    auto conn = raw_db();
    pqxx::work tx(conn);
    tx.exec("ALTER TABLE schedule DROP CONSTRAINT test_refuse");
    tx.commit();
  }
  EXPECT_EQ(r2.status, 500) << r2.body;
  EXPECT_EQ(world().neighbours.vehicle(v2).status, "available");
  EXPECT_EQ(count("SELECT count(*) FROM plans WHERE vehicle_id = $1::uuid", v2), 0);
  // And the customer can try again.
  auto again = create_plan(c, v2, kDaily, 600'000);
  EXPECT_EQ(again.status, 201) << again.body;
}

TEST(Plans, OnlyTheOwnerAndStaffSeeAPlan) {
  auto c = new_customer();
  auto r = create_plan(c, add_vehicle(), kDaily, 600'000);
  ASSERT_EQ(r.status, 201);
  auto id = r.str("id");
  auto other = new_customer();
  EXPECT_EQ(statement(id, other.token).status, 404);
  EXPECT_EQ(get("/api/v1/plans/" + id + "/payoff-quote", other.token).status, 404);
  EXPECT_EQ(statement(id, staff_token("agent")).status, 404);
  EXPECT_EQ(statement(id, staff_token("dealer")).status, 404);
  EXPECT_EQ(statement(id, staff_token("credit_officer")).status, 200);
  EXPECT_EQ(statement(id, staff_token("support_agent")).status, 200);
  EXPECT_EQ(statement(id, "").status, 401);
  EXPECT_EQ(statement("not-a-uuid", c.token).status, 404);
  auto mine = get("/api/v1/plans/mine", c.token);
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.obj().at("items").as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/plans/mine", other.token).obj().at("items").as_array().size(), 0u);
  EXPECT_EQ(get("/api/v1/plans", c.token).status, 403);
  EXPECT_EQ(get("/api/v1/plans/portfolio", c.token).status, 403);
}

TEST(Plans, TheSupportServiceReadsACustomersPlansAndVehicles) {
  auto c = new_customer();
  auto vehicle = add_vehicle();
  auto r = create_plan(c, vehicle, kDaily, 600'000);
  ASSERT_EQ(r.status, 201) << r.body;
  auto target = "/internal/customers/" + c.id + "/plans";
  auto plans = get(target, service_token("support-service"));
  ASSERT_EQ(plans.status, 200) << plans.body;
  auto items = plans.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(text(items[0].at("id")), r.str("id"));
  EXPECT_EQ(text(items[0].at("vehicle_id")), vehicle);
  EXPECT_EQ(text(items[0].at("status")), "pending_deposit");
  EXPECT_EQ(get("/internal/customers/" + new_id() + "/plans", service_token("support-service"))
                .obj().at("items").as_array().size(),
            0u);
  // Only the support service may ask; people never.
  EXPECT_EQ(get(target, service_token("operations")).status, 403);
  EXPECT_EQ(get(target, c.token).status, 401);
  EXPECT_EQ(get(target, staff_token("admin")).status, 401);
}

TEST(Plans, AnUnpaidDepositCancelsThePlanAndReleasesTheVehicle) {
  set_local(2026, 3, 2, 9, 0);
  auto c = new_customer();
  auto vehicle = add_vehicle();
  auto r = create_plan(c, vehicle, kDaily, 600'000);
  ASSERT_EQ(r.status, 201);
  auto id = r.str("id");
  ASSERT_EQ(pay(r.str("reference"), 200'000).status, 201);  // part of the deposit
  world().clock->advance(47h);
  ASSERT_EQ(post("/internal/plans/expire-deposits", js::object{}, service_token()).status, 200);
  EXPECT_EQ(statement(id, c.token).str("status"), "pending_deposit");
  world().clock->advance(1h + 1s);
  EXPECT_GE(post("/internal/plans/expire-deposits", js::object{}, service_token()).obj().at("cancelled").as_int64(), 1);
  auto s = statement(id, c.token);
  EXPECT_EQ(s.str("status"), "cancelled");
  EXPECT_EQ(s.str("cancel_reason"), "deposit_not_paid");
  EXPECT_EQ(amount_of(s.obj().at("balance").at("credit_balance")), 200'000);
  EXPECT_TRUE(s.obj().at("balance").at("refund_due").as_bool());
  EXPECT_EQ(world().neighbours.vehicle(vehicle).status, "available");
  auto ev = events("payment.plan.cancelled", id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("reason")), "deposit_not_paid");
  EXPECT_EQ(text(ev[0].at("customer_id")), c.id);
  EXPECT_EQ(amount_of(ev[0].at("refund_due")), 200'000);
  EXPECT_EQ(ledger_balance(id, "receivable"), 0);
  EXPECT_EQ(ledger_balance(id, "customer_credit"), -200'000);
  EXPECT_TRUE(journal_balanced());
  // A second sweep does nothing; a late deposit is held as credit.
  EXPECT_EQ(post("/internal/plans/expire-deposits", js::object{}, service_token()).obj().at("cancelled").as_int64(), 0);
  EXPECT_EQ(events("payment.plan.cancelled", id).size(), 1u);
  auto late = pay(r.str("reference"), 400'000);
  ASSERT_EQ(late.status, 201);
  EXPECT_EQ(amount_of(late.obj().at("payment").at("allocation").at("credit")), 400'000);
  EXPECT_EQ(late.obj().at("plan").at("status"), "cancelled");
}
