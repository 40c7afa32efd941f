// The daily reminders job: payment.reminder.due through the outbox, at most one a day per plan
// (arrears first, then what is due today, then tomorrow), each (plan, instalment, kind) once, on
// the operator's local dates.
#include <set>

#include "fixture.hpp"

using namespace it;
using payment_service::Date;
using payment_service::make_date;

namespace {

Reply run_reminders(std::optional<Date> as_of = std::nullopt) {
  js::object body;
  if (as_of) body["as_of"] = payment_service::format_date(*as_of);
  return post("/internal/reminders/run", body, service_token());
}

// The reminders of one plan's instalment, in the order sent: their kinds.
std::vector<std::string> kinds_of(const std::string& plan_id, int seq) {
  std::vector<std::string> out;
  for (const auto& e : events("payment.reminder.due", plan_id))
    if (e.at("instalment").as_int64() == seq) out.push_back(text(e.at("kind")));
  return out;
}

int reminder_rows(const std::string& plan_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params("SELECT count(*) FROM payment_reminders WHERE plan_id = $1::uuid", plan_id)[0][0].as<int>();
}

}  // namespace

TEST(Reminders, DueTomorrowTodayAndOverdueOnceEach) {
  set_local(2026, 3, 2);
  auto c = new_customer();
  auto plan = active_plan(c);  // daily instalments of UGX 8,400 due from 2026-03-03
  auto id = text(plan.at("id"));
  auto ref = text(plan.at("reference"));

  auto r = run_reminders(make_date(2026, 3, 2));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("sent").as_int64(), 1);
  auto sent = events("payment.reminder.due", id);
  ASSERT_EQ(sent.size(), 1u);
  const auto& e = sent[0];
  EXPECT_EQ(text(e.at("kind")), "due_tomorrow");
  EXPECT_EQ(text(e.at("plan_id")), id);
  EXPECT_EQ(text(e.at("customer_id")), c.id);
  EXPECT_EQ(e.at("instalment").as_int64(), 1);
  EXPECT_EQ(text(e.at("due_date")), "2026-03-03");
  EXPECT_EQ(amount_of(e.at("amount_due")), 8'400);
  EXPECT_EQ(text(e.at("amount_due").as_object().at("currency")), "UGX");
  EXPECT_EQ(e.at("days_overdue").as_int64(), 0);

  // Run again the same day (a restart, a second replica, by hand): nothing new.
  r = run_reminders(make_date(2026, 3, 2));
  EXPECT_EQ(r.obj().at("sent").as_int64(), 0);
  EXPECT_EQ(events("payment.reminder.due", id).size(), 1u);

  // 3 March: instalment 1 is due today and 2 tomorrow: one message, about today's.
  r = run_reminders(make_date(2026, 3, 3));
  EXPECT_EQ(r.obj().at("sent").as_int64(), 1);
  EXPECT_EQ(kinds_of(id, 1), (std::vector<std::string>{"due_tomorrow", "due_today"}));
  EXPECT_TRUE(kinds_of(id, 2).empty());

  // Instalment 1 is paid; on 4 March it is not reminded as overdue. 2 is due today.
  set_local(2026, 3, 3, 18, 0);
  ASSERT_EQ(pay(ref, 8'400).status, 201);
  r = run_reminders(make_date(2026, 3, 4));
  EXPECT_EQ(r.obj().at("sent").as_int64(), 1);
  EXPECT_EQ(kinds_of(id, 1), (std::vector<std::string>{"due_tomorrow", "due_today"}));
  EXPECT_EQ(kinds_of(id, 2), (std::vector<std::string>{"due_today"}));

  // 5 March: 2 is one day overdue: its arrears come first (3 is due today, not told).
  r = run_reminders(make_date(2026, 3, 5));
  EXPECT_EQ(r.obj().at("sent").as_int64(), 1);
  EXPECT_EQ(kinds_of(id, 2), (std::vector<std::string>{"due_today", "overdue_1"}));
  EXPECT_TRUE(kinds_of(id, 3).empty());
  for (const auto& x : events("payment.reminder.due", id))
    if (x.at("instalment").as_int64() == 2 && text(x.at("kind")) == "overdue_1") {
      EXPECT_EQ(x.at("days_overdue").as_int64(), 1);
      EXPECT_EQ(text(x.at("as_of")), "2026-03-05");
      EXPECT_EQ(amount_of(x.at("amount_due")), 8'400);  // everything overdue
    }
  // 6 March: 2 is two days overdue, still in its overdue_1 window: not reminded again; the day's
  // instalment (4) is.
  r = run_reminders(make_date(2026, 3, 6));
  EXPECT_EQ(r.obj().at("sent").as_int64(), 1);
  EXPECT_EQ(kinds_of(id, 2).size(), 2u);
  EXPECT_EQ(kinds_of(id, 4), (std::vector<std::string>{"due_today"}));
  // A day the job did not run (7 and 8 March) is caught up on the 9th: 2 is six days overdue,
  // with five instalments (2 to 6) overdue in all.
  run_reminders(make_date(2026, 3, 9));
  EXPECT_EQ(kinds_of(id, 2).back(), "overdue_3");
  for (const auto& x : events("payment.reminder.due", id)) {
    if (x.at("instalment").as_int64() == 2 && text(x.at("kind")) == "overdue_3") {
      EXPECT_EQ(amount_of(x.at("amount_due")), 5 * 8'400);
    }
  }
  run_reminders(make_date(2026, 3, 11));  // eight days
  EXPECT_EQ(kinds_of(id, 2).back(), "overdue_7");
  EXPECT_EQ(kinds_of(id, 2).size(), 4u);
  run_reminders(make_date(2026, 3, 30));  // long past: no more reminders about its arrears
  EXPECT_EQ(kinds_of(id, 2).size(), 4u);

  // Never more than one a day.
  std::set<std::string> days;
  for (const auto& x : events("payment.reminder.due", id)) {
    EXPECT_TRUE(days.insert(text(x.at("as_of"))).second) << text(x.at("as_of"));
  }
  EXPECT_EQ(reminder_rows(id), static_cast<int>(events("payment.reminder.due", id).size()));
}

TEST(Reminders, LocalDateOfTheOperatorZoneAndTheScheduler) {
  set_local(2026, 4, 1);
  auto c = new_customer();
  auto plan = active_plan(c);  // instalment 1 due 2026-04-02
  auto id = text(plan.at("id"));
  // 00:30 on 2 April in Kampala is still 1 April in UTC: the job's day is the local one.
  set_local(2026, 4, 2, 0, 30);
  auto r = run_reminders();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(r.obj().at("as_of")), "2026-04-02");
  EXPECT_EQ(kinds_of(id, 1), (std::vector<std::string>{"due_today"}));
  EXPECT_TRUE(kinds_of(id, 2).empty());  // one message a day: today's instalment

  // The scheduler sends them once a day, after the daily run's time.
  set_local(2026, 4, 3, 5, 59);
  world().app->jobs().tick();
  EXPECT_EQ(kinds_of(id, 1).size(), 1u);
  set_local(2026, 4, 3, 6, 0);
  world().app->jobs().tick();
  EXPECT_EQ(kinds_of(id, 1), (std::vector<std::string>{"due_today", "overdue_1"}));
  EXPECT_TRUE(kinds_of(id, 2).empty());
  EXPECT_TRUE(kinds_of(id, 3).empty());
  const auto count = events("payment.reminder.due", id).size();
  world().app->jobs().tick();
  EXPECT_EQ(events("payment.reminder.due", id).size(), count);
}

TEST(Reminders, OnlyLivePlansAndOnlyTheService) {
  set_local(2026, 5, 1);
  auto c = new_customer();
  auto vehicle = add_vehicle();
  auto pending = create_plan(c, vehicle, "motorcycle-daily-18m", 600'000);  // deposit not paid
  ASSERT_EQ(pending.status, 201) << pending.body;
  run_reminders(make_date(2026, 5, 1));
  EXPECT_TRUE(events("payment.reminder.due", pending.str("id")).empty());
  EXPECT_EQ(post("/internal/reminders/run", js::object{}, c.token).status, 401);  // a user token is not a service token
  EXPECT_EQ(post("/internal/reminders/run", js::object{{"as_of", "1 May"}}, service_token()).status, 400);
}
