#pragma once
// One telematics service per test binary, on a fresh database of the test PostgreSQL, driven
// through Service::dispatch; the GT06 listener on a free port of 127.0.0.1. Time comes from a
// ManualClock that tests move forward. Background jobs are off: tests call the App's jobs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <optional>
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
#include "gt06_listener.hpp"
#include "osmand_listener.hpp"
#include "teltonika_listener.hpp"
#include <mutex>
#include <rto/http_client.hpp>
#include <set>

namespace it {

namespace js = boost::json;
using rto::http::Method;
using rto::testing::Reply;
using rto::testing::text;

struct Actor {
  std::string id;
  std::string token;
};

class World : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<rto::testing::TempDatabase> db;
  std::shared_ptr<rto::ManualClock> clock;
  std::unique_ptr<rto::Service> service;
  telematics::Installed installed;
  // The vehicle service's stand-in: GET /internal/vehicles/{id} knows these ids.
  std::unique_ptr<rto::Service> vehicle_service;
  std::mutex vehicles_mu;
  std::set<std::string> vehicles;
  void add_vehicle(const std::string& id);
  telematics::App& app() { return *installed.app; }
};

World& world();
telematics::TelematicsConfig test_config(const std::string& database_url);

Reply call(Method m, std::string_view target, std::string_view body = {}, const std::string& token = "",
           std::vector<std::pair<std::string, std::string>> headers = {});
Reply get(std::string_view target, const std::string& token = "");
Reply post(std::string_view target, const js::value& body, const std::string& token = "");

Actor actor(std::vector<std::string> roles);
Actor admin();
Actor customer();

// A fresh IMEI with a valid Luhn digit.
std::string unique_imei();
std::string uuid();
// Registers a GT06 (or other) tracker and installs it on a new vehicle id; returns {tracker, vehicle}.
std::pair<std::string, std::string> installed_tracker(const std::string& imei, const std::string& protocol = "gt06");

// A request to the OsmAnd port over real HTTP.
rto::http::ClientResponse osmand_request(rto::http::Method m, std::string_view target, std::string_view body = {},
                                         std::string_view content_type = {});

// A fake device on a real socket to a listener.
class Device {
 public:
  explicit Device(std::uint16_t port);
  ~Device();
  void write(const std::string& bytes);
  // Reads until `n` bytes arrived or `timeout` passed; returns what arrived.
  std::string read(std::size_t n, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

 private:
  int fd_ = -1;
};

// GT06 frames built by the tests' own encoder (bitwise CRC), independent of the service's.
std::string gt06_frame(std::uint8_t proto, const std::string& content, unsigned serial);
std::string gt06_login(const std::string& imei, unsigned serial);
// A 0x12 location at `lat`,`lon`, `speed` km/h, device time `t` (UTC), ignition as given.
std::string gt06_location(double lat, double lon, int speed, std::chrono::system_clock::time_point t,
                          std::optional<bool> ignition, unsigned serial);
std::string gt06_reply(std::uint32_t server_flag, const std::string& text, unsigned serial);

// Waits until `pred` holds, flushing the ingest queue meanwhile; false after `timeout`.
bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));

pqxx::connection raw_db();
std::vector<js::object> outbox_events(const std::string& type, const std::string& subject);
// A payment event handled as the consumer would (inside one transaction).
void deliver(const std::string& type, const js::object& data);

}  // namespace it
