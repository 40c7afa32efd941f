// Support service against the test PostgreSQL and RabbitMQ: tickets through the whole request
// pipeline (authorisation, status machine, SLA job), notifications and auto-tickets from
// events (once under redelivery, also through the broker), and SMS through the Africa's
// Talking adapter against the mobile-money simulator's Africa's Talking stand-in over real HTTP
// (statuses, retries, delivery reports posted back to the running service's webhook).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <mutex>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/events.hpp>
#include <rto/http_client.hpp>
#include <rto/log.hpp>
#include <rto/mq.hpp>
#include <rto/service.hpp>
#include <rto/testing.hpp>
#include <rto/testing/service.hpp>
#include <thread>

#include "app.hpp"
#include "config.hpp"
#include "domain/sms.hpp"
#include "sms/provider.hpp"
#include "mmsim/simulator.hpp"

std::vector<rto::db::Migration> embedded_migrations();

namespace {

namespace js = boost::json;
using namespace std::chrono_literals;
using rto::http::Access;
using rto::http::Method;
using rto::http::Request;
using rto::http::Response;
using rto::testing::Reply;
using support_service::App;

constexpr const char* kServiceSecret = "integration-test-service-secret-0123456789";

// ---- stand-ins: the user and payment services' internal routes ------------------------------

struct StandIn {
  std::mutex mu;
  std::map<std::string, js::object> users;
  std::map<std::string, js::array> plans;  // customer id → the payment service's plan items
  int plans_status = 200;                  // anything else: the payment service is failing
  int lookups = 0;                         // POST /internal/users/lookup calls
  int single_lookups = 0;                  // GET /internal/users/{id} calls
  std::unique_ptr<rto::Service> service;
  std::uint16_t port = 0;

  void start() {
    rto::config::Common c;
    c.service = "standin";
    c.host = "127.0.0.1";
    c.http_workers = 2;
    c.jwt_public_keys = rto::testing::kJwtPublicKeys;
    c.service_token_secret = kServiceSecret;
    c.log_level = "error";
    c.shutdown_grace = 200ms;
    service = std::make_unique<rto::Service>(c);
    service->router().get("/internal/users/{id}", Access::service(), [this](Request& req) {
      std::lock_guard lk(mu);
      ++single_lookups;
      auto it = users.find(std::string(req.param("id")));
      if (it == users.end()) throw rto::NotFound("no such user");
      return Response::json(it->second);
    });
    service->router().post("/internal/users/lookup", Access::service(), [this](Request& req) {
      std::lock_guard lk(mu);
      ++lookups;
      js::array items;
      const auto body = js::parse(req.body);
      for (const auto& id : body.as_object().at("ids").as_array())
        if (auto it = users.find(std::string(id.as_string())); it != users.end()) items.push_back(it->second);
      return Response::json(js::object{{"items", std::move(items)}});
    });
    service->router().get("/internal/customers/{id}/plans", Access::service(), [this](Request& req) {
      std::lock_guard lk(mu);
      if (plans_status != 200) throw rto::Unavailable("down for maintenance");
      auto it = plans.find(std::string(req.param("id")));
      return Response::json(js::object{{"items", it == plans.end() ? js::array{} : it->second}});
    });
    port = service->start_in_background();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Africa's Talking: the mobile-money simulator's stand-in, in-process on its own port. Its
// delivery reports go to the support service's webhook over real HTTP.
struct AfricasTalking {
  std::unique_ptr<mmsim::Simulator> sim;
  std::unique_ptr<rto::Service> service;
  std::unique_ptr<rto::http::Client> client;
  std::string url;

  void start() {
    mmsim::SimConfig sc;
    sc.at_username = "sandbox";
    sc.at_api_key = "test-api-key";
    // Long enough that the send has recorded the message id before its report comes back, even
    // on a busy machine (a report for an id not yet stored is ignored, as a forged one would be).
    sc.at_report_delay = 1000ms;
    sc.at_failure_rules = {{"99", "AbsentSubscriber"}};
    sim = std::make_unique<mmsim::Simulator>(sc);
    auto c = mmsim::service_config(0, "error");
    c.host = "127.0.0.1";
    service = std::make_unique<rto::Service>(c);
    sim->install(*service);
    url = "http://127.0.0.1:" + std::to_string(service->start_in_background());
    client = std::make_unique<rto::http::Client>(url);
  }
  js::object control(Method m, const std::string& target, const js::object& body = {}) {
    rto::http::Headers h;
    h.set("Content-Type", "application/json");
    auto r = client->send(m, target, h, m == Method::Get ? "" : js::serialize(body));
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return js::parse(r.body).as_object();
  }
  js::object behave(const js::object& change) { return control(Method::Post, "/_sim/africastalking/behaviour", change); }
  // POSTs to /version1/messaging so far, refused and timed-out ones included.
  std::int64_t requests() { return control(Method::Get, "/_sim/africastalking/messages").at("requests").as_int64(); }
  // The recipients the stand-in accepted or refused for one number, oldest first.
  js::array messages_to(const std::string& e164) {
    return control(Method::Get, "/_sim/africastalking/messages?to=%2B" + e164.substr(1)).at("items").as_array();
  }
};

struct World {
  std::unique_ptr<rto::testing::TempDatabase> db;
  std::shared_ptr<rto::ManualClock> clock;
  StandIn standin;
  AfricasTalking at;
  std::unique_ptr<rto::Service> service;
  std::shared_ptr<App> app;
  std::uint16_t port = 0;
};
World* g = nullptr;

support_service::SupportConfig test_config(const std::string& db_url, const std::string& standin_url,
                                           const std::string& at_url) {
  support_service::SupportConfig c;
  c.common = rto::testing::service_common("support-service", db_url, 4);
  c.user_service_url = standin_url;
  c.payment_service_url = standin_url;
  c.sms_provider = "africastalking";
  c.africastalking.base_url = at_url;
  c.africastalking.username = "sandbox";
  c.africastalking.api_key = "test-api-key";
  c.africastalking.timeout = 1s;  // the stand-in's injected timeouts hold the answer longer
  c.sms_retry_base = 10s;
  c.sms_retry_max = 60s;
  c.sms_max_attempts = 3;
  c.quiet = {21, 7, rto::Zone::fixed("Africa/Kampala", 3 * 3600)};
  c.attachment_max_bytes = 4096;
  return c;
}

// 10:00 in Kampala (07:00 UTC) on a fixed day: outside quiet hours.
support_service::TimePoint daytime() { return support_service::TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 12 / 7)) + 7h; }

class Env : public ::testing::Environment {
 public:
  void SetUp() override {
    g->standin.start();
    g->at.start();
    g->db = std::make_unique<rto::testing::TempDatabase>("support_it");
    g->clock = std::make_shared<rto::ManualClock>(daytime());
    auto cfg = test_config(g->db->url(), g->standin.url(), g->at.url);
    g->service = std::make_unique<rto::Service>(cfg.common);
    support_service::InstallOptions o;
    o.background_jobs = false;
    o.consume_events = false;
    g->app = support_service::install(*g->service, cfg, g->clock, embedded_migrations(), o);
    // Served for real too: the stand-in posts delivery reports to its webhook.
    g->port = g->service->start_in_background();
    g->at.sim->set_at_callback_url("http://127.0.0.1:" + std::to_string(g->port) +
                                   "/api/v1/webhooks/sms/africastalking");
  }
  void TearDown() override {
    g->at.service->stop();
    g->service->stop();
    g->app.reset();
    g->service.reset();
    g->db.reset();
    g->standin.service->stop();
  }
};

struct Actor {
  std::string id, token;
};
Actor actor(std::vector<std::string> roles) {
  Actor a{rto::crypto::uuid_v4(), ""};
  a.token = g->service->tokens().issue_access(a.id, roles, std::chrono::system_clock::now());
  return a;
}
Actor customer() { return actor({"customer"}); }
Actor agent() { return actor({"support_agent"}); }

Reply call(Method m, const std::string& target, const std::string& token, const js::value& body = nullptr) {
  return rto::testing::dispatch(*g->service, m, target, body.is_null() ? "" : js::serialize(body), token);
}

pqxx::connection raw() { return pqxx::connection(g->db->url()); }

std::int64_t count(const std::string& sql, const std::string& param) {
  auto c = raw();
  pqxx::read_transaction tx(c);
  return tx.exec_params(sql, param)[0][0].as<std::int64_t>();
}

std::vector<js::object> outbox(const std::string& type, const std::string& subject) {
  return rto::testing::outbox_events(g->db->url(), type, subject);
}

std::vector<js::object> outbox_all(const std::string& type) {
  auto c = raw();
  pqxx::read_transaction tx(c);
  std::vector<js::object> out;
  for (const auto& row : tx.exec_params("SELECT envelope FROM outbox WHERE type = $1 ORDER BY seq", type))
    out.push_back(js::parse(row[0].as<std::string>()).as_object().at("data").as_object());
  return out;
}

std::string open_ticket(const Actor& who, js::object extra = {}) {
  js::object body{{"category", "breakdown"}, {"subject", "Engine stops"}, {"description", "It stops when hot."}};
  for (auto& kv : extra) body[kv.key()] = kv.value();
  auto r = call(Method::Post, "/api/v1/support/tickets", who.token, body);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.str("id");
}

// Delivers an event the way the consumer does: in one transaction.
void deliver(const std::string& id, const std::string& type, const std::string& subject, js::object data) {
  rto::events::Received e;
  e.id = id;
  e.type = type;
  e.source = "payment-service";
  e.subject = subject;
  e.data = std::move(data);
  g->app->db().transact([&](pqxx::work& tx) { g->app->on_event(tx, e); });
}

void add_user(const std::string& id, const std::string& phone, const std::string& language, const std::string& name) {
  std::lock_guard lk(g->standin.mu);
  g->standin.users[id] = js::object{{"id", id}, {"phone", phone}, {"language", language}, {"full_name", name}};
}

js::object money(std::int64_t amount, const char* currency = "UGX") { return {{"amount", amount}, {"currency", currency}}; }

}  // namespace

// ---- tickets ------------------------------------------------------------------------------------

TEST(Tickets, CustomerSeesOnlyOwnTicketsAndStaffSeeTheQueue) {
  auto amina = customer();
  auto other = customer();
  auto staff = agent();
  auto id = open_ticket(amina);
  auto mine = call(Method::Get, "/api/v1/support/tickets/" + id, amina.token);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.str("status"), "open");
  EXPECT_EQ(mine.str("priority"), "normal");
  EXPECT_FALSE(mine.obj().contains("assignee_id"));

  auto theirs = call(Method::Get, "/api/v1/support/tickets/" + id, other.token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_TRUE(theirs.is_problem());
  EXPECT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", other.token, js::object{{"body", "hi"}}).status,
            404);
  auto list = call(Method::Get, "/api/v1/support/tickets", other.token);
  ASSERT_EQ(list.status, 200);
  for (const auto& t : list.obj().at("items").as_array()) EXPECT_NE(rto::testing::text(t.at("id")), id);

  auto queue = call(Method::Get, "/api/v1/support/tickets?status=open&category=breakdown&limit=100", staff.token);
  ASSERT_EQ(queue.status, 200);
  bool found = false;
  for (const auto& t : queue.obj().at("items").as_array()) found = found || rto::testing::text(t.at("id")) == id;
  EXPECT_TRUE(found);
  EXPECT_EQ(outbox("support.ticket.created", id).size(), 1u);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/tickets", "").status, 401);
}

TEST(Tickets, BadInputNamesTheField) {
  auto c = customer();
  auto r = call(Method::Post, "/api/v1/support/tickets", c.token,
                js::object{{"category", "spaceship"}, {"subject", "x"}, {"description", "d"}, {"plan_id", "nope"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("category"));
  EXPECT_TRUE(r.names_field("subject"));
  EXPECT_TRUE(r.names_field("plan_id"));
  auto foreign = call(Method::Post, "/api/v1/support/tickets", c.token,
                      js::object{{"category", "other"}, {"subject", "Help me"}, {"description", "d"},
                                 {"customer_id", rto::crypto::uuid_v4()}});
  EXPECT_EQ(foreign.status, 400);
  EXPECT_TRUE(foreign.names_field("customer_id"));
  EXPECT_EQ(call(Method::Get, "/api/v1/support/tickets?limit=0", c.token).status, 400);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/tickets?cursor=zzz", c.token).status, 400);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/tickets/not-a-uuid", c.token).status, 404);
}

TEST(Tickets, APlanOrVehicleMustBeTheCustomersOwn) {
  auto c = customer();
  auto plan = rto::crypto::uuid_v4(), vehicle = rto::crypto::uuid_v4();
  auto old_plan = rto::crypto::uuid_v4(), old_vehicle = rto::crypto::uuid_v4();
  {
    std::lock_guard lk(g->standin.mu);
    g->standin.plans[c.id] = js::array{js::object{{"id", plan}, {"status", "active"}, {"vehicle_id", vehicle}},
                                       js::object{{"id", old_plan}, {"status", "cancelled"}, {"vehicle_id", old_vehicle}}};
  }
  auto id = open_ticket(c, {{"plan_id", plan}, {"vehicle_id", vehicle}});
  auto t = call(Method::Get, "/api/v1/support/tickets/" + id, c.token);
  EXPECT_EQ(t.str("plan_id"), plan);
  EXPECT_EQ(t.str("vehicle_id"), vehicle);

  auto open = [&](const Actor& who, js::object extra) {
    js::object body{{"category", "payment_dispute"}, {"subject", "Charged twice"}, {"description", "Twice."}};
    for (auto& kv : extra) body[kv.key()] = kv.value();
    return call(Method::Post, "/api/v1/support/tickets", who.token, body);
  };
  // Another customer's plan, an unknown vehicle, a vehicle given back: 422 naming the field.
  auto other = customer();
  auto theirs = open(other, {{"plan_id", plan}});
  EXPECT_EQ(theirs.status, 422);
  EXPECT_TRUE(theirs.is_problem());
  EXPECT_TRUE(theirs.names_field("plan_id"));
  auto unknown = open(c, {{"vehicle_id", rto::crypto::uuid_v4()}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.names_field("vehicle_id"));
  EXPECT_TRUE(open(c, {{"vehicle_id", old_vehicle}}).names_field("vehicle_id"));
  EXPECT_EQ(open(c, {{"plan_id", old_plan}}).status, 201);  // a dispute about a cancelled plan
  // Staff opening a ticket for a customer are checked against that customer.
  auto staff = agent();
  EXPECT_EQ(open(staff, {{"customer_id", other.id}, {"vehicle_id", vehicle}}).status, 422);
  EXPECT_EQ(open(staff, {{"customer_id", c.id}, {"vehicle_id", vehicle}}).status, 201);
  EXPECT_EQ(count("SELECT count(*) FROM tickets WHERE customer_id = $1::uuid", other.id), 0);

  // The payment service cannot answer: 503, and nothing is opened.
  {
    std::lock_guard lk(g->standin.mu);
    g->standin.plans_status = 503;
  }
  auto down = open(c, {{"plan_id", plan}});
  EXPECT_EQ(down.status, 503);
  EXPECT_TRUE(down.is_problem());
  EXPECT_EQ(open(c, {}).status, 201);  // a ticket about nothing in particular needs no check
  {
    std::lock_guard lk(g->standin.mu);
    g->standin.plans_status = 200;
  }
}

TEST(Tickets, UpToFiveImagesCheckedByTheirBytes) {
  auto c = customer();
  auto other = customer();
  auto staff = agent();
  auto id = open_ticket(c);
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'j');
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(100, 'p');
  auto upload = [&](const Actor& who, const std::string& type, const std::string& bytes) {
    return rto::testing::dispatch(*g->service, Method::Post, "/api/v1/support/tickets/" + id + "/attachments", bytes,
                                  who.token, {{"Content-Type", type}});
  };
  auto first = upload(c, "image/jpeg", jpeg);
  ASSERT_EQ(first.status, 201) << first.body;
  auto url = first.str("url");
  EXPECT_EQ(first.obj().at("size_bytes").as_int64(), static_cast<std::int64_t>(jpeg.size()));

  // The bytes back, to the customer and staff; another customer finds nothing.
  auto got = call(Method::Get, url, c.token);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, jpeg);
  EXPECT_EQ(got.header("Content-Type"), "image/jpeg");
  EXPECT_EQ(call(Method::Get, url, staff.token).status, 200);
  EXPECT_EQ(call(Method::Get, url, other.token).status, 404);
  EXPECT_EQ(upload(other, "image/jpeg", jpeg).status, 404);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/tickets/" + id + "/attachments/" + rto::crypto::uuid_v4(), c.token).status,
            404);

  // Checked by what the bytes are, and their size.
  auto lying = upload(c, "image/png", jpeg);
  EXPECT_EQ(lying.status, 415);
  EXPECT_TRUE(lying.names_field("Content-Type"));
  auto html = upload(c, "image/jpeg", "<html><script>alert(1)</script></html>");
  EXPECT_EQ(html.status, 415);
  EXPECT_TRUE(html.names_field("body"));
  EXPECT_EQ(upload(c, "application/pdf", "%PDF-1.7").status, 415);
  EXPECT_EQ(upload(c, "image/jpeg", "").status, 400);
  auto big = upload(c, "image/jpeg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(5000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_TRUE(big.is_problem());

  // At most five per ticket, from the customer and staff together.
  EXPECT_EQ(upload(staff, "image/png", png).status, 201);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(upload(c, "image/png", png).status, 201);
  auto sixth = upload(c, "image/jpeg", jpeg);
  EXPECT_EQ(sixth.status, 409);
  EXPECT_TRUE(sixth.names_field("attachments"));
  auto detail = call(Method::Get, "/api/v1/support/tickets/" + id, c.token);
  ASSERT_EQ(detail.obj().at("attachments").as_array().size(), 5u);
  EXPECT_EQ(count("SELECT count(*) FROM ticket_attachments WHERE ticket_id = $1::uuid", id), 5);
}

TEST(Tickets, InternalCommentsAreNeverShownToTheCustomer) {
  auto c = customer();
  auto staff = agent();
  auto id = open_ticket(c);
  EXPECT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", c.token,
                 js::object{{"body", "secret"}, {"internal", true}})
                .status,
            400);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", staff.token,
                 js::object{{"body", "Rider owes 3 weeks; be firm"}, {"internal", true}})
                .status,
            201);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", staff.token,
                 js::object{{"body", "A mechanic will call you today."}})
                .status,
            201);
  auto seen = call(Method::Get, "/api/v1/support/tickets/" + id, c.token);
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.body.find("be firm"), std::string::npos);
  EXPECT_NE(seen.body.find("mechanic"), std::string::npos);
  EXPECT_FALSE(seen.obj().at("first_response_at").is_null());
  auto staff_view = call(Method::Get, "/api/v1/support/tickets/" + id, staff.token);
  EXPECT_NE(staff_view.body.find("be firm"), std::string::npos);
}

TEST(Tickets, StatusMachineThroughTheApi) {
  auto c = customer();
  auto staff = agent();
  auto id = open_ticket(c);
  auto move = [&](const Actor& who, const char* to) {
    return call(Method::Post, "/api/v1/support/tickets/" + id + "/status", who.token, js::object{{"status", to}});
  };
  EXPECT_EQ(move(c, "in_progress").status, 403);
  EXPECT_EQ(move(staff, "closed").status, 409);
  EXPECT_EQ(move(staff, "bogus").status, 400);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/assign", staff.token, js::object{}).status, 200);
  EXPECT_EQ(move(staff, "in_progress").status, 200);
  EXPECT_EQ(move(staff, "waiting_customer").status, 200);
  // The customer's answer moves it back to in_progress.
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", c.token, js::object{{"body", "Done."}}).status,
            201);
  auto t = call(Method::Get, "/api/v1/support/tickets/" + id, c.token);
  EXPECT_EQ(t.str("status"), "in_progress");
  EXPECT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/rating", c.token, js::object{{"rating", 5}}).status, 409);
  EXPECT_EQ(move(staff, "resolved").status, 200);
  EXPECT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/rating", c.token, js::object{{"rating", 9}}).status, 400);
  EXPECT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/rating", c.token, js::object{{"rating", 4}}).status, 200);
  // Reopen within 7 days, then resolve and close; after 7 days a resolved ticket stays resolved.
  EXPECT_EQ(move(c, "open").status, 200);
  EXPECT_EQ(move(staff, "resolved").status, 200);
  g->clock->advance(24h * 8);
  EXPECT_EQ(move(c, "open").status, 409);
  EXPECT_EQ(move(c, "closed").status, 200);
  EXPECT_EQ(move(staff, "open").status, 409);
  g->clock->set(daytime());
  EXPECT_EQ(outbox("support.ticket.status_changed", id).size(), 7u);
  auto history = call(Method::Get, "/api/v1/support/tickets/" + id, staff.token).obj().at("history").as_array();
  EXPECT_GE(history.size(), 9u);
}

TEST(Tickets, SlaBreachesAreMarkedOnceAndPublished) {
  auto c = customer();
  auto id = open_ticket(c, {{"category", "theft"}, {"subject", "Stolen bike"}});
  auto t = call(Method::Get, "/api/v1/support/tickets/" + id, c.token);
  EXPECT_EQ(t.str("priority"), "urgent");
  EXPECT_FALSE(t.obj().at("sla_breached").as_bool());
  g->clock->advance(1h + 1s);
  g->app->mark_breaches();
  g->app->mark_breaches();
  auto events = outbox("support.ticket.sla_breached", id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(rto::testing::text(events[0].at("breach")), "first_response");
  EXPECT_FALSE(events[0].contains("customer_id"));
  g->clock->advance(8h);
  g->app->mark_breaches();
  EXPECT_EQ(outbox("support.ticket.sla_breached", id).size(), 2u);
  auto staff = agent();
  auto breached = call(Method::Get, "/api/v1/support/tickets?breached=true&priority=urgent&limit=100", staff.token);
  bool found = false;
  for (const auto& x : breached.obj().at("items").as_array()) found = found || rto::testing::text(x.at("id")) == id;
  EXPECT_TRUE(found);
  g->clock->set(daytime());
}

TEST(Tickets, KeysetPagesCoverEveryTicketOnce) {
  auto c = customer();
  std::set<std::string> made;
  for (int i = 0; i < 5; ++i) {
    made.insert(open_ticket(c));
    g->clock->advance(1s);
  }
  std::set<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto r = call(Method::Get, "/api/v1/support/tickets?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), c.token);
    ASSERT_EQ(r.status, 200);
    for (const auto& t : r.obj().at("items").as_array()) EXPECT_TRUE(seen.insert(rto::testing::text(t.at("id"))).second);
    if (r.obj().at("next_cursor").is_null()) break;
    cursor = rto::testing::text(r.obj().at("next_cursor"));
  }
  EXPECT_EQ(seen, made);
  g->clock->set(daytime());
}

TEST(Tickets, NewTicketsGoToTheAvailableAgentWithTheFewestOpenTickets) {
  auto a = agent(), b = agent(), admin = actor({"admin"});
  auto available = [](const Actor& who, bool on) {
    return call(Method::Put, "/api/v1/support/agents/me", who.token, js::object{{"available", on}});
  };
  auto assignee = [&](const std::string& ticket) {
    auto v = call(Method::Get, "/api/v1/support/tickets/" + ticket, admin.token).obj().at("assignee_id");
    return v.is_null() ? std::string() : rto::testing::text(v);
  };
  // Nobody available: the ticket waits unassigned.
  auto c = customer();
  EXPECT_EQ(assignee(open_ticket(c)), "");
  // b already has one open ticket (assigned by staff).
  auto busy = open_ticket(c);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + busy + "/assign", admin.token,
                 js::object{{"assignee_id", b.id}}).status, 200);

  ASSERT_EQ(available(a, true).status, 200);
  auto me = available(b, true);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(me.obj().at("available").as_bool());
  EXPECT_EQ(available(c, true).status, 403);  // customers take no tickets
  auto bad = call(Method::Put, "/api/v1/support/agents/me", a.token, js::object{{"available", "yes"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("available"));

  g->clock->advance(1s);
  auto t1 = open_ticket(c);
  EXPECT_EQ(assignee(t1), a.id);
  // The customer sees that it was assigned, not to whom.
  auto seen = call(Method::Get, "/api/v1/support/tickets/" + t1, c.token);
  EXPECT_FALSE(seen.obj().contains("assignee_id"));
  EXPECT_EQ(seen.body.find(a.id), std::string::npos);
  g->clock->advance(1s);
  auto t2 = open_ticket(c);  // a 1, b 1: b was given none automatically yet, a was just now
  EXPECT_EQ(assignee(t2), b.id);
  g->clock->advance(1s);
  EXPECT_EQ(assignee(open_ticket(c)), a.id);  // a 1, b 2
  // A resolved ticket no longer counts: b resolves both of theirs and gets the next one.
  for (const auto& id : {busy, t2})
    ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/status", b.token,
                   js::object{{"status", "resolved"}}).status, 200);
  g->clock->advance(1s);
  // Automatic tickets are assigned too.
  auto rider = customer();
  auto alarm_event = rto::crypto::uuid_v4();
  deliver(alarm_event, "telematics.alarm.raised", alarm_event,
          {{"customer_id", rider.id}, {"vehicle_id", rto::crypto::uuid_v4()}, {"alarm", "power_cut"}});
  auto auto_ticket = call(Method::Get, "/api/v1/support/tickets?customer_id=" + rider.id, admin.token);
  ASSERT_EQ(auto_ticket.obj().at("items").as_array().size(), 1u);
  EXPECT_EQ(rto::testing::text(auto_ticket.obj().at("items").as_array()[0].at("assignee_id")), b.id);

  auto list = call(Method::Get, "/api/v1/support/agents", admin.token);
  ASSERT_EQ(list.status, 200);
  std::map<std::string, std::int64_t> open;
  for (const auto& x : list.obj().at("items").as_array())
    open[rto::testing::text(x.at("agent_id"))] = x.at("open_tickets").as_int64();
  EXPECT_EQ(open[a.id], 2);
  EXPECT_EQ(open[b.id], 1);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/agents", c.token).status, 403);

  // An agent who is not available gets nothing new; with nobody available, nothing is assigned.
  ASSERT_EQ(available(b, false).status, 200);
  EXPECT_EQ(assignee(open_ticket(c)), a.id);
  ASSERT_EQ(available(a, false).status, 200);
  EXPECT_EQ(assignee(open_ticket(c)), "");
  EXPECT_GE(outbox_all("support.ticket.assigned").size(), 4u);
  g->clock->set(daytime());
}

// ---- events → notifications and auto-tickets --------------------------------------------------

TEST(Events, ReceiptBecomesOneInAppNotificationAndOneSms) {
  auto rider = customer();
  add_user(rider.id, "+256772100001", "sw", "Amina");
  auto event_id = rto::crypto::uuid_v4();
  js::object data{{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rider.id}, {"reference", "PLN-42"},
                  {"amount", money(150000)},          {"outstanding", money(2350000)}};
  deliver(event_id, "payment.collection.received", "pay-1", data);
  deliver(event_id, "payment.collection.received", "pay-1", data);  // redelivered

  auto inbox = call(Method::Get, "/api/v1/support/notifications", rider.token);
  ASSERT_EQ(inbox.status, 200);
  auto items = inbox.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(rto::testing::text(items[0].at("language")), "sw");
  EXPECT_EQ(rto::testing::text(items[0].at("body")), "Tumepokea UGX 150,000 kwa mpango PLN-42. Salio UGX 2,350,000. Asante!");
  EXPECT_EQ(inbox.obj().at("unread_count").as_int64(), 1);
  auto created = outbox_all("support.notification.created");
  int for_rider = 0;
  for (const auto& e : created) for_rider += rto::testing::text(e.at("user_id")) == rider.id;
  EXPECT_EQ(for_rider, 1);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid AND status = 'pending'", rider.id), 1);

  // Someone else cannot read or mark it.
  auto other = customer();
  EXPECT_EQ(call(Method::Get, "/api/v1/support/notifications", other.token).obj().at("items").as_array().size(), 0u);
  auto nid = rto::testing::text(items[0].at("id"));
  EXPECT_EQ(call(Method::Post, "/api/v1/support/notifications/" + nid + "/read", other.token).status, 404);
  EXPECT_EQ(call(Method::Post, "/api/v1/support/notifications/" + nid + "/read", rider.token).status, 204);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/notifications/unread-count", rider.token).obj().at("unread_count").as_int64(),
            0);
}

TEST(Events, AStaffAnswerReachesTheCustomersInboxTheirOwnCommentDoesNot) {
  auto c = customer();
  add_user(c.id, "+256772100019", "en", "Okello");
  auto staff = agent();
  auto id = open_ticket(c);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", c.token,
                 js::object{{"body", "Any news?"}})
                .status,
            201);
  ASSERT_EQ(call(Method::Post, "/api/v1/support/tickets/" + id + "/comments", staff.token,
                 js::object{{"body", "A mechanic will call you today."}})
                .status,
            201);
  // The service consumes its own support.ticket.commented events, as the broker delivers them.
  auto commented = outbox("support.ticket.commented", id);
  ASSERT_EQ(commented.size(), 2u);
  for (auto& e : commented) deliver(rto::crypto::uuid_v4(), "support.ticket.commented", id, e);
  auto inbox = call(Method::Get, "/api/v1/support/notifications", c.token);
  ASSERT_EQ(inbox.status, 200);
  auto items = inbox.obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << inbox.body;
  EXPECT_EQ(rto::testing::text(items[0].at("kind")), "ticket_answered");
  EXPECT_NE(rto::testing::text(items[0].at("body")).find(id.substr(0, 8)), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", c.id), 1);
}

TEST(Events, MarketingCanBeTurnedOffPerChannelTransactionalMessagesCannot) {
  auto rider = customer();
  add_user(rider.id, "+256772100031", "en", "Faith");
  auto prefs = call(Method::Get, "/api/v1/support/preferences", rider.token);
  ASSERT_EQ(prefs.status, 200);
  EXPECT_TRUE(prefs.obj().at("marketing").as_object().at("sms").as_bool());
  EXPECT_TRUE(prefs.obj().at("updated_at").is_null());

  // Transactional ones cannot be turned off; bad input names the field.
  auto refused = call(Method::Put, "/api/v1/support/preferences", rider.token,
                      js::object{{"transactional", {{"sms", false}}}, {"marketing", {{"sms", false}}}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_TRUE(refused.is_problem());
  EXPECT_TRUE(refused.names_field("transactional.sms"));
  auto bad = call(Method::Put, "/api/v1/support/preferences", rider.token,
                  js::object{{"marketing", {{"email", false}, {"sms", "off"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("marketing.email"));
  EXPECT_TRUE(bad.names_field("marketing.sms"));
  EXPECT_TRUE(call(Method::Get, "/api/v1/support/preferences", rider.token).obj().at("updated_at").is_null());

  // No marketing SMS: the welcome is in the inbox only.
  auto set = call(Method::Put, "/api/v1/support/preferences", rider.token, js::object{{"marketing", {{"sms", false}}}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_FALSE(set.obj().at("marketing").as_object().at("sms").as_bool());
  EXPECT_TRUE(set.obj().at("marketing").as_object().at("in_app").as_bool());
  deliver(rto::crypto::uuid_v4(), "user.account.registered", rider.id, {{"user_id", rider.id}});
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid AND kind = 'welcome'", rider.id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", rider.id), 0);

  // Nothing marketing at all: the next welcome makes nothing, but a receipt still goes both ways.
  ASSERT_EQ(call(Method::Put, "/api/v1/support/preferences", rider.token, js::object{{"marketing", {{"in_app", false}}}})
                .status,
            200);
  auto stored = call(Method::Get, "/api/v1/support/preferences", rider.token);
  EXPECT_FALSE(stored.obj().at("marketing").as_object().at("sms").as_bool());  // kept from before
  EXPECT_FALSE(stored.obj().at("updated_at").is_null());
  deliver(rto::crypto::uuid_v4(), "user.account.registered", rider.id, {{"user_id", rider.id}});
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", rider.id), 1);
  deliver(rto::crypto::uuid_v4(), "payment.collection.received", "pay",
          {{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rider.id}, {"reference", "PLN-9"},
           {"amount", money(5000)}, {"outstanding", money(10000)}});
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid AND kind = 'receipt'", rider.id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", rider.id), 1);

  // Marketing SMS back on, inbox off: a welcome by SMS only, once however often it arrives.
  ASSERT_EQ(call(Method::Put, "/api/v1/support/preferences", rider.token, js::object{{"marketing", {{"sms", true}}}})
                .status,
            200);
  auto again = rto::crypto::uuid_v4();
  deliver(again, "user.account.registered", rider.id, {{"user_id", rider.id}});
  deliver(again, "user.account.registered", rider.id, {{"user_id", rider.id}});
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", rider.id), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid AND notification_id IS NULL", rider.id), 1);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/preferences", "").status, 401);
}

TEST(Events, ReminderDueTomorrowInEnglishByDefault) {
  auto rider = customer();
  add_user(rider.id, "+256772100002", "", "Brian");
  deliver(rto::crypto::uuid_v4(), "payment.reminder.due", "plan",
          {{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rider.id}, {"reference", "PLN-7"},
           {"kind", "due_tomorrow"}, {"days_past_due", 0}, {"amount_due", money(25000)}, {"due_date", "2026-12-08"}});
  auto items = call(Method::Get, "/api/v1/support/notifications", rider.token).obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(rto::testing::text(items[0].at("kind")), "reminder_due_tomorrow");
  EXPECT_EQ(rto::testing::text(items[0].at("body")),
            "Reminder: UGX 25,000 for plan PLN-7 is due tomorrow, 2026-12-08. Pay with mobile money in the app.");
}

// A batch of events (as the consumer takes them from a burst) costs one user look-up, renders
// each rider's language, leaves out what was already made, and announces each notification once.
TEST(Events, ABatchIsHandledWithOneLookupAndEachNotificationOnce) {
  auto en = customer(), sw = customer(), unknown = customer();
  add_user(en.id, "+256772100021", "en", "Brian");
  add_user(sw.id, "+256772100022", "sw", "Neema");
  auto receipt = [](const Actor& who, const std::string& id) {
    rto::events::Received e;
    e.id = id;
    e.type = "payment.collection.received";
    e.source = "payment-service";
    e.subject = "pay-" + id.substr(0, 8);
    e.data = js::object{{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", who.id}, {"reference", "PLN-7"},
                        {"amount", money(5000)},          {"outstanding", money(95000)}};
    return e;
  };
  const auto earlier = rto::crypto::uuid_v4();
  std::vector<rto::events::Received> batch = {receipt(en, rto::crypto::uuid_v4()), receipt(sw, rto::crypto::uuid_v4()),
                                              receipt(unknown, rto::crypto::uuid_v4()), receipt(en, earlier)};
  // The last one was handled before (one at a time): it must not be made again.
  g->app->db().transact([&](pqxx::work& tx) { g->app->on_event(tx, batch.back()); });
  const auto announced_before = outbox_all("support.notification.created").size();
  int lookups = 0, singles = 0;
  {
    std::lock_guard lk(g->standin.mu);
    lookups = g->standin.lookups;
    singles = g->standin.single_lookups;
  }
  g->app->db().transact([&](pqxx::work& tx) { g->app->on_events(tx, batch); });
  {
    std::lock_guard lk(g->standin.mu);
    EXPECT_EQ(g->standin.lookups, lookups + 1);  // one call for the three riders
    EXPECT_EQ(g->standin.single_lookups, singles);
  }
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", en.id), 2);
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", sw.id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", unknown.id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", en.id), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", sw.id), 1);
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages WHERE user_id = $1::uuid", unknown.id), 0);  // no phone known
  EXPECT_EQ(outbox_all("support.notification.created").size(), announced_before + 3);

  auto body_of = [](const Actor& who) {
    return rto::testing::text(call(Method::Get, "/api/v1/support/notifications", who.token).obj().at("items").as_array()[0].at("body"));
  };
  EXPECT_EQ(body_of(sw), "Tumepokea UGX 5,000 kwa mpango PLN-7. Salio UGX 95,000. Asante!");
  EXPECT_NE(body_of(en).find("UGX 5,000"), std::string::npos);
  // The SMS names the notification it repeats.
  EXPECT_EQ(count("SELECT count(*) FROM sms_messages s JOIN notifications n ON n.id = s.notification_id "
                  "WHERE s.user_id = $1::uuid AND s.body = n.body",
                  sw.id),
            1);
}

TEST(Events, AutoTicketsAreCreatedOnceHoweverOftenTheEventArrives) {
  auto rider = customer();
  auto plan = rto::crypto::uuid_v4();
  js::object data{{"plan_id", plan}, {"customer_id", rider.id}, {"old_bucket", "8-30"}, {"new_bucket", "31-60"},
                  {"days_past_due", 31}};
  deliver(rto::crypto::uuid_v4(), "payment.delinquency.changed", plan, data);
  deliver(rto::crypto::uuid_v4(), "payment.delinquency.changed", plan, data);  // the same situation again
  EXPECT_EQ(count("SELECT count(*) FROM tickets WHERE customer_id = $1::uuid AND origin = 'event'", rider.id), 1);
  js::object alarm{{"customer_id", rider.id}, {"vehicle_id", rto::crypto::uuid_v4()}, {"alarm", "tamper"}};
  auto alarm_event = rto::crypto::uuid_v4();
  deliver(alarm_event, "telematics.alarm.raised", alarm_event, alarm);
  deliver(alarm_event, "telematics.alarm.raised", alarm_event, alarm);
  EXPECT_EQ(count("SELECT count(*) FROM tickets WHERE customer_id = $1::uuid AND priority = 'urgent'", rider.id), 1);
}

TEST(Events, ConsumedFromTheBrokerOnceUnderRedelivery) {
  rto::testing::TempExchange exchange("support.events");
  const auto queue = rto::testing::unique_name("support_it") + ".events";
  auto cfg = test_config(g->db->url(), g->standin.url(), g->at.url);
  cfg.common.amqp_url = rto::testing::amqp_url();
  cfg.common.exchange = exchange.name();
  auto svc = std::make_unique<rto::Service>(cfg.common);
  support_service::InstallOptions o;
  o.background_jobs = false;
  o.event_queue = queue;
  auto app = support_service::install(*svc, cfg, g->clock, embedded_migrations(), o);
  std::this_thread::sleep_for(300ms);

  auto rider = customer();
  add_user(rider.id, "+256772100003", "en", "Chris");
  auto publish = [&](const std::string& id, const std::string& type, js::object data) {
    rto::mq::Connection c(rto::testing::amqp_url());
    c.enable_confirms();
    rto::events::Event e{type, rider.id, std::move(data)};
    c.publish(exchange.name(), type,
              js::serialize(rto::events::envelope(id, "user-service", e, rto::to_rfc3339(std::chrono::system_clock::now()))),
              id);
  };
  auto id = rto::crypto::uuid_v4();
  publish(id, "user.account.registered", {{"user_id", rider.id}, {"language", "en"}});
  publish(id, "user.account.registered", {{"user_id", rider.id}, {"language", "en"}});
  auto eventually = [](auto pred) {
    for (int i = 0; i < 200 && !pred(); ++i) std::this_thread::sleep_for(50ms);
    return pred();
  };
  EXPECT_TRUE(eventually([&] { return count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", rider.id) == 1; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE user_id = $1::uuid", rider.id), 1);
  auto items = call(Method::Get, "/api/v1/support/notifications", rider.token).obj().at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(rto::testing::text(items[0].at("body")),
            "Welcome to RTO Motors, Chris. Choose a vehicle and apply for a plan in the app.");
  app.reset();
  svc.reset();
  try {
    rto::mq::Connection c(rto::testing::amqp_url());
    c.delete_queue(queue);
    c.delete_queue(queue + ".dlq");
  } catch (...) {
  }
}

// ---- SMS through the Africa's Talking adapter, against the simulator's stand-in --------------

namespace {
// Runs the delivery job until nothing due is left (at most a few rounds).
void drain() {
  for (int i = 0; i < 5 && g->app->deliver_sms() > 0; ++i) {
  }
}
js::object sms_of(const std::string& user) {
  auto c = raw();
  pqxx::read_transaction tx(c);
  auto r = tx.exec_params(
      "SELECT status, attempts, coalesce(provider_message_id, ''), coalesce(provider_status, ''), phone, "
      "coalesce(failure_reason, '') FROM sms_messages WHERE user_id = $1::uuid",
      user);
  if (r.empty()) return {};
  return {{"status", r[0][0].as<std::string>()},
          {"attempts", r[0][1].as<int>()},
          {"message_id", r[0][2].as<std::string>()},
          {"provider_status", r[0][3].as<std::string>()},
          {"phone", r[0][4].as<std::string>()},
          {"failure_reason", r[0][5].as<std::string>()}};
}
std::string sms_status(const std::string& user) { return rto::testing::text(sms_of(user).at("status")); }
// Handed to Africa's Talking: "sent", or already "delivered" when the stand-in's report came.
bool handed_over(const std::string& user) {
  auto s = sms_status(user);
  return s == "sent" || s == "delivered";
}
std::string receipt_for(const std::string& phone, const std::string& language = "en") {
  auto rider = customer();
  add_user(rider.id, phone, language, "Dora");
  deliver(rto::crypto::uuid_v4(), "payment.collection.received", "pay",
          {{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rider.id}, {"reference", "PLN-1"},
           {"amount", money(5000)}, {"outstanding", money(10000)}});
  return rider.id;
}
// Recipients the stand-in accepted for the number (a refused one gets no message id).
std::size_t accepted_to(const std::string& e164) {
  std::size_t n = 0;
  for (const auto& m : g->at.messages_to(e164))
    if (m.at("status_code").as_int64() == 101) ++n;
  return n;
}
bool eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 300 && !pred(); ++i) std::this_thread::sleep_for(50ms);
  return pred();
}
}  // namespace

TEST(Sms, SentThroughAfricasTalkingWithDeliveryReports) {
  drain();  // messages earlier tests queued
  g->at.behave({{"reports", "drop"}});  // held back until replayed below, after the forged ones
  auto before = g->at.requests();
  auto user = receipt_for("0772100004");  // national form: stored as E.164
  drain();
  ASSERT_EQ(g->at.requests(), before + 1);
  auto received = g->at.messages_to("+256772100004");
  ASSERT_EQ(received.size(), 1u);
  const auto& rec = received[0].as_object();
  EXPECT_EQ(rto::testing::text(rec.at("username")), "sandbox");  // and the apiKey matched, or it is a 401
  EXPECT_EQ(rto::testing::text(rec.at("number")), "+256772100004");
  EXPECT_EQ(rto::testing::text(rec.at("message")), "Received UGX 5,000 for plan PLN-1. Balance UGX 10,000. Thank you!");
  EXPECT_EQ(rec.at("status_code").as_int64(), 101);
  auto m = sms_of(user);
  EXPECT_EQ(rto::testing::text(m.at("status")), "sent");
  auto message_id = rto::testing::text(m.at("message_id"));
  ASSERT_FALSE(message_id.empty());
  EXPECT_EQ(message_id, rto::testing::text(rec.at("id")));
  drain();
  EXPECT_EQ(g->at.requests(), before + 1);  // never twice

  auto report = [&](const std::string& id, const std::string& phone, const std::string& status) {
    return rto::testing::dispatch(*g->service, Method::Post, "/api/v1/webhooks/sms/africastalking",
                                  "id=" + id + "&status=" + status + "&phoneNumber=" + phone +
                                      "&networkCode=63902&retryCount=0",
                                  "", {{"Content-Type", "application/x-www-form-urlencoded"}});
  };
  // A forged report: unknown id, or the right id with another number, changes nothing.
  auto forged = report("ATXid_forged", "%2B256772100004", "Failed");
  EXPECT_EQ(forged.status, 200);
  EXPECT_FALSE(forged.obj().at("accepted").as_bool());
  EXPECT_FALSE(report(message_id, "%2B256772999999", "Failed").obj().at("accepted").as_bool());
  {
    // The same over the wire, as anyone on the internet could send it.
    rto::http::Client client("http://127.0.0.1:" + std::to_string(g->port));
    rto::http::Headers h;
    h.set("Content-Type", "application/x-www-form-urlencoded");
    auto r = client.send(Method::Post, "/api/v1/webhooks/sms/africastalking", h,
                         "id=ATXid_0123456789abcdef0123456789abcdef&status=Failed&phoneNumber=%2B256772100004"
                         "&networkCode=64110&failureReason=DeliveryFailure&retryCount=0");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(js::parse(r.body).at("accepted").as_bool());
  }
  EXPECT_EQ(sms_status(user), "sent");
  EXPECT_EQ(report(message_id, "%2B256772100004", "Delivered").status, 400);

  // The stand-in's own report, posted to the running service.
  auto sent = g->at.control(Method::Post, "/_sim/africastalking/messages/" + message_id + "/report");
  EXPECT_TRUE(sent.at("delivered").as_bool()) << js::serialize(sent);
  EXPECT_EQ(sent.at("status").as_int64(), 200);
  EXPECT_EQ(sms_status(user), "delivered");
  EXPECT_EQ(rto::testing::text(sms_of(user).at("provider_status")), "Success");
  g->at.behave({{"reports", "normal"}});
}

TEST(Sms, TheStandInReportsDeliveryAndFailureByItself) {
  drain();
  auto ok = receipt_for("+256772100011");
  auto lost = receipt_for("+256772100099");  // the stand-in's rule: AbsentSubscriber
  drain();
  EXPECT_TRUE(eventually([&] { return sms_status(ok) == "delivered"; })) << js::serialize(sms_of(ok));
  EXPECT_TRUE(eventually([&] { return sms_status(lost) == "failed"; })) << js::serialize(sms_of(lost));
  auto m = sms_of(lost);
  EXPECT_EQ(rto::testing::text(m.at("provider_status")), "Failed");
  EXPECT_EQ(rto::testing::text(m.at("failure_reason")), "AbsentSubscriber");
  EXPECT_EQ(m.at("attempts").as_int64(), 1);
  auto listed = g->at.messages_to("+256772100099");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("reports_sent").as_int64(), 1);
  EXPECT_EQ(listed[0].at("report").at("last_status").as_int64(), 200);
  drain();
  EXPECT_EQ(accepted_to("+256772100011"), 1u);
  EXPECT_EQ(accepted_to("+256772100099"), 1u);
}

TEST(Sms, RetriesServerErrorsAndTimeoutsWithBackoffAndStopsOnFinalCodes) {
  drain();
  auto before = g->at.requests();
  // The next send answers HTTP 503, the one after it a 500 recipient status.
  g->at.behave({{"fail_requests", js::object{{"status", 503}, {"count", 1}}},
                {"recipient_status", js::object{{"code", 500}, {"count", 1}}}});
  auto user = receipt_for("+256772100005");
  drain();
  EXPECT_EQ(g->at.requests(), before + 1);
  auto m = sms_of(user);
  EXPECT_EQ(rto::testing::text(m.at("status")), "pending");
  EXPECT_EQ(m.at("attempts").as_int64(), 1);
  g->clock->advance(10s);  // first back-off
  drain();
  EXPECT_EQ(g->at.requests(), before + 2);
  EXPECT_EQ(sms_status(user), "pending");
  g->clock->advance(19s);  // second back-off is 20 s: not yet
  drain();
  EXPECT_EQ(g->at.requests(), before + 2);
  g->clock->advance(1s);
  drain();
  EXPECT_EQ(g->at.requests(), before + 3);
  EXPECT_TRUE(handed_over(user)) << sms_status(user);
  EXPECT_EQ(sms_of(user).at("attempts").as_int64(), 3);
  EXPECT_EQ(accepted_to("+256772100005"), 1u);  // the 500 recipient was not sent
  EXPECT_EQ(rto::testing::text(sms_of(user).at("message_id")),
            rto::testing::text(g->at.messages_to("+256772100005").back().at("id")));
  g->clock->set(daytime());

  // A network error: the stand-in holds its answer longer than the adapter waits.
  g->at.behave({{"timeout_requests", js::object{{"count", 1}, {"delay_ms", 1500}}}});
  auto slow = receipt_for("+256772100012");
  drain();
  EXPECT_EQ(sms_status(slow), "pending");
  EXPECT_EQ(sms_of(slow).at("attempts").as_int64(), 1);
  EXPECT_EQ(accepted_to("+256772100012"), 0u);
  g->clock->advance(10s);
  drain();
  EXPECT_TRUE(handed_over(slow)) << sms_status(slow);
  EXPECT_EQ(sms_of(slow).at("attempts").as_int64(), 2);
  EXPECT_EQ(accepted_to("+256772100012"), 1u);
  g->clock->set(daytime());

  // 4xx recipient status: final at once.
  g->at.behave({{"recipient_status", js::object{{"code", 406}, {"count", 1}}}});
  auto blocked = receipt_for("+256772100006");
  drain();
  g->clock->advance(1h);
  drain();
  EXPECT_EQ(sms_status(blocked), "failed");
  EXPECT_EQ(sms_of(blocked).at("attempts").as_int64(), 1);
  EXPECT_EQ(g->at.messages_to("+256772100006").size(), 1u);
  g->clock->set(daytime());

  // An HTTP 4xx answer: final too, never retried.
  g->at.behave({{"fail_requests", js::object{{"status", 400}, {"count", 1}}}});
  auto refused = receipt_for("+256772100013");
  auto at_refusal = g->at.requests();
  drain();
  g->clock->advance(1h);
  drain();
  EXPECT_EQ(sms_status(refused), "failed");
  EXPECT_EQ(sms_of(refused).at("attempts").as_int64(), 1);
  EXPECT_EQ(g->at.requests(), at_refusal + 1);
  g->clock->set(daytime());

  // The adapter with a wrong API key: the stand-in's 401 is a final failure.
  support_service::AfricasTalkingSettings wrong;
  wrong.base_url = g->at.url;
  wrong.username = "sandbox";
  wrong.api_key = "not-the-key";
  wrong.timeout = 1s;
  support_service::AfricasTalkingProvider provider(wrong);
  auto r = provider.send("+256772100014", "Hello", "ref-1");
  EXPECT_EQ(r.outcome, support_service::sms::Outcome::Failed);
  EXPECT_EQ(r.status_code, 401);
  EXPECT_TRUE(g->at.messages_to("+256772100014").empty());
}

// A message left 'sending' by a process that stopped during the send is not sent again (it may
// have gone out); after ten minutes the job marks it failed, with the reason, for staff to see.
TEST(Sms, AMessageLeftSendingByAStoppedProcessIsMarkedFailedNotSentAgain) {
  drain();
  auto user = receipt_for("+256772100031");
  auto c = raw();
  {
    pqxx::work tx(c);
    tx.exec_params("UPDATE sms_messages SET status = 'sending', attempts = 1, "
                   "updated_at = $2::timestamptz WHERE user_id = $1::uuid",
                   user, rto::to_rfc3339(g->clock->now() - 11min));
    tx.commit();
  }
  const auto before = g->at.requests();
  g->clock->advance(2min);  // the sweep runs at most once a minute
  drain();
  EXPECT_EQ(sms_status(user), "failed");
  EXPECT_NE(rto::testing::text(sms_of(user).at("failure_reason")).find("outcome unknown"), std::string::npos);
  EXPECT_EQ(g->at.requests(), before);  // never sent again
  g->clock->set(daytime());
}

// The sends of a batch go out several at a time; each is recorded once, with its own outcome.
TEST(Sms, ABatchIsSentConcurrentlyAndEveryOutcomeRecorded) {
  drain();
  std::vector<std::string> users;
  for (int i = 0; i < 12; ++i) users.push_back(receipt_for("+2567721004" + std::to_string(10 + i)));
  auto absent = receipt_for("+256772100499");  // the stand-in reports numbers ending in 99 AbsentSubscriber
  const auto before = g->at.requests();
  drain();
  EXPECT_EQ(g->at.requests(), before + 13);
  for (const auto& u : users) EXPECT_TRUE(handed_over(u)) << sms_status(u);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(accepted_to("+2567721004" + std::to_string(10 + i)), 1u);
  // Its report finds the message id the batch recorded.
  EXPECT_TRUE(eventually([&] { return sms_status(absent) == "failed"; })) << sms_status(absent);
  EXPECT_EQ(rto::testing::text(sms_of(absent).at("failure_reason")), "AbsentSubscriber");
}

TEST(Sms, QuietHoursHoldNonUrgentMessagesButNotLockWarnings) {
  g->clock->set(daytime() + 15h);  // 01:00 in Kampala
  auto receipt = receipt_for("+256772100007");
  auto rider = customer();
  add_user(rider.id, "+256772100008", "en", "Eve");
  deliver(rto::crypto::uuid_v4(), "payment.lock.required", "plan",
          {{"plan_id", rto::crypto::uuid_v4()}, {"customer_id", rider.id}, {"reference", "PLN-3"},
           {"outstanding", money(45000)}});
  drain();
  EXPECT_EQ(rto::testing::text(sms_of(receipt).at("status")), "pending");
  EXPECT_TRUE(handed_over(rider.id)) << sms_status(rider.id);
  g->clock->set(daytime() + 24h);  // 10:00 next day
  drain();
  EXPECT_TRUE(handed_over(receipt)) << sms_status(receipt);
  g->clock->set(daytime());
}

TEST(Staff, OutboxAndTemplatesAreStaffOnly) {
  auto c = customer();
  auto staff = agent();
  EXPECT_EQ(call(Method::Get, "/api/v1/support/sms", c.token).status, 403);
  EXPECT_EQ(call(Method::Get, "/api/v1/support/templates", c.token).status, 403);
  auto t = call(Method::Get, "/api/v1/support/templates", staff.token);
  ASSERT_EQ(t.status, 200);
  EXPECT_GE(t.obj().at("items").as_array().size(), 30u);
  auto user = receipt_for("+256772100009");
  auto o = call(Method::Get, "/api/v1/support/sms?user_id=" + user, staff.token);
  ASSERT_EQ(o.status, 200);
  ASSERT_EQ(o.obj().at("items").as_array().size(), 1u);
  // Staff see a masked number only.
  EXPECT_EQ(o.body.find("+256772100009"), std::string::npos);
}

TEST(Staff, TemplatesAreEditedCheckedAndFallBackToTheBuiltInEnglish) {
  auto c = customer();
  auto staff = agent();
  auto admin = actor({"admin"});
  auto put = [&](const Actor& who, const std::string& path, js::object body) {
    return call(Method::Put, "/api/v1/support/templates/" + path, who.token, body);
  };
  // Refused when it could not render: an unknown variable, a placeholder not closed (422, text).
  auto unknown = put(staff, "receipt/sw", {{"title", "Malipo"}, {"text", "Tumepokea {{amount}} kwa {{iban}}"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.is_problem());
  EXPECT_TRUE(unknown.names_field("text"));
  auto unclosed = put(staff, "receipt/sw", {{"title", "Malipo"}, {"text", "Tumepokea {{amount"}});
  EXPECT_EQ(unclosed.status, 422);
  EXPECT_TRUE(unclosed.names_field("text"));
  auto missing = put(staff, "receipt/sw", {{"text", "Asante"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(missing.names_field("title"));
  EXPECT_EQ(put(staff, "horoscope/en", {{"title", "x"}, {"text", "y"}}).status, 404);
  EXPECT_EQ(put(staff, "receipt/fr", {{"title", "x"}, {"text", "y"}}).status, 404);
  EXPECT_EQ(put(c, "receipt/en", {{"title", "x"}, {"text", "y"}}).status, 403);
  EXPECT_EQ(count("SELECT count(*) FROM template_overrides WHERE kind = $1", "receipt"), 0);

  // A good edit is listed and used.
  auto saved = put(admin, "receipt/en", {{"title", "Paid"}, {"text", "Thanks {{name}}: {{amount}} in, {{balance}} to go."}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_TRUE(saved.obj().at("edited").as_bool());
  bool listed = false;
  auto list = call(Method::Get, "/api/v1/support/templates", staff.token);
  ASSERT_EQ(list.status, 200);
  for (const auto& t : list.obj().at("items").as_array()) {
    const auto& o = t.as_object();
    if (rto::testing::text(o.at("kind")) != "receipt") continue;
    bool en = rto::testing::text(o.at("language")) == "en";
    EXPECT_EQ(o.at("edited").as_bool(), en);
    if (en) {
      listed = true;
      EXPECT_EQ(rto::testing::text(o.at("text")), "Thanks {{name}}: {{amount}} in, {{balance}} to go.");
      EXPECT_EQ(rto::testing::text(o.at("updated_by")), admin.id);
    }
  }
  EXPECT_TRUE(listed);
  auto inbox_body = [&](const std::string& user) {
    auto token = g->service->tokens().issue_access(user, {"customer"}, std::chrono::system_clock::now());
    auto inbox = call(Method::Get, "/api/v1/support/notifications", token);
    const auto& items = inbox.obj().at("items").as_array();
    return items.empty() ? std::string() : rto::testing::text(items[0].at("body"));
  };
  auto english = receipt_for("+256772100041", "en");
  EXPECT_EQ(inbox_body(english), "Thanks Dora: UGX 5,000 in, UGX 10,000 to go.");

  // An edit that fails at send time (saved before the rules changed, here straight in the table)
  // falls back to the built-in English — not the edited English — and is counted.
  {
    auto conn = raw();
    pqxx::work tx(conn);
    tx.exec("INSERT INTO template_overrides (kind, language, title, text, updated_by, updated_at) VALUES "
            "('receipt', 'sw', 'Malipo', 'Tumepokea {{amount}} kwa {{iban}}', 'migration', now())");
    tx.commit();
  }
  auto swahili = receipt_for("+256772100042", "sw");
  EXPECT_EQ(inbox_body(swahili), "Received UGX 5,000 for plan PLN-1. Balance UGX 10,000. Thank you!");
  auto metrics = g->service->metrics().scrape();
  EXPECT_NE(metrics.find("support_template_fallbacks_total{kind=\"receipt\",language=\"sw\"} 1"), std::string::npos)
      << metrics.substr(0, 2000);

  // Deleting an edit brings the built-in one back.
  EXPECT_EQ(call(Method::Delete, "/api/v1/support/templates/receipt/en", staff.token).status, 204);
  EXPECT_EQ(call(Method::Delete, "/api/v1/support/templates/receipt/sw", staff.token).status, 204);
  EXPECT_EQ(call(Method::Delete, "/api/v1/support/templates/receipt/sw", staff.token).status, 404);
  EXPECT_EQ(inbox_body(receipt_for("+256772100043", "en")),
            "Received UGX 5,000 for plan PLN-1. Balance UGX 10,000. Thank you!");
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  g = new World;
  ::testing::AddGlobalTestEnvironment(new Env);
  int rc = RUN_ALL_TESTS();
  return rc;
}
