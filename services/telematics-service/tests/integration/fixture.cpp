#include "fixture.hpp"

#include <rto/testing/service.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <thread>
#include <random>
#include <rto/crypto.hpp>

std::vector<rto::db::Migration> embedded_migrations();

namespace it {

namespace {
World* g_world = nullptr;
std::mt19937_64& rng() {
  static thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}
}  // namespace

World& world() { return *g_world; }

telematics::TelematicsConfig test_config(const std::string& database_url) {
  telematics::TelematicsConfig c;
  c.common = rto::testing::service_common("telematics-service", database_url, 6);
  c.gt06_port = 0;  // set below: a free port
  c.lock_rules.grace = std::chrono::minutes(5);
  c.lock_rules.stopped_for = std::chrono::seconds(60);
  // A fix from before the grace period still counts as recent, so a test may stop reporting (a
  // device gone offline) and still see the lock go out.
  c.lock_rules.max_fix_age = std::chrono::minutes(10);
  c.position_event_interval = std::chrono::milliseconds(0);
  return c;
}

void World::add_vehicle(const std::string& id) {
  std::lock_guard lk(vehicles_mu);
  vehicles.insert(id);
}

void World::SetUp() {
  db = std::make_unique<rto::testing::TempDatabase>("telematics_it");
  clock = std::make_shared<rto::ManualClock>();
  auto config = test_config(db->url());
  {
    auto c = config.common;
    c.service = "vehicle-service";
    vehicle_service = std::make_unique<rto::Service>(c);
    vehicle_service->router().get("/internal/vehicles/{id}", rto::http::Access::service(), [this](rto::http::Request& req) {
      std::lock_guard lk(vehicles_mu);
      if (!vehicles.count(std::string(req.param("id")))) throw rto::NotFound("no vehicle with this id");
      return rto::http::Response::json(js::object{{"id", std::string(req.param("id"))}, {"status", "available"}});
    });
    config.vehicle_service_url = "http://127.0.0.1:" + std::to_string(vehicle_service->start_in_background());
  }
  service = std::make_unique<rto::Service>(config.common);
  telematics::InstallOptions opts;
  opts.background_jobs = false;
  opts.consume_events = false;
  opts.device_listeners = false;
  installed = telematics::install(*service, config, clock, embedded_migrations(), opts);
  // The GT06 listener on any free port.
  installed.gt06 = std::make_shared<telematics::Gt06Listener>(installed.app, "127.0.0.1", 0, 100, std::chrono::seconds(30));
  installed.gt06_port = installed.gt06->start();
  installed.teltonika =
      std::make_shared<telematics::TeltonikaListener>(installed.app, "127.0.0.1", 0, 100, std::chrono::seconds(30));
  installed.teltonika_port = installed.teltonika->start();
  installed.osmand = std::make_shared<telematics::OsmandListener>(installed.app, "127.0.0.1", 0);
  installed.osmand_port = installed.osmand->start();
}

void World::TearDown() {
  installed.gt06.reset();
  installed.teltonika.reset();
  installed.osmand.reset();
  installed.app.reset();
  service.reset();
  if (vehicle_service) vehicle_service->stop();
  vehicle_service.reset();
  db.reset();
}

rto::http::ClientResponse osmand_request(rto::http::Method m, std::string_view target, std::string_view body,
                                         std::string_view content_type) {
  static rto::http::Client client("http://127.0.0.1:" + std::to_string(world().installed.osmand_port));
  rto::http::Headers h;
  if (!content_type.empty()) h.set("Content-Type", std::string(content_type));
  return client.send(m, target, h, body);
}

Reply call(Method m, std::string_view target, std::string_view body, const std::string& token,
           std::vector<std::pair<std::string, std::string>> headers) {
  return rto::testing::dispatch(*world().service, m, target, body, token, headers);
}
Reply get(std::string_view target, const std::string& token) { return call(Method::Get, target, {}, token); }
Reply post(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Post, target, js::serialize(body), token);
}

Actor actor(std::vector<std::string> roles) {
  Actor a;
  a.id = rto::crypto::uuid_v4();
  a.token = world().service->tokens().issue_access(a.id, roles);
  return a;
}
Actor admin() { return actor({"admin"}); }
Actor customer() { return actor({"customer"}); }
std::string uuid() { return rto::crypto::uuid_v4(); }

std::string unique_imei() {
  std::string s = "35";
  for (int i = 0; i < 12; ++i) s.push_back(static_cast<char>('0' + rng()() % 10));
  int sum = 0;
  for (std::size_t i = 0; i < 14; ++i) {
    int d = s[i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  s.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return s;
}

std::pair<std::string, std::string> installed_tracker(const std::string& imei, const std::string& protocol) {
  static const Actor installer = admin();
  auto r = post("/api/v1/telematics/trackers",
                js::object{{"imei", imei}, {"protocol", protocol}, {"phone", "+256772123456"}, {"model", "GT06N"}},
                installer.token);
  if (r.status != 201) throw std::runtime_error("register failed: " + r.body);
  auto vehicle = uuid();
  world().add_vehicle(vehicle);
  auto i = post("/api/v1/telematics/trackers/" + r.str("id") + "/install", js::object{{"vehicle_id", vehicle}},
                installer.token);
  if (i.status != 200) throw std::runtime_error("install failed: " + i.body);
  return {r.str("id"), vehicle};
}

Device::Device(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
}
Device::~Device() { ::close(fd_); }
void Device::write(const std::string& bytes) {
  if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size()))
    throw std::runtime_error("send failed");
}
std::string Device::read(std::size_t n, std::chrono::milliseconds timeout) {
  std::string out;
  auto until = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n && std::chrono::steady_clock::now() < until) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buf[512];
    auto got = ::recv(fd_, buf, std::min(sizeof buf, n - out.size()), 0);
    if (got <= 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  return out;
}
bool Device::closed_by_peer(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    char buf[512];
    if (::recv(fd_, buf, sizeof buf, 0) <= 0) return true;
  }
  return false;
}

namespace {
std::uint16_t test_crc(std::string_view b) {
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
}  // namespace

std::string gt06_frame(std::uint8_t proto, const std::string& content, unsigned serial) {
  std::string body;
  body.push_back(static_cast<char>(1 + content.size() + 4));
  body.push_back(static_cast<char>(proto));
  body += content + be16(serial);
  return "\x78\x78" + body + be16(test_crc(body)) + "\x0d\x0a";
}

std::string gt06_login(const std::string& imei, unsigned serial) {
  std::string digits = "0" + imei, bcd;
  for (std::size_t i = 0; i < 16; i += 2) bcd.push_back(static_cast<char>((digits[i] - '0') << 4 | (digits[i + 1] - '0')));
  return gt06_frame(0x01, bcd, serial);
}

std::string gt06_location(double lat, double lon, int speed, std::chrono::system_clock::time_point t,
                          std::optional<bool> ignition, unsigned serial) {
  using namespace std::chrono;
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
  unsigned flags = 0x1000;
  if (lat >= 0) flags |= 0x0400;
  if (lon < 0) flags |= 0x0800;
  if (ignition) flags |= 0x4000 | (*ignition ? 0x8000 : 0);
  b += be16(flags);
  b += be16(641) + std::string("\x0a", 1) + be16(0x1234) + std::string("\x00\x56\x78", 3);
  return gt06_frame(0x12, b, serial);
}

std::string gt06_reply(std::uint32_t server_flag, const std::string& text, unsigned serial) {
  return gt06_frame(0x15, std::string(1, static_cast<char>(4 + text.size())) + be32(server_flag) + text + be16(2), serial);
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    world().app().flush_ingest();
    if (pred()) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

pqxx::connection raw_db() { return pqxx::connection(world().db->url()); }

std::vector<js::object> outbox_events(const std::string& type, const std::string& subject) {
  return rto::testing::outbox_events(world().db->url(), type, subject);
}

void deliver(const std::string& type, const js::object& data) {
  rto::events::Received e;
  e.id = uuid();
  e.type = type;
  e.source = "payment-service";
  e.data = data;
  world().app().db().transact([&](pqxx::work& tx) { world().app().on_payment_event(tx, e); });
}

}  // namespace it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::g_world = new it::World;
  ::testing::AddGlobalTestEnvironment(it::g_world);
  return RUN_ALL_TESTS();
}
