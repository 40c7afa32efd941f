// Repayment history from the payment service's events: through RabbitMQ into the consumer's
// transaction, idempotent, and used by the behavioural factors of the next application.
#include <rto/crypto.hpp>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {

template <typename Pred>
bool eventually(Pred p, std::chrono::milliseconds within = 15s) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (p()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return p();
}

struct History {
  int on_time = -1, late = -1, worst_late = -1, worst_dpd = -1, payments = -1;
};

History history_of(const std::string& customer_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto r = tx.exec_params(
      "SELECT instalments_on_time, instalments_late, worst_days_late, worst_days_past_due, payments "
      "FROM repayment_history WHERE customer_id = $1::uuid",
      customer_id);
  if (r.empty()) return {};
  return {r[0][0].as<int>(), r[0][1].as<int>(), r[0][2].as<int>(), r[0][3].as<int>(), r[0][4].as<int>()};
}

js::object collection(const std::string& customer, const std::string& plan, js::array settled) {
  return {{"plan_id", plan},
          {"customer_id", customer},
          {"vehicle_id", rto::crypto::uuid_v4()},
          {"payment_id", rto::crypto::uuid_v4()},
          {"amount", {{"amount", 80000}, {"currency", "UGX"}}},
          {"provider", "mtn_momo"},
          {"allocation", js::object{}},
          {"instalments_settled", std::move(settled)}};
}

js::object settled(int seq, int days_late) {
  return {{"seq", seq}, {"due_date", "2026-05-0" + std::to_string(seq % 9 + 1)}, {"days_late", days_late}};
}

// Runs the handler as the consumer would, in one transaction.
void handle(const std::string& type, const js::object& data) {
  rto::events::Received ev;
  ev.id = rto::crypto::uuid_v4();
  ev.type = type;
  ev.data = data;
  world().app->db().transact([&](pqxx::work& tx) { world().app->on_payment_event(tx, ev); });
}

int points(const Reply& r, const std::string& factor) {
  for (const auto& f : r.obj().at("decision").as_object().at("breakdown").as_array())
    if (text(f.as_object().at("code")) == factor) return static_cast<int>(f.as_object().at("points").as_int64());
  return -999;
}

}  // namespace

TEST(Repayments, EventsThroughTheBrokerBuildTheHistoryOnce) {
  start_consumer();
  auto p = customer();
  auto plan = rto::crypto::uuid_v4();
  auto e1 = rto::crypto::uuid_v4();
  publish(e1, "payment.collection.received", collection(p.id, plan, js::array{settled(1, 0), settled(2, 0)}));
  publish(e1, "payment.collection.received",
          collection(p.id, plan, js::array{settled(1, 0), settled(2, 0)}));  // redelivery
  publish(rto::crypto::uuid_v4(), "payment.collection.received", collection(p.id, plan, js::array{settled(3, 0)}));
  ASSERT_TRUE(eventually([&] { return history_of(p.id).on_time == 3; })) << history_of(p.id).on_time;
  auto h = history_of(p.id);
  EXPECT_EQ(h.late, 0);
  EXPECT_EQ(h.payments, 2);

  // On time 3 of 3 (100 % -> +35) and never late (+12): worked example 1 scores 684 + 47 = 731, grade A.
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(points(r, "repayment_on_time"), 35);
  EXPECT_EQ(points(r, "repayment_arrears"), 12);
  EXPECT_EQ(r.obj().at("decision").as_object().at("score"), 731);
  EXPECT_EQ(r.obj().at("decision").as_object().at("grade"), "A");
  ASSERT_EQ(post("/api/v1/credit/applications/" + text(r.obj().at("id")) + "/withdraw", js::object{}, p.token).status,
            200);

  // A delinquency of 10 days: worst days past due 10 -> -23.
  publish(rto::crypto::uuid_v4(), "payment.delinquency.changed",
          {{"plan_id", plan}, {"customer_id", p.id}, {"vehicle_id", rto::crypto::uuid_v4()}, {"days_past_due", 10},
           {"old_bucket", "3-7"}, {"new_bucket", "8-30"}});
  ASSERT_TRUE(eventually([&] { return history_of(p.id).worst_dpd == 10; }));
  r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(points(r, "repayment_arrears"), -23);
  EXPECT_EQ(r.obj().at("decision").as_object().at("score"), 684 + 35 - 23);
}

TEST(Repayments, AnInstalmentIsCountedOnceWhicheverEventReportsIt) {
  auto p = customer();
  auto plan = rto::crypto::uuid_v4();
  handle("payment.collection.received", collection(p.id, plan, js::array{settled(1, 0), settled(2, 4)}));
  handle("payment.collection.received", collection(p.id, plan, js::array{settled(2, 4), settled(3, 0)}));
  auto h = history_of(p.id);
  EXPECT_EQ(h.on_time, 2);
  EXPECT_EQ(h.late, 1);
  EXPECT_EQ(h.worst_late, 4);
  EXPECT_EQ(h.payments, 2);

  // A lower delinquency later does not lower the worst.
  handle("payment.delinquency.changed", {{"plan_id", plan}, {"customer_id", p.id}, {"days_past_due", 9}});
  handle("payment.delinquency.changed", {{"plan_id", plan}, {"customer_id", p.id}, {"days_past_due", 0}});
  EXPECT_EQ(history_of(p.id).worst_dpd, 9);

  // 2 of 3 on time = 66 % -> -40; worst max(4, 9) = 9 -> -23.
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(points(r, "repayment_on_time"), -40);
  EXPECT_EQ(points(r, "repayment_arrears"), -23);
  EXPECT_EQ(r.obj().at("decision").as_object().at("score"), 684 - 40 - 23);
  const auto& reasons = r.obj().at("decision").as_object().at("reasons").as_array();
  EXPECT_EQ(reasons[0].as_object().at("code"), "late_repayments");  // 75 points lost
  EXPECT_EQ(reasons[1].as_object().at("code"), "instalment_share_high");
  EXPECT_EQ(reasons[2].as_object().at("code"), "past_arrears");
}

TEST(Repayments, AReversedPaymentNoLongerCountsAsPaidOnTime) {
  auto p = customer();
  auto plan = rto::crypto::uuid_v4();
  auto first = collection(p.id, plan, js::array{settled(1, 0), settled(2, 0)});
  auto second = collection(p.id, plan, js::array{settled(3, 0)});
  handle("payment.collection.received", first);
  handle("payment.collection.received", second);
  ASSERT_EQ(history_of(p.id).on_time, 3);
  js::object reversed{{"plan_id", plan}, {"customer_id", p.id}, {"vehicle_id", rto::crypto::uuid_v4()},
                      {"payment_id", first.at("payment_id")}, {"amount", first.at("amount")},
                      {"reason", "bounced"}};
  handle("payment.collection.reversed", reversed);
  auto h = history_of(p.id);
  EXPECT_EQ(h.on_time, 1);
  EXPECT_EQ(h.payments, 1);
  // Paid again later, and late: counted anew, as late.
  handle("payment.collection.received", collection(p.id, plan, js::array{settled(1, 6), settled(2, 5)}));
  h = history_of(p.id);
  EXPECT_EQ(h.on_time, 1);
  EXPECT_EQ(h.late, 2);
  EXPECT_THROW(handle("payment.collection.reversed", {{"plan_id", plan}, {"customer_id", p.id}}), rto::Error)
      << "a reversal without payment_id";
}

TEST(Repayments, AMalformedEventFailsItsTransaction) {
  EXPECT_THROW(handle("payment.collection.received", {{"plan_id", "p"}, {"customer_id", "not-a-uuid"}}), rto::Error);
  EXPECT_THROW(handle("payment.delinquency.changed", {{"plan_id", "p"}, {"customer_id", rto::crypto::uuid_v4()}}),
               rto::Error);
  // Other payment events are ignored.
  EXPECT_NO_THROW(handle("payment.plan.created", {{"plan_id", "p"}}));
}
