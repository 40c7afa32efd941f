// The immobiliser end to end inside the service: payment.lock.required → pending (event at
// once) → waits while the vehicle moves → engine cut to the device's socket (bytes checked)
// when stopped → acknowledged by the device's reply → payment.lock.released → restored at once.
#include "fixture.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "domain/gt06.hpp"

using namespace it;
using namespace std::chrono;

namespace {

struct Rig {
  std::string imei, tracker, vehicle, plan, rider;
  std::unique_ptr<Device> device;
  unsigned serial = 1;
};

Rig rig() {
  Rig r;
  r.imei = unique_imei();
  std::tie(r.tracker, r.vehicle) = installed_tracker(r.imei);
  r.plan = uuid();
  r.rider = uuid();
  deliver("payment.plan.activated", js::object{{"plan_id", r.plan}, {"customer_id", r.rider}, {"vehicle_id", r.vehicle}});
  r.device = std::make_unique<Device>(world().installed.gt06_port);
  r.device->write(gt06_login(r.imei, r.serial));
  if (r.device->read(10) != gt06_frame(0x01, "", r.serial)) throw std::runtime_error("no login ack");
  return r;
}

// The device reports a fix at the clock's time; waits for the ack and the write.
void report(Rig& r, int speed, std::optional<bool> ignition) {
  ++r.serial;
  r.device->write(gt06_location(0.35, 32.6, speed, floor<seconds>(world().clock->now()), ignition, r.serial));
  if (r.device->read(10) != gt06_frame(0x12, "", r.serial)) throw std::runtime_error("no location ack");
  world().app().flush_ingest();
}

js::object event_data(const std::string& r_plan, const Rig& r) {
  return js::object{{"plan_id", r_plan}, {"customer_id", r.rider}, {"vehicle_id", r.vehicle}, {"days_past_due", 4}};
}

std::string lock_state(const Rig& r) {
  auto s = get("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", admin().token);
  return s.str("state");
}

std::int64_t open_command(const Rig& r, const char* kind) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto rows = tx.exec_params("SELECT id FROM commands WHERE vehicle_id = $1::uuid AND kind = $2 ORDER BY id DESC LIMIT 1",
                             r.vehicle, std::string(kind));
  return rows.empty() ? 0 : rows[0][0].as<std::int64_t>();
}

}  // namespace

TEST(Locks, PendingAtOnceThenSentOnlyWhenStoppedThenAcknowledgedThenReleasedAtOnce) {
  auto r = rig();
  report(r, 40, true);

  deliver("payment.lock.required", event_data(r.plan, r));
  EXPECT_EQ(lock_state(r), "pending");
  auto pending = outbox_events("telematics.lock.pending", r.vehicle);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(text(pending[0].at("customer_id")), r.rider);
  EXPECT_EQ(text(pending[0].at("plan_id")), r.plan);
  // The same event again changes nothing.
  deliver("payment.lock.required", event_data(r.plan, r));
  EXPECT_EQ(outbox_events("telematics.lock.pending", r.vehicle).size(), 1u);

  // Within the grace period nothing is sent; after it, not while moving.
  world().clock->advance(minutes(6));
  report(r, 40, true);
  world().app().advance_pending_locks();
  EXPECT_EQ(lock_state(r), "pending");
  auto s = get("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", admin().token);
  EXPECT_EQ(s.str("waiting_for"), "moving");

  // Stopped with the engine off, but not yet for 60 s. (A fix needs a later device time than the
  // last one: one at the same second is a duplicate.)
  world().clock->advance(seconds(1));
  report(r, 0, false);
  world().clock->advance(seconds(30));
  report(r, 0, false);
  EXPECT_EQ(lock_state(r), "pending");
  EXPECT_EQ(r.device->read(1, milliseconds(200)), "");

  // 60 s stopped: the engine cut goes to the device's socket, with the command id as server flag.
  world().clock->advance(seconds(31));
  report(r, 0, false);
  const auto lock_id = open_command(r, "lock");
  ASSERT_GT(lock_id, 0);
  const auto expected = telematics::gt06::encode_command("Relay,1#", static_cast<std::uint32_t>(lock_id));
  EXPECT_EQ(r.device->read(expected.size()), expected);
  EXPECT_EQ(lock_state(r), "locking");
  EXPECT_EQ(outbox_events("telematics.lock.sent", r.vehicle).size(), 1u);

  // The device confirms.
  r.device->write(gt06_reply(static_cast<std::uint32_t>(lock_id), "Cut off the fuel supply: Success!", ++r.serial));
  ASSERT_TRUE(eventually([&] { return lock_state(r) == "locked"; }));
  EXPECT_EQ(outbox_events("telematics.lock.acknowledged", r.vehicle).size(), 1u);

  // The rider pays: restored at once (no waiting for anything).
  deliver("payment.lock.released", event_data(r.plan, r));
  EXPECT_EQ(lock_state(r), "unlocking");
  world().app().dispatch_queued();
  const auto unlock_id = open_command(r, "unlock");
  const auto resume = telematics::gt06::encode_command("Relay,0#", static_cast<std::uint32_t>(unlock_id));
  EXPECT_EQ(r.device->read(resume.size()), resume);
  r.device->write(gt06_reply(static_cast<std::uint32_t>(unlock_id), "Restore fuel supply: Success!", ++r.serial));
  ASSERT_TRUE(eventually([&] { return lock_state(r) == "unlocked"; }));
  EXPECT_EQ(outbox_events("telematics.lock.released", r.vehicle).size(), 1u);

  auto history = get("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", admin().token);
  std::vector<std::string> steps;
  for (const auto& h : history.obj().at("history").as_array()) steps.push_back(text(h.as_object().at("step")));
  std::reverse(steps.begin(), steps.end());
  EXPECT_EQ(steps, (std::vector<std::string>{"pending", "lock_queued", "sent", "acknowledged", "unlock_queued", "sent",
                                             "released"}));
}

TEST(Locks, APendingLockIsCancelledByPaymentWithoutAnyCommand) {
  auto r = rig();
  report(r, 0, false);
  deliver("payment.lock.required", event_data(r.plan, r));
  deliver("payment.lock.released", event_data(r.plan, r));
  EXPECT_EQ(lock_state(r), "unlocked");
  EXPECT_EQ(open_command(r, "lock"), 0);
  EXPECT_EQ(outbox_events("telematics.lock.cancelled", r.vehicle).size(), 1u);
}

TEST(Locks, ACommandToAnOfflineDeviceWaitsAndGoesOutOnReconnect) {
  auto r = rig();
  report(r, 0, false);
  deliver("payment.lock.required", event_data(r.plan, r));
  r.device.reset();  // the device goes away
  world().clock->advance(minutes(6));
  std::this_thread::sleep_for(milliseconds(100));
  world().app().advance_pending_locks();
  EXPECT_EQ(lock_state(r), "locking");
  const auto id = open_command(r, "lock");
  {
    auto c = raw_db();
    pqxx::read_transaction tx(c);
    EXPECT_EQ(tx.exec_params1("SELECT status FROM commands WHERE id = $1", id)[0].as<std::string>(), "queued");
  }
  Device again(world().installed.gt06_port);
  again.write(gt06_login(r.imei, 1));
  ASSERT_EQ(again.read(10), gt06_frame(0x01, "", 1));
  world().app().flush_ingest();
  const auto expected = telematics::gt06::encode_command("Relay,1#", static_cast<std::uint32_t>(id));
  EXPECT_EQ(again.read(expected.size()), expected);
}

TEST(Locks, ACompletedPlanCanNeverBeLockedAgain) {
  auto r = rig();
  report(r, 0, false);
  deliver("payment.plan.completed", event_data(r.plan, r));
  deliver("payment.lock.required", event_data(r.plan, r));
  EXPECT_EQ(lock_state(r), "unlocked");
  EXPECT_TRUE(outbox_events("telematics.lock.pending", r.vehicle).empty());
  auto manual = post("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", js::object{{"reason", "test lock"}},
                     actor({"credit_officer"}).token);
  EXPECT_EQ(manual.status, 409);
}

TEST(Locks, ARepossessedPlanKeepsTheVehicleImmobilisedAndStaffSeeWhereItIs) {
  auto r = rig();
  report(r, 0, false);
  deliver("payment.plan.repossessed", event_data(r.plan, r));
  EXPECT_EQ(lock_state(r), "pending");
  auto fleet = get("/api/v1/telematics/fleet?status=lock_pending&limit=200", admin().token);
  ASSERT_EQ(fleet.status, 200) << fleet.body;
  bool seen = false;
  for (const auto& v : fleet.obj().at("items").as_array()) {
    const auto& o = v.as_object();
    if (text(o.at("vehicle_id")) != r.vehicle) continue;
    seen = true;
    EXPECT_EQ(text(o.at("plan_status")), "repossessed");
    EXPECT_NEAR(o.at("position").as_object().at("lat").as_double(), 0.35, 1e-6);
  }
  EXPECT_TRUE(seen) << fleet.body;
  // The rider no longer sees it.
  const auto rider = world().service->tokens().issue_access(r.rider, {"customer"});
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + r.vehicle + "/position", rider).status, 404);
}

TEST(Locks, StaffLockAndUnlockByHandWithAReason) {
  auto r = rig();
  report(r, 0, false);
  auto officer = actor({"credit_officer"});
  auto missing = post("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", js::object{}, officer.token);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.names_field("reason"));
  EXPECT_EQ(post("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", js::object{{"reason", "theft report"}},
                 actor({"support_agent"}).token)
                .status,
            403);
  auto lock = post("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", js::object{{"reason", "theft report"}}, officer.token);
  ASSERT_EQ(lock.status, 200) << lock.body;
  EXPECT_EQ(lock.str("state"), "pending");
  auto unlock = post("/api/v1/telematics/vehicles/" + r.vehicle + "/unlock", js::object{{"reason", "found"}}, officer.token);
  ASSERT_EQ(unlock.status, 200) << unlock.body;
  EXPECT_EQ(unlock.str("state"), "unlocked");
  // The rider sees the state of their own vehicle, not the audit trail.
  auto mine = get("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", world().service->tokens().issue_access(r.rider, {"customer"}));
  ASSERT_EQ(mine.status, 200);
  EXPECT_FALSE(mine.obj().contains("history"));
}

TEST(Locks, AnUnansweredCommandIsRetriedThenFlaggedFailed) {
  auto r = rig();
  report(r, 0, false);
  deliver("payment.lock.required", event_data(r.plan, r));
  world().clock->advance(minutes(6));
  world().app().advance_pending_locks();
  const auto id = open_command(r, "lock");
  const auto expected = telematics::gt06::encode_command("Relay,1#", static_cast<std::uint32_t>(id));
  EXPECT_EQ(r.device->read(expected.size()), expected);
  for (int attempt = 2; attempt <= 3; ++attempt) {
    world().clock->advance(minutes(2));
    world().app().retry_commands();
    EXPECT_EQ(r.device->read(expected.size()), expected) << "attempt " << attempt;
  }
  world().clock->advance(minutes(2));
  world().app().retry_commands();
  EXPECT_EQ(lock_state(r), "failed");
  auto failed = outbox_events("telematics.lock.failed", r.vehicle);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(text(failed[0].at("reason")), "no answer from the device");
}

namespace {
double metric(const std::string& series) { return rto::testing::metric(*world().service, series); }
}  // namespace

TEST(Locks, TheFiguresOnMetricsCountTrackersAndLocksAsTheDatabaseHoldsThem) {
  auto r = rig();
  report(r, 40, true);  // online, moving: a lock waits
  deliver("payment.lock.required", event_data(r.plan, r));
  ASSERT_EQ(lock_state(r), "pending");
  world().clock->advance(minutes(3));
  auto& w = world();
  telematics::report_figures(w.service->metrics(), w.app().db(), w.clock->now());

  auto db = raw_db();
  pqxx::read_transaction tx(db);
  auto count = [&](const std::string& sql) { return tx.exec1(sql)[0].as<double>(); };
  EXPECT_EQ(metric(R"(telematics_locks{state="pending"})"), count("SELECT count(*) FROM locks WHERE state = 'pending'"));
  EXPECT_GE(metric(R"(telematics_locks{state="pending"})"), 1.0);
  EXPECT_EQ(metric(R"(telematics_locks{state="locked"})"), count("SELECT count(*) FROM locks WHERE state = 'locked'"));
  EXPECT_EQ(metric(R"(telematics_trackers{state="online"})"),
            count("SELECT count(*) FROM trackers t JOIN latest_positions l ON l.tracker_id = t.id "
                  "WHERE t.vehicle_id IS NOT NULL AND l.online"));
  EXPECT_GE(metric(R"(telematics_trackers{state="online"})"), 1.0);
  EXPECT_EQ(metric(R"(telematics_trackers{state="online"})") + metric(R"(telematics_trackers{state="offline"})"),
            count("SELECT count(*) FROM trackers WHERE vehicle_id IS NOT NULL"));
  // This lock has waited three minutes; none waits longer than the oldest.
  EXPECT_GE(metric("telematics_lock_pending_oldest_seconds"), 180.0);
}
