#include "rto/testing.hpp"

#include <atomic>
#include <boost/url/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <pqxx/pqxx>
#include <stdexcept>

#include "rto/crypto.hpp"
#include "rto/service.hpp"
#include "rto/mq.hpp"
#include "rto/testing/service.hpp"

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

bool Reply::names_field(std::string_view field) const {
  if (!json.is_object()) return false;
  const auto* errs = json.as_object().if_contains("errors");
  if (!errs || !errs->is_array()) return false;
  for (const auto& e : errs->as_array()) {
    const auto* f = e.is_object() ? e.as_object().if_contains("field") : nullptr;
    if (f && f->is_string() && f->as_string() == field) return true;
  }
  return false;
}

std::string Reply::str(std::string_view key) const {
  if (!json.is_object()) return {};
  const auto* v = json.as_object().if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "<not a string: " + boost::json::serialize(v) + ">";
}

std::string attempt_sql(pqxx::connection& c, const std::string& sql) {
  try {
    pqxx::work tx(c);
    tx.exec(sql);
    tx.commit();
    return "ok";
  } catch (const pqxx::sql_error& e) {
    const std::string what = e.what();
    if (e.sqlstate() == "42501" || what.find("permission denied") != std::string::npos ||
        what.find("must be owner") != std::string::npos)
      return "refused";
    return "error: " + what;
  }
}

double metric(Service& service, const std::string& series) {
  const auto text = "\n" + service.metrics().scrape();
  const auto at = text.find("\n" + series + " ");
  return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 2));
}

Reply dispatch(Service& service, http::Method m, std::string_view target, std::string_view body,
               const std::string& token, const std::vector<std::pair<std::string, std::string>>& headers) {
  http::Request req;
  req.method = m;
  req.target = std::string(target);
  auto u = boost::urls::parse_origin_form(req.target);
  if (!u) throw std::invalid_argument("not a request target: " + req.target);
  req.path = u->path();
  for (auto p : u->params()) req.query.emplace_back(p.key, p.value);
  if (!body.empty()) req.headers.set("Content-Type", "application/json");
  for (const auto& [k, v] : headers) req.headers.set(k, v);
  if (!token.empty()) req.headers.set("Authorization", "Bearer " + token);
  req.body = std::string(body);
  req.remote_addr = "127.0.0.1";
  auto res = service.dispatch(req);
  Reply r{res.status, std::move(res.headers), std::move(res.body), nullptr};
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  if (!ec) r.json = std::move(v);
  return r;
}

const std::string& tiny_png() {
  static const char kBytes[] =
      "\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01"
      "\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0B\x49\x44\x41\x54\x78\x9C\x63\x60\x00\x02\x00"
      "\x00\x05\x00\x01\x7A\x5E\xAB\x3F\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82";
  static const std::string png(kBytes, sizeof kBytes - 1);
  return png;
}

config::Common service_common(std::string service, std::string database_url, int db_pool_size) {
  config::Common c;
  c.service = std::move(service);
  c.host = "127.0.0.1";
  c.port = 0;
  c.database_url = std::move(database_url);
  c.db_pool_size = db_pool_size;
  c.jwt_private_key = kJwtPrivateKey;  // tests mint the tokens of any user
  c.jwt_public_keys = kJwtPublicKeys;
  c.service_token_secret = kServiceTokenSecret;
  const char* level = std::getenv("TEST_LOG_LEVEL");
  c.log_level = level && *level ? level : "warn";
  return c;
}

std::vector<boost::json::object> outbox_events(const std::string& database_url, const std::string& type,
                                               const std::string& subject) {
  pqxx::connection c(database_url);
  pqxx::read_transaction tx(c);
  std::vector<boost::json::object> out;
  for (const auto& row : tx.exec_params("SELECT envelope FROM outbox WHERE type = $1 AND subject = $2 ORDER BY seq",
                                        type, subject))
    out.push_back(boost::json::parse(row[0].as<std::string>()).as_object().at("data").as_object());
  return out;
}

}  // namespace rto::testing
