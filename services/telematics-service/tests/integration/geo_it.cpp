// Geofences, trips and daily usage inside the service, on the real database: geofence CRUD and its
// validation errors, enter/exit events in the outbox, the immobiliser held back inside an
// exclusion zone, trips and usage through the API with customer access, and the daily usage
// event published once. Each test works in its own part of the map (fences are shared by the
// whole binary's database).
#include "fixture.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <rto/time.hpp>

#include "domain/gt06.hpp"
#include "geo.hpp"

using namespace it;
using namespace std::chrono;
using telematics::TimePoint;

namespace {

const std::string kFences = "/api/v1/telematics/geofences";

Reply put(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Put, target, js::serialize(body), token);
}
Reply del(std::string_view target, const std::string& token) { return call(Method::Delete, target, {}, token); }

// A square ring of `half` degrees around (lat, lon), as GeoJSON draws it (closed).
js::array square(double lat, double lon, double half) {
  return js::array{js::array{lon - half, lat - half}, js::array{lon + half, lat - half}, js::array{lon + half, lat + half},
                   js::array{lon - half, lat + half}, js::array{lon - half, lat - half}};
}

std::string create_fence(const js::object& body) {
  auto r = post(kFences, body, admin().token);
  if (r.status != 201) throw std::runtime_error("geofence not created: " + r.body);
  return r.str("id");
}

telematics::Fix fix(TimePoint t, double lat, double lon, double speed, std::optional<bool> ignition) {
  telematics::Fix f;
  f.time = t;
  f.lat = lat;
  f.lon = lon;
  f.speed_kmh = speed;
  f.satellites = 9;
  f.ignition = ignition;
  return f;
}

void ingest_on(telematics::App& app, const std::string& tracker, std::vector<telematics::Fix> fixes) {
  telematics::Report r;
  r.tracker_id = tracker;
  r.protocol = "gt06";
  r.fixes = std::move(fixes);
  app.ingest({std::move(r)});
}
void ingest(const std::string& tracker, std::vector<telematics::Fix> fixes) {
  ingest_on(world().app(), tracker, std::move(fixes));
}

struct Vehicle {
  std::string tracker, vehicle, plan, rider;
};

Vehicle vehicle_with_plan() {
  Vehicle v;
  std::tie(v.tracker, v.vehicle) = installed_tracker(unique_imei());
  v.plan = uuid();
  v.rider = uuid();
  deliver("payment.plan.activated", js::object{{"plan_id", v.plan}, {"customer_id", v.rider}, {"vehicle_id", v.vehicle}});
  return v;
}

std::string token_of(const std::string& user, const char* role = "customer") {
  return world().service->tokens().issue_access(user, {role});
}

// `metres` north of `lat`.
double north(double lat, double metres) { return lat + metres / 111195.0; }

TimePoint now_s() { return floor<seconds>(world().clock->now()); }

}  // namespace

// ---- geofence CRUD ------------------------------------------------------------------------------

TEST(Geofences, CreateReadUpdateDeleteAPolygonAndACircle) {
  auto a = admin();
  auto r = post(kFences,
                js::object{{"name", "Ntinda yard"}, {"kind", "yard"}, {"polygon", square(0.35, 32.61, 0.002)}}, a.token);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto id = r.str("id");
  EXPECT_EQ(r.header("Location"), kFences + "/" + id);
  EXPECT_EQ(r.str("kind"), "yard");
  EXPECT_TRUE(r.obj().at("active").as_bool());
  EXPECT_TRUE(r.obj().at("circle").is_null());
  const auto& ring = r.obj().at("polygon").as_array();
  ASSERT_EQ(ring.size(), 5u);  // closed as GeoJSON
  EXPECT_EQ(ring.front(), ring.back());
  EXPECT_EQ(r.str("created_by"), a.id);

  // An open ring is accepted too, and comes back closed.
  auto open = square(0.36, 32.61, 0.001);
  open.pop_back();
  auto o = post(kFences, js::object{{"name", "open ring"}, {"kind", "no_go"}, {"polygon", open}}, a.token);
  ASSERT_EQ(o.status, 201) << o.body;
  EXPECT_EQ(o.obj().at("polygon").as_array().size(), 5u);

  auto c = post(kFences,
                js::object{{"name", "Mulago hospital"},
                           {"kind", "exclusion"},
                           {"active", true},
                           {"circle", js::object{{"lat", 0.337}, {"lon", 32.576}, {"radius_m", 300}}}},
                a.token);
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_TRUE(c.obj().at("polygon").is_null());
  EXPECT_EQ(c.obj().at("circle").as_object().at("radius_m").as_int64(), 300);

  // Staff read; a support agent may not write.
  auto agent = actor({"support_agent"});
  auto g = get(kFences + "/" + id, agent.token);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.str("name"), "Ntinda yard");
  EXPECT_EQ(post(kFences, js::object{{"name", "x"}, {"kind", "yard"}, {"polygon", square(0.35, 32.61, 0.002)}}, agent.token)
                .status,
            403);
  EXPECT_EQ(get(kFences, customer().token).status, 403);
  EXPECT_EQ(get(kFences + "/" + uuid(), agent.token).status, 404);
  EXPECT_EQ(get(kFences + "/not-a-uuid", agent.token).status, 404);

  // PUT replaces it: now a circle, inactive.
  auto u = put(kFences + "/" + id,
               js::object{{"name", "Ntinda yard (closed)"},
                          {"kind", "yard"},
                          {"active", false},
                          {"circle", js::object{{"lat", 0.35}, {"lon", 32.61}, {"radius_m", 150}}}},
               a.token);
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_FALSE(u.obj().at("active").as_bool());
  EXPECT_TRUE(u.obj().at("polygon").is_null());
  EXPECT_EQ(u.str("created_at"), r.str("created_at"));
  EXPECT_EQ(put(kFences + "/" + uuid(), js::object{{"name", "x"}, {"kind", "yard"}, {"polygon", square(0.35, 32.61, 0.002)}},
                a.token)
                .status,
            404);
  EXPECT_EQ(del(kFences + "/" + id, agent.token).status, 403);
  EXPECT_EQ(del(kFences + "/" + id, a.token).status, 204);
  EXPECT_EQ(get(kFences + "/" + id, agent.token).status, 404);
  EXPECT_EQ(del(kFences + "/" + id, a.token).status, 404);
}

TEST(Geofences, ValidationErrorsNameTheField) {
  const auto token = admin().token;
  auto missing = post(kFences, js::object{}, token);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.names_field("name"));
  EXPECT_TRUE(missing.names_field("kind"));
  EXPECT_TRUE(missing.names_field("polygon"));

  auto kind = post(kFences, js::object{{"name", "x"}, {"kind", "hospital"}, {"polygon", square(0.35, 32.61, 0.002)}}, token);
  EXPECT_EQ(kind.status, 400);
  EXPECT_TRUE(kind.names_field("kind"));

  // A bow tie crosses itself.
  js::array bow{js::array{32.50, 0.30}, js::array{32.51, 0.31}, js::array{32.51, 0.30}, js::array{32.50, 0.31}};
  auto crossed = post(kFences, js::object{{"name", "bow"}, {"kind", "no_go"}, {"polygon", bow}}, token);
  EXPECT_EQ(crossed.status, 400);
  EXPECT_TRUE(crossed.names_field("polygon")) << crossed.body;
  EXPECT_NE(crossed.body.find("crosses itself"), std::string::npos);

  js::array two{js::array{32.50, 0.30}, js::array{32.51, 0.31}, js::array{32.50, 0.30}};
  auto few = post(kFences, js::object{{"name", "two"}, {"kind", "no_go"}, {"polygon", two}}, token);
  EXPECT_EQ(few.status, 400);
  EXPECT_TRUE(few.names_field("polygon"));

  js::array bad{js::array{32.50, 0.30}, js::array{"east", 0.31}, js::array{32.51, 0.30}};
  auto point = post(kFences, js::object{{"name", "bad"}, {"kind", "no_go"}, {"polygon", bad}}, token);
  EXPECT_EQ(point.status, 400);
  EXPECT_TRUE(point.names_field("polygon[1]")) << point.body;

  js::array far{js::array{32.50, 0.30}, js::array{32.51, 91.0}, js::array{32.51, 0.30}};
  auto lat = post(kFences, js::object{{"name", "far"}, {"kind", "no_go"}, {"polygon", far}}, token);
  EXPECT_EQ(lat.status, 400);
  EXPECT_TRUE(lat.names_field("polygon"));

  auto radius = post(kFences, js::object{{"name", "tiny"}, {"kind", "exclusion"},
                                         {"circle", js::object{{"lat", 95}, {"lon", 32.5}, {"radius_m", 5}}}},
                     token);
  EXPECT_EQ(radius.status, 400);
  EXPECT_TRUE(radius.names_field("circle.radius_m")) << radius.body;
  EXPECT_TRUE(radius.names_field("circle.lat"));
  auto huge = post(kFences, js::object{{"name", "huge"}, {"kind", "exclusion"},
                                       {"circle", js::object{{"lat", 0.3}, {"lon", 32.5}, {"radius_m", 100001}}}},
                   token);
  EXPECT_TRUE(huge.names_field("circle.radius_m"));

  auto both = post(kFences, js::object{{"name", "both"}, {"kind", "yard"}, {"polygon", square(0.35, 32.61, 0.002)},
                                       {"circle", js::object{{"lat", 0.3}, {"lon", 32.5}, {"radius_m", 100}}}},
                   token);
  EXPECT_EQ(both.status, 400);
  EXPECT_TRUE(both.names_field("circle"));

  auto unknown = post(kFences, js::object{{"name", "x"}, {"kind", "yard"}, {"colour", "red"},
                                          {"polygon", square(0.35, 32.61, 0.002)}},
                      token);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(unknown.names_field("colour"));

  auto cursor = get(kFences + "?cursor=nonsense", token);
  EXPECT_EQ(cursor.status, 400);
  EXPECT_TRUE(cursor.names_field("cursor"));
  EXPECT_TRUE(get(kFences + "?limit=0", token).names_field("limit"));
  EXPECT_TRUE(get(kFences + "?kind=hospital", token).names_field("kind"));
}

TEST(Geofences, TheListIsPagedByKeyset) {
  const auto token = admin().token;
  std::set<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.insert(create_fence(js::object{
        {"name", "page " + std::to_string(i)}, {"kind", "operating_area"}, {"polygon", square(-1.0 - i, 30.0, 0.01)}}));
    world().clock->advance(milliseconds(1));
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 100; ++pages) {
    auto r = get(kFences + "?limit=2&kind=operating_area" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto& items = r.obj().at("items").as_array();
    EXPECT_LE(items.size(), 2u);
    for (const auto& it : items) {
      seen.push_back(text(it.as_object().at("id")));
      EXPECT_EQ(text(it.as_object().at("kind")), "operating_area");
    }
    if (r.obj().at("next_cursor").is_null()) break;
    cursor = text(r.obj().at("next_cursor"));
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "no fence twice";
  for (const auto& id : mine) EXPECT_TRUE(unique.count(id)) << id;
  // Oldest first: the five appear in the order they were made.
  std::vector<std::string> order;
  for (const auto& id : seen)
    if (mine.count(id)) order.push_back(id);
  ASSERT_EQ(order.size(), 5u);
  auto first = get(kFences + "/" + order.front(), token);
  EXPECT_EQ(first.str("name"), "page 0");
}

// ---- enter and exit -----------------------------------------------------------------------------

TEST(Geofences, EnteringAndLeavingPublishEventsThroughTheOutbox) {
  // A yard around (1.0, 32.0) and a circle inside it.
  const auto yard = create_fence(js::object{{"name", "Jinja yard"}, {"kind", "yard"}, {"polygon", square(1.0, 32.0, 0.005)}});
  const auto no_go = create_fence(js::object{
      {"name", "Border road"}, {"kind", "no_go"}, {"circle", js::object{{"lat", 1.0}, {"lon", 32.0}, {"radius_m", 100}}}});
  auto v = vehicle_with_plan();
  const auto t = now_s();
  // Outside → the yard's edge zone → the centre (both) → out of both, in one batch.
  ingest(v.tracker, {fix(t, north(1.0, -1200), 32.0, 20, true), fix(t + seconds(30), north(1.0, -300), 32.0, 20, true),
                     fix(t + seconds(60), 1.0, 32.0, 10, true)});
  ingest(v.tracker, {fix(t + seconds(120), north(1.0, 900), 32.0, 30, true)});

  auto entered = outbox_events("telematics.geofence.entered", v.vehicle);
  ASSERT_EQ(entered.size(), 2u);
  EXPECT_EQ(text(entered[0].at("geofence_id")), yard);
  EXPECT_EQ(text(entered[0].at("name")), "Jinja yard");
  EXPECT_EQ(text(entered[0].at("kind")), "yard");
  EXPECT_EQ(text(entered[0].at("vehicle_id")), v.vehicle);
  EXPECT_EQ(text(entered[0].at("tracker_id")), v.tracker);
  EXPECT_EQ(text(entered[0].at("customer_id")), v.rider);
  EXPECT_EQ(text(entered[0].at("at")), rto::to_rfc3339(t + seconds(30)));
  EXPECT_NEAR(entered[0].at("lat").as_double(), north(1.0, -300), 1e-9);
  EXPECT_NEAR(entered[0].at("lon").as_double(), 32.0, 1e-9);
  EXPECT_EQ(text(entered[1].at("geofence_id")), no_go);
  EXPECT_EQ(text(entered[1].at("kind")), "no_go");
  EXPECT_EQ(text(entered[1].at("at")), rto::to_rfc3339(t + seconds(60)));

  auto exited = outbox_events("telematics.geofence.exited", v.vehicle);
  ASSERT_EQ(exited.size(), 2u);
  std::set<std::string> left{text(exited[0].at("geofence_id")), text(exited[1].at("geofence_id"))};
  EXPECT_EQ(left, (std::set<std::string>{yard, no_go}));
  EXPECT_EQ(text(exited[0].at("at")), rto::to_rfc3339(t + seconds(120)));

  // The same fixes again (duplicates) and a fix still outside: nothing new.
  ingest(v.tracker, {fix(t + seconds(120), north(1.0, 900), 32.0, 30, true), fix(t + seconds(150), north(1.0, 1200), 32.0, 30, true)});
  EXPECT_EQ(outbox_events("telematics.geofence.entered", v.vehicle).size(), 2u);
  EXPECT_EQ(outbox_events("telematics.geofence.exited", v.vehicle).size(), 2u);

  // Back in, then the fence is deactivated: the vehicle is no longer inside it (no exit event),
  // and nothing fires while it is inactive.
  ingest(v.tracker, {fix(t + seconds(210), 1.0, 32.0005, 10, true)});
  EXPECT_EQ(outbox_events("telematics.geofence.entered", v.vehicle).size(), 4u);
  auto off = put(kFences + "/" + no_go,
                 js::object{{"name", "Border road"}, {"kind", "no_go"}, {"active", false},
                            {"circle", js::object{{"lat", 1.0}, {"lon", 32.0}, {"radius_m", 100}}}},
                 admin().token);
  ASSERT_EQ(off.status, 200);
  ingest(v.tracker, {fix(t + seconds(240), north(1.0, 1500), 32.0, 30, true)});
  auto out = outbox_events("telematics.geofence.exited", v.vehicle);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(text(out[2].at("geofence_id")), yard);
  // Active again: the vehicle, still outside, enters it when it drives in (the state no longer
  // holds the fence, also where it was kept in memory).
  auto on = put(kFences + "/" + no_go,
                js::object{{"name", "Border road"}, {"kind", "no_go"}, {"active", true},
                           {"circle", js::object{{"lat", 1.0}, {"lon", 32.0}, {"radius_m", 100}}}},
                admin().token);
  ASSERT_EQ(on.status, 200);
  ingest(v.tracker, {fix(t + seconds(300), 1.0, 32.0, 10, true)});
  auto back = outbox_events("telematics.geofence.entered", v.vehicle);
  ASSERT_EQ(back.size(), 6u);
  EXPECT_EQ((std::set<std::string>{text(back[4].at("geofence_id")), text(back[5].at("geofence_id"))}),
            (std::set<std::string>{yard, no_go}));
  ingest(v.tracker, {fix(t + seconds(330), north(1.0, 1500), 32.0, 30, true)});
  ASSERT_EQ(outbox_events("telematics.geofence.exited", v.vehicle).size(), 5u);
  // A customer_id is named only while the plan is active.
  deliver("payment.plan.cancelled", js::object{{"plan_id", v.plan}, {"customer_id", v.rider}, {"vehicle_id", v.vehicle}});
  ingest(v.tracker, {fix(t + seconds(360), north(1.0, 200), 32.0, 30, true)});
  auto again = outbox_events("telematics.geofence.entered", v.vehicle);
  ASSERT_EQ(again.size(), 7u);
  EXPECT_TRUE(again[6].at("customer_id").is_null());
}

// ---- exclusion zones and the immobiliser ---------------------------------------------------------

TEST(Geofences, APendingLockWaitsInsideAnExclusionZoneAndGoesOutOnceOutside) {
  create_fence(js::object{{"name", "Mbale hospital"},
                          {"kind", "exclusion"},
                          {"circle", js::object{{"lat", 2.0}, {"lon", 32.6}, {"radius_m", 200}}}});
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei);
  const auto plan = uuid(), rider = uuid();
  deliver("payment.plan.activated", js::object{{"plan_id", plan}, {"customer_id", rider}, {"vehicle_id", vehicle}});
  Device device(world().installed.gt06_port);
  unsigned serial = 1;
  device.write(gt06_login(imei, serial));
  ASSERT_EQ(device.read(10), gt06_frame(0x01, "", serial));
  auto report = [&](double lat, int speed) {
    ++serial;
    device.write(gt06_location(lat, 32.6, speed, now_s(), false, serial));
    ASSERT_EQ(device.read(10), gt06_frame(0x12, "", serial));
    world().app().flush_ingest();
  };
  auto lock = [&] { return get("/api/v1/telematics/vehicles/" + vehicle + "/lock", admin().token); };

  // Parked at the hospital, engine off.
  report(2.0, 0);
  deliver("payment.lock.required",
          js::object{{"plan_id", plan}, {"customer_id", rider}, {"vehicle_id", vehicle}, {"days_past_due", 4}});
  world().clock->advance(minutes(6));
  report(2.0, 0);
  world().app().advance_pending_locks();
  // Stopped long enough, ignition off, a recent fix: only the zone holds it back.
  auto waiting = lock();
  EXPECT_EQ(waiting.str("state"), "pending");
  EXPECT_EQ(waiting.str("waiting_for"), "inside an exclusion zone");
  EXPECT_EQ(device.read(1, milliseconds(200)), "");

  // It drives 550 m away (outside the 200 m circle) and stops there for a minute.
  world().clock->advance(seconds(5));
  report(north(2.0, 550), 20);
  EXPECT_EQ(lock().str("waiting_for"), "moving");
  world().clock->advance(seconds(5));
  report(north(2.0, 560), 0);
  world().clock->advance(seconds(61));
  report(north(2.0, 560), 0);
  EXPECT_EQ(lock().str("state"), "locking");
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  const auto id = tx.exec_params1("SELECT id FROM commands WHERE vehicle_id = $1::uuid AND kind = 'lock'", vehicle)[0]
                      .as<std::int64_t>();
  const auto expected = telematics::gt06::encode_command("Relay,1#", static_cast<std::uint32_t>(id));
  EXPECT_EQ(device.read(expected.size()), expected);
}

// ---- trips and usage ----------------------------------------------------------------------------

namespace {

// One trip of `metres` north from `lat` starting at `t`: ignition on, 500 m every 45 s, ignition
// off. Returns the time after it.
TimePoint drive(const std::string& tracker, TimePoint t, double lat, double metres) {
  std::vector<telematics::Fix> fixes{fix(t, lat, 33.0, 0, true)};
  int i = 1;
  for (double m = 500; m <= metres; m += 500, ++i) fixes.push_back(fix(t + seconds(45 * i), north(lat, m), 33.0, 40, true));
  fixes.push_back(fix(t + seconds(45 * i), north(lat, metres), 33.0, 0, false));
  ingest(tracker, fixes);
  return t + seconds(45 * i);
}

}  // namespace

TEST(TripsApi, TripsOfAVehicleNewestFirstForStaffAndItsCustomerOnly) {
  auto v = vehicle_with_plan();
  auto t = now_s();
  const auto start = t;
  t = drive(v.tracker, t, 3.0, 2000) + minutes(10);
  t = drive(v.tracker, t, north(3.0, 2000), 1000) + minutes(10);
  t = drive(v.tracker, t, north(3.0, 3000), 1500);
  world().clock->set(t + minutes(1));

  const auto base = "/api/v1/telematics/vehicles/" + v.vehicle + "/trips";
  auto all = get(base, admin().token);
  ASSERT_EQ(all.status, 200) << all.body;
  const auto& items = all.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  const auto& newest = items[0].as_object();
  EXPECT_NEAR(static_cast<double>(newest.at("distance_m").as_int64()), 1500, 5);
  EXPECT_EQ(text(newest.at("end_reason")), "ignition_off");
  EXPECT_EQ(newest.at("max_speed_kmh").as_double(), 40);
  const auto& oldest = items[2].as_object();
  EXPECT_NEAR(static_cast<double>(oldest.at("distance_m").as_int64()), 2000, 5);
  EXPECT_EQ(text(oldest.at("start").as_object().at("time")), rto::to_rfc3339(start));
  EXPECT_EQ(oldest.at("duration_seconds").as_int64(), 45 * 5);
  EXPECT_TRUE(all.obj().at("next_cursor").is_null());

  // Keyset pages.
  auto p1 = get(base + "?limit=2", admin().token);
  ASSERT_EQ(p1.obj().at("items").as_array().size(), 2u);
  const auto cursor = text(p1.obj().at("next_cursor"));
  auto p2 = get(base + "?limit=2&cursor=" + cursor, admin().token);
  ASSERT_EQ(p2.status, 200) << p2.body;
  ASSERT_EQ(p2.obj().at("items").as_array().size(), 1u);
  EXPECT_EQ(p2.obj().at("items").as_array()[0].as_object().at("id"), items[2].as_object().at("id"));
  EXPECT_TRUE(p2.obj().at("next_cursor").is_null());

  // A window: only the first trip started in it.
  auto window = get(base + "?from=" + rto::to_rfc3339(start - seconds(1)) + "&to=" + rto::to_rfc3339(start + minutes(2)),
                    admin().token);
  ASSERT_EQ(window.obj().at("items").as_array().size(), 1u);
  EXPECT_TRUE(get(base + "?from=yesterday", admin().token).names_field("from"));
  EXPECT_TRUE(get(base + "?from=" + rto::to_rfc3339(t) + "&to=" + rto::to_rfc3339(start), admin().token).names_field("from"));

  // The rider sees their own vehicle's trips; another customer, and an unknown vehicle, get 404.
  EXPECT_EQ(get(base, token_of(v.rider)).status, 200);
  EXPECT_EQ(get(base, customer().token).status, 404);
  EXPECT_EQ(get("/api/v1/telematics/vehicles/" + uuid() + "/trips", customer().token).status, 404);
  EXPECT_EQ(get(base, actor({"support_agent"}).token).status, 200);
}

TEST(TripsApi, TwoReplicasTakingTurnsKeepOneStateAndCountNothingTwice) {
  // A second App on the same database: another replica, with its own memory of vehicles' states.
  telematics::App other(world().app().db(), world().clock, test_config(world().db->url()));
  auto v = vehicle_with_plan();
  world().clock->set(sys_days(2033y / June / 1) + hours(6));  // 09:00 local
  const auto t = now_s();
  std::vector<telematics::Fix> fixes{fix(t, 7.0, 33.0, 0, true)};
  for (int i = 1; i <= 6; ++i) fixes.push_back(fix(t + seconds(45 * i), north(7.0, 500.0 * i), 33.0, 40, true));
  fixes.push_back(fix(t + seconds(45 * 7), north(7.0, 3000), 33.0, 0, false));
  // Each fix through one replica or the other, as a device reconnecting to another pod would.
  for (std::size_t i = 0; i < fixes.size(); ++i) ingest_on(i % 3 == 1 ? other : world().app(), v.tracker, {fixes[i]});
  world().clock->set(t + minutes(10));

  auto trips = get("/api/v1/telematics/vehicles/" + v.vehicle + "/trips", admin().token);
  ASSERT_EQ(trips.status, 200) << trips.body;
  const auto& items = trips.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_NEAR(static_cast<double>(items[0].as_object().at("distance_m").as_int64()), 3000, 5);
  EXPECT_EQ(items[0].as_object().at("duration_seconds").as_int64(), 45 * 7);
  const auto local = rto::format_date(year_month_day(world().app().config().zone.local_date(t)));
  auto usage = get("/api/v1/telematics/vehicles/" + v.vehicle + "/usage?from=" + local + "&to=" + local, admin().token);
  const auto& days = usage.obj().at("days").as_array();
  ASSERT_EQ(days.size(), 1u) << usage.body;
  EXPECT_EQ(days[0].as_object().at("engine_seconds").as_int64(), 45 * 7);
  EXPECT_EQ(days[0].as_object().at("trips").as_int64(), 1);
  EXPECT_NEAR(static_cast<double>(days[0].as_object().at("distance_m").as_int64()), 3000, 5);
}

TEST(UsageApi, DailyUsageThroughTheApiWithCustomerAccess) {
  auto v = vehicle_with_plan();
  // 10:00 in Kampala (07:00 UTC) on a day of its own.
  const TimePoint day = sys_days(2031y / January / 15) + hours(7);
  world().clock->set(day);
  auto t = drive(v.tracker, day, 4.0, 2000);
  drive(v.tracker, t + minutes(30), north(4.0, 2000), 1000);
  world().clock->set(day + hours(3));

  const auto base = "/api/v1/telematics/vehicles/" + v.vehicle + "/usage";
  auto r = get(base + "?from=2031-01-14&to=2031-01-16", token_of(v.rider));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("time_zone"), "UTC+03:00");
  const auto& days = r.obj().at("days").as_array();
  ASSERT_EQ(days.size(), 1u);
  const auto& d = days[0].as_object();
  EXPECT_EQ(text(d.at("date")), "2031-01-15");
  EXPECT_NEAR(static_cast<double>(d.at("distance_m").as_int64()), 3000, 10);
  EXPECT_EQ(d.at("trips").as_int64(), 2);
  // Engine on: 5 × 45 s, then 3 × 45 s (the 30 minutes parked between count for nothing);
  // moving: the same (each of those segments has a moving end).
  EXPECT_EQ(d.at("engine_seconds").as_int64(), 360);
  EXPECT_EQ(d.at("moving_seconds").as_int64(), 360);
  EXPECT_TRUE(d.at("active").as_bool());
  EXPECT_EQ(r.obj().at("totals").as_object().at("active_days").as_int64(), 1);

  // Without dates: the last 30 local days up to today.
  auto recent = get(base, admin().token);
  ASSERT_EQ(recent.status, 200);
  EXPECT_EQ(recent.str("to"), "2031-01-15");
  EXPECT_EQ(recent.str("from"), "2030-12-17");
  EXPECT_EQ(recent.obj().at("days").as_array().size(), 1u);

  EXPECT_EQ(get(base, customer().token).status, 404);
  EXPECT_TRUE(get(base + "?from=2031-02-30", admin().token).names_field("from"));
  EXPECT_TRUE(get(base + "?from=2031-01-16&to=2031-01-15", admin().token).names_field("from"));
  EXPECT_TRUE(get(base + "?from=2029-01-01&to=2031-01-15", admin().token).names_field("from"));
}

TEST(UsageApi, EachFinishedLocalDayIsPublishedOnceWithThePlanOfTheVehicle) {
  auto v = vehicle_with_plan();
  auto plain = installed_tracker(unique_imei());  // no plan: plan and customer are null
  // 23:50 local on 2032-05-03 (20:50 UTC): a drive across local midnight.
  const TimePoint late = sys_days(2032y / May / 3) + hours(20) + minutes(50);
  world().clock->set(late);
  std::vector<telematics::Fix> fixes;
  for (int i = 0; i <= 30; ++i) fixes.push_back(fix(late + seconds(40 * i), north(5.0, 400.0 * i), 33.0, 36, true));
  ingest(v.tracker, fixes);
  drive(plain.first, late, 6.0, 1000);
  // The plan completes (the rider owns it now): still named in the events.
  deliver("payment.plan.completed", js::object{{"plan_id", v.plan}, {"customer_id", v.rider}, {"vehicle_id", v.vehicle}});

  auto& geo = world().app().geo();
  const auto& source = world().app().source();
  // 00:30 local: the 3rd has ended, but less than USAGE_PUBLISH_DELAY_MS (1 h) ago.
  world().clock->set(sys_days(2032y / May / 3) + hours(21) + minutes(30));
  geo.publish_daily_usage(world().clock->now(), source);
  EXPECT_TRUE(outbox_events("telematics.usage.daily", v.vehicle).empty());

  // 02:00 local: the 3rd goes out, for both vehicles, once; the 4th is not over.
  world().clock->set(sys_days(2032y / May / 3) + hours(23));
  EXPECT_GE(geo.publish_daily_usage(world().clock->now(), source), 2u);
  auto events = outbox_events("telematics.usage.daily", v.vehicle);
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  std::set<std::string> keys;
  for (const auto& kv : e) keys.insert(std::string(kv.key()));
  EXPECT_EQ(keys, (std::set<std::string>{"vehicle_id", "tracker_id", "plan_id", "customer_id", "date", "distance_m",
                                         "engine_seconds", "moving_seconds", "trips", "active"}));
  EXPECT_EQ(text(e.at("vehicle_id")), v.vehicle);
  EXPECT_EQ(text(e.at("tracker_id")), v.tracker);
  EXPECT_EQ(text(e.at("plan_id")), v.plan);
  EXPECT_EQ(text(e.at("customer_id")), v.rider);
  EXPECT_EQ(text(e.at("date")), "2032-05-03");
  // 23:50 → 00:00 local: 600 s of the 1200 s drive, 15 of the 30 segments of 400 m.
  EXPECT_EQ(e.at("engine_seconds").as_int64(), 600);
  EXPECT_EQ(e.at("moving_seconds").as_int64(), 600);
  EXPECT_NEAR(static_cast<double>(e.at("distance_m").as_int64()), 6000, 10);
  EXPECT_EQ(e.at("trips").as_int64(), 1);
  EXPECT_TRUE(e.at("active").as_bool());
  auto other = outbox_events("telematics.usage.daily", plain.second);
  ASSERT_EQ(other.size(), 1u);
  EXPECT_TRUE(other[0].at("plan_id").is_null());
  EXPECT_TRUE(other[0].at("customer_id").is_null());

  // Again, and from two replicas at once: nothing twice.
  std::thread a([&] { geo.publish_daily_usage(world().clock->now(), source); });
  std::thread b([&] { geo.publish_daily_usage(world().clock->now(), source); });
  a.join();
  b.join();
  EXPECT_EQ(outbox_events("telematics.usage.daily", v.vehicle).size(), 1u);

  // The next day, once over: its own event, without a trip start but active (it moved).
  world().clock->set(sys_days(2032y / May / 5) + hours(1));
  geo.publish_daily_usage(world().clock->now(), source);
  events = outbox_events("telematics.usage.daily", v.vehicle);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(text(events[1].at("date")), "2032-05-04");
  EXPECT_EQ(events[1].at("trips").as_int64(), 0);
  EXPECT_EQ(events[1].at("engine_seconds").as_int64(), 600);
  EXPECT_TRUE(events[1].at("active").as_bool());
}
