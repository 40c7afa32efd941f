#include "support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <boost/url/parse.hpp>

#include "rto/auth.hpp"
#include "rto/clock.hpp"
#include "rto/crypto.hpp"
#include "rto/testing.hpp"

namespace e2e {
namespace js = boost::json;

std::string env_or(const char* name, const char* def) {
  const char* v = std::getenv(name);
  return v && *v ? v : def;
}

std::string gateway_url() { return env_or("E2E_GATEWAY_URL", "http://127.0.0.1:18080"); }
std::string user_url() { return env_or("E2E_USER_URL", "http://127.0.0.1:18081"); }
std::string payment_url() { return env_or("E2E_PAYMENT_URL", "http://127.0.0.1:18084"); }
std::string sim_url() { return env_or("E2E_SIM_URL", "http://127.0.0.1:18095"); }

int realtime_connect(rto::testing::WsClient& c, const std::string& token) {
  const std::string url = gateway_url();  // the parsed view points into it
  auto u = boost::urls::parse_uri(url).value();
  rto::http::Headers h;
  h.set("X-Forwarded-For", unique_ip());
  if (!token.empty()) h.set("Authorization", "Bearer " + token);
  return c.connect(std::string(u.host()), static_cast<std::uint16_t>(std::stoi(std::string(u.port()))),
                   "/api/v1/realtime", h);
}

bool subscribed(rto::testing::WsClient& c, std::string_view channel) {
  namespace js = boost::json;
  c.send(js::serialize(js::object{{"op", "subscribe"}, {"channel", channel}}));
  for (int i = 0; i < 5; ++i) {
    auto text = c.receive(std::chrono::seconds(5));
    if (!text) return false;
    auto f = js::parse(*text).as_object();
    if (f.at("type").as_string() == "subscribed") return true;
    if (f.at("type").as_string() == "error") return false;
  }
  return false;
}

boost::json::object wait_event(rto::testing::WsClient& c, const std::function<bool(const boost::json::object&)>& pred,
                               std::chrono::milliseconds timeout) {
  namespace js = boost::json;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto text = c.receive(std::max(left, std::chrono::milliseconds(1)));
    if (!text) return {};
    auto f = js::parse(*text).as_object();
    if (f.at("type").as_string() == "event" && pred(f.at("event").as_object())) return f;
  }
  return {};
}

std::string service_token() {
  // The payment service's operations hooks take "operations" as their caller.
  static const rto::auth::Tokens tokens(rto::auth::AccessKeys::parse("", secrets().at("JWT_PUBLIC_KEYS")),
                                        secrets().at("SERVICE_TOKEN_SECRET"));
  return tokens.issue_service("operations", "payment-service");
}

static std::map<std::string, std::string> read_env_file(const char* variable, const char* def) {
  std::map<std::string, std::string> out;
  std::ifstream in(env_or(variable, def));
  if (!in) throw std::runtime_error(std::string(variable) + " not readable");
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || line.starts_with('#')) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    out[line.substr(0, eq)] = v;
  }
  return out;
}

const std::map<std::string, std::string>& secrets() {
  static const auto values = read_env_file("E2E_SECRETS_FILE", ".data/test/secrets.env");
  return values;
}

const std::map<std::string, std::string>& infra() {
  static const auto values = read_env_file("E2E_INFRA_FILE", ".data/test/infra.env");
  return values;
}

static std::mt19937_64& rng() {
  static thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}

std::string unique_phone() { return rto::testing::unique_phone(); }

std::string unique_ip() {
  auto r = rng()();
  return "10." + std::to_string((r >> 8) % 250 + 1) + "." + std::to_string((r >> 16) % 250 + 1) + "." +
         std::to_string((r >> 24) % 250 + 1);
}

std::string Reply::content_type() const {
  auto v = headers.get("Content-Type");
  return v ? std::string(*v) : std::string();
}

Api::Api(std::string base_url) : ip(unique_ip()), client_(base_url) {}

Reply Api::call(rto::http::Method m, std::string_view target, std::string_view body, rto::http::Headers headers) {
  if (!body.empty() && !headers.contains("Content-Type")) headers.set("Content-Type", "application/json");
  if (!ip.empty() && !headers.contains("X-Forwarded-For")) headers.set("X-Forwarded-For", ip);
  auto r = client_.send(m, target, headers, body);
  Reply out{r.status, std::move(r.headers), std::move(r.body), nullptr};
  boost::system::error_code ec;
  auto v = js::parse(out.body, ec);
  if (!ec) out.json = std::move(v);
  return out;
}

static rto::http::Headers bearer(const std::string& token) {
  rto::http::Headers h;
  if (!token.empty()) h.set("Authorization", "Bearer " + token);
  return h;
}

Reply Api::get(std::string_view target, const std::string& token) { return call(rto::http::Method::Get, target, {}, bearer(token)); }
Reply Api::post(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Post, target, js::serialize(body), bearer(token));
}
Reply Api::patch(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Patch, target, js::serialize(body), bearer(token));
}
Reply Api::put(std::string_view target, const js::value& body, const std::string& token) {
  return call(rto::http::Method::Put, target, js::serialize(body), bearer(token));
}

Account register_customer(Api& api) {
  Account a;
  a.phone = unique_phone();
  a.password = "Rider-" + rto::crypto::random_token(9);
  auto r = api.post("/api/v1/auth/register", {{"phone", a.phone}, {"password", a.password}, {"full_name", "Test Rider"}});
  if (r.status != 201) throw std::runtime_error("register failed: " + std::to_string(r.status) + " " + r.body);
  const auto& o = r.json.as_object();
  a.id = std::string(o.at("user").as_object().at("id").as_string());
  a.access_token = std::string(o.at("tokens").as_object().at("access_token").as_string());
  a.refresh_token = std::string(o.at("tokens").as_object().at("refresh_token").as_string());
  return a;
}

std::string str(const Reply& r, std::string_view key) {
  if (!r.json.is_object()) return {};
  auto* v = r.json.as_object().if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string sign_in(Api& api, const std::string& phone, const std::string& password) {
  auto r = api.post("/api/v1/auth/login", {{"phone", phone}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.body;
  return str(r, "access_token");
}

std::string admin_token(Api& api) { return sign_in(api, secrets().at("ADMIN_PHONE"), secrets().at("ADMIN_PASSWORD")); }

Account account_with_role(Api& api, const std::string& admin, const std::string& role) {
  auto a = register_customer(api);
  auto r = api.put("/api/v1/users/" + a.id + "/roles", {{"roles", boost::json::array{boost::json::string(role)}}}, admin);
  EXPECT_EQ(r.status, 200) << r.body;
  a.access_token = sign_in(api, a.phone, a.password);
  return a;
}

std::string unique_national_id() {
  std::string nid = "CM";
  for (char c : rto::crypto::uuid_v4())
    if (c != '-' && nid.size() < 14) nid += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return nid;
}

Account verified_customer(Api& api, const std::string& admin, const std::string& date_of_birth) {
  auto a = register_customer(api);
  auto kyc = api.put("/api/v1/users/me/kyc",
                     {{"national_id", unique_national_id()},
                      {"date_of_birth", date_of_birth},
                      {"address", "Plot 12, Jinja Road, Kampala"},
                      {"next_of_kin", {{"name", "Sarah Namukasa"}, {"phone", "0701234567"}, {"relationship", "sister"}}}},
                     a.access_token);
  EXPECT_EQ(kyc.status, 200) << kyc.body;
  auto v = api.post("/api/v1/users/" + a.id + "/kyc/verify", boost::json::object{}, admin);
  EXPECT_EQ(v.status, 200) << v.body;
  return a;
}

boost::json::object motorcycle_listing(const std::string& make, const std::string& model, std::int64_t price,
                                       const std::string& currency) {
  const bool kenya = currency == "KES";
  auto tag = rto::crypto::uuid_v4().substr(0, 8);
  for (auto& ch : tag) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return {{"category", "motorcycle"},
          {"make", make},
          {"model", model},
          {"year", 2024},
          {"condition", "new"},
          {"fuel", "petrol"},
          {"engine_cc", 150},
          {"mileage_km", 0},
          {"colour", "red"},
          {"vin", "MD2A" + tag + "123456"},
          {"registration", (kenya ? "KMF" : "UMA") + tag.substr(0, 4)},
          {"price", {{"amount", price}, {"currency", currency}}},
          {"location", kenya ? js::object{{"city", "Nairobi"}, {"branch", "Kasarani"}, {"latitude", -1.2921}, {"longitude", 36.8219}}
                             : js::object{{"city", "Kampala"}, {"branch", "Kawempe"}, {"latitude", 0.3476}, {"longitude", 32.5825}}},
          {"description", "Ready for boda work, with tracker."},
          {"tracker_ready", true}};
}

Reply upload_listing_image(Api& api, const std::string& vehicle_id, const std::string& token) {
  auto h = bearer(token);
  h.set("Content-Type", "image/png");
  return api.call(rto::http::Method::Post, "/api/v1/vehicles/" + vehicle_id + "/images", tiny_png(), std::move(h));
}

std::string available_vehicle(Api& api, const std::string& admin, const std::string& dealer, const std::string& make,
                              const std::string& model, std::int64_t price, const std::string& currency) {
  auto created = api.post("/api/v1/vehicles", motorcycle_listing(make, model, price, currency), dealer);
  EXPECT_EQ(created.status, 201) << created.body;
  auto id = str(created, "id");
  auto image = upload_listing_image(api, id, dealer);
  EXPECT_EQ(image.status, 201) << image.body;
  auto submitted = api.post("/api/v1/vehicles/" + id + "/submit", boost::json::object{}, dealer);
  EXPECT_EQ(submitted.status, 200) << submitted.body;
  auto approved = api.post("/api/v1/vehicles/" + id + "/approve", boost::json::object{}, admin);
  EXPECT_EQ(approved.status, 200) << approved.body;
  return id;
}

js::object credit_application(const std::string& vehicle_id, const std::string& template_id, const std::string& currency) {
  // KES 60,000 a month against UGX 1,800,000: the same rider's income, in minor units.
  const std::int64_t income = currency == "KES" ? 6'000'000 : 1'800'000;
  return {{"vehicle_id", vehicle_id},
          {"template_id", template_id},
          {"employment_type", "boda_rider"},
          {"months_in_work", 48},
          {"monthly_income", {{"amount", income}, {"currency", currency}}},
          {"monthly_obligations", {{"amount", income / 18}, {"currency", currency}}},
          {"mobile_money", {{"months_of_history", 30}, {"avg_monthly_inflow", income * 17 / 18}, {"avg_monthly_transactions", 90}}},
          {"dependants", 1},
          {"months_at_residence", 60},
          {"guarantor",
           {{"name", "Moses Okello"}, {"phone", "0772123456"}, {"relationship", "brother"}, {"national_id", unique_national_id()}}},
          {"references", js::array{js::object{{"name", "Ruth Achieng"}, {"phone", "0752123456"}},
                                   js::object{{"name", "Peter Mugisha"}, {"phone", "0701987654"}}}}};
}

PendingPlan pending_plan(Api& api, const std::string& currency) {
  // Seeded templates: motorcycle-daily-18m (UGX) and motorcycle-daily-18m-ke (KES, whole shillings).
  const bool kenya = currency == "KES";
  const char* const kMotorcycleDaily =
      kenya ? "5e3d0005-0000-4000-8000-000000000005" : "5e3d0001-0000-4000-8000-000000000001";
  auto admin = admin_token(api);
  auto dealer = account_with_role(api, admin, "dealer");
  const std::int64_t price = kenya ? 15'000'000 : 4'800'000;  // KES 150,000.00 / UGX 4,800,000
  PendingPlan p;
  p.currency = currency;
  p.vehicle_id = available_vehicle(api, admin, dealer.access_token, "TVS", "HLX 125", price, currency);
  p.customer = verified_customer(api, admin);
  auto app = api.post("/api/v1/credit/applications", credit_application(p.vehicle_id, kMotorcycleDaily, currency),
                      p.customer.access_token);
  EXPECT_LT(app.status, 300) << app.body;
  const auto& decision = app.json.at("decision").as_object();
  EXPECT_EQ(decision.at("decision").as_string(), "approved") << app.body;
  auto min_pct = decision.at("terms").at("min_deposit_percent").to_number<std::int64_t>();
  p.deposit = std::max<std::int64_t>(price * 15 / 100, (price * min_pct + 99) / 100);
  p.deposit = (p.deposit + 99) / 100 * 100;  // a round figure: whole hundreds of UGX, whole KES shillings
  auto plan = api.post("/api/v1/plans",
                       {{"credit_decision_id", decision.at("id")},
                        {"vehicle_id", p.vehicle_id},
                        {"template_id", kMotorcycleDaily},
                        {"deposit", {{"amount", p.deposit}, {"currency", currency}}}},
                       p.customer.access_token);
  EXPECT_EQ(plan.status, 201) << plan.body;
  p.id = str(plan, "id");
  p.reference = str(plan, "reference");
  return p;
}

namespace {
rto::http::ClientResponse internal_post(const std::string& target, const js::object& body) {
  rto::http::Client pay(payment_url());
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + service_token());
  h.set("Content-Type", "application/json");
  return pay.send(rto::http::Method::Post, target, h, js::serialize(body));
}
}  // namespace

rto::http::ClientResponse internal_payment(const std::string& reference, std::int64_t amount, const std::string& txn) {
  return internal_post("/internal/payments", {{"plan_ref", reference},  {"amount", amount},      {"currency", "UGX"},
                                              {"provider", "mtn_momo"}, {"provider_txn_id", txn},
                                              {"paid_at", rto::to_rfc3339(std::chrono::system_clock::now())}});
}

rto::http::ClientResponse run_delinquency(const std::string& as_of) {
  return internal_post("/internal/delinquency/run", {{"as_of", as_of}});
}

rto::http::ClientResponse run_reminders(const std::string& as_of) {
  return internal_post("/internal/reminders/run", {{"as_of", as_of}});
}

std::string local_date_in(int days) {
  using namespace std::chrono;
  year_month_day d{floor<std::chrono::days>(system_clock::now() + hours(3)) + std::chrono::days(days)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::string vehicle_status(Api& api, const std::string& id, const std::string& staff) {
  return str(api.get("/api/v1/vehicles/" + id, staff), "status");
}

std::string wait_vehicle_status(Api& api, const std::string& id, const std::string& staff, const std::string& want) {
  std::string status;
  for (int i = 0; i < 50 && status != want; ++i) {
    status = vehicle_status(api, id, staff);
    if (status != want) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return status;
}

}  // namespace e2e
