// The simulator against the real telematics service, in-process through the service's own
// integration-test fixture (a fresh test database, the GT06, Teltonika and OsmAnd listeners on
// free ports, a manual clock that the simulator shares): a simulated vehicle's positions are
// stored over each protocol, and the lock flow stops it, with the engine cut acknowledged, until
// the lock is released.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "fixture.hpp"
#include "trackersim/simulator.hpp"

using namespace it;
using namespace std::chrono;

namespace {

struct Rig {
  std::string imei, tracker, vehicle;
  std::unique_ptr<trackersim::Simulator> sim;
  std::mutex mu;
  std::vector<trackersim::Sent> sent;

  explicit Rig(std::uint64_t seed, trackersim::Protocol protocol = trackersim::Protocol::Gt06) {
    imei = unique_imei();
    const char* name = protocol == trackersim::Protocol::Gt06        ? "gt06"
                       : protocol == trackersim::Protocol::Teltonika ? "teltonika"
                                                                     : "osmand";
    std::tie(tracker, vehicle) = installed_tracker(imei, name);
    trackersim::Options o;
    o.host = "127.0.0.1";
    o.gt06_port = world().installed.gt06_port;
    o.teltonika_port = world().installed.teltonika_port;
    o.osmand_port = world().installed.osmand_port;
    o.devices = {{imei, protocol, trackersim::City::Kampala, trackersim::Kind::Motorcycle}};
    o.interval = seconds(10);
    o.ramp = milliseconds(0);
    o.stats_every = milliseconds(0);
    o.seed = seed;
    o.clock = [] { return world().clock->now(); };
    sim = std::make_unique<trackersim::Simulator>(o);
    sim->on_sent([this](const trackersim::Sent& s) {
      std::lock_guard lk(mu);
      sent.push_back(s);
    });
    sim->start();
  }
  ~Rig() { sim->stop(); }

  std::size_t sent_count() {
    std::lock_guard lk(mu);
    return sent.size();
  }
  trackersim::Sent last_sent() {
    std::lock_guard lk(mu);
    return sent.back();
  }

  // Waits (real time) until `pred` holds.
  static bool wait(const std::function<bool()>& pred, milliseconds limit = milliseconds(3000)) {
    const auto until = steady_clock::now() + limit;
    while (!pred()) {
      if (steady_clock::now() > until) return false;
      std::this_thread::sleep_for(milliseconds(5));
    }
    return true;
  }

  // Ten seconds of the shared clock: one position goes out and is acknowledged, then the
  // service writes what it queued.
  void tick() {
    const auto before = sent_count();
    world().clock->advance(seconds(10));
    EXPECT_TRUE(wait([&] { return sent_count() > before; })) << "no position within 3 s";
    EXPECT_TRUE(wait([&] { return sim->stats().acked >= sim->stats().sent; })) << trackersim::stats_line(sim->stats());
    world().app().flush_ingest();
  }

  js::object position() {
    auto p = get("/api/v1/telematics/vehicles/" + vehicle + "/position", admin().token);
    return p.status == 200 ? p.obj() : js::object{};
  }
  js::object lock() { return get("/api/v1/telematics/vehicles/" + vehicle + "/lock", admin().token).obj(); }
};

double num(const js::value& v) { return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64()); }

}  // namespace

class TrackerSimProtocols : public ::testing::TestWithParam<trackersim::Protocol> {};

// GT06, Teltonika Codec 8E and OsmAnd: the simulator's own encoders against the service's
// decoders on their real ports.
TEST_P(TrackerSimProtocols, AVehicleLogsInDrivesAndItsPositionsAreStored) {
  Rig r(3, GetParam());
  ASSERT_TRUE(Rig::wait([&] { return r.sim->stats().connected == 1 && r.sent_count() >= 1; })) << trackersim::stats_line(r.sim->stats());
  for (int i = 0; i < 6; ++i) r.tick();

  const auto last = r.last_sent();
  js::object pos;
  ASSERT_TRUE(eventually([&] {
    pos = r.position();
    return !pos.empty() && text(pos.at("device_time")) == rto::to_rfc3339(last.report.time);
  })) << js::serialize(pos);
  EXPECT_NEAR(num(pos.at("position").as_object().at("lat")), last.report.lat, 1e-5);
  EXPECT_NEAR(num(pos.at("position").as_object().at("lon")), last.report.lon, 1e-5);
  EXPECT_NEAR(num(pos.at("speed_kmh")), last.report.speed_kmh, 0.51);  // whole km/h on the wire
  EXPECT_TRUE(pos.at("online").as_bool());
  EXPECT_NEAR(num(pos.at("position").as_object().at("lat")), 0.32, 0.15);  // in Kampala

  // Every report is on the track, in order.
  const auto from = rto::to_rfc3339(r.sent.front().report.time - seconds(1));
  const auto to = rto::to_rfc3339(last.report.time + seconds(1));
  auto track = get("/api/v1/telematics/vehicles/" + r.vehicle + "/track?from=" + from + "&to=" + to, admin().token);
  ASSERT_EQ(track.status, 200) << track.body;
  EXPECT_EQ(track.obj().at("properties").as_object().at("points").as_int64(), static_cast<std::int64_t>(r.sent_count()));
  // The vehicle moved between the first report and the last (it may have stopped at times).
  const auto& coords = track.obj().at("geometry").as_object().at("coordinates").as_array();
  EXPECT_NE(coords.front().as_array()[1].as_double(), coords.back().as_array()[1].as_double());
  const auto s = r.sim->stats();
  EXPECT_EQ(s.connected, 1u);
  EXPECT_EQ(s.acked, s.sent);
  EXPECT_EQ(s.rejected, 0u);
}

INSTANTIATE_TEST_SUITE_P(Wire, TrackerSimProtocols,
                         ::testing::Values(trackersim::Protocol::Gt06, trackersim::Protocol::Teltonika,
                                           trackersim::Protocol::OsmAnd),
                         [](const auto& info) {
                           return std::string(info.param == trackersim::Protocol::Gt06        ? "Gt06"
                                              : info.param == trackersim::Protocol::Teltonika ? "Teltonika"
                                                                                              : "OsmAnd");
                         });

TEST(TrackerSim, TheLockFlowCutsTheEngineTheVehicleStaysStoppedAndDrivesOnWhenReleased) {
  Rig r(11);
  ASSERT_TRUE(Rig::wait([&] { return r.sim->stats().connected == 1 && r.sent_count() >= 1; }));
  r.tick();

  const auto officer = actor({"credit_officer"});
  auto lock = post("/api/v1/telematics/vehicles/" + r.vehicle + "/lock", js::object{{"reason", "arrears, simulated"}}, officer.token);
  ASSERT_EQ(lock.status, 200) << lock.body;
  EXPECT_EQ(lock.str("state"), "pending");

  // The rider parks; after the grace period and a minute stopped, the engine cut goes out, the
  // device obeys and answers.
  r.sim->hold(0, true);
  std::string state;
  for (int i = 0; i < 60 && state != "locked"; ++i) {
    r.tick();
    world().app().advance_pending_locks();
    Rig::wait([&] { return r.sim->stats().commands > 0; }, milliseconds(50));
    world().app().flush_ingest();
    state = text(r.lock().at("state"));
  }
  ASSERT_EQ(state, "locked") << js::serialize(r.lock());
  const auto after_cut = r.sim->stats();
  EXPECT_EQ(after_cut.commands, 1u);
  EXPECT_EQ(after_cut.obeyed, 1u);
  const auto l = r.lock();
  const auto& cmd = l.at("commands").as_array().at(0).as_object();
  EXPECT_EQ(text(cmd.at("kind")), "lock");
  EXPECT_EQ(text(cmd.at("status")), "acknowledged");
  EXPECT_TRUE(r.sim->state(0).immobilised);

  // The rider tries to ride off: the vehicle stays where it is, at speed 0.
  r.sim->hold(0, false);
  const auto where = r.sim->state(0).position;
  for (int i = 0; i < 6; ++i) r.tick();
  const auto st = r.sim->state(0);
  EXPECT_EQ(st.motion, trackersim::Motion::Immobilised);
  EXPECT_EQ(st.speed_kmh, 0);
  EXPECT_EQ(st.position.lat, where.lat);
  js::object pos;
  ASSERT_TRUE(eventually([&] {
    pos = r.position();
    return !pos.empty() && text(pos.at("device_time")) == rto::to_rfc3339(r.last_sent().report.time);
  })) << js::serialize(pos);
  EXPECT_EQ(num(pos.at("speed_kmh")), 0);
  EXPECT_FALSE(pos.at("moving").as_bool());
  EXPECT_NEAR(num(pos.at("position").as_object().at("lat")), where.lat, 1e-5);
  EXPECT_NEAR(num(pos.at("position").as_object().at("lon")), where.lon, 1e-5);

  // Released: the restore goes out at once, is obeyed, and the vehicle drives on.
  auto unlock = post("/api/v1/telematics/vehicles/" + r.vehicle + "/unlock", js::object{{"reason", "paid"}}, officer.token);
  ASSERT_EQ(unlock.status, 200) << unlock.body;
  world().app().dispatch_queued();
  ASSERT_TRUE(Rig::wait([&] { return r.sim->stats().obeyed == 2; })) << trackersim::stats_line(r.sim->stats());
  ASSERT_TRUE(eventually([&] { return text(r.lock().at("state")) == "unlocked"; })) << js::serialize(r.lock());
  bool moved = false;
  for (int i = 0; i < 12 && !moved; ++i) {
    r.tick();
    moved = r.last_sent().report.speed_kmh > 0 && trackersim::distance_m(r.sim->state(0).position, where) > 20;
  }
  EXPECT_TRUE(moved);
}
