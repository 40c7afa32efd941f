#pragma once
// One user service per test binary, on a fresh database of the test PostgreSQL, driven
// through Service::dispatch (the whole request pipeline, without a socket). Time comes from a
// ManualClock that tests may move forward.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/http.hpp>
#include <rto/service.hpp>
#include <rto/testing.hpp>
#include <string>

#include "app.hpp"
#include "config.hpp"

namespace it {

namespace js = boost::json;
using rto::http::Method;

using rto::testing::Reply;
using rto::testing::text;

struct Account {
  std::string id, phone, password, access_token, refresh_token;
};

class World : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<rto::testing::TempDatabase> db;
  std::shared_ptr<rto::ManualClock> clock;
  std::unique_ptr<rto::Service> service;
  std::shared_ptr<user_service::App> app;
  user_service::UserConfig config;
};

World& world();
user_service::UserConfig test_config(const std::string& database_url);

// A request through the full pipeline. `target` may carry a query string.
Reply call(Method m, std::string_view target, std::string_view body = {}, const std::string& token = "");
Reply call_json(Method m, std::string_view target, const js::value& body, const std::string& token = "");
Reply get(std::string_view target, const std::string& token = "");
Reply post(std::string_view target, const js::value& body, const std::string& token = "");

std::string unique_phone();
std::string unique_national_id();
Account register_account(const std::string& full_name = "Test Rider");
Reply login(const std::string& phone, const std::string& password);
// Signs in as the bootstrap admin.
std::string admin_token();
// A fresh account holding `roles`, signed in again so its access token carries them.
Account account_with_roles(const std::vector<std::string>& roles);

// A direct connection to the test database for checks behind the API.
pqxx::connection raw_db();

}  // namespace it
