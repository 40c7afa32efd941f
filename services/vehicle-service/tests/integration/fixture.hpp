#pragma once
// One vehicle service per test binary, on a fresh database of the test PostgreSQL, driven
// through Service::dispatch (the whole request pipeline, without a socket). Time comes from a
// ManualClock that tests may move forward; images go to a temporary directory.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/http.hpp>
#include <rto/service.hpp>
#include <rto/testing.hpp>
#include <string>
#include <vector>

#include "app.hpp"
#include "config.hpp"

namespace it {

namespace js = boost::json;
using rto::http::Method;

using rto::testing::Reply;
using rto::testing::text;

// A caller: an id and an access token carrying roles.
struct Actor {
  std::string id;
  std::string token;
};

class World : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<rto::testing::TempDatabase> db;
  std::filesystem::path image_dir;
  std::shared_ptr<rto::ManualClock> clock;
  std::unique_ptr<rto::Service> service;
  std::shared_ptr<vehicle_service::App> app;
};

World& world();
vehicle_service::VehicleConfig test_config(const std::string& database_url, const std::filesystem::path& image_dir);

// A request through the full pipeline. `target` may carry a query string (already encoded).
Reply call(Method m, std::string_view target, std::string_view body = {}, const std::string& token = "",
           std::vector<std::pair<std::string, std::string>> headers = {});
// The same through another service instance (e.g. a second replica on the same database).
Reply call_on(rto::Service& service, Method m, std::string_view target, std::string_view body = {},
              const std::string& token = "", std::vector<std::pair<std::string, std::string>> headers = {});
Reply get(std::string_view target, const std::string& token = "");
Reply post(std::string_view target, const js::value& body, const std::string& token = "");
Reply patch(std::string_view target, const js::value& body, const std::string& token = "");

Actor actor(std::vector<std::string> roles);
Actor dealer();
Actor admin();
Actor customer();
std::string service_token(const std::string& service = "payment-service");

// Letters only, unique: a town name, make or model that no other test uses.
std::string unique_word(std::string_view prefix);
std::string unique_vin();

// A listing body (a used Bajaj Boxer BM150 in Kampala, UGX 5.4M) with `overrides` applied.
js::object listing(const js::object& overrides = {});
using rto::testing::tiny_png;
// POST /api/v1/vehicles/{vehicle}/images with `bytes` as the body.
Reply upload_image(const std::string& vehicle, const std::string& token, const std::string& bytes = tiny_png(),
                   const std::string& content_type = "image/png");

// Creates a draft; throws unless 201. Returns the vehicle id.
std::string create_draft(const Actor& dealer, const js::object& overrides = {});
// Submits a draft that has its images and approves it (as admin); throws unless both succeed.
void publish(const Actor& dealer, const std::string& id);
// Creates a draft, uploads one image (a listing is submitted only with an image), submits and
// approves it (as admin): an available vehicle with one image. Returns its id.
std::string create_available(const Actor& dealer, const js::object& overrides = {});

// A direct connection to the test database for checks behind the API.
pqxx::connection raw_db();
// Events of `type` about `subject` in the outbox, oldest first (their data objects).
std::vector<js::object> outbox_events(const std::string& type, const std::string& subject);

}  // namespace it
