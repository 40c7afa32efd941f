// Reservations and the plan operations: the internal contract, the reservation race, expiry,
// and the payment events (which must agree with the internal endpoints).
#include <atomic>
#include <rto/crypto.hpp>
#include <rto/events.hpp>
#include <rto/mq.hpp>
#include <thread>

#include "fixture.hpp"

std::vector<rto::db::Migration> embedded_migrations();

using namespace it;
using namespace std::chrono_literals;

namespace {

std::string internal(const std::string& id, const std::string& op = "") {
  return "/internal/vehicles/" + id + (op.empty() ? "" : "/" + op);
}

Reply reserve(const std::string& id, const std::string& plan, const std::string& customer, int ttl = 900) {
  return post(internal(id, "reserve"), js::object{{"plan_id", plan}, {"customer_id", customer}, {"ttl_seconds", ttl}},
              service_token());
}

Reply op(const std::string& id, const std::string& name, js::object body) {
  return post(internal(id, name), body, service_token());
}

std::string status_of(const std::string& id) { return get(internal(id), service_token()).str("status"); }

rto::events::Received payment_event(const std::string& type, const std::string& vehicle, const std::string& plan,
                                    const std::string& customer) {
  rto::events::Received e;
  e.id = rto::crypto::uuid_v4();
  e.type = type;
  e.source = "payment-service";
  e.subject = plan;
  e.data = js::object{{"plan_id", plan}, {"customer_id", customer}, {"vehicle_id", vehicle}};
  return e;
}

void deliver(const rto::events::Received& e) {
  world().app->db().transact([&](pqxx::work& tx) { world().app->on_payment_event(tx, e); });
}

int count_history(const std::string& id, const std::string& new_status) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params1("SELECT count(*) FROM vehicle_status_history WHERE vehicle_id = $1 AND new_status = $2", id,
                         new_status)[0]
      .as<int>();
}

}  // namespace

TEST(Internal, OnlyServicesMayCall) {
  auto id = create_available(dealer());
  EXPECT_EQ(get(internal(id)).status, 401);
  EXPECT_EQ(get(internal(id), admin().token).status, 401);  // a user token is not a service token
  EXPECT_EQ(get(internal(id), service_token()).status, 200);
  EXPECT_EQ(get(internal(rto::crypto::uuid_v4()), service_token()).status, 404);
}

TEST(Internal, VehicleMatchesTheContract) {
  auto d = dealer();
  auto id = create_available(d);
  auto r = get(internal(id), service_token());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.json.as_object();
  for (const char* k : {"id", "status", "dealer_id", "category", "make", "model", "year", "price", "owner_id", "reservation"})
    EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_EQ(r.str("status"), "available");
  EXPECT_EQ(r.str("dealer_id"), d.id);
  EXPECT_EQ(o.at("price").at("amount").as_int64(), 5400000);
  EXPECT_TRUE(o.at("owner_id").is_null());
  EXPECT_TRUE(o.at("reservation").is_null());
  // The public view carries the price too.
  EXPECT_EQ(get("/api/v1/vehicles/" + id).json.at("price").at("amount").as_int64(), 5400000);
}

TEST(Reservations, ReserveIsIdempotentForThePlanAndExclusive) {
  auto id = create_available(dealer());
  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  auto r = reserve(id, plan, who, 600);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("status"), "reserved");
  const auto& res = r.json.at("reservation").as_object();
  EXPECT_EQ(text(res.at("plan_id")), plan);
  EXPECT_EQ(text(res.at("customer_id")), who);
  EXPECT_FALSE(text(res.at("expires_at")).empty());
  EXPECT_EQ(reserve(id, plan, who).status, 200);  // the same plan again
  auto other = reserve(id, rto::crypto::uuid_v4(), rto::crypto::uuid_v4());
  EXPECT_EQ(other.status, 409);
  EXPECT_NE(other.body.find("reserved"), std::string::npos);
  // Still listed (publicly visible), but no longer offered in the default search.
  EXPECT_EQ(get("/api/v1/vehicles/" + id).status, 200);
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 3u);  // submitted, approved, reserved (the repeat changed nothing)
  EXPECT_EQ(text(events[2].at("new_status")), "reserved");
  EXPECT_EQ(text(events[2].at("customer_id")), who);
  EXPECT_EQ(text(events[2].at("plan_id")), plan);
  auto bad = post(internal(id, "reserve"), js::object{{"plan_id", plan}}, service_token());
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("customer_id"));
  EXPECT_TRUE(bad.names_field("ttl_seconds"));
}

TEST(Reservations, TwoConcurrentReservationsExactlyOneWins) {
  auto d = dealer();
  for (int round = 0; round < 6; ++round) {
    auto id = create_available(d);
    std::atomic<int> ok{0}, conflict{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&] {
        while (!go.load()) std::this_thread::yield();
        auto r = reserve(id, rto::crypto::uuid_v4(), rto::crypto::uuid_v4());
        (r.status == 200 ? ok : r.status == 409 ? conflict : other)++;
      });
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1) << "round " << round;
    EXPECT_EQ(conflict.load(), 1) << "round " << round;
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(count_history(id, "reserved"), 1);
  }
}

TEST(Reservations, ReleaseByThePlanOnly) {
  auto id = create_available(dealer());
  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  ASSERT_EQ(reserve(id, plan, who).status, 200);
  auto wrong = op(id, "release", {{"plan_id", rto::crypto::uuid_v4()}});
  EXPECT_EQ(wrong.status, 409);
  auto r = op(id, "release", {{"plan_id", plan}, {"reason", "customer withdrew"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("status"), "available");
  EXPECT_TRUE(r.json.at("reservation").is_null());
  EXPECT_EQ(op(id, "release", {{"plan_id", plan}}).status, 200);  // idempotent
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(text(events[3].at("new_status")), "available");
  EXPECT_EQ(text(events[3].at("reason")), "customer withdrew");
  EXPECT_EQ(text(events[3].at("customer_id")), who);  // the customer whose reservation ended
}

TEST(Reservations, LeaseTransferAndRepossess) {
  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  auto id = create_available(dealer());
  EXPECT_EQ(op(id, "lease", {{"plan_id", plan}}).status, 409);  // not reserved
  ASSERT_EQ(reserve(id, plan, who).status, 200);
  EXPECT_EQ(op(id, "lease", {{"plan_id", rto::crypto::uuid_v4()}}).status, 409);
  auto leased = op(id, "lease", {{"plan_id", plan}});
  ASSERT_EQ(leased.status, 200) << leased.body;
  EXPECT_EQ(leased.str("status"), "leased");
  EXPECT_EQ(op(id, "lease", {{"plan_id", plan}}).status, 200);
  EXPECT_EQ(get("/api/v1/vehicles/" + id).status, 200);  // leased listings stay visible
  auto mismatch = op(id, "transfer", {{"plan_id", plan}, {"customer_id", rto::crypto::uuid_v4()}});
  EXPECT_EQ(mismatch.status, 409);
  EXPECT_TRUE(mismatch.names_field("customer_id"));
  auto owned = op(id, "transfer", {{"plan_id", plan}, {"customer_id", who}});
  ASSERT_EQ(owned.status, 200) << owned.body;
  EXPECT_EQ(owned.str("status"), "owned");
  EXPECT_EQ(owned.str("owner_id"), who);
  EXPECT_EQ(op(id, "transfer", {{"plan_id", plan}, {"customer_id", who}}).status, 200);
  EXPECT_EQ(op(id, "repossess", {{"plan_id", plan}, {"reason", "too late"}}).status, 409);
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(text(events[3].at("new_status")), "leased");
  EXPECT_EQ(text(events[4].at("new_status")), "owned");
  EXPECT_EQ(text(events[4].at("customer_id")), who);
  // The owner sees their vehicle; other customers do not.
  auto owner_token = world().service->tokens().issue_access(who, {"customer"});
  EXPECT_EQ(get("/api/v1/vehicles/" + id, owner_token).status, 200);
  EXPECT_EQ(get("/api/v1/vehicles/" + id, customer().token).status, 404);

  // Default → repossessed → workshop → back on the market.
  auto plan2 = rto::crypto::uuid_v4();
  auto id2 = create_available(dealer());
  ASSERT_EQ(reserve(id2, plan2, who).status, 200);
  ASSERT_EQ(op(id2, "lease", {{"plan_id", plan2}}).status, 200);
  EXPECT_EQ(op(id2, "repossess", {{"plan_id", plan2}}).status, 400);  // a reason is required
  auto rep = op(id2, "repossess", {{"plan_id", plan2}, {"reason", "90 days past due"}});
  ASSERT_EQ(rep.status, 200) << rep.body;
  EXPECT_EQ(rep.str("status"), "repossessed");
  EXPECT_EQ(op(id2, "repossess", {{"plan_id", plan2}, {"reason", "90 days past due"}}).status, 200);
  auto staff = actor({"admin"});
  EXPECT_EQ(post("/api/v1/vehicles/" + id2 + "/status", js::object{{"status", "available"}, {"reason", "skip"}},
                 staff.token).status,
            409);  // repossessed goes through maintenance first
  ASSERT_EQ(post("/api/v1/vehicles/" + id2 + "/status", js::object{{"status", "maintenance"}, {"reason", "inspection"}},
                 staff.token).status,
            200);
  auto back = post("/api/v1/vehicles/" + id2 + "/status", js::object{{"status", "available"}, {"reason", "inspected"}},
                   staff.token);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(status_of(id2), "available");
  EXPECT_TRUE(get(internal(id2), service_token()).json.at("plan_id").is_null());
  auto ev = outbox_events("vehicle.status.changed", id2);
  EXPECT_EQ(text(ev[4].at("new_status")), "repossessed");
  EXPECT_EQ(text(ev[4].at("customer_id")), who);
}

TEST(Reservations, ExpiredReservationsReturnToAvailable) {
  auto id = create_available(dealer());
  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  ASSERT_EQ(reserve(id, plan, who, 60).status, 200);
  world().clock->advance(30s);
  world().app->expire_reservations();
  EXPECT_EQ(status_of(id), "reserved");
  world().clock->advance(31s);
  EXPECT_GE(world().app->expire_reservations(), 1);
  EXPECT_EQ(status_of(id), "available");
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(text(events[3].at("old_status")), "reserved");
  EXPECT_EQ(text(events[3].at("new_status")), "available");
  EXPECT_EQ(text(events[3].at("reason")), "reservation expired");
  EXPECT_EQ(text(events[3].at("customer_id")), who);
  EXPECT_EQ(count_history(id, "available"), 2);  // approved, expired
  // A late lease of the expired plan is refused; another plan may reserve.
  EXPECT_EQ(op(id, "lease", {{"plan_id", plan}}).status, 409);
  EXPECT_EQ(reserve(id, rto::crypto::uuid_v4(), rto::crypto::uuid_v4()).status, 200);
  // The sweep leaves live reservations alone.
  EXPECT_EQ(world().app->expire_reservations(), 0);
}

TEST(PaymentEvents, PlanEventsAreAppliedIdempotentlyAndAgreeWithTheEndpoints) {
  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  auto id = create_available(dealer());
  ASSERT_EQ(reserve(id, plan, who).status, 200);

  auto activated = payment_event("payment.plan.activated", id, plan, who);
  deliver(activated);
  EXPECT_EQ(status_of(id), "leased");
  deliver(activated);  // redelivered
  deliver(payment_event("payment.plan.activated", id, plan, who));  // or sent twice
  EXPECT_EQ(status_of(id), "leased");
  EXPECT_EQ(count_history(id, "leased"), 1);
  // The endpoint agrees: leasing again for the plan is a no-op success.
  EXPECT_EQ(op(id, "lease", {{"plan_id", plan}}).status, 200);

  deliver(payment_event("payment.plan.completed", id, plan, who));
  deliver(payment_event("payment.plan.completed", id, plan, who));
  EXPECT_EQ(status_of(id), "owned");
  EXPECT_EQ(get(internal(id), service_token()).str("owner_id"), who);
  EXPECT_EQ(count_history(id, "owned"), 1);
  deliver(payment_event("payment.plan.activated", id, plan, who));  // late and out of order
  EXPECT_EQ(status_of(id), "owned");

  // Cancelled: the reservation is released, once.
  auto plan2 = rto::crypto::uuid_v4();
  auto id2 = create_available(dealer());
  ASSERT_EQ(reserve(id2, plan2, who).status, 200);
  auto cancelled = payment_event("payment.plan.cancelled", id2, plan2, who);
  cancelled.data.as_object()["reason"] = "deposit not paid";
  deliver(cancelled);
  deliver(cancelled);
  EXPECT_EQ(status_of(id2), "available");
  auto events = outbox_events("vehicle.status.changed", id2);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(text(events[3].at("reason")), "payment plan cancelled: deposit not paid");
  EXPECT_EQ(text(events[3].at("customer_id")), who);

  // Repossessed: a leased vehicle goes to repossessed with the payment service's reason, once.
  auto plan4 = rto::crypto::uuid_v4();
  auto id4 = create_available(dealer());
  ASSERT_EQ(reserve(id4, plan4, who).status, 200);
  deliver(payment_event("payment.plan.activated", id4, plan4, who));
  auto repossessed = payment_event("payment.plan.repossessed", id4, plan4, who);
  repossessed.data.as_object()["reason"] = "90 days in arrears, recovered by the branch";
  deliver(repossessed);
  deliver(repossessed);
  EXPECT_EQ(status_of(id4), "repossessed");
  EXPECT_EQ(count_history(id4, "repossessed"), 1);
  auto events4 = outbox_events("vehicle.status.changed", id4);
  ASSERT_FALSE(events4.empty());
  EXPECT_EQ(text(events4.back().at("new_status")), "repossessed");
  EXPECT_EQ(text(events4.back().at("reason")), "90 days in arrears, recovered by the branch");
  // A repossession for a plan that does not hold the vehicle changes nothing.
  EXPECT_NO_THROW(deliver(payment_event("payment.plan.repossessed", id, rto::crypto::uuid_v4(), who)));
  EXPECT_EQ(status_of(id), "owned");

  // An event about a vehicle another plan holds changes nothing and is not retried.
  auto plan3 = rto::crypto::uuid_v4();
  ASSERT_EQ(reserve(id2, plan3, who).status, 200);
  EXPECT_NO_THROW(deliver(payment_event("payment.plan.cancelled", id2, plan2, who)));
  EXPECT_EQ(status_of(id2), "reserved");
  EXPECT_NO_THROW(deliver(payment_event("payment.plan.activated", rto::crypto::uuid_v4(), plan3, who)));  // unknown vehicle
  auto broken = payment_event("payment.plan.activated", id2, plan3, who);
  broken.data = js::object{{"plan_id", plan3}};
  EXPECT_NO_THROW(deliver(broken));
  EXPECT_EQ(status_of(id2), "reserved");
}

TEST(PaymentEvents, ConsumedFromTheBrokerThroughTheServiceWiring) {
  // A second service instance on the same database whose consumer listens on a private
  // exchange and queue of the test broker.
  rto::testing::TempExchange exchange("vehicle.events");
  const auto queue = rto::testing::unique_name("vehicle_it") + ".events";
  auto config = test_config(world().db->url(), world().image_dir);
  config.common.amqp_url = rto::testing::amqp_url();
  config.common.exchange = exchange.name();
  auto svc = std::make_unique<rto::Service>(config.common);
  vehicle_service::InstallOptions opts;
  opts.background_jobs = false;
  opts.event_queue = queue;
  auto app = vehicle_service::install(*svc, config, world().clock, embedded_migrations(), opts);

  auto plan = rto::crypto::uuid_v4();
  auto who = rto::crypto::uuid_v4();
  auto id = create_available(dealer());
  ASSERT_EQ(reserve(id, plan, who).status, 200);
  auto publish = [&](const std::string& event_id, const char* type) {
    rto::mq::Connection c(rto::testing::amqp_url());
    c.enable_confirms();
    rto::events::Event e{type, plan, js::object{{"plan_id", plan}, {"customer_id", who}, {"vehicle_id", id}}};
    c.publish(exchange.name(), type,
              js::serialize(rto::events::envelope(event_id, "payment-service", e,
                                                  rto::to_rfc3339(std::chrono::system_clock::now()))),
              event_id);
  };
  auto eventually = [](auto pred) {
    for (int i = 0; i < 200 && !pred(); ++i) std::this_thread::sleep_for(50ms);
    return pred();
  };
  auto activated = rto::crypto::uuid_v4();
  publish(activated, "payment.plan.activated");
  publish(activated, "payment.plan.activated");  // a duplicate delivery
  EXPECT_TRUE(eventually([&] { return status_of(id) == "leased"; }));
  publish(rto::crypto::uuid_v4(), "payment.plan.completed");
  EXPECT_TRUE(eventually([&] { return status_of(id) == "owned"; }));
  EXPECT_EQ(count_history(id, "leased"), 1);
  EXPECT_EQ(count_history(id, "owned"), 1);

  app.reset();
  svc.reset();
  try {
    rto::mq::Connection c(rto::testing::amqp_url());
    c.delete_queue(queue);
    c.delete_queue(queue + ".dlq");
  } catch (...) {
  }
}
