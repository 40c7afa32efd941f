#include "rto/testing.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <pqxx/pqxx>
#include <stdexcept>

#include "rto/crypto.hpp"
#include "rto/mq.hpp"

namespace rto::testing {

static std::string env(const char* name, const char* def) {
  const char* v = std::getenv(name);
  return v && *v ? v : def;
}

std::string pg_admin_url() { return env("TEST_PG_URL", "postgresql://postgres@127.0.0.1:56432/postgres"); }
std::string amqp_url() { return env("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:56672/"); }

std::string unique_name(std::string_view prefix) {
  std::string s(prefix);
  s += '_';
  for (char c : crypto::uuid_v4())
    if (c != '-') s += c;
  return s.substr(0, 60);
}

std::string unique_phone() {
  static std::atomic<unsigned> counter{0};
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  unsigned n = (static_cast<unsigned>(rng() % 90000) * 100 + (counter++ % 100)) % 10000000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "+25677%07u", n);
  return buf;
}

TempDatabase::TempDatabase(std::string_view prefix) : name_(unique_name(prefix)) {
  auto admin = pg_admin_url();
  pqxx::connection c(admin);
  pqxx::nontransaction n(c);
  n.exec("CREATE DATABASE " + c.quote_name(name_));
  auto slash = admin.rfind('/');
  auto q = admin.find('?', slash);
  url_ = admin.substr(0, slash + 1) + name_ + (q == std::string::npos ? "" : admin.substr(q));
}

TempDatabase::~TempDatabase() {
  try {
    pqxx::connection c(pg_admin_url());
    pqxx::nontransaction n(c);
    n.exec("DROP DATABASE IF EXISTS " + c.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
  }
}

TempExchange::TempExchange(std::string_view prefix) : name_(unique_name(prefix)) {
  mq::Connection c(amqp_url());
  c.declare_exchange(name_, "topic");
}

TempExchange::~TempExchange() {
  try {
    mq::Connection c(amqp_url());
    c.delete_exchange(name_);
    c.delete_exchange(name_ + ".dlx");
  } catch (...) {
  }
}

}  // namespace rto::testing
