// Teltonika over real sockets (handshake, Codec 8 Extended records, acks, Codec 12 engine cut),
// the HTTP batch API with device tokens and its command fetching, the fleet overview, and the
// monthly partitions of positions. Frames come from the tests' own encoder (bitwise CRC).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <rto/crypto.hpp>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono;

namespace {

std::uint16_t crc16_ibm(std::string_view data) {  // CRC-16/ARC: reflected 0x8005, init 0
  std::uint16_t crc = 0;
  for (unsigned char b : data) {
    crc ^= b;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : static_cast<std::uint16_t>(crc >> 1);
  }
  return crc;
}

void put(std::string& s, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string handshake(const std::string& imei) {
  std::string s;
  put(s, imei.size(), 2);
  return s + imei;
}

struct Rec {
  system_clock::time_point t;
  double lat, lon;
  int speed;
  std::optional<bool> ignition;
  int millivolts = 12600;
};

// A Codec 8 Extended AVL packet.
std::string avl8e(const std::vector<Rec>& recs) {
  std::string d;
  d.push_back('\x8e');
  d.push_back(static_cast<char>(recs.size()));
  for (const auto& r : recs) {
    put(d, static_cast<std::uint64_t>(duration_cast<milliseconds>(r.t.time_since_epoch()).count()), 8);
    d.push_back('\x00');  // priority
    put(d, static_cast<std::uint32_t>(static_cast<std::int32_t>(std::lround(r.lon * 1e7))), 4);
    put(d, static_cast<std::uint32_t>(static_cast<std::int32_t>(std::lround(r.lat * 1e7))), 4);
    put(d, 1190, 2);  // altitude
    put(d, 90, 2);    // angle
    d.push_back('\x09');  // satellites
    put(d, static_cast<std::uint64_t>(r.speed), 2);
    put(d, 0, 2);  // event IO
    const int n1 = r.ignition ? 1 : 0;
    put(d, static_cast<std::uint64_t>(n1 + 1), 2);  // total IO
    put(d, static_cast<std::uint64_t>(n1), 2);      // 1-byte values
    if (r.ignition) {
      put(d, 239, 2);
      d.push_back(*r.ignition ? '\x01' : '\x00');
    }
    put(d, 1, 2);  // 2-byte values
    put(d, 66, 2);
    put(d, static_cast<std::uint64_t>(r.millivolts), 2);
    put(d, 0, 2);  // 4-byte
    put(d, 0, 2);  // 8-byte
    put(d, 0, 2);  // variable
  }
  d.push_back(static_cast<char>(recs.size()));
  std::string out(4, '\0');
  put(out, d.size(), 4);
  out += d;
  put(out, crc16_ibm(d), 4);
  return out;
}

// A Codec 12 packet: a command (type 0x05, server → device) or a response (0x06, device → server).
std::string codec12(char type, const std::string& text) {
  std::string d = "\x0c\x01";
  d.push_back(type);
  put(d, text.size(), 4);
  d += text;
  d.push_back('\x01');
  std::string out(4, '\0');
  put(out, d.size(), 4);
  out += d;
  put(out, crc16_ibm(d), 4);
  return out;
}
std::string codec12_response(const std::string& text) { return codec12('\x06', text); }
std::string codec12_command(const std::string& text) { return codec12('\x05', text); }

std::string be32(std::uint32_t v) {
  std::string s;
  put(s, v, 4);
  return s;
}

std::string token_for(const std::string& tracker) {
  auto r = call(Method::Post, "/api/v1/telematics/trackers/" + tracker + "/token", "", admin().token);
  if (r.status != 201) throw std::runtime_error("token: " + r.body);
  return r.str("token");
}

rto::testing::Reply post_batch(const std::string& token, const std::string& body) {
  return call(Method::Post, "/api/v1/telematics/positions", body, "", {{"Authorization", "Bearer " + token},
                                                                        {"Content-Type", "application/json"}});
}

std::string lock_state(const std::string& vehicle) {
  return get("/api/v1/telematics/vehicles/" + vehicle + "/lock", admin().token).str("state");
}

}  // namespace

TEST(Teltonika, HandshakeRecordsAndAcksThenTheEngineCutAsCodec12AnsweredByTheDevice) {
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei, "teltonika");
  Device d(world().installed.teltonika_port);
  d.write(handshake(imei));
  EXPECT_EQ(d.read(1), std::string(1, '\x01'));

  const auto t = floor<seconds>(world().clock->now());
  // Two records in one packet, split across two writes: the ack is the record count.
  const auto packet = avl8e({{t - 10s, 0.3476, 32.5825, 40, true}, {t, 0.3480, 32.5830, 0, false, 12400}});
  d.write(packet.substr(0, 17));
  std::this_thread::sleep_for(20ms);
  d.write(packet.substr(17));
  EXPECT_EQ(d.read(4), be32(2));
  // A packet with a bad CRC is not acknowledged (the device sends it again); the connection stays.
  auto bad = avl8e({{t + 5s, 0.35, 32.59, 10, true}});
  bad[bad.size() - 1] ^= 0x55;
  d.write(bad);
  d.write(avl8e({{t + 6s, 0.3481, 32.5831, 0, false}}));
  EXPECT_EQ(d.read(4), be32(1));

  auto staff = admin();
  rto::testing::Reply pos;
  ASSERT_TRUE(eventually([&] {
    pos = get("/api/v1/telematics/vehicles/" + vehicle + "/position", staff.token);
    return pos.status == 200 && pos.obj().at("device_time").is_string() &&
           text(pos.obj().at("device_time")) == rto::to_rfc3339(t + 6s);
  })) << pos.body;
  EXPECT_NEAR(pos.obj().at("position").as_object().at("lat").as_double(), 0.3481, 1e-6);
  EXPECT_FALSE(pos.obj().at("ignition").as_bool());  // IO 239
  EXPECT_NEAR(pos.obj().at("external_voltage").as_double(), 12.6, 1e-3);  // IO 66, millivolts
  EXPECT_GE(pos.obj().at("odometer_km").as_double(), 0.0);
  EXPECT_EQ(world().installed.teltonika->bad_packets(), 1);
  {
    auto c = raw_db();
    pqxx::read_transaction tx(c);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 3);
  }

  // The lock: pending, then (grace over, stopped with ignition off) the Codec 12 command.
  const auto plan = uuid();
  deliver("payment.plan.activated", js::object{{"plan_id", plan}, {"customer_id", uuid()}, {"vehicle_id", vehicle}});
  deliver("payment.lock.required", js::object{{"plan_id", plan}, {"customer_id", uuid()}, {"vehicle_id", vehicle}});
  EXPECT_EQ(lock_state(vehicle), "pending");
  world().clock->advance(6min);
  d.write(avl8e({{floor<seconds>(world().clock->now()), 0.3481, 32.5831, 0, false}}));
  EXPECT_EQ(d.read(4), be32(1));
  world().app().flush_ingest();
  world().app().advance_pending_locks();
  const auto cmd = codec12_command("setdigout 1");
  EXPECT_EQ(d.read(cmd.size()), cmd);
  EXPECT_EQ(lock_state(vehicle), "locking");
  d.write(codec12_response("DOUT1:1 Timeout:INFINITY DOUT2:0 Timeout:INFINITY"));
  ASSERT_TRUE(eventually([&] { return lock_state(vehicle) == "locked"; }));
  EXPECT_EQ(outbox_events("telematics.lock.acknowledged", vehicle).size(), 1u);

  // Paid: restored at once, whatever the vehicle does.
  deliver("payment.lock.released", js::object{{"plan_id", plan}, {"customer_id", uuid()}, {"vehicle_id", vehicle}});
  world().app().dispatch_queued();
  const auto restore = codec12_command("setdigout 0");
  EXPECT_EQ(d.read(restore.size()), restore);
  d.write(codec12_response("DOUT1:0 DOUT2:0"));
  ASSERT_TRUE(eventually([&] { return lock_state(vehicle) == "unlocked"; }));
}

TEST(Teltonika, AnUnknownImeiIsRefusedWithZeroAndClosed) {
  Device d(world().installed.teltonika_port);
  d.write(handshake("356307042441013"));
  EXPECT_EQ(d.read(1), std::string(1, '\x00'));
  EXPECT_TRUE(d.closed_by_peer());
}

TEST(BatchApi, ADeviceTokenPostsABatchRefusalsAreNamedAndDuplicatesStoredOnce) {
  const auto imei = unique_imei();
  auto [tracker, vehicle] = installed_tracker(imei, "http");
  const auto token = token_for(tracker);
  EXPECT_EQ(token.rfind("dt_", 0), 0u);
  {  // only the hash is kept
    auto c = raw_db();
    pqxx::read_transaction tx(c);
    auto h = tx.exec_params1("SELECT token_hash FROM device_tokens WHERE tracker_id = $1::uuid", tracker)[0].as<std::string>();
    EXPECT_EQ(h, rto::crypto::sha256_hex(token));
  }
  const auto t = floor<seconds>(world().clock->now());
  js::array positions;
  for (int i = 0; i < 50; ++i)
    positions.push_back(js::object{{"time", rto::to_rfc3339(t - seconds(50 - i))},
                                   {"lat", 0.30 + i * 0.0001},
                                   {"lon", 32.58},
                                   {"speed_kmh", 20},
                                   {"ignition", true}});
  positions.push_back(js::object{{"time", rto::to_rfc3339(t)}, {"lat", 91}, {"lon", 32.5}});
  positions.push_back(js::object{{"lat", 0.3}, {"lon", 32.5}});
  positions.push_back(js::object{{"time", rto::to_rfc3339(t + 1h)}, {"lat", 0.3}, {"lon", 32.5}});
  auto r = post_batch(token, js::serialize(js::object{{"positions", positions}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("received").as_int64(), 53);
  EXPECT_EQ(r.obj().at("accepted").as_int64(), 50);
  EXPECT_EQ(r.obj().at("stored").as_int64(), 50);
  const auto& refused = r.obj().at("refused").as_array();
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(text(refused[0].as_object().at("field")), "positions[50].lat");
  EXPECT_EQ(text(refused[1].as_object().at("field")), "positions[51].time");
  EXPECT_EQ(text(refused[2].as_object().at("field")), "positions[52].time");
  // The same batch again: nothing new.
  positions.resize(50);
  auto again = post_batch(token, js::serialize(js::object{{"positions", positions}}));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.obj().at("stored").as_int64(), 0);
  EXPECT_EQ(again.obj().at("duplicates").as_int64(), 50);
  auto pos = get("/api/v1/telematics/vehicles/" + vehicle + "/position", admin().token);
  ASSERT_EQ(pos.status, 200) << pos.body;
  EXPECT_NEAR(pos.obj().at("position").as_object().at("lat").as_double(), 0.3049, 1e-6);

  // Bad tokens, bad bodies, too many positions.
  EXPECT_EQ(post_batch("dt_not-a-token-at-all-0000000000", R"({"positions":[]})").status, 401);
  EXPECT_EQ(call(Method::Post, "/api/v1/telematics/positions", R"({"positions":[]})").status, 401);
  auto empty = post_batch(token, R"({"positions":[]})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(empty.names_field("positions"));
  auto junk = post_batch(token, "{not json");
  EXPECT_EQ(junk.status, 400);
  js::array many;
  for (int i = 0; i < 1001; ++i) many.push_back(js::object{{"time", rto::to_rfc3339(t)}, {"lat", 0.3}, {"lon", 32.5}});
  auto big = post_batch(token, js::serialize(js::object{{"positions", many}}));
  EXPECT_EQ(big.status, 400);
  EXPECT_TRUE(big.names_field("positions"));
  auto none = post_batch(token, R"({"positions":[{"time":"yesterday","lat":1,"lon":2}]})");
  EXPECT_EQ(none.status, 422);
  EXPECT_TRUE(none.names_field("positions[0].time")) << none.body;

  // A new token replaces the old one; tokens are only for http trackers.
  const auto second = token_for(tracker);
  EXPECT_EQ(post_batch(token, js::serialize(js::object{{"positions", positions}})).status, 401);
  EXPECT_EQ(post_batch(second, js::serialize(js::object{{"positions", positions}})).status, 200);
  auto [gt06_tracker, gt06_vehicle] = installed_tracker(unique_imei(), "gt06");
  EXPECT_EQ(call(Method::Post, "/api/v1/telematics/trackers/" + gt06_tracker + "/token", "", admin().token).status, 409);
  EXPECT_EQ(call(Method::Post, "/api/v1/telematics/trackers/" + tracker + "/token", "", customer().token).status, 403);
  auto info = get("/api/v1/telematics/trackers/" + tracker, admin().token);
  EXPECT_TRUE(info.obj().at("device_token").is_object());
  EXPECT_EQ(info.body.find(second), std::string::npos);
}

TEST(BatchApi, AnHttpDeviceFetchesItsEngineCutAndAnswersIt) {
  auto [tracker, vehicle] = installed_tracker(unique_imei(), "http");
  const auto token = token_for(tracker);
  const auto t = floor<seconds>(world().clock->now());
  ASSERT_EQ(post_batch(token, js::serialize(js::object{{"positions", js::array{js::object{
                                                                      {"time", rto::to_rfc3339(t)}, {"lat", 0.31}, {"lon", 32.58},
                                                                      {"speed_kmh", 0}, {"ignition", false}}}}}))
                .status,
            200);
  auto staff = actor({"credit_officer"});
  auto l = post("/api/v1/telematics/vehicles/" + vehicle + "/lock", js::object{{"reason", "stolen, owner report"}}, staff.token);
  ASSERT_EQ(l.status, 200) << l.body;
  world().clock->advance(6min);
  ASSERT_EQ(post_batch(token, js::serialize(js::object{{"positions", js::array{js::object{
                                                                      {"time", rto::to_rfc3339(floor<seconds>(world().clock->now()))},
                                                                      {"lat", 0.31}, {"lon", 32.58}, {"speed_kmh", 0}, {"ignition", false}}}}}))
                .status,
            200);
  world().app().advance_pending_locks();
  auto fetch = call(Method::Get, "/api/v1/telematics/device/commands", "", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(fetch.status, 200) << fetch.body;
  const auto& items = fetch.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << fetch.body;
  EXPECT_EQ(text(items[0].as_object().at("command")), "engine_stop");
  const auto id = items[0].as_object().at("id").as_int64();
  EXPECT_EQ(lock_state(vehicle), "locking");
  // Fetched once: not handed out again while it waits for the answer.
  auto again = call(Method::Get, "/api/v1/telematics/device/commands", "", "", {{"Authorization", "Bearer " + token}});
  EXPECT_TRUE(again.obj().at("items").as_array().empty());
  // Another device may not answer it.
  auto [other, other_vehicle] = installed_tracker(unique_imei(), "http");
  const auto other_token = token_for(other);
  EXPECT_EQ(call(Method::Post, "/api/v1/telematics/device/commands/" + std::to_string(id) + "/result", R"({"status":"done"})", "",
                 {{"Authorization", "Bearer " + other_token}})
                .status,
            404);
  auto bad = call(Method::Post, "/api/v1/telematics/device/commands/" + std::to_string(id) + "/result", R"({"status":"maybe"})", "",
                  {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("status"));
  auto done = call(Method::Post, "/api/v1/telematics/device/commands/" + std::to_string(id) + "/result",
                   R"({"status":"done","message":"relay on"})", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(done.status, 204) << done.body;
  EXPECT_EQ(lock_state(vehicle), "locked");
}

TEST(Fleet, StaffSeeCountsAndKeysetPagesFilteredByStatusCustomersDoNot) {
  auto staff = actor({"support_agent"});
  std::vector<std::string> vehicles;
  for (int i = 0; i < 3; ++i) {
    auto [tracker, vehicle] = installed_tracker(unique_imei(), "http");
    vehicles.push_back(vehicle);
    const auto token = token_for(tracker);
    ASSERT_EQ(post_batch(token, js::serialize(js::object{
                                    {"positions", js::array{js::object{{"time", rto::to_rfc3339(floor<seconds>(world().clock->now()))},
                                                                       {"lat", 0.3},
                                                                       {"lon", 32.5},
                                                                       {"speed_kmh", i == 0 ? 40 : 0}}}}}))
                  .status,
              200);
  }
  auto f = get("/api/v1/telematics/fleet", staff.token);
  ASSERT_EQ(f.status, 200) << f.body;
  const auto& c = f.obj().at("counts").as_object();
  EXPECT_GE(c.at("installed").as_int64(), 3);
  EXPECT_GE(c.at("online").as_int64(), 3);
  EXPECT_GE(c.at("moving").as_int64(), 1);
  EXPECT_EQ(c.at("installed").as_int64(), c.at("online").as_int64() + c.at("offline").as_int64());

  // Every installed vehicle exactly once across pages of 2.
  std::vector<std::string> seen;
  std::string cursor;
  for (int guard = 0; guard < 1000; ++guard) {
    auto p = get("/api/v1/telematics/fleet?limit=2" + (cursor.empty() ? std::string() : "&after=" + cursor), staff.token);
    ASSERT_EQ(p.status, 200) << p.body;
    for (const auto& v : p.obj().at("items").as_array()) seen.push_back(text(v.as_object().at("vehicle_id")));
    if (p.obj().at("next_cursor").is_null()) break;
    cursor = text(p.obj().at("next_cursor"));
  }
  EXPECT_EQ(static_cast<std::int64_t>(seen.size()), c.at("installed").as_int64());
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  for (const auto& v : vehicles) EXPECT_NE(std::find(seen.begin(), seen.end(), v), seen.end());

  auto moving = get("/api/v1/telematics/fleet?status=moving&limit=200", staff.token);
  ASSERT_EQ(moving.status, 200);
  for (const auto& v : moving.obj().at("items").as_array()) EXPECT_TRUE(v.as_object().at("moving").as_bool());
  EXPECT_EQ(static_cast<std::int64_t>(moving.obj().at("items").as_array().size()), c.at("moving").as_int64());
  auto wrong = get("/api/v1/telematics/fleet?status=flying", staff.token);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_TRUE(wrong.names_field("status"));
  EXPECT_EQ(get("/api/v1/telematics/fleet?after=xyz", staff.token).status, 400);
  EXPECT_EQ(get("/api/v1/telematics/fleet", customer().token).status, 403);
}

TEST(Partitions, PositionsLandInMonthlyPartitionsCreatedAheadAndOldMonthsDetach) {
  world().app().maintain_partitions();
  auto c = raw_db();
  auto names = [&] {
    pqxx::read_transaction tx(c);
    std::vector<std::string> out;
    for (const auto& r : tx.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                 "WHERE i.inhparent = 'positions'::regclass ORDER BY 1"))
      out.push_back(r[0].as<std::string>());
    return out;
  };
  const auto now = world().clock->now();
  const year_month_day ymd{floor<days>(now)};
  char this_month[32], ahead[32];
  std::snprintf(this_month, sizeof this_month, "positions_%04d_%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
  const year_month_day in3{(year_month{ymd.year(), ymd.month()} + months(3)) / day(1)};
  std::snprintf(ahead, sizeof ahead, "positions_%04d_%02u", static_cast<int>(in3.year()), static_cast<unsigned>(in3.month()));
  auto before = names();
  EXPECT_NE(std::find(before.begin(), before.end(), this_month), before.end());
  EXPECT_NE(std::find(before.begin(), before.end(), ahead), before.end());
  EXPECT_NE(std::find(before.begin(), before.end(), "positions_default"), before.end());

  // A fix from a month with no partition lands in the default one; creating its month moves it.
  auto [tracker, vehicle] = installed_tracker(unique_imei(), "http");
  const auto token = token_for(tracker);
  ASSERT_EQ(post_batch(token, R"({"positions":[{"time":"2019-03-05T10:00:00Z","lat":0.3,"lon":32.5}]})").status, 200);
  {
    pqxx::read_transaction tx(c);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions_default WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 1);
  }
  {
    pqxx::work tx(c);
    EXPECT_EQ(tx.exec1("SELECT ensure_position_partitions('2019-03-01', 1)")[0].as<int>(), 1);
    tx.commit();
  }
  {
    pqxx::read_transaction tx(c);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions_default WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 0);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions_2019_03 WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 1);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 1);
  }
  {  // Detached for archiving: no longer in positions, still a table.
    pqxx::work tx(c);
    auto r = tx.exec("SELECT detach_position_partitions('2019-04-01T00:00:00Z')");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0][0].as<std::string>(), "positions_2019_03");
    tx.commit();
  }
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 0);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM positions_2019_03 WHERE tracker_id = $1::uuid", tracker)[0].as<int>(), 1);
}
