#pragma once
// Test support: a fresh PostgreSQL database per suite and unique RabbitMQ exchange names on
// the test infrastructure started by `make test` (TEST_PG_URL, TEST_AMQP_URL).
#include <string>

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

}  // namespace rto::testing
