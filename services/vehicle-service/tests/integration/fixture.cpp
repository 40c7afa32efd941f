#include "fixture.hpp"

#include <rto/testing/service.hpp>

#include <cstdlib>
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

vehicle_service::VehicleConfig test_config(const std::string& database_url, const std::filesystem::path& image_dir) {
  vehicle_service::VehicleConfig c;
  c.common = rto::testing::service_common("vehicle-service", database_url, 6);
  c.image_dir = image_dir.string();
  c.facet_cache_ttl = std::chrono::milliseconds(2000);
  c.search_cache_ttl = std::chrono::milliseconds(0);
  return c;
}

void World::SetUp() {
  db = std::make_unique<rto::testing::TempDatabase>("vehicle_it");
  image_dir = std::filesystem::temp_directory_path() / rto::testing::unique_name("vehicle_images");
  clock = std::make_shared<rto::ManualClock>();
  auto config = test_config(db->url(), image_dir);
  service = std::make_unique<rto::Service>(config.common);
  vehicle_service::InstallOptions opts;
  opts.background_jobs = false;
  opts.consume_events = false;
  app = vehicle_service::install(*service, config, clock, embedded_migrations(), opts);
}

void World::TearDown() {
  app.reset();
  service.reset();
  db.reset();
  std::error_code ec;
  std::filesystem::remove_all(image_dir, ec);
}

Reply call(Method m, std::string_view target, std::string_view body, const std::string& token,
           std::vector<std::pair<std::string, std::string>> headers) {
  return call_on(*world().service, m, target, body, token, std::move(headers));
}

Reply call_on(rto::Service& service, Method m, std::string_view target, std::string_view body, const std::string& token,
              std::vector<std::pair<std::string, std::string>> headers) {
  return rto::testing::dispatch(service, m, target, body, token, headers);
}

Reply get(std::string_view target, const std::string& token) { return call(Method::Get, target, {}, token); }
Reply post(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Post, target, js::serialize(body), token);
}
Reply patch(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Patch, target, js::serialize(body), token);
}

Actor actor(std::vector<std::string> roles) {
  Actor a;
  a.id = rto::crypto::uuid_v4();
  a.token = world().service->tokens().issue_access(a.id, roles);
  return a;
}
Actor dealer() { return actor({"dealer"}); }
Actor admin() { return actor({"admin"}); }
Actor customer() { return actor({"customer"}); }
std::string service_token(const std::string& service) { return world().service->tokens().issue_service(service, "vehicle-service"); }

std::string unique_word(std::string_view prefix) {
  std::string s(prefix);
  for (int i = 0; i < 8; ++i) s += static_cast<char>('a' + rng()() % 26);
  return s;
}

std::string unique_vin() {
  static const char* alnum = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
  std::string s = "T";
  for (int i = 0; i < 16; ++i) s += alnum[rng()() % 33];
  return s;
}

js::object listing(const js::object& overrides) {
  js::object o = js::parse(R"({
    "category": "motorcycle", "make": "Bajaj", "model": "Boxer BM150", "year": 2023,
    "condition": "used", "fuel": "petrol", "engine_cc": 145, "mileage_km": 12000, "colour": "red",
    "price": {"amount": 5400000, "currency": "UGX"},
    "location": {"city": "Kampala", "branch": "Ntinda", "latitude": 0.3476, "longitude": 32.5825},
    "description": "Serviced boda-boda, ready for work", "tracker_ready": true
  })").as_object();
  o["vin"] = unique_vin();
  for (const auto& kv : overrides) o[kv.key()] = kv.value();
  return o;
}

std::string create_draft(const Actor& d, const js::object& overrides) {
  auto r = post("/api/v1/vehicles", listing(overrides), d.token);
  if (r.status != 201) throw std::runtime_error("create failed: " + std::to_string(r.status) + " " + r.body);
  return r.str("id");
}

Reply upload_image(const std::string& vehicle, const std::string& token, const std::string& bytes,
                   const std::string& content_type) {
  return call(Method::Post, "/api/v1/vehicles/" + vehicle + "/images", bytes, token, {{"Content-Type", content_type}});
}

void publish(const Actor& d, const std::string& id) {
  auto s = post("/api/v1/vehicles/" + id + "/submit", js::object{}, d.token);
  if (s.status != 200) throw std::runtime_error("submit failed: " + s.body);
  static const Actor reviewer = admin();
  auto a = post("/api/v1/vehicles/" + id + "/approve", js::object{}, reviewer.token);
  if (a.status != 200) throw std::runtime_error("approve failed: " + a.body);
}

std::string create_available(const Actor& d, const js::object& overrides) {
  auto id = create_draft(d, overrides);
  auto img = upload_image(id, d.token);
  if (img.status != 201) throw std::runtime_error("image upload failed: " + std::to_string(img.status) + " " + img.body);
  publish(d, id);
  return id;
}

pqxx::connection raw_db() { return pqxx::connection(world().db->url()); }

std::vector<js::object> outbox_events(const std::string& type, const std::string& subject) {
  return rto::testing::outbox_events(world().db->url(), type, subject);
}

}  // namespace it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::g_world = new it::World;
  ::testing::AddGlobalTestEnvironment(it::g_world);  // gtest owns it
  return RUN_ALL_TESTS();
}
