#pragma once
// Test support: a fresh PostgreSQL database per suite and unique RabbitMQ exchange names on
// the test infrastructure started by `make test` (TEST_PG_URL, TEST_AMQP_URL), and requests
// through a service's whole pipeline without a socket (Service::dispatch).
#include <boost/json.hpp>
#include <pqxx/connection>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rto/http.hpp"

namespace rto {
class Service;
}

namespace rto::testing {

// Admin connection URL of the test cluster (database "postgres").
std::string pg_admin_url();
std::string amqp_url();
std::string unique_name(std::string_view prefix);  // prefix + random suffix, [a-z0-9_]
// A valid Ugandan mobile number in E.164 (+25677xxxxxxx), different on every call.
std::string unique_phone();

class TempDatabase {
 public:
  explicit TempDatabase(std::string_view prefix = "t");
  ~TempDatabase();
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;
  const std::string& url() const noexcept { return url_; }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_, url_;
};

// A unique topic exchange on the test broker, deleted at the end.
class TempExchange {
 public:
  explicit TempExchange(std::string_view prefix = "t.events");
  ~TempExchange();
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
};

// A service's answer, its body parsed as JSON when it is JSON.
struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  boost::json::value json;  // null when the body is not JSON

  std::string header(std::string_view name) const { return std::string(headers.get(name).value_or("")); }
  bool is_problem() const { return header("Content-Type") == "application/problem+json"; }
  bool names_field(std::string_view field) const;  // problem+json errors[] names this field
  std::string str(std::string_view key) const;     // top-level string member ("" when absent)
  std::string type() const { return str("type"); }
  const boost::json::object& obj() const { return json.as_object(); }
};

// The string inside a JSON value ("<not a string: …>" otherwise), for comparisons in tests.
std::string text(const boost::json::value& v);

// Runs `sql` in a transaction of its own as the connection's role and says how PostgreSQL took it:
// "ok", "refused" (insufficient_privilege: SQLSTATE 42501, or its message, as this libpqxx may leave
// sqlstate() empty) or "error: <message>". For tests of what a database role may do.
std::string attempt_sql(pqxx::connection& c, const std::string& sql);

// The value of one series on the service's /metrics (0 when absent), written as the registry
// writes it: metric(svc, R"(payment_plans{status="active"})"), labels in name order.
double metric(Service& service, const std::string& series);

// A request through `service`'s whole pipeline (routing, auth, errors) without a socket, read
// as the HTTP server reads one: `target` may carry a query string, percent-decoded like the
// server decodes it. A non-empty body goes as JSON, `token` as a bearer token; `headers` last.
Reply dispatch(Service& service, http::Method m, std::string_view target, std::string_view body = {},
               const std::string& token = "", const std::vector<std::pair<std::string, std::string>>& headers = {});

// A valid 1×1 PNG (68 bytes): the smallest image a listing upload accepts.
const std::string& tiny_png();

}  // namespace rto::testing
