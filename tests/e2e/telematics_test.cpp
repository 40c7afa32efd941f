// The telematics service end to end: a fake GT06 device connects over TCP to the running
// service (GT06 port of the test platform), logs in and reports a position; staff see it
// through the gateway, byte-exact acknowledgements on the way.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <random>
#include <thread>

#include "support.hpp"

namespace js = boost::json;
using namespace std::chrono;

namespace {

// E2E_GT06_PORT, else derived from the gateway's test port (both move with RTO_PORT_SHIFT).
std::uint16_t gt06_port() {
  if (const char* p = std::getenv("E2E_GT06_PORT"); p && *p) return static_cast<std::uint16_t>(std::atoi(p));
  const auto url = e2e::gateway_url();
  const int gw = std::atoi(url.substr(url.rfind(':') + 1).c_str());
  return static_cast<std::uint16_t>(gw - 18080 + 15023);
}

class Device {
 public:
  explicit Device(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
  }
  ~Device() { ::close(fd_); }
  void write(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }
  std::string read(std::size_t n, milliseconds timeout = 5000ms) {
    std::string out;
    auto until = steady_clock::now() + timeout;
    while (out.size() < n && steady_clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buf[256];
      auto got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
      if (got <= 0) break;
      out.append(buf, static_cast<std::size_t>(got));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

std::uint16_t crc_x25(std::string_view b) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char c : b)
    for (int i = 0; i < 8; ++i) {
      const bool bit = ((crc ^ (c >> i)) & 1) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1);
      if (bit) crc ^= 0x8408;
    }
  return static_cast<std::uint16_t>(crc ^ 0xFFFF);
}
std::string be16(unsigned v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string be32(std::uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }

std::string frame(std::uint8_t proto, const std::string& content, unsigned serial) {
  std::string body;
  body.push_back(static_cast<char>(1 + content.size() + 4));
  body.push_back(static_cast<char>(proto));
  body += content + be16(serial);
  return "\x78\x78" + body + be16(crc_x25(body)) + "\x0d\x0a";
}

std::string login(const std::string& imei) {
  std::string digits = "0" + imei, bcd;
  for (std::size_t i = 0; i < 16; i += 2) bcd.push_back(static_cast<char>((digits[i] - '0') << 4 | (digits[i + 1] - '0')));
  return frame(0x01, bcd, 1);
}

std::string location(double lat, double lon, int speed, system_clock::time_point t, unsigned serial) {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss hms{floor<seconds>(t - day)};
  std::string b{static_cast<char>(static_cast<int>(ymd.year()) - 2000), static_cast<char>(static_cast<unsigned>(ymd.month())),
                static_cast<char>(static_cast<unsigned>(ymd.day())), static_cast<char>(hms.hours().count()),
                static_cast<char>(hms.minutes().count()), static_cast<char>(hms.seconds().count())};
  b.push_back(static_cast<char>(0xC9));
  b += be32(static_cast<std::uint32_t>(std::abs(lat) * 1800000.0 + 0.5));
  b += be32(static_cast<std::uint32_t>(std::abs(lon) * 1800000.0 + 0.5));
  b.push_back(static_cast<char>(speed));
  unsigned flags = 0x1000 | 0x4000;  // fixed, ACC reported (off)
  if (lat >= 0) flags |= 0x0400;
  b += be16(flags);
  b += be16(641) + std::string("\x0a", 1) + be16(0x1234) + std::string("\x00\x56\x78", 3);
  return frame(0x12, b, serial);
}

// The online command a GT06 device receives (0x80): its server flag and text.
struct Command {
  std::uint32_t flag = 0;
  std::string text;
};
std::optional<Command> read_command(Device& d, milliseconds timeout = 10s) {
  auto head = d.read(3, timeout);
  if (head.size() < 3 || head[0] != '\x78' || head[1] != '\x78') return std::nullopt;
  auto rest = d.read(static_cast<unsigned char>(head[2]) + 4u);
  if (rest.size() < 6 || static_cast<unsigned char>(rest[0]) != 0x80) return std::nullopt;
  const auto len = static_cast<unsigned char>(rest[1]);  // server flag + command
  Command c;
  for (int i = 0; i < 4; ++i) c.flag = c.flag << 8 | static_cast<unsigned char>(rest[2 + i]);
  c.text = rest.substr(6, len - 4u);
  return c;
}

std::string reply(const Command& c, const std::string& text, unsigned serial) {
  return frame(0x15, std::string(1, static_cast<char>(4 + text.size())) + be32(c.flag) + text + be16(2), serial);
}

std::string lock_state(e2e::Api& api, const std::string& vehicle, const std::string& staff) {
  auto r = api.get("/api/v1/telematics/vehicles/" + vehicle + "/lock", staff);
  return r.status == 200 ? e2e::str(r, "state") : "http " + std::to_string(r.status);
}

std::string wait_lock_state(e2e::Api& api, const std::string& vehicle, const std::string& staff, const std::string& want,
                            milliseconds within = 10s) {
  std::string s;
  for (auto until = steady_clock::now() + within; steady_clock::now() < until; std::this_thread::sleep_for(100ms))
    if ((s = lock_state(api, vehicle, staff)) == want) break;
  return s;
}

std::string unique_imei() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string s = "86";
  for (int i = 0; i < 12; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  int sum = 0;
  for (std::size_t i = 0; i < 14; ++i) {
    int d = s[i] - '0';
    if (i % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  s.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return s;
}

}  // namespace

TEST(Telematics, Gt06DeviceReportsThroughTheServiceAndStaffSeeThePositionThroughTheGateway) {
  e2e::Api api;
  const auto admin = e2e::admin_token(api);
  ASSERT_FALSE(admin.empty());
  const auto imei = unique_imei();
  auto reg = api.post("/api/v1/telematics/trackers",
                      js::object{{"imei", imei}, {"protocol", "gt06"}, {"phone", e2e::unique_phone()}, {"model", "GT06N"}},
                      admin);
  ASSERT_EQ(reg.status, 201) << reg.body;
  const auto tracker = e2e::str(reg, "id");
  // The vehicle service is asked: an id it does not know is refused, a listed vehicle is taken.
  auto unknown = api.post("/api/v1/telematics/trackers/" + tracker + "/install",
                          js::object{{"vehicle_id", "7e1e5a3c-0000-4000-8000-" + imei.substr(3, 12)}}, admin);
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  const auto dealer = e2e::account_with_role(api, admin, "dealer");
  const auto vehicle_id = e2e::available_vehicle(api, admin, dealer.access_token, "Bajaj", "Boxer 150", 5'200'000'00);
  auto inst = api.post("/api/v1/telematics/trackers/" + tracker + "/install", js::object{{"vehicle_id", vehicle_id}}, admin);
  ASSERT_EQ(inst.status, 200) << inst.body;

  Device d(gt06_port());
  d.write(login(imei));
  EXPECT_EQ(d.read(10), frame(0x01, "", 1));
  const auto t = floor<seconds>(system_clock::now());
  d.write(location(0.3476, 32.5825, 24, t, 2));
  EXPECT_EQ(d.read(10), frame(0x12, "", 2));

  e2e::Reply pos;
  for (int i = 0; i < 100; ++i) {
    pos = api.get("/api/v1/telematics/vehicles/" + vehicle_id + "/position", admin);
    if (pos.status == 200) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(pos.status, 200) << pos.body;
  const auto& o = pos.json.as_object();
  EXPECT_NEAR(o.at("position").as_object().at("lat").as_double(), 0.3476, 1e-5);
  EXPECT_NEAR(o.at("position").as_object().at("lon").as_double(), 32.5825, 1e-5);
  EXPECT_EQ(o.at("speed_kmh").as_double(), 24);
  EXPECT_TRUE(o.at("online").as_bool());
  EXPECT_EQ(e2e::str(pos, "tracker_id"), tracker);

  // A customer with no plan on this vehicle sees nothing; no token is refused at the edge.
  auto rider = e2e::register_customer(api);
  EXPECT_EQ(api.get("/api/v1/telematics/vehicles/" + vehicle_id + "/position", rider.access_token).status, 404);
  EXPECT_EQ(api.get("/api/v1/telematics/vehicles/" + vehicle_id + "/position").status, 401);
}

// The immobiliser through the whole platform: a plan goes overdue → the lock is pending and the
// rider warned on their `me` channel → it waits while the vehicle moves → the engine cut reaches
// the device once it has stopped → acknowledged, locked → the rider pays off the plan → the
// engine is restored at once → a completed plan can never be locked again.
TEST(Telematics, AnOverduePlanImmobilisesTheStoppedVehicleAndPayingMobilisesItAtOnce) {
  e2e::Api api;
  const auto admin = e2e::admin_token(api);
  auto plan = e2e::pending_plan(api);
  const auto imei = unique_imei();
  auto reg = api.post("/api/v1/telematics/trackers",
                      js::object{{"imei", imei}, {"protocol", "gt06"}, {"phone", e2e::unique_phone()}, {"model", "GT06N"}},
                      admin);
  ASSERT_EQ(reg.status, 201) << reg.body;
  auto inst = api.post("/api/v1/telematics/trackers/" + e2e::str(reg, "id") + "/install",
                       js::object{{"vehicle_id", plan.vehicle_id}}, admin);
  ASSERT_EQ(inst.status, 200) << inst.body;
  auto deposit = e2e::internal_payment(plan.reference, plan.deposit, "MP" + imei.substr(0, 12));
  ASSERT_LT(deposit.status, 300) << deposit.body;

  rto::testing::WsClient ws;
  ASSERT_EQ(e2e::realtime_connect(ws, plan.customer.access_token), 101);
  ASSERT_TRUE(e2e::subscribed(ws, "me"));

  Device d(gt06_port());
  unsigned serial = 1;
  d.write(login(imei));
  ASSERT_EQ(d.read(10), frame(0x01, "", 1));
  d.write(location(0.3476, 32.5825, 40, floor<seconds>(system_clock::now()), ++serial));
  ASSERT_EQ(d.read(10), frame(0x12, "", serial));

  // Ten days on, nothing paid: the ledger requires the lock; the vehicle is moving, so it waits.
  auto run = e2e::run_delinquency(e2e::local_date_in(10));
  ASSERT_LT(run.status, 300) << run.body;
  ASSERT_EQ(wait_lock_state(api, plan.vehicle_id, admin, "pending"), "pending");
  auto warned = e2e::wait_event(ws, [&](const js::object& e) { return e.at("type").as_string() == "telematics.lock.pending"; });
  ASSERT_FALSE(warned.empty()) << "the rider was not warned on the me channel";
  EXPECT_EQ(warned.at("event").at("data").at("vehicle_id").as_string(), plan.vehicle_id);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(lock_state(api, plan.vehicle_id, admin), "pending");  // moving: no command yet

  // It stops, ignition off; once stopped for LOCK_STOPPED_MS (2 s on the test platform) the job
  // sends the engine cut. (A second later than the moving fix: one per second and tracker is kept.)
  d.write(location(0.3477, 32.5826, 0, floor<seconds>(system_clock::now()) + 1s, ++serial));
  ASSERT_EQ(d.read(10), frame(0x12, "", serial));
  auto cut = read_command(d);
  ASSERT_TRUE(cut) << "no engine-cut command reached the device";
  EXPECT_EQ(cut->text, "Relay,1#");
  d.write(reply(*cut, "Relay,1 OK", ++serial));
  EXPECT_EQ(wait_lock_state(api, plan.vehicle_id, admin, "locked"), "locked");
  auto locked = api.get("/api/v1/telematics/vehicles/" + plan.vehicle_id + "/lock", plan.customer.access_token);
  ASSERT_EQ(locked.status, 200) << locked.body;  // the rider sees their own vehicle's lock
  EXPECT_EQ(e2e::str(locked, "state"), "locked");

  // The rider pays the payoff quote: the plan completes and the engine is restored at once.
  auto quote = api.get("/api/v1/plans/" + plan.id + "/payoff-quote", plan.customer.access_token);
  ASSERT_EQ(quote.status, 200) << quote.body;
  const auto payoff = quote.json.at("amount").at("amount").to_number<std::int64_t>();
  auto paid = e2e::internal_payment(plan.reference, payoff, "MP" + imei.substr(2, 12));
  ASSERT_LT(paid.status, 300) << paid.body;
  auto restore = read_command(d);
  ASSERT_TRUE(restore) << "no engine-restore command reached the device";
  EXPECT_EQ(restore->text, "Relay,0#");
  d.write(reply(*restore, "Relay,0 OK", ++serial));
  EXPECT_EQ(wait_lock_state(api, plan.vehicle_id, admin, "unlocked"), "unlocked");

  // The owner's vehicle can never be locked again by the platform.
  const auto officer = e2e::account_with_role(api, admin, "credit_officer");
  auto again = api.post("/api/v1/telematics/vehicles/" + plan.vehicle_id + "/lock", js::object{{"reason", "test after payoff"}},
                        officer.access_token);
  EXPECT_EQ(again.status, 409) << again.body;
}
