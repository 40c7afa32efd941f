#include "fixture.hpp"

#include <thread>

#include <rto/testing/service.hpp>

#include <cstdlib>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

std::vector<rto::db::Migration> embedded_migrations();

namespace it {

namespace {
World* g_world = nullptr;
using rto::http::Request;
using rto::http::Response;


js::object vehicle_json(const std::string& id, const Neighbours::Vehicle& v) {
  js::value reservation = nullptr;
  if (v.reserved_by) reservation = js::object{{"plan_id", *v.reserved_by}, {"customer_id", nullptr}, {"expires_at", nullptr}};
  return js::object{{"id", id},
                    {"status", v.status},
                    {"dealer_id", "d0000000-0000-4000-8000-000000000001"},
                    {"category", v.category},
                    {"make", "Bajaj"},
                    {"model", "Boxer 150"},
                    {"year", 2025},
                    {"price", js::object{{"amount", v.price}, {"currency", v.currency}}},
                    {"owner_id", v.owner ? js::value(*v.owner) : js::value(nullptr)},
                    {"reservation", reservation}};
}

std::string body_str(const Request& req, const char* key) {
  auto v = js::parse(req.body);
  const auto* x = v.as_object().if_contains(key);
  return x && x->is_string() ? std::string(x->as_string()) : std::string();
}

// The neighbours' internal routes, as their contracts describe them.
void add_stub_routes(rto::Service& s, Neighbours& n) {
  using rto::http::Access;
  auto& r = s.router();
  r.get("/internal/vehicles/{id}", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto it = n.vehicles.find(std::string(req.param("id")));
    if (it == n.vehicles.end()) throw rto::NotFound("no vehicle");
    return Response::json(vehicle_json(it->first, it->second));
  });
  r.post("/internal/vehicles/{id}/reserve", Access::service(), [&n](Request& req) {
    std::function<void()> hook;
    {
      std::lock_guard lk(n.mu);
      hook = n.on_reserve;
    }
    if (hook) hook();
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto plan = body_str(req, "plan_id");
    n.calls.push_back("reserve " + id + " " + plan);
    auto it = n.vehicles.find(id);
    if (it == n.vehicles.end()) throw rto::NotFound("no vehicle");
    auto& v = it->second;
    if (v.status == "reserved" && v.reserved_by == plan) return Response::json(vehicle_json(id, v));
    if (v.status != "available") throw rto::Conflict("not available");
    v.status = "reserved";
    v.reserved_by = plan;
    if (n.reserve_status) return Response::json(n.reserve_status, js::object{{"error", "injected"}});
    return Response::json(vehicle_json(id, v));
  });
  r.post("/internal/vehicles/{id}/release", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto plan = body_str(req, "plan_id");
    n.calls.push_back("release " + id + " " + plan);
    auto& v = n.vehicles.at(id);
    if (v.reserved_by && *v.reserved_by != plan) throw rto::Conflict("reserved by another plan");
    if (v.status == "reserved") {
      v.status = "available";
      v.reserved_by.reset();
    }
    return Response::json(vehicle_json(id, v));
  });
  r.post("/internal/vehicles/{id}/lease", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto plan = body_str(req, "plan_id");
    n.calls.push_back("lease " + id + " " + plan);
    auto& v = n.vehicles.at(id);
    if (v.reserved_by != plan) throw rto::Conflict("not reserved by this plan");
    v.status = "leased";
    return Response::json(vehicle_json(id, v));
  });
  r.post("/internal/vehicles/{id}/transfer", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto plan = body_str(req, "plan_id");
    n.calls.push_back("transfer " + id + " " + plan);
    auto& v = n.vehicles.at(id);
    v.status = "owned";
    v.owner = body_str(req, "customer_id");
    return Response::json(vehicle_json(id, v));
  });
  r.post("/internal/vehicles/{id}/repossess", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto plan = body_str(req, "plan_id");
    n.calls.push_back("repossess " + id + " " + plan);
    auto& v = n.vehicles.at(id);
    if (v.reserved_by != plan) throw rto::Conflict("not held by this plan");
    v.status = "repossessed";
    return Response::json(vehicle_json(id, v));
  });
  r.get("/internal/credit/decisions/{id}", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto it = n.decisions.find(std::string(req.param("id")));
    if (it == n.decisions.end()) throw rto::NotFound("no decision");
    return Response::json(it->second);
  });
  r.get("/internal/users/{id}", Access::service(), [&n](Request& req) {
    std::lock_guard lk(n.mu);
    auto id = std::string(req.param("id"));
    auto it = n.names.find(id);
    if (it == n.names.end()) throw rto::NotFound("no user");
    return Response::json(js::object{{"id", id}, {"full_name", it->second}, {"roles", js::array{"customer"}},
                                     {"status", "active"}, {"kyc_status", "verified"}, {"phone", "+256700000000"},
                                     {"date_of_birth", nullptr}});
  });
}

}  // namespace

World& world() { return *g_world; }

rto::config::Common common_config(const std::string& name, const std::string& database_url) {
  auto c = rto::testing::service_common(name, database_url, 8);
  c.http_workers = 4;
  return c;
}

void World::SetUp() {
  db = std::make_unique<rto::testing::TempDatabase>("payment_it");
  clock = std::make_shared<rto::ManualClock>();
  stub = std::make_unique<rto::Service>(common_config("neighbours", ""));
  add_stub_routes(*stub, neighbours);
  auto port = stub->start_in_background();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  config.common = common_config("payment-service", db->url());
  config.zone = payment_service::Zone::fixed("Africa/Kampala", 3 * 3600);
  config.vehicle_service_url = url;
  config.credit_service_url = url;
  config.user_service_url = url;
  set_local(2026, 3, 2, 10, 0);

  mmsim::SimConfig sc;
  sc.callback_delay = std::chrono::milliseconds(30);
  sc.expiry = std::chrono::milliseconds(1500);
  sc.mtn_api_user = "mtn-user";
  sc.mtn_api_key = "mtn-key";
  sc.mtn_subscription_key = "mtn-subscription";
  sc.airtel_client_id = "airtel-client";
  sc.airtel_client_secret = "airtel-secret";
  sc.airtel_callback_key = "airtel-callback-key";
  sc.mpesa_consumer_key = "mpesa-key";
  sc.mpesa_consumer_secret = "mpesa-secret";
  sc.mpesa_shortcode = "174379";
  sc.mpesa_passkey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
  sc.mpesa_security_credential = rto::crypto::base64_encode("initiator password, encrypted");
  sim = std::make_unique<mmsim::Simulator>(sc);
  sim_service = std::make_unique<rto::Service>(mmsim::service_config(0, "warn"));
  sim->install(*sim_service);
  sim_url = "http://127.0.0.1:" + std::to_string(sim_service->start_in_background());
  relay = std::make_unique<rto::Service>(common_config("webhook-relay", ""));
  relay->set_fallback([this](Request& req) { return service->dispatch(req); });
  relay_url = "http://127.0.0.1:" + std::to_string(relay->start_in_background());
  sim->set_airtel_callback_url(relay_url + "/api/v1/webhooks/airtel_money");

  auto& pc = config.providers;
  pc.callback_base_url = relay_url;
  pc.mtn = {sim_url, "UG", "UGX", sc.mtn_api_user, sc.mtn_api_key, sc.mtn_subscription_key, "sandbox", "", "", ""};
  pc.airtel = {sim_url, "UG", "UGX", sc.airtel_client_id, sc.airtel_client_secret, "", "", "", "", sc.airtel_callback_key};
  pc.mpesa = {sim_url, "KE", "KES", sc.mpesa_consumer_key, sc.mpesa_consumer_secret, "", "", sc.mpesa_shortcode,
              sc.mpesa_passkey, ""};
  pc.mpesa.callback_url = relay_url + "/api/v1/webhooks/mpesa?via=own-url";  // a provider's own URL wins
  pc.mpesa.initiator = "rto-api";
  pc.mpesa.security_credential = sc.mpesa_security_credential;
  config.request_ttl = std::chrono::seconds(600);
  config.reconcile_after = std::chrono::seconds(120);
  service = std::make_unique<rto::Service>(config.common);
  app = payment_service::install(*service, config, clock, embedded_migrations(), {.background_jobs = false});
  app->collections().start_callback_workers(2);
}

void World::TearDown() {
  if (app) app->collections().stop_callback_workers();
  if (relay) relay->stop();
  if (sim_service) sim_service->stop();
  app.reset();
  service.reset();
  relay.reset();
  sim_service.reset();
  sim.reset();
  if (stub) stub->stop();
  stub.reset();
  db.reset();
}

std::vector<std::string> Neighbours::calls_of(std::string_view verb, const std::string& vehicle) {
  std::lock_guard lk(mu);
  std::vector<std::string> out;
  std::string prefix = std::string(verb) + " " + vehicle;
  for (const auto& c : calls)
    if (c.rfind(prefix, 0) == 0) out.push_back(c);
  return out;
}

Neighbours::Vehicle Neighbours::vehicle(const std::string& id) {
  std::lock_guard lk(mu);
  return vehicles.at(id);
}

std::int64_t amount_of(const js::value& money) { return money.as_object().at("amount").to_number<std::int64_t>(); }

Reply call(Method m, std::string_view target, std::string_view body, const std::string& token) {
  return rto::testing::dispatch(*world().service, m, target, body, token);
}

Reply get(std::string_view target, const std::string& token) { return call(Method::Get, target, {}, token); }
Reply post(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Post, target, js::serialize(body), token);
}
Reply put(std::string_view target, const js::value& body, const std::string& token) {
  return call(Method::Put, target, js::serialize(body), token);
}

std::string new_id() { return rto::crypto::uuid_v4(); }

std::string token_for(const std::string& user_id, const std::vector<std::string>& roles) {
  // Tokens are checked against the real clock, not the service's manual one.
  return world().service->tokens().issue_access(user_id, roles);
}
std::string customer_token(const std::string& user_id) { return token_for(user_id, {"customer"}); }
std::string staff_token(const std::string& role) { return token_for(new_id(), {role}); }
std::string service_token(const std::string& service) {
  return world().service->tokens().issue_service(service, "payment-service");
}

void set_local(int y, unsigned m, unsigned d, int hour, int minute) {
  using namespace std::chrono;
  world().clock->set(system_clock::time_point(sys_days{year{y} / month{m} / day{d}}) + hours{hour - 3} + minutes{minute});
}

payment_service::Date local_today() { return world().app->today(); }

std::string add_vehicle(std::int64_t price, std::string category) {
  auto id = new_id();
  std::lock_guard lk(world().neighbours.mu);
  Neighbours::Vehicle v;
  v.price = price;
  v.category = std::move(category);
  world().neighbours.vehicles[id] = v;
  return id;
}

std::string approve(const std::string& customer, const std::string& vehicle, js::object overrides) {
  auto id = new_id();
  js::object d{{"id", id},
               {"application_id", new_id()},
               {"customer_id", customer},
               {"vehicle_id", vehicle},
               {"template_id", nullptr},
               {"decision", "approved"},
               {"valid", true},
               {"expires_at", "2030-01-01T00:00:00Z"},
               {"grade", "B"},
               {"score", 640},
               {"terms", js::object{{"max_financed", js::object{{"amount", 50'000'000}, {"currency", "UGX"}}},
                                    {"min_deposit_percent", 10},
                                    {"max_term_days", 800}}}};
  for (const auto& kv : overrides) d[kv.key()] = kv.value();
  std::lock_guard lk(world().neighbours.mu);
  world().neighbours.decisions[id] = std::move(d);
  return id;
}

Customer new_customer(const std::string& name) {
  Customer c{new_id(), ""};
  c.token = customer_token(c.id);
  std::lock_guard lk(world().neighbours.mu);
  world().neighbours.names[c.id] = name;
  return c;
}

Reply create_plan(const Customer& c, const std::string& vehicle, const std::string& template_id, std::int64_t deposit,
                  js::object decision_overrides) {
  auto decision = approve(c.id, vehicle, std::move(decision_overrides));
  return post("/api/v1/plans",
              js::object{{"credit_decision_id", decision},
                         {"vehicle_id", vehicle},
                         {"template_id", template_id},
                         {"deposit", js::object{{"amount", deposit}, {"currency", "UGX"}}}},
              c.token);
}

double metric(const std::string& series) { return rto::testing::metric(*world().service, series); }

double metric_at_least(const std::string& series, double want) {
  double v = metric(series);
  for (int i = 0; i < 100 && v < want; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    v = metric(series);
  }
  return v;
}

js::object active_plan(const Customer& c, const std::string& template_id, std::int64_t price) {
  auto vehicle = add_vehicle(price);
  auto q = post("/api/v1/plans/quote",
                js::object{{"price", js::object{{"amount", price}, {"currency", "UGX"}}}, {"template_id", template_id}});
  if (q.status != 200) throw std::runtime_error("quote failed: " + q.body);
  auto deposit = amount_of(q.obj().at("deposit"));
  auto r = create_plan(c, vehicle, template_id, deposit);
  if (r.status != 201) throw std::runtime_error("plan failed: " + r.body);
  auto p = pay(r.str("reference"), deposit);
  if (p.status != 201) throw std::runtime_error("deposit failed: " + p.body);
  auto s = statement(r.str("id"), c.token);
  return s.json.as_object();
}

namespace {

Reply sim_call(rto::http::Method m, std::string_view target, std::string_view body) {
  rto::http::Client c(world().sim_url);
  rto::http::Headers h;
  if (!body.empty()) h.set("Content-Type", "application/json");
  auto r = c.send(m, target, h, body);
  Reply out{r.status, r.headers, r.body, nullptr};
  boost::system::error_code ec;
  auto v = js::parse(out.body, ec);
  if (!ec) out.json = std::move(v);
  return out;
}

}  // namespace

Reply sim_get(std::string_view target) { return sim_call(Method::Get, target, {}); }
Reply sim_post(std::string_view target, const js::value& body) {
  return sim_call(Method::Post, target, js::serialize(body));
}

Reply pay(const std::string& reference, std::int64_t amount, const std::string& txn, const std::string& provider,
          std::string paid_at) {
  if (paid_at.empty()) paid_at = rto::to_rfc3339(world().clock->now());
  return post("/internal/payments",
              js::object{{"plan_ref", reference},
                         {"amount", amount},
                         {"currency", "UGX"},
                         {"provider", provider},
                         {"provider_txn_id", txn.empty() ? "TX-" + new_id() : txn},
                         {"paid_at", paid_at}},
              service_token());
}

Reply run_delinquency(payment_service::Date as_of) {
  return post("/internal/delinquency/run", js::object{{"as_of", payment_service::format_date(as_of)}}, service_token());
}

Reply statement(const std::string& plan_id, const std::string& token) { return get("/api/v1/plans/" + plan_id, token); }

Reply carry_out(const Reply& proposal, const std::string& approver_token) {
  if (proposal.status != 202) return proposal;
  const auto id = text(proposal.obj().at("approval").at("id"));
  return post("/api/v1/payments/approvals/" + id + "/approve", js::object{{"note", "checked"}}, approver_token);
}

std::vector<js::object> events(const std::string& type, const std::string& plan_id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  std::vector<js::object> out;
  for (const auto& r : tx.exec_params("SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type)) {
    auto env = js::parse(r[0].as<std::string>()).as_object();
    auto data = env.at("data").as_object();
    if (!plan_id.empty() && text(data.at("plan_id")) != plan_id) continue;
    out.push_back(std::move(data));
  }
  return out;
}

pqxx::connection raw_db() { return pqxx::connection(world().db->url()); }

bool journal_balanced() {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto unbalanced = tx.exec(
      "SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id, currency HAVING sum(amount) <> 0) x")[0][0]
                        .as<int>();
  auto thin = tx.exec(
      "SELECT count(*) FROM journal_entries e WHERE (SELECT count(*) FROM journal_lines l WHERE l.entry_id = e.id) < 2")[0][0]
                  .as<int>();
  auto total = tx.exec("SELECT COALESCE(sum(amount), 0)::int8 FROM journal_lines")[0][0].as<std::int64_t>();
  return unbalanced == 0 && thin == 0 && total == 0;
}

std::int64_t ledger_balance(const std::string& plan_id, const std::string& account) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params("SELECT COALESCE(sum(amount), 0)::int8 FROM journal_lines WHERE plan_id = $1::uuid AND account = $2",
                        plan_id, account)[0][0].as<std::int64_t>();
}

}  // namespace it

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  it::g_world = new it::World;
  ::testing::AddGlobalTestEnvironment(it::g_world);  // gtest owns it
  return RUN_ALL_TESTS();
}
