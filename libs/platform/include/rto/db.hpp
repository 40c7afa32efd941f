#pragma once
// PostgreSQL: a small connection pool over libpqxx and forward-only migrations.
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace rto::db {

// A named SQL statement, prepared on every pooled connection. Keep each service's
// statements in one place (its storage/queries) and call them by name.
struct Statement {
  std::string name;
  std::string sql;
};

// Bounds on every pooled connection, so that no request waits on a database that stopped
// answering. The first three go to PostgreSQL (libpq's connect_timeout, TCP keepalives, and the
// session's statement_timeout and lock_timeout); the watchdog is ours: a lease held longer than
// statement_timeout + watchdog_margin has its socket shut down, so a call blocked on a server
// that accepts and never answers (paused, or blackholed after the connection was made) fails at
// once with 503 instead of hanging. Zero turns a bound off.
struct Limits {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds lock_timeout{4000};
  std::chrono::milliseconds watchdog_margin{1000};
};

// `url` with the limits added as connection parameters (a postgresql:// URL or a key=value
// string); parameters the URL sets itself are kept.
std::string with_limits(const std::string& url, const Limits& limits);

class Pool {
 public:
  Pool(std::string url, std::size_t size, std::vector<Statement> statements = {}, Limits limits = {});
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<pqxx::connection> c);
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = delete;
    ~Lease();
    pqxx::connection& operator*() noexcept { return *conn_; }
    pqxx::connection* operator->() noexcept { return conn_.get(); }
    void discard() noexcept { broken_ = true; }  // do not return this connection to the pool

   private:
    Pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
    bool broken_ = false;
  };

  // Waits up to `timeout` for a free connection; throws rto::Error (503) when none frees up
  // or the database cannot be reached.
  Lease acquire(std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // Runs f(pqxx::work&) in one transaction and commits. A broken connection is dropped.
  // Serialization failures and deadlocks are retried up to 3 times.
  template <typename F>
  auto transact(F&& f) -> decltype(f(std::declval<pqxx::work&>())) {
    for (int attempt = 1;; ++attempt) {
      auto lease = acquire();
      try {
        pqxx::work tx(*lease);
        if constexpr (std::is_void_v<decltype(f(tx))>) {
          f(tx);
          tx.commit();
          return;
        } else {
          auto out = f(tx);
          tx.commit();
          return out;
        }
      } catch (const pqxx::broken_connection&) {
        lease.discard();
        throw_unavailable();
      } catch (const pqxx::serialization_failure&) {
        if (attempt >= 3) throw;
      } catch (const pqxx::deadlock_detected&) {
        if (attempt >= 3) throw;
      } catch (const pqxx::failure&) {
        lost_or_rethrow(lease);
      }
    }
  }

  // Read-only convenience (a transaction that is never committed).
  template <typename F>
  auto read(F&& f) -> decltype(f(std::declval<pqxx::read_transaction&>())) {
    auto lease = acquire();
    try {
      pqxx::read_transaction tx(*lease);
      return f(tx);
    } catch (const pqxx::broken_connection&) {
      lease.discard();
      throw_unavailable();
    } catch (const pqxx::failure&) {
      lost_or_rethrow(lease);
    }
  }

  // A single statement outside a transaction block: one round trip instead of three
  // (BEGIN, statement, ROLLBACK). For reads of one statement that need no shared snapshot.
  template <typename F>
  auto query(F&& f) -> decltype(f(std::declval<pqxx::nontransaction&>())) {
    auto lease = acquire();
    try {
      pqxx::nontransaction tx(*lease);
      return f(tx);
    } catch (const pqxx::broken_connection&) {
      lease.discard();
      throw_unavailable();
    } catch (const pqxx::failure&) {
      lost_or_rethrow(lease);
    }
  }

  bool ping() noexcept;  // SELECT 1 on a pooled connection

  // Closes connections idle for longer than `max_idle`, the longest idle first, keeping at
  // least `keep` open; returns how many it closed. A burst opens up to `size` connections (each
  // a PostgreSQL backend, and buffers and prepared statements here); this lets them go again.
  std::size_t close_idle(std::chrono::steady_clock::duration max_idle, std::size_t keep = 1);

  struct Stats {
    std::size_t size, idle, in_use, waiting;
  };
  Stats stats() const;
  const std::string& url() const noexcept { return url_; }
  // Calls the watchdog cut short (their connections closed) since the pool was made.
  std::uint64_t abandoned() const noexcept { return abandoned_.load(); }

 private:
  friend class Lease;
  [[noreturn]] static void throw_unavailable();
  // Inside a catch of pqxx::failure: a connection that is gone (the watchdog shut it, or the
  // server went away mid-call, whatever libpq called the error) is dropped and the call answers
  // 503; any other failure is rethrown as it was.
  [[noreturn]] static void lost_or_rethrow(Lease& lease);
  std::unique_ptr<pqxx::connection> connect();
  void give_back(std::unique_ptr<pqxx::connection> c, bool broken) noexcept;
  void watch(pqxx::connection* c);
  void unwatch(pqxx::connection* c) noexcept;
  void watchdog(std::stop_token st);

  std::string url_;
  std::string conninfo_;  // url_ with the limits
  Limits limits_;
  std::size_t size_;
  std::vector<Statement> statements_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Idle {
    std::unique_ptr<pqxx::connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  std::vector<Idle> idle_;  // the most recently returned last
  std::size_t open_ = 0;
  std::size_t waiting_ = 0;
  // Connections in use and when the watchdog closes them (see Limits).
  std::mutex watch_mu_;
  std::vector<std::pair<pqxx::connection*, std::chrono::steady_clock::time_point>> watched_;
  std::atomic<std::uint64_t> abandoned_{0};
  std::jthread watchdog_;  // last: stops before the rest goes
};

struct Migration {
  std::string id;   // file name without extension, e.g. "V0001__init"
  std::string sql;
};

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// SHA-256 (hex) of the migration text; what is recorded and compared.
std::string checksum(std::string_view sql);

// Version number of "V0001__init" -> 1; throws MigrationError for a bad name.
int migration_version(std::string_view id);

// Applies, in version order, every migration not yet applied, each in its own transaction,
// holding a PostgreSQL advisory lock so that replicas starting together apply each once.
// `scope` separates migration sets in one database ("platform", "service").
// Throws MigrationError when an applied migration's text has changed (checksum mismatch),
// or when names are malformed or duplicated. Returns how many were applied.
int migrate(const std::string& url, std::string_view scope, const std::vector<Migration>& migrations);

// The platform's own tables (outbox, processed_events); applied by rto::Service before the
// service's migrations.
const std::vector<Migration>& platform_migrations();

// The role a connection string logs in as.
std::string role_of(const std::string& url);

// Run by the owner of the database (owner_url) after migrating: gives `role`, the service's
// runtime role, what it may do in the public schema. SELECT, INSERT, UPDATE and DELETE on every
// table and use of every sequence; SELECT only on schema_migrations; SELECT and INSERT only on
// the append-only tables (those with a trigger calling a function named append_only(), such as
// the payment journal). The role owns none of them, so it can neither alter them nor disable
// their triggers. Serialised with migrations by the same advisory lock. Returns the append-only
// tables.
std::vector<std::string> grant_runtime(const std::string& owner_url, const std::string& role);

// What prepare() did.
struct Prepared {
  std::string runtime_role;
  bool separate_roles = false;          // migrations ran as another role than the runtime one
  std::vector<std::string> append_only;  // tables the runtime role may only read and append to
};

// Brings a service's database up to date: the platform's and then the service's migrations, run
// as the owner (owner_url; empty: runtime_url), then, when the runtime role is another role,
// grant_runtime() for it.
Prepared prepare(const std::string& runtime_url, const std::string& owner_url, const std::vector<Migration>& migrations);

// True when every given migration is recorded as applied (used by /ready).
bool migrations_applied(pqxx::transaction_base& tx, std::string_view scope, const std::vector<Migration>& migrations);

}  // namespace rto::db
