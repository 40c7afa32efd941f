// Trackers: registration rules, installation with history, access.
#include "fixture.hpp"

using namespace it;

TEST(Trackers, RegisterInstallListAndRemoveWithHistory) {
  auto a = admin();
  const auto imei = unique_imei();
  auto r = post("/api/v1/telematics/trackers",
                js::object{{"imei", imei}, {"protocol", "gt06"}, {"phone", "0772 123456"}, {"model", "GT06N"}}, a.token);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.str("phone"), "+256772123456");
  EXPECT_TRUE(r.obj().at("vehicle_id").is_null());
  const auto id = r.str("id");

  const auto vehicle = uuid();
  world().add_vehicle(vehicle);
  auto agent = actor({"agent"});
  auto i = post("/api/v1/telematics/trackers/" + id + "/install", js::object{{"vehicle_id", vehicle}}, agent.token);
  ASSERT_EQ(i.status, 200) << i.body;
  EXPECT_EQ(i.str("vehicle_id"), vehicle);

  // One tracker per vehicle, one vehicle per tracker.
  auto other = installed_tracker(unique_imei()).first;
  auto clash = post("/api/v1/telematics/trackers/" + other + "/install", js::object{{"vehicle_id", vehicle}}, a.token);
  EXPECT_EQ(clash.status, 409);
  EXPECT_TRUE(clash.names_field("vehicle_id"));
  const auto another = uuid();
  world().add_vehicle(another);
  auto moved = post("/api/v1/telematics/trackers/" + id + "/install", js::object{{"vehicle_id", another}}, a.token);
  EXPECT_EQ(moved.status, 409);

  auto rm = post("/api/v1/telematics/trackers/" + id + "/remove", js::object{}, agent.token);
  ASSERT_EQ(rm.status, 200) << rm.body;
  EXPECT_TRUE(rm.obj().at("vehicle_id").is_null());
  auto g = get("/api/v1/telematics/trackers/" + id, a.token);
  ASSERT_EQ(g.status, 200);
  const auto& hist = g.obj().at("installations").as_array();
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(text(hist[0].as_object().at("vehicle_id")), vehicle);
  EXPECT_FALSE(hist[0].as_object().at("removed_at").is_null());

  auto list = get("/api/v1/telematics/trackers?limit=200", a.token);
  ASSERT_EQ(list.status, 200);
  bool found = false;
  for (const auto& t : list.obj().at("items").as_array()) found = found || text(t.as_object().at("imei")) == imei;
  EXPECT_TRUE(found);
}

TEST(Trackers, BadInputNamesEveryField) {
  auto a = admin();
  auto r = post("/api/v1/telematics/trackers",
                js::object{{"imei", "490154203237517"}, {"protocol", "tk103"}, {"phone", "12"}, {"colour", "red"}}, a.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.is_problem());
  EXPECT_TRUE(r.names_field("imei"));
  EXPECT_TRUE(r.names_field("protocol"));
  EXPECT_TRUE(r.names_field("phone"));
  EXPECT_TRUE(r.names_field("model"));
  EXPECT_TRUE(r.names_field("colour"));
  auto bad_json = call(Method::Post, "/api/v1/telematics/trackers", "{", a.token);
  EXPECT_EQ(bad_json.status, 400);
  auto bad_vehicle = post("/api/v1/telematics/trackers/" + installed_tracker(unique_imei()).first + "/install",
                          js::object{{"vehicle_id", "nope"}}, a.token);
  EXPECT_EQ(bad_vehicle.status, 400);
  EXPECT_TRUE(bad_vehicle.names_field("vehicle_id"));
  EXPECT_EQ(get("/api/v1/telematics/trackers?limit=0", a.token).status, 400);
}

TEST(Trackers, DuplicateImeiIsAConflict) {
  auto a = admin();
  const auto imei = unique_imei();
  js::object body{{"imei", imei}, {"protocol", "osmand"}, {"phone", "+254712345678"}, {"model", "Phone"}};
  ASSERT_EQ(post("/api/v1/telematics/trackers", body, a.token).status, 201);
  auto again = post("/api/v1/telematics/trackers", body, a.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(again.names_field("imei"));
}

TEST(Trackers, OnlyStaffManageTrackers) {
  js::object body{{"imei", unique_imei()}, {"protocol", "gt06"}, {"phone", "+256772123456"}, {"model", "GT06N"}};
  EXPECT_EQ(post("/api/v1/telematics/trackers", body).status, 401);
  EXPECT_EQ(post("/api/v1/telematics/trackers", body, customer().token).status, 403);
  EXPECT_EQ(post("/api/v1/telematics/trackers", body, actor({"dealer"}).token).status, 403);
  EXPECT_EQ(get("/api/v1/telematics/trackers", customer().token).status, 403);
  EXPECT_EQ(get("/api/v1/telematics/trackers/" + uuid(), admin().token).status, 404);
}

TEST(OsmAnd, OnItsOwnPortTheQueryFormStoresThePositionAndUnknownDevicesAreRefusedAndCounted) {
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei, "osmand");
  auto r = osmand_request(Method::Get, "/?id=" + imei + "&lat=0.3476&lon=32.5825&speed=10&timestamp=" +
                                           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                              world().clock->now().time_since_epoch())
                                                              .count()));
  EXPECT_EQ(r.status, 200) << r.body;
  auto pos = get("/api/v1/telematics/vehicles/" + vehicle + "/position", admin().token);
  ASSERT_EQ(pos.status, 200) << pos.body;
  EXPECT_NEAR(pos.obj().at("position").as_object().at("lat").as_double(), 0.3476, 1e-6);
  EXPECT_NEAR(pos.obj().at("speed_kmh").as_double(), 18.52, 1e-3);  // knots
  EXPECT_TRUE(pos.obj().at("online").as_bool());

  // As Traccar answers: 404 for a device it does not know, 400 for a malformed request.
  auto unknown = osmand_request(Method::Get, "/?id=999999999999999&lat=1&lon=2");
  EXPECT_EQ(unknown.status, 404);
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  EXPECT_GE(tx.exec1("SELECT count FROM refused_devices WHERE device_id = '999999999999999'")[0].as<int>(), 1);
  auto bad = osmand_request(Method::Get, "/?id=" + imei + "&lat=north&lon=2");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("lat"), std::string::npos) << bad.body;
  auto json_unknown = osmand_request(Method::Post, "/", R"({"device_id":"nobody","location":{"coords":{"latitude":1,"longitude":2}}})",
                                     "application/json");
  EXPECT_EQ(json_unknown.status, 404);
  // The JSON form (speed in m/s) from Traccar Client's newer versions, on any path.
  auto json_ok = osmand_request(
      Method::Post, "/any/path",
      R"({"device_id":")" + imei + R"(","location":{"timestamp":")" + rto::to_rfc3339(world().clock->now() + std::chrono::seconds(5)) +
          R"(","coords":{"latitude":0.35,"longitude":32.59,"speed":10,"heading":90},"is_moving":true}})",
      "application/json");
  EXPECT_EQ(json_ok.status, 200) << json_ok.body;
  auto pos2 = get("/api/v1/telematics/vehicles/" + vehicle + "/position", admin().token);
  EXPECT_NEAR(pos2.obj().at("speed_kmh").as_double(), 36.0, 1e-3);  // m/s
  // The API port no longer serves device reports.
  EXPECT_EQ(get("/osmand?id=" + imei + "&lat=1&lon=2").status, 404);
}

TEST(Trackers, InstallingOnAVehicleTheVehicleServiceDoesNotKnowIsRefusedNamingTheField) {
  auto installer = admin();
  auto r = post("/api/v1/telematics/trackers",
                js::object{{"imei", unique_imei()}, {"protocol", "gt06"}, {"phone", "+256772123456"}, {"model", "GT06N"}},
                installer.token);
  ASSERT_EQ(r.status, 201) << r.body;
  auto i = post("/api/v1/telematics/trackers/" + r.str("id") + "/install", js::object{{"vehicle_id", uuid()}}, installer.token);
  EXPECT_EQ(i.status, 400) << i.body;
  EXPECT_TRUE(i.names_field("vehicle_id")) << i.body;
  auto t = get("/api/v1/telematics/trackers/" + r.str("id"), installer.token);
  EXPECT_TRUE(t.obj().at("vehicle_id").is_null());
}

TEST(Trackers, StaffCorrectATrackerAndDeleteOnlyOneThatWasNeverInstalled) {
  auto installer = actor({"agent"});
  auto r = post("/api/v1/telematics/trackers",
                js::object{{"imei", unique_imei()}, {"protocol", "gt06"}, {"phone", "+256772123456"}, {"model", "GT06N"}},
                installer.token);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = r.str("id");
  auto patched = call(Method::Patch, "/api/v1/telematics/trackers/" + id,
                      R"({"phone":"0772 654321","firmware":"GT06N_V1.2","protocol":"teltonika"})", installer.token);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.str("phone"), "+256772654321");
  EXPECT_EQ(patched.str("firmware"), "GT06N_V1.2");
  EXPECT_EQ(patched.str("protocol"), "teltonika");
  EXPECT_EQ(patched.str("model"), "GT06N");
  auto bad = call(Method::Patch, "/api/v1/telematics/trackers/" + id, R"({"phone":"12","colour":"red"})", installer.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("phone"));
  EXPECT_TRUE(bad.names_field("colour"));
  EXPECT_EQ(call(Method::Patch, "/api/v1/telematics/trackers/" + id, R"({"model":"x"})", customer().token).status, 403);

  // Never installed: it may go.
  EXPECT_EQ(call(Method::Delete, "/api/v1/telematics/trackers/" + id, "", installer.token).status, 204);
  EXPECT_EQ(get("/api/v1/telematics/trackers/" + id, installer.token).status, 404);

  // Installed once: its history stays, and an installed tracker keeps its protocol.
  auto [tracker, vehicle] = installed_tracker(unique_imei());
  auto proto = call(Method::Patch, "/api/v1/telematics/trackers/" + tracker, R"({"protocol":"osmand"})", installer.token);
  EXPECT_EQ(proto.status, 409) << proto.body;
  EXPECT_EQ(call(Method::Delete, "/api/v1/telematics/trackers/" + tracker, "", installer.token).status, 409);
  ASSERT_EQ(post("/api/v1/telematics/trackers/" + tracker + "/remove", js::object{}, installer.token).status, 200);
  EXPECT_EQ(call(Method::Delete, "/api/v1/telematics/trackers/" + tracker, "", installer.token).status, 409);
  EXPECT_EQ(get("/api/v1/telematics/trackers/" + tracker, installer.token).status, 200);
}
