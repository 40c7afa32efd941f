#pragma once
// Helpers for end-to-end tests against the running test platform.
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "rto/http.hpp"
#include "rto/http_client.hpp"
#include "rto/testing.hpp"
#include "rto/ws_client.hpp"

namespace e2e {

// The environment variable `name`, or `def` when it is unset or empty.
std::string env_or(const char* name, const char* def);
std::string gateway_url();  // E2E_GATEWAY_URL
std::string user_url();     // E2E_USER_URL (direct, bypassing the gateway)
std::string payment_url();  // E2E_PAYMENT_URL (direct: /internal/* is closed at the gateway)
// Opens a WebSocket to the gateway's /api/v1/realtime from a fresh client IP, with an optional
// access token on the upgrade. Returns the handshake status (101 when upgraded).
int realtime_connect(rto::testing::WsClient& c, const std::string& token = "");
// Subscribes to a channel; true once the hub answers "subscribed" (frames before it skipped).
bool subscribed(rto::testing::WsClient& c, std::string_view channel);
// The next event frame whose event matches `pred` (other frames skipped), or an empty object
// after `timeout`.
boost::json::object wait_event(rto::testing::WsClient& c, const std::function<bool(const boost::json::object&)>& pred,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));
// A service token signed with the test platform's SERVICE_TOKEN_SECRET.
std::string service_token();  // for the payment service's /internal/* (caller "operations")
// KEY=value pairs of the test platform's secrets file (E2E_SECRETS_FILE).
const std::map<std::string, std::string>& secrets();
// KEY=value pairs of the test infrastructure's connection settings (E2E_INFRA_FILE): each
// service's own database and broker URLs.
const std::map<std::string, std::string>& infra();

// A fresh, valid Ugandan mobile number in E.164 (+25677xxxxxxx), different on every call.
std::string unique_phone();
// A fresh client IP to send as X-Forwarded-For, so rate-limit buckets do not leak between tests.
std::string unique_ip();

struct Reply {
  int status = 0;
  rto::http::Headers headers;
  std::string body;
  boost::json::value json;  // null when the body is not JSON
  std::string content_type() const;
};

class Api {
 public:
  explicit Api(std::string base_url = gateway_url());
  Reply call(rto::http::Method m, std::string_view target, std::string_view body = {},
             rto::http::Headers headers = {});
  Reply get(std::string_view target, const std::string& token = "");
  Reply post(std::string_view target, const boost::json::value& body, const std::string& token = "");
  Reply patch(std::string_view target, const boost::json::value& body, const std::string& token = "");
  Reply put(std::string_view target, const boost::json::value& body, const std::string& token = "");
  std::string ip;  // sent as X-Forwarded-For (gateway trusts 127.0.0.1 in the test env)

 private:
  rto::http::Client client_;
};

// Registers a new customer; returns {user json, access_token, refresh_token, phone, password}.
struct Account {
  std::string id, phone, password, access_token, refresh_token;
};
Account register_customer(Api& api);

// A top-level string member of a JSON reply ("" when absent).
std::string str(const Reply& r, std::string_view key);
// Logs in; returns the access token ("" on failure, with a test failure recorded).
std::string sign_in(Api& api, const std::string& phone, const std::string& password);
std::string admin_token(Api& api);  // the bootstrap admin of the test platform
// A fresh account given `role` by the admin, signed in again so its token carries the role.
Account account_with_role(Api& api, const std::string& admin, const std::string& role);
// A fresh customer whose KYC the admin has verified.
Account verified_customer(Api& api, const std::string& admin, const std::string& date_of_birth = "1991-03-02");
// A valid national id, different on every call.
std::string unique_national_id();
// A complete motorcycle listing body with a unique VIN and registration, priced in UGX (sold in
// Kampala) or KES (sold in Nairobi); `price` in minor units.
boost::json::object motorcycle_listing(const std::string& make, const std::string& model, std::int64_t price,
                                       const std::string& currency = "UGX");
using rto::testing::tiny_png;
// Uploads tiny_png() as an image of the listing (POST /api/v1/vehicles/{id}/images, image/png).
Reply upload_listing_image(Api& api, const std::string& vehicle_id, const std::string& token);
// A listing created by `dealer`, given one image, submitted and approved by `admin`: available.
// Returns its id.
std::string available_vehicle(Api& api, const std::string& admin, const std::string& dealer, const std::string& make,
                              const std::string& model, std::int64_t price, const std::string& currency = "UGX");

// A complete credit application (a steady boda rider earning in `currency`) for a vehicle on a
// plan template.
boost::json::object credit_application(const std::string& vehicle_id, const std::string& template_id,
                                       const std::string& currency = "UGX");

// A verified customer with an approved application (steady boda rider) for a fresh TVS HLX 125
// on a seeded daily template — UGX 4,800,000 on motorcycle-daily-18m, or KES 150,000 on the
// Kenyan motorcycle-daily-18m-ke — and the plan signed: it awaits its deposit.
struct PendingPlan {
  Account customer;
  std::string id, reference, vehicle_id;
  std::int64_t deposit = 0;
  std::string currency = "UGX";
};
PendingPlan pending_plan(Api& api, const std::string& currency = "UGX");

// A vehicle's status as `staff` see it (an owned vehicle is no longer a public listing), and the
// same polled for up to 10 s until it is `want` (vehicle status follows payment events).
std::string vehicle_status(Api& api, const std::string& id, const std::string& staff);
std::string wait_vehicle_status(Api& api, const std::string& id, const std::string& staff, const std::string& want);

// POST /internal/payments on the payment service (service token): `amount` UGX for the plan
// with this reference, provider mtn_momo, transaction `txn`.
rto::http::ClientResponse internal_payment(const std::string& reference, std::int64_t amount, const std::string& txn);
// POST /internal/delinquency/run {as_of} on the payment service.
rto::http::ClientResponse run_delinquency(const std::string& as_of);
// POST /internal/reminders/run {as_of} on the payment service: the day's payment reminders.
rto::http::ClientResponse run_reminders(const std::string& as_of);
// The operator's local date (Africa/Kampala, UTC+3) `days` from today, as YYYY-MM-DD.
std::string local_date_in(int days);

// E2E_SIM_URL: the mobile-money simulator's control API (/_sim/...).
std::string sim_url();

}  // namespace e2e
