#include "fixture.hpp"

#include <rto/testing/service.hpp>

#include <atomic>
#include <cstdlib>
#include <random>
#include <rto/crypto.hpp>

std::vector<rto::db::Migration> embedded_migrations();

namespace it {

namespace {
World* g_world = nullptr;

const char* kAdminPhone = "+256701000001";
const char* kAdminPassword = "Admin-Pass-2026";

std::mt19937_64& rng() {
  static thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}
}  // namespace

World& world() { return *g_world; }

user_service::UserConfig test_config(const std::string& database_url) {
  user_service::UserConfig c;
  c.common = rto::testing::service_common("user-service", database_url, 4);
  std::string key(32, '\0');
  for (auto& ch : key) ch = static_cast<char>(rng()() & 0xFF);
  c.encryption_key = rto::crypto::base64_encode(key);
  c.admin_phone = kAdminPhone;
  c.admin_password = kAdminPassword;
  c.default_region = "UG";
  c.password_hash_profile = "minimal";
  c.password_cost = rto::crypto::PasswordCost::minimal();
  return c;
}

void World::SetUp() {
  db = std::make_unique<rto::testing::TempDatabase>("user_it");
  clock = std::make_shared<rto::ManualClock>();
  config = test_config(db->url());
  service = std::make_unique<rto::Service>(config.common);
  app = user_service::install(*service, config, clock, embedded_migrations(), {.background_jobs = false});
}

void World::TearDown() {
  app.reset();
  service.reset();
  db.reset();
}

Reply call(Method m, std::string_view target, std::string_view body, const std::string& token) {
  return rto::testing::dispatch(*world().service, m, target, body, token);
}

Reply call_json(Method m, std::string_view target, const js::value& body, const std::string& token) {
  return call(m, target, js::serialize(body), token);
}
Reply get(std::string_view target, const std::string& token) { return call(Method::Get, target, {}, token); }
Reply post(std::string_view target, const js::value& body, const std::string& token) {
  return call_json(Method::Post, target, body, token);
}

std::string unique_phone() { return rto::testing::unique_phone(); }

std::string unique_national_id() {
  static const char* alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  std::string s = "CM";
  for (int i = 0; i < 12; ++i) s += alnum[rng()() % 34];
  return s;
}

Account register_account(const std::string& full_name) {
  Account a;
  a.phone = unique_phone();
  a.password = "Rider-" + rto::crypto::random_token(9);
  auto r = post("/api/v1/auth/register", {{"phone", a.phone}, {"password", a.password}, {"full_name", full_name}});
  if (r.status != 201) throw std::runtime_error("register failed: " + std::to_string(r.status) + " " + r.body);
  const auto& o = r.json.as_object();
  a.id = std::string(o.at("user").as_object().at("id").as_string());
  a.access_token = std::string(o.at("tokens").as_object().at("access_token").as_string());
  a.refresh_token = std::string(o.at("tokens").as_object().at("refresh_token").as_string());
  return a;
}

Reply login(const std::string& phone, const std::string& password) {
  return post("/api/v1/auth/login", {{"phone", phone}, {"password", password}});
}

std::string admin_token() {
  auto r = login(kAdminPhone, kAdminPassword);
  if (r.status != 200) throw std::runtime_error("admin login failed: " + r.body);
  return r.str("access_token");
}

Account account_with_roles(const std::vector<std::string>& roles) {
  auto a = register_account("Staff Member");
  js::array rs;
  for (const auto& r : roles) rs.emplace_back(r);
  auto put = call_json(Method::Put, "/api/v1/users/" + a.id + "/roles", js::object{{"roles", rs}}, admin_token());
  if (put.status != 200) throw std::runtime_error("set roles failed: " + put.body);
  auto l = login(a.phone, a.password);
  a.access_token = l.str("access_token");
  a.refresh_token = l.str("refresh_token");
  return a;
}

pqxx::connection raw_db() { return pqxx::connection(world().db->url()); }

}  // namespace it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::g_world = new it::World;
  ::testing::AddGlobalTestEnvironment(it::g_world);  // gtest owns it
  return RUN_ALL_TESTS();
}
