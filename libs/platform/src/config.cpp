#include "rto/config.hpp"

#include "rto/auth.hpp"
#include "rto/operator_zone.hpp"

#include "rto/net.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <cstdlib>

#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/http.hpp"

namespace rto::config {
namespace {
const char* raw(const char* name) {
  const char* v = std::getenv(name);
  return (v && *v) ? v : nullptr;
}
}  // namespace

std::string Env::url(const char* name, std::string def) {
  auto out = string(name, std::move(def));
  if (out.empty()) return out;
  try {
    http::Endpoint::parse(out);
  } catch (const std::exception&) {
    fail(name, "must be an http://host:port URL");
  }
  return out;
}

std::string Env::encryption_key(const char* name) {
  auto key = required(name);
  if (key.empty()) return key;
  try {
    crypto::FieldCipher probe(key);
  } catch (const ConfigError&) {
    fail(name, "must be the base64 encoding of exactly 32 bytes (`openssl rand -base64 32`)");
  }
  return key;
}

std::string Env::region(const char* name, std::string def) {
  auto r = string(name, std::move(def));
  const bool ok = r.size() == 2 && r[0] >= 'A' && r[0] <= 'Z' && r[1] >= 'A' && r[1] <= 'Z';
  if (!ok) fail(name, "must be an ISO 3166 alpha-2 region code such as UG or KE");
  return r;
}

void Env::fail(const char* name, std::string why) { problems_.push_back(std::string(name) + ": " + why); }

std::string Env::required(const char* name) {
  if (auto* v = raw(name)) return v;
  fail(name, "is required but not set");
  return {};
}

std::string Env::secret(const char* name, std::size_t min_len) {
  auto* v = raw(name);
  if (!v) {
    fail(name, "is required but not set (a secret; generate one with `openssl rand -base64 32`)");
    return {};
  }
  std::string s(v);
  if (s.size() < min_len) fail(name, "is too short (at least " + std::to_string(min_len) + " bytes)");
  return s;
}

std::string Env::string(const char* name, std::string def) {
  if (auto* v = raw(name)) return v;
  return def;
}

std::int64_t Env::integer(const char* name, std::int64_t def, std::int64_t min, std::int64_t max) {
  auto* v = raw(name);
  if (!v) return def;
  std::string_view s(v);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) {
    fail(name, "must be an integer, got '" + std::string(s) + "'");
    return def;
  }
  if (n < min || n > max) {
    fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return def;
  }
  return n;
}

bool Env::boolean(const char* name, bool def) {
  auto* v = raw(name);
  if (!v) return def;
  std::string_view s(v);
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  fail(name, "must be true or false");
  return def;
}

std::chrono::milliseconds Env::millis(const char* name, std::int64_t def_ms, std::int64_t min_ms, std::int64_t max_ms) {
  return std::chrono::milliseconds(integer(name, def_ms, min_ms, max_ms));
}

std::vector<std::string> Env::list(const char* name, std::string def) {
  std::string s = string(name, std::move(def));
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    auto item = s.substr(i, j - i);
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    i = j + 1;
  }
  return out;
}

void Env::done() const {
  if (problems_.empty()) return;
  std::string msg = "configuration error:";
  for (const auto& p : problems_) msg += "\n  " + p;
  throw ConfigError(msg);
}

std::string_view to_string(Deployment d) noexcept {
  switch (d) {
    case Deployment::development: return "development";
    case Deployment::test: return "test";
    case Deployment::staging: return "staging";
    case Deployment::production: return "production";
  }
  return "production";
}

Common Common::read(Env& env, std::string service, std::uint16_t default_port, bool needs_database, Holds holds) {
  Common c;
  c.service = std::move(service);
  // Loopback unless told otherwise: the images set HOST=0.0.0.0, a developer's machine serves
  // only itself.
  c.host = env.string("HOST", "127.0.0.1");
  c.port = static_cast<std::uint16_t>(env.integer("PORT", default_port, 0, 65535));
  c.http_workers = static_cast<int>(env.integer("HTTP_WORKERS", 8, 1, 512));
  c.io_threads = static_cast<int>(env.integer("HTTP_IO_THREADS", 1, 1, 64));
  c.body_limit = static_cast<std::size_t>(env.integer("BODY_LIMIT_BYTES", 1 << 20, 1024, 64 << 20));
  c.max_connections_per_ip = static_cast<std::size_t>(env.integer("MAX_CONNECTIONS_PER_IP", 512, 0, 1000000));
  c.header_timeout = env.millis("HEADER_TIMEOUT_MS", 10000, 100, 600000);
  c.idle_timeout = env.millis("IDLE_TIMEOUT_MS", 60000, 100, 3600000);
  c.shutdown_grace = env.millis("SHUTDOWN_GRACE_MS", 10000, 0, 600000);
  if (needs_database) {
    c.database_url = env.required("DATABASE_URL");
    c.database_migration_url = env.string("DATABASE_MIGRATION_URL", "");
    c.db_pool_size = static_cast<int>(env.integer("DB_POOL_SIZE", 8, 1, 256));
    c.db_pool_idle = std::chrono::seconds(env.integer("DB_POOL_IDLE_SECONDS", 60, 1, 86400));
    c.db_connect_timeout = env.millis("DB_CONNECT_TIMEOUT_MS", 3000, 1000, 60000);
    c.db_statement_timeout = env.millis("DB_STATEMENT_TIMEOUT_MS", 5000, 0, 3600000);
    c.db_lock_timeout = env.millis("DB_LOCK_TIMEOUT_MS", 4000, 0, 3600000);
  }
  // Services publish and consume events; the gateway's real-time hub subscribes to them.
  c.amqp_url = env.string("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
  c.exchange = env.string("MQ_EXCHANGE", "rto.events");
  const auto queue_type = env.string("MQ_QUEUE_TYPE", "classic");
  if (queue_type == "quorum") c.quorum_queues = true;
  else if (queue_type != "classic") env.fail("MQ_QUEUE_TYPE", "must be classic or quorum");
  c.jwt_public_keys = env.required("JWT_PUBLIC_KEYS");
  if (holds.access_signing_key)
    c.jwt_private_key = env.required("JWT_PRIVATE_KEY");
  else if (!env.string("JWT_PRIVATE_KEY", "").empty())
    env.fail("JWT_PRIVATE_KEY", "only the user service holds the key that signs access tokens; remove it here");
  if (!c.jwt_public_keys.empty()) {
    try {
      auth::AccessKeys::parse(c.jwt_private_key, c.jwt_public_keys);
    } catch (const std::invalid_argument& e) {
      env.fail(c.jwt_private_key.empty() ? "JWT_PUBLIC_KEYS" : "JWT_PRIVATE_KEY", e.what());
    }
  }
  if (holds.service_secret)
    c.service_token_secret = env.secret("SERVICE_TOKEN_SECRET", 32);
  else if (!env.string("SERVICE_TOKEN_SECRET", "").empty())
    env.fail("SERVICE_TOKEN_SECRET", "is not given to " + c.service + ", which takes no service tokens; remove it here");
  c.log_level = env.string("LOG_LEVEL", "info");
  const auto deployment = env.string("DEPLOY_ENV", "production");
  if (deployment == "development") c.deployment = Deployment::development;
  else if (deployment == "test") c.deployment = Deployment::test;
  else if (deployment == "staging") c.deployment = Deployment::staging;
  else if (deployment == "production") c.deployment = Deployment::production;
  else env.fail("DEPLOY_ENV", "must be development, test, staging or production");
  c.metrics_allow_from = env.string("METRICS_ALLOW_FROM", c.metrics_allow_from);
  try {
    net::AddressSet::parse(c.metrics_allow_from);
  } catch (const std::invalid_argument& e) {
    env.fail("METRICS_ALLOW_FROM", std::string("must be comma-separated IP networks (CIDR): ") + e.what());
  }
  if (c.log_level != "debug" && c.log_level != "info" && c.log_level != "warn" && c.log_level != "error")
    env.fail("LOG_LEVEL", "must be one of debug, info, warn, error");
  return c;
}

Zone operator_zone(Env& env) {
  auto tz = env.string("OPERATOR_TZ", "Africa/Kampala");
  if (!env.string("OPERATOR_UTC_OFFSET_MINUTES", "").empty()) {
    auto minutes = env.integer("OPERATOR_UTC_OFFSET_MINUTES", 180, -12 * 60, 14 * 60);
    return Zone::fixed(tz, static_cast<int>(minutes) * 60);
  }
  if (!valid_zone_name(tz)) {
    env.fail("OPERATOR_TZ", "must be a tz database name such as Africa/Kampala");
    return {};
  }
  auto dir = env.string("TZDIR", "/usr/share/zoneinfo");
  std::ifstream in(dir + "/" + tz, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  try {
    if (!in) throw std::invalid_argument("unreadable");
    return Zone::from_tzif(tz, bytes.str());
  } catch (const std::invalid_argument&) {
    env.fail("OPERATOR_TZ", "no readable zone '" + tz + "' under " + dir +
                                " (install tzdata, or set OPERATOR_UTC_OFFSET_MINUTES, e.g. 180)");
    return {};
  }
}

}  // namespace rto::config
