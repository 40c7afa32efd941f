// The daily delinquency run: late fees, buckets, lock and release, default; the scheduler;
// the staff portfolio and collections list.
#include "fixture.hpp"

using namespace it;
using payment_service::make_date;

namespace {

js::object plan_of(const std::string& id, const std::string& token) { return statement(id, token).json.as_object(); }

int runs_for(const std::string& plan_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params("SELECT count(*) FROM delinquency_runs WHERE plan_id = $1::uuid", plan_id)[0][0].as<int>();
}

}  // namespace

TEST(Delinquency, FeesBucketsLockAndReleaseFollowTheTemplate) {
  // Daily template: one grace day, 5 % fee capped and rounded to UGX 100, lock at 3 days.
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);  // instalments due from 2026-03-03
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));

  ASSERT_EQ(run_delinquency(make_date(2026, 3, 4)).status, 200);  // one day late, within grace
  auto p = plan_of(id, c.token);
  EXPECT_EQ(p.at("days_past_due").as_int64(), 0);
  EXPECT_EQ(p.at("late_fees").as_array().size(), 0u);
  EXPECT_TRUE(events("payment.delinquency.changed", id).empty());

  run_delinquency(make_date(2026, 3, 5));
  p = plan_of(id, c.token);
  EXPECT_EQ(p.at("days_past_due").as_int64(), 1);
  EXPECT_EQ(text(p.at("bucket")), "1-7");
  ASSERT_EQ(p.at("late_fees").as_array().size(), 1u);
  EXPECT_EQ(amount_of(p.at("late_fees").as_array()[0].at("amount")), 400);  // 5 % of 8,400 = 420 → 400
  auto changed = events("payment.delinquency.changed", id);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(text(changed[0].at("old_bucket")), "current");
  EXPECT_EQ(text(changed[0].at("new_bucket")), "1-7");
  EXPECT_EQ(text(changed[0].at("customer_id")), c.id);
  EXPECT_TRUE(events("payment.lock.required", id).empty());

  auto run = run_delinquency(make_date(2026, 3, 7));
  EXPECT_EQ(run.obj().at("locks_required").as_int64(), 1);
  p = plan_of(id, c.token);
  EXPECT_EQ(p.at("days_past_due").as_int64(), 3);
  EXPECT_TRUE(p.at("locked").as_bool());
  EXPECT_EQ(p.at("late_fees").as_array().size(), 3u);
  auto lock = events("payment.lock.required", id);
  ASSERT_EQ(lock.size(), 1u);
  EXPECT_EQ(lock[0].at("days_past_due").as_int64(), 3);
  EXPECT_EQ(text(lock[0].at("customer_id")), c.id);

  // The same day again changes nothing.
  auto again = run_delinquency(make_date(2026, 3, 7));
  EXPECT_EQ(again.obj().at("plans").as_int64(), 0);
  EXPECT_EQ(plan_of(id, c.token).at("late_fees").as_array().size(), 3u);
  EXPECT_EQ(events("payment.lock.required", id).size(), 1u);

  // Paying the fees and three instalments brings it under the threshold at once.
  set_local(2026, 3, 7, 12, 0);
  auto paid = pay(ref, 1'200 + 3 * 8'400);
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_EQ(amount_of(paid.obj().at("payment").at("allocation").at("fees")), 1'200);
  EXPECT_FALSE(paid.obj().at("plan").at("locked").as_bool());
  EXPECT_EQ(paid.obj().at("plan").at("bucket"), "current");
  auto released = events("payment.lock.released", id);
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(text(released[0].at("reason")), "payment");
  changed = events("payment.delinquency.changed", id);
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(text(changed[1].at("new_bucket")), "current");
  EXPECT_TRUE(journal_balanced());
  EXPECT_EQ(ledger_balance(id, "fee_income"), -1'200);
}

TEST(Delinquency, APlanDefaultsAfterTheConfiguredDays) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  run_delinquency(make_date(2026, 5, 2));  // 60 days after the first due date: 59 past due after grace
  EXPECT_EQ(plan_of(id, c.token).at("status"), "active");
  run_delinquency(make_date(2026, 5, 3));
  auto p = plan_of(id, c.token);
  EXPECT_EQ(p.at("status"), "defaulted");
  EXPECT_EQ(p.at("days_past_due").as_int64(), 60);
  EXPECT_EQ(text(p.at("bucket")), "31-60");
  auto ev = events("payment.plan.defaulted", id);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("customer_id")), c.id);
  run_delinquency(make_date(2026, 5, 4));
  EXPECT_EQ(events("payment.plan.defaulted", id).size(), 1u);
  // A defaulted plan still takes payments.
  set_local(2026, 5, 4);
  EXPECT_EQ(pay(text(plan.at("reference")), 50'000).status, 201);
  EXPECT_TRUE(journal_balanced());
}

TEST(Delinquency, TheSchedulerRunsOnceADayAfterItsTime) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);
  auto id = text(plan.at("id"));
  set_local(2026, 3, 10, 5, 59);
  world().app->jobs().tick();
  EXPECT_EQ(runs_for(id), 0);
  set_local(2026, 3, 10, 6, 0);
  world().app->jobs().tick();
  EXPECT_EQ(runs_for(id), 1);
  world().app->jobs().tick();
  EXPECT_EQ(runs_for(id), 1);
  set_local(2026, 3, 11, 7, 0);
  world().app->jobs().tick();
  EXPECT_EQ(runs_for(id), 2);
}

TEST(Portfolio, StaffSeeRiskAndCollections) {
  set_local(2026, 3, 2);
  auto late = new_customer();
  auto late_plan = active_plan(late);
  auto good = new_customer();
  auto good_plan = active_plan(good);
  set_local(2026, 3, 12);
  ASSERT_EQ(pay(text(good_plan.at("reference")), 8'400 * 10).status, 201);
  run_delinquency(make_date(2026, 3, 12));
  auto staff = staff_token("credit_officer");
  auto r = get("/api/v1/plans/portfolio", staff);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& ugx = r.obj().at("portfolios").as_array().at(0).as_object();
  EXPECT_EQ(text(ugx.at("currency")), "UGX");
  EXPECT_GE(ugx.at("active_plans").as_int64(), 2);
  EXPECT_GE(amount_of(ugx.at("collected_today")), 8'400 * 10);
  EXPECT_GT(amount_of(ugx.at("expected_this_week")), 0);
  EXPECT_GT(amount_of(ugx.at("par").at("par7").at("outstanding")), 0);  // the late plan: 8 days past due
  EXPECT_GE(ugx.at("aging").at("8-30").at("plans").as_int64(), 1);
  EXPECT_EQ(r.str("week_starting"), "2026-03-09");
  // The chart: 8 weeks, oldest first, the current one last; the payment in it, and instalments
  // expected in the weeks the plans ran, none before they started.
  const auto& weeks = ugx.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 8u);
  EXPECT_EQ(text(weeks.front().at("week_starting")), "2026-01-19");
  EXPECT_EQ(text(weeks.back().at("week_starting")), "2026-03-09");
  EXPECT_GE(amount_of(weeks.back().at("collected")), 8'400 * 10);
  EXPECT_EQ(amount_of(weeks.back().at("expected")), amount_of(ugx.at("expected_this_week")));
  EXPECT_EQ(amount_of(weeks.back().at("collected")), amount_of(ugx.at("collected_this_week")));
  EXPECT_GT(amount_of(weeks[6].at("expected")), 0);  // 2026-03-02: both plans' first week
  EXPECT_EQ(amount_of(weeks[0].at("expected")), 0);

  auto list = get("/api/v1/plans?bucket=8-30", staff);
  ASSERT_EQ(list.status, 200) << list.body;
  bool found = false;
  for (const auto& p : list.obj().at("items").as_array()) {
    EXPECT_EQ(text(p.at("bucket")), "8-30");
    found = found || text(p.at("id")) == text(late_plan.at("id"));
  }
  EXPECT_TRUE(found);
  auto bad = get("/api/v1/plans?bucket=9-10", staff);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("bucket"));
  // Pages: one at a time, worst first.
  auto page = get("/api/v1/plans?limit=1", staff);
  ASSERT_EQ(page.obj().at("items").as_array().size(), 1u);
  ASSERT_TRUE(page.obj().at("next_cursor").is_string());
  auto next = get("/api/v1/plans?limit=1&cursor=" + text(page.obj().at("next_cursor")), staff);
  ASSERT_EQ(next.status, 200);
  ASSERT_EQ(next.obj().at("items").as_array().size(), 1u);
  EXPECT_NE(next.obj().at("items").as_array()[0].at("id"), page.obj().at("items").as_array()[0].at("id"));
  EXPECT_LE(next.obj().at("items").as_array()[0].at("days_past_due").as_int64(),
            page.obj().at("items").as_array()[0].at("days_past_due").as_int64());
}
