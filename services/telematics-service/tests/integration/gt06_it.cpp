// GT06 over real sockets: login, acknowledgements byte for byte, positions through the API,
// bad CRCs, unknown devices, and who may see a vehicle's position.
#include "fixture.hpp"

#include <chrono>
#include <thread>

using namespace it;
using namespace std::chrono;

namespace {
std::string ack(std::uint8_t proto, unsigned serial) { return gt06_frame(proto, "", serial); }
}  // namespace

TEST(Gt06, LoginLocationAndHeartbeatAreAcknowledgedAndThePositionIsKept) {
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei);
  Device d(world().installed.gt06_port);
  d.write(gt06_login(imei, 1));
  EXPECT_EQ(d.read(10), ack(0x01, 1));
  const auto t = floor<seconds>(world().clock->now());
  d.write(gt06_location(0.3476, 32.5825, 36, t, true, 2));
  EXPECT_EQ(d.read(10), ack(0x12, 2));
  d.write(gt06_frame(0x13, std::string("\x02\x04\x03\x00\x02", 5), 3));
  EXPECT_EQ(d.read(10), ack(0x13, 3));

  auto staff = admin();
  rto::testing::Reply pos;
  ASSERT_TRUE(eventually([&] {
    pos = get("/api/v1/telematics/vehicles/" + vehicle + "/position", staff.token);
    return pos.status == 200;
  })) << pos.body;
  EXPECT_NEAR(pos.obj().at("position").as_object().at("lat").as_double(), 0.3476, 1e-5);
  EXPECT_NEAR(pos.obj().at("position").as_object().at("lon").as_double(), 32.5825, 1e-5);
  EXPECT_EQ(pos.obj().at("speed_kmh").as_double(), 36);
  EXPECT_TRUE(pos.obj().at("moving").as_bool());
  EXPECT_TRUE(pos.obj().at("online").as_bool());
  EXPECT_EQ(text(pos.obj().at("device_time")), rto::to_rfc3339(t));
  EXPECT_EQ(outbox_events("telematics.device.online", vehicle).size(), 1u);
  EXPECT_GE(outbox_events("telematics.position.updated", vehicle).size(), 1u);

  // The same report again (a device resending) is stored once; the track shows it.
  d.write(gt06_location(0.3476, 32.5825, 36, t, true, 4));
  EXPECT_EQ(d.read(10), ack(0x12, 4));
  d.write(gt06_location(0.3490, 32.5830, 20, t + 10s, true, 5));
  EXPECT_EQ(d.read(10), ack(0x12, 5));
  rto::testing::Reply track;
  ASSERT_TRUE(eventually([&] {
    track = get("/api/v1/telematics/vehicles/" + vehicle + "/track?from=" + rto::to_rfc3339(t - 1min) + "&to=" +
                    rto::to_rfc3339(t + 1min),
                staff.token);
    return track.status == 200 && track.obj().at("properties").as_object().at("points").as_int64() == 2;
  })) << track.body;
  EXPECT_EQ(text(track.obj().at("geometry").as_object().at("type")), "LineString");
  const auto& first = track.obj().at("geometry").as_object().at("coordinates").as_array()[0].as_array();
  EXPECT_NEAR(first[0].as_double(), 32.5825, 1e-5);  // GeoJSON: lon, lat
}

TEST(Gt06, ABadCrcIsDroppedAndTheConnectionKept) {
  const auto imei = unique_imei();
  installed_tracker(imei);
  Device d(world().installed.gt06_port);
  d.write(gt06_login(imei, 1));
  ASSERT_EQ(d.read(10), ack(0x01, 1));
  const auto before = world().installed.gt06->bad_crc();
  auto bad = gt06_location(0.3, 32.5, 0, floor<seconds>(world().clock->now()), false, 2);
  bad[bad.size() - 3] ^= 0x55;
  d.write(bad);
  d.write(gt06_frame(0x13, std::string("\x02\x04\x03\x00\x02", 5), 3));
  EXPECT_EQ(d.read(10), ack(0x13, 3));  // only the good frame is acknowledged
  EXPECT_EQ(world().installed.gt06->bad_crc(), before + 1);
}

TEST(Gt06, FramesSplitAcrossWritesAndBatchedInOneWriteAreAllHandled) {
  const auto imei = unique_imei();
  installed_tracker(imei);
  Device d(world().installed.gt06_port);
  auto login = gt06_login(imei, 1);
  d.write(login.substr(0, 5));
  std::this_thread::sleep_for(milliseconds(50));
  d.write(login.substr(5));
  ASSERT_EQ(d.read(10), ack(0x01, 1));
  const auto t = floor<seconds>(world().clock->now());
  d.write(gt06_location(0.3, 32.5, 0, t, false, 2) + gt06_location(0.3, 32.5, 0, t + 1s, false, 3));
  EXPECT_EQ(d.read(20), ack(0x12, 2) + ack(0x12, 3));
}

TEST(Gt06, UnknownAndUninstalledDevicesAreRefusedAndNothingIsStored) {
  Device d(world().installed.gt06_port);
  d.write(gt06_login(unique_imei(), 1));
  EXPECT_TRUE(d.closed_by_peer());

  // Registered but not installed on a vehicle: refused too.
  const auto imei = unique_imei();
  auto a = admin();
  ASSERT_EQ(post("/api/v1/telematics/trackers",
                 js::object{{"imei", imei}, {"protocol", "gt06"}, {"phone", "+256772123456"}, {"model", "GT06"}}, a.token)
                .status,
            201);
  Device d2(world().installed.gt06_port);
  d2.write(gt06_login(imei, 1));
  EXPECT_TRUE(d2.closed_by_peer());

  // Data before a login is refused as well.
  Device d3(world().installed.gt06_port);
  d3.write(gt06_location(0.3, 32.5, 0, floor<seconds>(world().clock->now()), false, 1));
  EXPECT_TRUE(d3.closed_by_peer());
}

TEST(Gt06, ACustomerSeesOnlyTheVehicleOfTheirOwnPlan) {
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei);
  Device d(world().installed.gt06_port);
  d.write(gt06_login(imei, 1));
  ASSERT_EQ(d.read(10), ack(0x01, 1));
  d.write(gt06_location(0.35, 32.6, 0, floor<seconds>(world().clock->now()), false, 2));
  ASSERT_EQ(d.read(10), ack(0x12, 2));
  ASSERT_TRUE(eventually([&] { return get("/api/v1/telematics/vehicles/" + vehicle + "/position", admin().token).status == 200; }));

  auto rider = customer();
  auto stranger = customer();
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/position", rider.token).status, 404);
  deliver("payment.plan.activated", js::object{{"plan_id", uuid()}, {"customer_id", rider.id}, {"vehicle_id", vehicle}});
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/position", rider.token).status, 200);
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/position", stranger.token).status, 404);
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/track", stranger.token).status, 404);
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/position").status, 401);
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + vehicle + "/track?from=yesterday", admin().token).status, 400);
}
