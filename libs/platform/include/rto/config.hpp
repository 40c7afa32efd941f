#pragma once
// Typed configuration from environment variables, read once at start-up. Every problem is
// collected and reported together in one ConfigError that names the variables.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "rto/errors.hpp"

namespace rto::config {

class Env {
 public:
  std::string required(const char* name);                 // must be set and non-empty
  std::string secret(const char* name, std::size_t min_len = 16);  // required, and at least min_len bytes
  std::string string(const char* name, std::string def);
  std::int64_t integer(const char* name, std::int64_t def, std::int64_t min, std::int64_t max);
  bool boolean(const char* name, bool def);
  std::chrono::milliseconds millis(const char* name, std::int64_t def_ms, std::int64_t min_ms, std::int64_t max_ms);
  std::vector<std::string> list(const char* name, std::string def);  // comma separated, trimmed
  // An http://host:port base URL (the default when unset; "" stays allowed when def is "").
  std::string url(const char* name, std::string def);
  // Required: the base64 encoding of exactly 32 bytes (crypto::FieldCipher's key).
  std::string encryption_key(const char* name = "ENCRYPTION_KEY");
  // An ISO 3166 alpha-2 region such as UG or KE (phone numbers written nationally are read in it).
  std::string region(const char* name = "DEFAULT_REGION", std::string def = "UG");
  void fail(const char* name, std::string why);
  void done() const;  // throws ConfigError naming every missing/invalid variable

 private:
  std::vector<std::string> problems_;
};

// What every service reads. Variables (defaults in brackets):
//   HOST [0.0.0.0], PORT [per service], HTTP_WORKERS [8], HTTP_IO_THREADS [1], BODY_LIMIT_BYTES [1048576],
//   HEADER_TIMEOUT_MS [10000], IDLE_TIMEOUT_MS [60000], SHUTDOWN_GRACE_MS [10000],
//   DATABASE_URL (required when the service has a database), DATABASE_MIGRATION_URL [DATABASE_URL]
//   (the owner role's: migrations run with it, then the runtime role of DATABASE_URL is granted
//   what it may do; see db::grant_runtime), DB_POOL_SIZE [8],
//   DB_POOL_IDLE_SECONDS [60] (pooled connections idle this long are closed, down to one),
//   AMQP_URL [amqp://guest:guest@127.0.0.1:5672/], MQ_EXCHANGE [rto.events], MQ_QUEUE_TYPE [classic],
//   JWT_PUBLIC_KEYS (required), JWT_PRIVATE_KEY (the user service only), SERVICE_TOKEN_SECRET
//   (required; not the gateway), DEPLOY_ENV [production], LOG_LEVEL [info]
// Where a process runs (DEPLOY_ENV): development and test (make run, make test, the local
// Compose file) allow what production must not, such as plain-http provider URLs.
enum class Deployment { development, test, staging, production };
std::string_view to_string(Deployment d) noexcept;

struct Common {
  std::string service;
  // DEPLOY_ENV: development | test | staging | production (the default: a process started with
  // nothing said runs under production's rules).
  Deployment deployment = Deployment::production;
  bool is_development() const noexcept {
    return deployment == Deployment::development || deployment == Deployment::test;
  }
  std::string host;
  std::uint16_t port = 0;
  int http_workers = 8;
  int io_threads = 1;
  std::size_t body_limit = 1 << 20;
  std::size_t max_connections_per_ip = 512;  // MAX_CONNECTIONS_PER_IP (0: no cap)
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds shutdown_grace{10000};
  std::string database_url;
  std::string database_migration_url;  // empty: migrations run with database_url
  int db_pool_size = 8;
  std::chrono::seconds db_pool_idle{60};
  // Bounds on each database call (rto::db::Limits): DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS
  // (a call blocked longer than this plus a second has its connection closed), DB_LOCK_TIMEOUT_MS.
  std::chrono::milliseconds db_connect_timeout{3000};
  std::chrono::milliseconds db_statement_timeout{5000};
  std::chrono::milliseconds db_lock_timeout{4000};
  std::string amqp_url;
  std::string exchange;
  bool quorum_queues = false;  // MQ_QUEUE_TYPE [classic] | quorum (events::BrokerConfig)
  // Access tokens (rto::auth::AccessKeys): JWT_PUBLIC_KEYS everywhere; JWT_PRIVATE_KEY only in
  // the process that signs them (the user service).
  std::string jwt_public_keys, jwt_private_key;
  std::string service_token_secret;  // SERVICE_TOKEN_SECRET: not in the gateway
  std::string log_level;
  // Who may read /metrics (METRICS_ALLOW_FROM, comma-separated CIDRs): callers from these
  // networks that came straight to the process (no X-Forwarded-For or Forwarded header, so not
  // through an ingress or proxy). Others get 404.
  std::string metrics_allow_from = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";

  // The keys a process holds: only the user service signs access tokens; the gateway neither
  // signs nor takes service tokens. A key given to a process that must not hold it stops start-up.
  struct Holds {
    bool access_signing_key = false;  // JWT_PRIVATE_KEY
    bool service_secret = true;       // SERVICE_TOKEN_SECRET
  };
  static Common read(Env& env, std::string service, std::uint16_t default_port, bool needs_database, Holds holds);
  static Common read(Env& env, std::string service, std::uint16_t default_port, bool needs_database) {
    return read(env, std::move(service), default_port, needs_database, Holds{});
  }
};

}  // namespace rto::config
