// Admin and staff endpoints, the internal endpoint for other services, the bootstrap admin.
#include <map>
#include <rto/crypto.hpp>
#include <set>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {

std::string admin_id(const std::string& token) { return get("/api/v1/users/me", token).str("id"); }

std::vector<std::string> ids_of(const Reply& page) {
  std::vector<std::string> out;
  for (const auto& u : page.json.at("items").as_array()) out.emplace_back(u.at("id").as_string());
  return out;
}

}  // namespace

TEST(AdminList, KeysetPagesAreCompleteStableAndOrdered) {
  auto tag = "Pager" + rto::crypto::random_token(6);
  for (auto& c : tag)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = 'x';
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) {
    if (i % 3 == 0) world().clock->advance(1s);  // some share created_at: the id breaks the tie
    created.insert(register_account(tag + " Rider").id);
  }
  auto admin = admin_token();
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto r = get("/api/v1/users?q=" + tag + "&limit=3" + (cursor.empty() ? "" : "&cursor=" + cursor), admin);
    ASSERT_EQ(r.status, 200) << r.body;
    ++pages;
    auto ids = ids_of(r);
    seen.insert(seen.end(), ids.begin(), ids.end());
    if (pages == 1) {
      // A newer matching account appearing between pages must not shift the next pages.
      register_account(tag + " Latecomer");
    }
    if (r.json.at("next_cursor").is_null()) break;
    cursor = std::string(r.json.at("next_cursor").as_string());
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), created);

  // Newest first, ties broken by id, as the database orders them.
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  std::vector<std::string> expected;
  for (const auto& row : tx.exec_params("SELECT id::text FROM users WHERE full_name = $1 ORDER BY created_at DESC, id DESC",
                                        tag + " Rider"))
    expected.push_back(row[0].as<std::string>());
  EXPECT_EQ(seen, expected);
}

TEST(AdminList, FiltersByRoleStatusAndPhone) {
  auto admin = admin_token();
  auto officer = account_with_roles({"credit_officer"});
  auto r = get("/api/v1/users?role=credit_officer&limit=100", admin);
  ASSERT_EQ(r.status, 200);
  bool found = false;
  for (const auto& u : r.json.at("items").as_array()) {
    EXPECT_NE(std::find(u.at("roles").as_array().begin(), u.at("roles").as_array().end(), js::value("credit_officer")),
              u.at("roles").as_array().end());
    found = found || text(u.at("id")) == officer.id;
  }
  EXPECT_TRUE(found);

  auto byphone = get("/api/v1/users?q=0" + officer.phone.substr(4), admin);
  ASSERT_EQ(byphone.status, 200);
  EXPECT_EQ(ids_of(byphone), std::vector<std::string>{officer.id});

  auto d = register_account();
  ASSERT_EQ(post("/api/v1/users/" + d.id + "/disable", js::object{}, admin).status, 200);
  auto disabled = get("/api/v1/users?status=disabled&limit=100", admin);
  ASSERT_EQ(disabled.status, 200);
  for (const auto& u : disabled.json.at("items").as_array()) EXPECT_EQ(u.at("status"), "disabled");
  auto ids = ids_of(disabled);
  EXPECT_NE(std::find(ids.begin(), ids.end(), d.id), ids.end());
}

TEST(AdminList, BadParametersAreNamed) {
  auto admin = admin_token();
  struct Case {
    std::string query, field;
  } cases[] = {{"limit=101", "limit"},  {"limit=0", "limit"},   {"limit=abc", "limit"},
               {"cursor=zzz", "cursor"}, {"role=root", "role"}, {"status=deleted", "status"}};
  for (const auto& c : cases) {
    auto r = get("/api/v1/users?" + c.query, admin);
    EXPECT_EQ(r.status, 400) << c.query;
    EXPECT_TRUE(r.is_problem());
    EXPECT_TRUE(r.names_field(c.field)) << c.query << " " << r.body;
  }
}

TEST(AdminList, OnlyAdminsAndCreditOfficers) {
  auto customer = register_account();
  auto r = get("/api/v1/users", customer.access_token);
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.is_problem());
  EXPECT_EQ(get("/api/v1/users", account_with_roles({"support_agent"}).access_token).status, 403);
  EXPECT_EQ(get("/api/v1/users", account_with_roles({"dealer"}).access_token).status, 403);
  EXPECT_EQ(get("/api/v1/users").status, 401);
}

// The KYC review queue: a credit officer lists the accounts whose KYC waits for review.
TEST(AdminList, CreditOfficersFindPendingKycProfiles) {
  auto officer = account_with_roles({"credit_officer"});
  auto waiting = register_account("Nakato Sarah");
  auto none = register_account("Opio James");
  ASSERT_EQ(call_json(Method::Put, "/api/v1/users/me/kyc",
                      js::object{{"national_id", unique_national_id()},
                                 {"date_of_birth", "1992-04-12"},
                                 {"address", "Plot 4, Jinja Road, Mukono"},
                                 {"next_of_kin", {{"name", "Grace"}, {"phone", "+256701234568"}, {"relationship", "sister"}}}},
                      waiting.access_token)
                .status,
            200);
  auto ids_of = [&](const std::string& query) {
    std::set<std::string> ids;
    auto r = get("/api/v1/users?limit=100&" + query, officer.access_token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status == 200)
      for (const auto& u : r.json.at("items").as_array()) ids.insert(text(u.at("id")));
    return ids;
  };
  auto pending = ids_of("kyc_status=pending&q=Nakato");
  EXPECT_EQ(pending.count(waiting.id), 1u);
  EXPECT_EQ(pending.count(none.id), 0u);
  EXPECT_EQ(ids_of("kyc_status=not_submitted&q=Opio").count(none.id), 1u);
  auto bad = get("/api/v1/users?kyc_status=maybe", officer.access_token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("kyc_status"));
}

TEST(AdminUser, StaffReadAccountsAndIdsMustBeUuids) {
  auto a = register_account();
  auto support = account_with_roles({"support_agent"});
  auto r = get("/api/v1/users/" + a.id, support.access_token);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(text(r.json.at("phone")), a.phone);
  EXPECT_EQ(get("/api/v1/users/" + a.id, a.access_token).status, 403);

  auto admin = admin_token();
  for (auto bad : {"not-a-uuid", "1", "00000000-0000-0000-0000-00000000000g", "%27%20OR%201%3D1"}) {
    auto nf = get(std::string("/api/v1/users/") + bad, admin);
    EXPECT_EQ(nf.status, 404) << bad;
    EXPECT_TRUE(nf.is_problem());
  }
  EXPECT_EQ(get("/api/v1/users/" + rto::crypto::uuid_v4(), admin).status, 404);
  EXPECT_EQ(call_json(Method::Put, "/api/v1/users/nope/roles", js::object{{"roles", js::array{"admin"}}}, admin).status,
            404);
  EXPECT_EQ(post("/api/v1/users/nope/disable", js::object{}, admin).status, 404);
}

TEST(AdminRoles, ChangeRolesKnownOnlyAndNotTheirOwnAdmin) {
  auto admin = admin_token();
  auto a = register_account();
  auto r = call_json(Method::Put, "/api/v1/users/" + a.id + "/roles",
                     js::object{{"roles", js::array{"dealer", "customer", "dealer"}}}, admin);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json.at("roles"), (js::array{"customer", "dealer"}));
  // The new roles reach the next access token (after refresh).
  auto refreshed = post("/api/v1/auth/refresh", {{"refresh_token", a.refresh_token}});
  ASSERT_EQ(refreshed.status, 200);
  auto me = get("/api/v1/users/me", refreshed.str("access_token"));
  EXPECT_EQ(me.json.at("roles"), (js::array{"customer", "dealer"}));

  auto unknown = call_json(Method::Put, "/api/v1/users/" + a.id + "/roles", js::object{{"roles", js::array{"root"}}}, admin);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(unknown.names_field("roles[0]"));

  auto own = call_json(Method::Put, "/api/v1/users/" + admin_id(admin) + "/roles",
                       js::object{{"roles", js::array{"customer"}}}, admin);
  EXPECT_EQ(own.status, 409);
  EXPECT_TRUE(own.names_field("roles"));
  EXPECT_EQ(post("/api/v1/users/" + admin_id(admin) + "/disable", js::object{}, admin).status, 409);

  // Customers cannot change roles, their own included.
  EXPECT_EQ(call_json(Method::Put, "/api/v1/users/" + a.id + "/roles", js::object{{"roles", js::array{"admin"}}},
                      a.access_token)
                .status,
            403);
}

TEST(AdminRoles, ADemotedAdminLosesPowerAtOnce) {
  auto second = account_with_roles({"admin"});
  auto admin = admin_token();
  EXPECT_EQ(get("/api/v1/users", second.access_token).status, 200);
  ASSERT_EQ(call_json(Method::Put, "/api/v1/users/" + second.id + "/roles", js::object{{"roles", js::array{"customer"}}},
                      admin)
                .status,
            200);
  // The old access token still says admin; the database says otherwise.
  EXPECT_EQ(get("/api/v1/users", second.access_token).status, 403);
}

TEST(Internal, ServiceTokenOnly) {
  auto a = register_account("Kato Moses");
  auto service_token = world().service->tokens().issue_service("credit-service", "user-service");
  auto r = get("/internal/users/" + a.id, service_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(text(r.json.at("id")), a.id);
  EXPECT_EQ(text(r.json.at("phone")), a.phone);
  EXPECT_EQ(r.json.at("full_name"), "Kato Moses");
  EXPECT_EQ(r.json.at("status"), "active");
  EXPECT_EQ(r.json.at("kyc_status"), "not_submitted");
  EXPECT_TRUE(r.json.at("date_of_birth").is_null());
  EXPECT_EQ(r.json.at("roles"), js::array{"customer"});

  ASSERT_EQ(call_json(Method::Put, "/api/v1/users/me/kyc",
                      js::object{{"national_id", unique_national_id()},
                                 {"date_of_birth", "1990-01-31"},
                                 {"address", "Plot 1, Gulu Road, Lira"},
                                 {"next_of_kin", {{"name", "Ruth"}, {"phone", "+256701234567"}, {"relationship", "wife"}}}},
                      a.access_token)
                .status,
            200);
  auto with_kyc = get("/internal/users/" + a.id, service_token);
  EXPECT_EQ(with_kyc.json.at("kyc_status"), "pending");
  EXPECT_EQ(with_kyc.json.at("date_of_birth"), "1990-01-31");

  EXPECT_EQ(get("/internal/users/" + a.id, a.access_token).status, 401);
  EXPECT_EQ(get("/internal/users/" + a.id, admin_token()).status, 401);
  EXPECT_EQ(get("/internal/users/" + a.id).status, 401);
  EXPECT_EQ(get("/internal/users/nope", service_token).status, 404);
  EXPECT_EQ(get("/internal/users/" + rto::crypto::uuid_v4(), service_token).status, 404);
}

TEST(Internal, LookupOfSeveralUsers) {
  auto a = register_account("Akello Grace");
  auto b = register_account("Otim Peter");
  auto support = world().service->tokens().issue_service("support-service", "user-service");
  const auto unknown = rto::crypto::uuid_v4();
  auto r = post("/internal/users/lookup", js::object{{"ids", js::array{a.id, unknown, b.id, a.id}}}, support);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& items = r.json.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);  // the unknown id is left out, the repeated one answered once
  std::map<std::string, js::object> by_id;
  for (const auto& it : items) by_id[text(it.at("id"))] = it.as_object();
  ASSERT_EQ(by_id.count(a.id), 1u);
  ASSERT_EQ(by_id.count(b.id), 1u);
  EXPECT_EQ(text(by_id[a.id].at("phone")), a.phone);
  EXPECT_EQ(by_id[b.id].at("full_name"), "Otim Peter");
  EXPECT_TRUE(by_id[b.id].at("date_of_birth").is_null());
  EXPECT_FALSE(by_id[a.id].contains("password_hash"));

  auto bad = post("/internal/users/lookup", js::object{{"ids", js::array{a.id, "nope"}}}, support);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("ids[1]"), std::string::npos) << bad.body;
  // Only the support service may ask for users in bulk; never a user's token.
  EXPECT_EQ(post("/internal/users/lookup", js::object{{"ids", js::array{a.id}}},
                 world().service->tokens().issue_service("credit-service", "user-service"))
                .status,
            403);
  EXPECT_EQ(post("/internal/users/lookup", js::object{{"ids", js::array{a.id}}}, a.access_token).status, 401);
}

TEST(Bootstrap, AdminCreatedOnceAcrossRestartsAndReplicas) {
  auto& w = world();
  auto c = raw_db();
  {
    pqxx::read_transaction tx(c);
    auto row = tx.exec_params1("SELECT count(*), min(array_to_string(roles, ',')) FROM users WHERE phone = $1",
                               w.config.admin_phone);
    EXPECT_EQ(row[0].as<int>(), 1);
    EXPECT_EQ(row[1].as<std::string>(), "admin");
  }
  EXPECT_FALSE(w.app->ensure_admin());  // a restart finds it

  // Two replicas starting together with a new admin phone: exactly one creates it.
  auto cfg = w.config;
  cfg.admin_phone = unique_phone();
  user_service::App r1(w.service->db(), w.service->tokens(), w.clock, cfg);
  user_service::App r2(w.service->db(), w.service->tokens(), w.clock, cfg);
  std::atomic<int> created{0};
  std::thread t1([&] { created += r1.ensure_admin() ? 1 : 0; });
  std::thread t2([&] { created += r2.ensure_admin() ? 1 : 0; });
  t1.join();
  t2.join();
  EXPECT_EQ(created.load(), 1);
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM users WHERE phone = $1", cfg.admin_phone)[0].as<int>(), 1);
}

TEST(Housekeeping, PurgeRemovesOnlyExpiredRows) {
  auto a = register_account();
  EXPECT_EQ(login(unique_phone(), "a-wrong-guess").status, 401);
  auto count = [](const std::string& sql) {
    auto c = raw_db();
    pqxx::read_transaction tx(c);
    return tx.exec(sql)[0][0].as<int>();
  };
  const std::string mine = "SELECT count(*) FROM refresh_tokens WHERE user_id = '" + a.id + "'";
  world().app->purge_expired();
  EXPECT_EQ(count(mine), 1);  // a live token stays
  EXPECT_GT(count("SELECT count(*) FROM login_failures"), 0);

  world().clock->advance(std::chrono::hours(24 * 31));
  world().app->purge_expired();
  EXPECT_EQ(count(mine), 0);
  EXPECT_EQ(count("SELECT count(*) FROM refresh_tokens"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM login_failures"), 0);
  EXPECT_EQ(post("/api/v1/auth/refresh", {{"refresh_token", a.refresh_token}}).status, 401);
}

TEST(Routing, UnknownPathsAndMethodsAreProblems) {
  auto r = get("/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.is_problem());
  auto m = call(Method::Delete, "/api/v1/users/me", {}, register_account().access_token);
  EXPECT_EQ(m.status, 405);
  EXPECT_FALSE(m.header("Allow").empty());
  EXPECT_EQ(get("/health").status, 200);
  EXPECT_EQ(get("/ready").status, 200);
}
