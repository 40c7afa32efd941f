#include "fixture.hpp"

#include <rto/testing/service.hpp>

#include <cstdlib>
#include <random>
#include <thread>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/mq.hpp>

std::vector<rto::db::Migration> embedded_migrations();

namespace it {

namespace {
World* g_world = nullptr;

std::mt19937_64& rng() {
  static thread_local std::mt19937_64 r{std::random_device{}()};
  return r;
}

rto::config::Common common(const std::string& name) {
  auto c = rto::testing::service_common(name);
  c.http_workers = 2;
  c.io_threads = 1;
  c.amqp_url = rto::testing::amqp_url();
  c.exchange = rto::testing::unique_name("credit_it");
  return c;
}

using rto::http::Access;
using rto::http::Request;
using rto::http::Response;

}  // namespace

World& world() { return *g_world; }
Neighbours& neighbours() { return g_world->neighbours; }

void Neighbours::start(const rto::config::Common& like) {
  templates = {
      {kWeekly, {"weekly", 80'000, 78}}, {kDaily, {"daily", 12'000, 540}}, {kMonthly, {"monthly", 350'000, 24}}};

  auto c = like;
  c.service = "user-service";
  user_service = std::make_unique<rto::Service>(c);
  user_service->router().get("/internal/users/{id}", Access::service(), [this](Request& req) {
    std::lock_guard lk(mu);
    if (user_status) return Response::json(user_status, js::object{{"detail", "stand-in failure"}});
    auto it = users.find(std::string(req.param("id")));
    if (it == users.end()) throw rto::NotFound("no user with this id");
    return Response::json(it->second);
  });
  user_url = "http://127.0.0.1:" + std::to_string(user_service->start_in_background());

  c.service = "vehicle-service";
  vehicle_service = std::make_unique<rto::Service>(c);
  vehicle_service->router().get("/internal/vehicles/{id}", Access::service(), [this](Request& req) {
    std::lock_guard lk(mu);
    auto it = vehicles.find(std::string(req.param("id")));
    if (it == vehicles.end()) throw rto::NotFound("no vehicle with this id");
    return Response::json(it->second);
  });
  vehicle_url = "http://127.0.0.1:" + std::to_string(vehicle_service->start_in_background());

  // The quote is a public API route of the payment service: it sees the customer's own token.
  c.service = "payment-service";
  payment_service = std::make_unique<rto::Service>(c);
  payment_service->router().post("/api/v1/plans/quote", Access::signed_in(), [this](Request& req) {
    ++quotes;
    std::lock_guard lk(mu);
    last_quote_authorization = std::string(req.header("Authorization").value_or(""));
    if (payment_status) return Response::json(payment_status, js::object{{"detail", "stand-in failure"}});
    auto body = js::parse(req.body).as_object();
    auto tid = std::string(body.at("template_id").as_string());
    auto vid = std::string(body.at("vehicle_id").as_string());
    auto t = templates.find(tid);
    auto v = vehicles.find(vid);
    if (t == templates.end() || v == vehicles.end()) throw rto::NotFound("no such plan template");
    const auto& price = v->second.at("price").as_object();
    std::int64_t p = price.at("amount").as_int64();
    std::string cur(price.at("currency").as_string());
    std::int64_t deposit = p / 10;
    auto money = [&](std::int64_t a) { return js::object{{"amount", a}, {"currency", cur}}; };
    return Response::json(js::object{{"template_id", tid},
                                     {"frequency", t->second.frequency},
                                     {"deposit", money(deposit)},
                                     {"financed", money(p - deposit)},
                                     {"instalment", money(t->second.instalment)},
                                     {"instalment_count", t->second.count},
                                     {"last_instalment", money(t->second.instalment)},
                                     {"first_due_date", "2026-07-01"},
                                     {"last_due_date", "2028-01-01"},
                                     {"total_payable", money(deposit + t->second.instalment * t->second.count)},
                                     {"cost_of_credit", money(deposit + t->second.instalment * t->second.count - p)},
                                     {"effective_annual_rate", "0.4213"}});
  });
  payment_url = "http://127.0.0.1:" + std::to_string(payment_service->start_in_background());
}

void Neighbours::stop() {
  if (user_service) user_service->stop();
  if (vehicle_service) vehicle_service->stop();
  if (payment_service) payment_service->stop();
}

credit_service::CreditConfig test_config(const std::string& database_url) {
  credit_service::CreditConfig c;
  c.common = common("credit-service");
  c.common.database_url = database_url;
  c.common.db_pool_size = 4;
  std::string key(32, '\0');
  for (auto& ch : key) ch = static_cast<char>(rng()() & 0xFF);
  c.encryption_key = rto::crypto::base64_encode(key);
  c.approval_ttl_days = 30;
  c.affordability_max_percent = 40;
  c.default_region = "UG";
  c.neighbour_timeout = std::chrono::milliseconds(3000);
  c.zone = rto::Zone::fixed("Africa/Kampala", 3 * 3600);
  return c;
}

void World::SetUp() {
  auto base = common("credit-service");
  neighbours.start(base);
  db = std::make_unique<rto::testing::TempDatabase>("credit_it");
  // 2026-06-15T09:00:00Z
  clock = std::make_shared<rto::ManualClock>(std::chrono::sys_days{std::chrono::year(2026) / 6 / 15} +
                                             std::chrono::hours(9));
  config = test_config(db->url());
  config.common.exchange = base.exchange;
  config.user_service_url = neighbours.user_url;
  config.vehicle_service_url = neighbours.vehicle_url;
  config.payment_service_url = neighbours.payment_url;
  service = std::make_unique<rto::Service>(config.common);
  app = credit_service::install(*service, config, clock, embedded_migrations(),
                                {.background_jobs = false, .consume_events = false});
}

void World::TearDown() {
  app.reset();
  service.reset();  // stops the consumer first
  neighbours.stop();
  db.reset();
  if (!consumer_queue.empty()) {
    try {
      rto::mq::Connection c(rto::testing::amqp_url());
      c.delete_queue(consumer_queue);
      c.delete_queue(consumer_queue + ".dlq");
      c.delete_exchange(config.common.exchange);
      c.delete_exchange(config.common.exchange + ".dlx");
    } catch (...) {
    }
  }
}

void start_consumer() {
  auto& w = world();
  if (!w.consumer_queue.empty()) return;  // one consumer per run, whichever test starts it
  w.consumer_queue = rto::testing::unique_name("credit_it") + ".events";
  credit_service::consume_events(*w.service, w.app, w.consumer_queue);
  // Events published before the queue is bound would be dropped by the exchange: wait until
  // the consumer's readiness check passes (the check is optional: /ready answers 200, "degraded",
  // while the consumer is still connecting, so its own entry is what tells).
  const auto check = "consumer:" + w.consumer_queue;
  auto consumer_ok = [&] {
    auto r = get("/ready");
    const auto* o = r.json.if_object();
    const auto* checks = o ? o->if_contains("checks") : nullptr;
    const auto* c = checks && checks->is_object() ? checks->as_object().if_contains(check) : nullptr;
    return r.status == 200 && c && c->is_string() && c->as_string() == "ok";
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!consumer_ok()) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the event consumer did not connect");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void publish(const std::string& id, const std::string& type, const js::object& data) {
  rto::mq::Connection c(rto::testing::amqp_url());
  c.enable_confirms();
  c.declare_exchange(world().config.common.exchange, "topic");
  // As the publisher would: the telematics service's events are about a vehicle, the payment
  // service's about a plan.
  const bool telematics = type.starts_with("telematics.");
  rto::events::Event e{type, text(data.at(telematics ? "vehicle_id" : "plan_id")), data};
  auto body = js::serialize(rto::events::envelope(id, telematics ? "telematics-service" : "payment-service", e,
                                                  rto::to_rfc3339(std::chrono::system_clock::now())));
  c.publish(world().config.common.exchange, type, body, id);
}

Reply call(Method m, std::string_view target, std::string_view body, const std::string& token) {
  return rto::testing::dispatch(*world().service, m, target, body, token);
}

Reply get(std::string_view target, const std::string& token) { return call(Method::Get, target, {}, token); }
Reply post(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Post, target, js::serialize(body), token);
}

Person customer(const std::string& kyc_status, const std::string& date_of_birth) {
  Person p;
  p.id = rto::crypto::uuid_v4();
  p.phone = rto::testing::unique_phone();
  p.token = world().service->tokens().issue_access(p.id, {"customer"});
  std::lock_guard lk(neighbours().mu);
  neighbours().users[p.id] =
      js::object{{"id", p.id},
                 {"phone", p.phone},
                 {"full_name", "Test Rider"},
                 {"roles", js::array{"customer"}},
                 {"status", "active"},
                 {"kyc_status", kyc_status},
                 {"date_of_birth", date_of_birth.empty() ? js::value(nullptr) : js::value(date_of_birth)}};
  return p;
}

Person staff(const std::vector<std::string>& roles) {
  Person p;
  p.id = rto::crypto::uuid_v4();
  p.token = world().service->tokens().issue_access(p.id, roles);
  return p;
}

std::string service_token(const std::string& service) { return world().service->tokens().issue_service(service, "credit-service"); }

std::string vehicle(std::int64_t price, const std::string& status, const std::string& currency) {
  auto id = rto::crypto::uuid_v4();
  std::lock_guard lk(neighbours().mu);
  neighbours().vehicles[id] = js::object{{"id", id},
                                         {"status", status},
                                         {"dealer_id", rto::crypto::uuid_v4()},
                                         {"category", "motorcycle"},
                                         {"make", "Bajaj"},
                                         {"model", "Boxer 150"},
                                         {"year", 2025},
                                         {"price", {{"amount", price}, {"currency", currency}}},
                                         {"owner_id", nullptr},
                                         {"reservation", nullptr}};
  return id;
}

js::object application_body(const std::string& vehicle_id, const std::string& template_id) {
  static std::atomic<int> n{0};
  int k = n++;
  auto phone = [&](int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+2567010%05d", (k * 3 + i) % 100000);
    return std::string(buf);
  };
  return js::object{
      {"vehicle_id", vehicle_id},
      {"template_id", template_id},
      {"employment_type", "boda_rider"},
      {"months_in_work", 30},
      {"monthly_income", {{"amount", 1'200'000}, {"currency", "UGX"}}},
      {"monthly_obligations", {{"amount", 100'000}, {"currency", "UGX"}}},
      {"mobile_money",
       {{"months_of_history", 18}, {"avg_monthly_inflow", 1'100'000}, {"avg_monthly_transactions", 60}}},
      {"dependants", 2},
      {"months_at_residence", 24},
      {"guarantor",
       {{"name", "Grace Nakato"}, {"phone", phone(0)}, {"relationship", "sister"}, {"national_id", "CM90012345678Q"}}},
      {"references", js::array{js::object{{"name", "John Okello"}, {"phone", phone(1)}},
                               js::object{{"name", "Sarah Auma"}, {"phone", phone(2)}}}}};
}

Reply apply(const Person& p, const js::value& body) { return post("/api/v1/credit/applications", body, p.token); }

std::vector<js::object> events(const std::string& subject, const std::string& type) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  std::vector<js::object> out;
  for (const auto& row : tx.exec_params("SELECT envelope FROM outbox WHERE subject = $1 AND type = $2 ORDER BY seq",
                                        subject, type))
    out.push_back(js::parse(row[0].c_str()).as_object());
  return out;
}

pqxx::connection raw_db() { return pqxx::connection(world().db->url()); }

}  // namespace it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::g_world = new it::World;
  ::testing::AddGlobalTestEnvironment(it::g_world);  // gtest owns it
  return RUN_ALL_TESTS();
}
