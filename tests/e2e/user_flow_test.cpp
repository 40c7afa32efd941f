// End to end through the gateway: the account journey and the user service's refusals.
// Gateway-specific refusals (tokens, identity headers, rate limits, body size) live in
// gateway_test.cpp.
#include <gtest/gtest.h>

#include <rto/crypto.hpp>

#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::Reply;

namespace {

std::string text(const js::value& v) { return v.is_string() ? std::string(v.as_string()) : js::serialize(v); }

std::string member(const Reply& r, std::string_view key) {
  if (!r.json.is_object()) return {};
  const auto* v = r.json.as_object().if_contains(key);
  return v ? text(*v) : std::string();
}

bool names_field(const Reply& r, std::string_view field) {
  if (!r.json.is_object()) return false;
  const auto* errs = r.json.as_object().if_contains("errors");
  if (!errs || !errs->is_array()) return false;
  for (const auto& e : errs->as_array())
    if (e.is_object() && e.as_object().contains("field") && text(e.as_object().at("field")) == field) return true;
  return false;
}

// A refusal: the given 4xx status, an RFC 9457 body, and (when given) the offending field named.
void expect_problem(const Reply& r, int status, std::string_view field = {}) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_TRUE(r.content_type().starts_with("application/problem+json")) << r.content_type();
  ASSERT_TRUE(r.json.is_object()) << r.body;
  EXPECT_EQ(r.json.as_object().at("status"), status);
  for (auto key : {"type", "title", "detail", "request_id"}) EXPECT_TRUE(r.json.as_object().contains(key)) << key;
  if (!field.empty()) {
    EXPECT_TRUE(names_field(r, field)) << "field '" << field << "' not named in " << r.body;
  }
}

Reply login(Api& api, const std::string& phone, const std::string& password) {
  return api.post("/api/v1/auth/login", {{"phone", phone}, {"password", password}});
}

Reply refresh(Api& api, const std::string& token) { return api.post("/api/v1/auth/refresh", {{"refresh_token", token}}); }

js::object valid_registration(const std::string& phone) {
  return {{"phone", phone}, {"password", "Rider-pass-2026"}, {"full_name", "Amina Nakato"}};
}

}  // namespace

TEST(UserFlow, RegisterLoginMeRefreshReuseLogout) {
  Api api;
  auto account = e2e::register_customer(api);

  auto signed_in = login(api, account.phone, account.password);
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(member(signed_in, "token_type"), "Bearer");
  auto access = member(signed_in, "access_token");
  auto first_refresh = member(signed_in, "refresh_token");

  auto me = api.get("/api/v1/users/me", access);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(member(me, "id"), account.id);
  EXPECT_EQ(member(me, "phone"), account.phone);
  EXPECT_EQ(me.json.at("roles"), js::array{"customer"});

  auto rotated = refresh(api, first_refresh);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto second_refresh = member(rotated, "refresh_token");
  EXPECT_NE(second_refresh, first_refresh);
  EXPECT_EQ(api.get("/api/v1/users/me", member(rotated, "access_token")).status, 200);

  // The old token again: the family is revoked, the newer token with it.
  expect_problem(refresh(api, first_refresh), 401);
  expect_problem(refresh(api, second_refresh), 401);

  // A new session, then logout revokes it.
  auto again = login(api, account.phone, account.password);
  ASSERT_EQ(again.status, 200);
  auto out = api.post("/api/v1/auth/logout", {{"refresh_token", member(again, "refresh_token")}},
                      member(again, "access_token"));
  EXPECT_EQ(out.status, 204) << out.body;
  expect_problem(refresh(api, member(again, "refresh_token")), 401);
}

TEST(UserFlow, MalformedJsonIsRefused) {
  Api api;
  expect_problem(api.call(rto::http::Method::Post, "/api/v1/auth/register", "{\"phone\": \"+2567"), 400, "body");
  expect_problem(api.call(rto::http::Method::Post, "/api/v1/auth/login", "[1, 2, 3]"), 400, "body");
}

TEST(UserFlow, WrongTypesAreNamed) {
  Api api;
  auto r = api.post("/api/v1/auth/register", {{"phone", 256772123456LL}, {"password", 12345678}, {"full_name", true}});
  expect_problem(r, 400, "phone");
  EXPECT_TRUE(names_field(r, "password"));
  EXPECT_TRUE(names_field(r, "full_name"));
}

TEST(UserFlow, MissingFieldsAreNamed) {
  Api api;
  auto r = api.post("/api/v1/auth/register", js::object{});
  expect_problem(r, 400, "phone");
  EXPECT_TRUE(names_field(r, "password"));
  EXPECT_TRUE(names_field(r, "full_name"));
  expect_problem(api.post("/api/v1/auth/login", {{"phone", e2e::unique_phone()}}), 400, "password");
}

TEST(UserFlow, InvalidPhoneIsRefused) {
  Api api;
  auto body = valid_registration("+256 12");
  expect_problem(api.post("/api/v1/auth/register", body), 400, "phone");
  body["phone"] = "not a number";
  expect_problem(api.post("/api/v1/auth/register", body), 400, "phone");
}

TEST(UserFlow, WeakPasswordsAreRefused) {
  Api api;
  auto phone = e2e::unique_phone();
  for (std::string weak : {std::string("short1"), std::string("1234567890"), "0" + phone.substr(4) + "ab"}) {
    auto body = valid_registration(phone);
    body["password"] = weak;
    expect_problem(api.post("/api/v1/auth/register", body), 400, "password");
  }
}

TEST(UserFlow, DuplicatePhoneIsAConflict) {
  Api api;
  auto account = e2e::register_customer(api);
  auto body = valid_registration("0" + account.phone.substr(4));  // same number, national form
  expect_problem(api.post("/api/v1/auth/register", body), 409, "phone");
}

TEST(UserFlow, ClientsCannotAssignTheirOwnRoles) {
  Api api;
  auto account = e2e::register_customer(api);
  expect_problem(api.patch("/api/v1/users/me", {{"roles", js::array{"admin"}}}, account.access_token), 400, "roles");
  expect_problem(api.patch("/api/v1/users/me", {{"full_name", "Amina"}, {"status", "active"}}, account.access_token), 400,
                 "status");
  auto me = api.get("/api/v1/users/me", account.access_token);
  EXPECT_EQ(me.json.at("roles"), js::array{"customer"});

  auto ok = api.patch("/api/v1/users/me", {{"language", "sw"}}, account.access_token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(member(ok, "language"), "sw");
}

TEST(UserFlow, CustomerCannotCallAdminRoutes) {
  Api api;
  auto account = e2e::register_customer(api);
  expect_problem(api.get("/api/v1/users", account.access_token), 403);
  expect_problem(api.post("/api/v1/users/" + account.id + "/disable", js::object{}, account.access_token), 403);
  expect_problem(api.post("/api/v1/users/" + account.id + "/kyc/verify", js::object{}, account.access_token), 403);
}

TEST(UserFlow, BruteForceLocksTheAccount) {
  Api api;
  auto account = e2e::register_customer(api);
  Reply last;
  for (int i = 0; i < 6; ++i) last = login(api, account.phone, "not-the-password-" + std::to_string(i));
  expect_problem(last, 423);
  EXPECT_EQ(member(last, "type"), "/problems/account-locked");
  auto retry = last.headers.get("Retry-After");
  ASSERT_TRUE(retry);
  EXPECT_GT(std::stoi(std::string(*retry)), 0);
  // Locked means locked: the right password is not even checked.
  expect_problem(login(api, account.phone, account.password), 423);
}

TEST(UserFlow, AdminListsUsersAndVerifiesKyc) {
  Api api;
  const auto& secrets = e2e::secrets();
  auto admin = login(api, secrets.at("ADMIN_PHONE"), secrets.at("ADMIN_PASSWORD"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  auto admin_token = member(admin, "access_token");

  Api customer_api;
  auto customer = e2e::register_customer(customer_api);
  std::string nid = "CM";
  for (char c : rto::crypto::uuid_v4())
    if (c != '-' && nid.size() < 14) nid += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto kyc = customer_api.put("/api/v1/users/me/kyc",
                              {{"national_id", nid},
                               {"date_of_birth", "1992-07-14"},
                               {"address", "Plot 7, Bombo Road, Kampala"},
                               {"next_of_kin", {{"name", "Grace Nakato"}, {"phone", "0701234567"}, {"relationship", "sister"}}}},
                              customer.access_token);
  ASSERT_EQ(kyc.status, 200) << kyc.body;
  EXPECT_EQ(member(kyc, "status"), "pending");
  EXPECT_EQ(member(kyc, "national_id_masked"), std::string(nid.size() - 4, '*') + nid.substr(nid.size() - 4));
  EXPECT_EQ(kyc.body.find(nid), std::string::npos);

  auto list = api.get("/api/v1/users?limit=5", admin_token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_LE(list.json.at("items").as_array().size(), 5u);
  EXPECT_FALSE(list.json.at("items").as_array().empty());
  if (!list.json.at("next_cursor").is_null()) {
    auto next = api.get("/api/v1/users?limit=5&cursor=" + member(list, "next_cursor"), admin_token);
    EXPECT_EQ(next.status, 200) << next.body;
  }
  expect_problem(api.get("/api/v1/users?cursor=bogus", admin_token), 400, "cursor");

  auto found = api.get("/api/v1/users/" + customer.id, admin_token);
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(member(found, "kyc_status"), "pending");

  auto verified = api.post("/api/v1/users/" + customer.id + "/kyc/verify", js::object{}, admin_token);
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(member(verified, "status"), "verified");
  EXPECT_EQ(member(customer_api.get("/api/v1/users/me", customer.access_token), "kyc_status"), "verified");
}

TEST(UserFlow, UserServiceChecksTokensItselfToo) {
  Api direct(e2e::user_url());
  expect_problem(direct.get("/api/v1/users/me"), 401);
  expect_problem(direct.get("/api/v1/users/me", "not.a.token"), 401);
  expect_problem(direct.get("/internal/users/00000000-0000-4000-8000-000000000000"), 401);
}
