#pragma once
// PostgreSQL: a small connection pool over libpqxx and forward-only migrations.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

namespace rto::db {

// A named SQL statement, prepared on every pooled connection. Keep each service's
// statements in one place (its storage/queries) and call them by name.
struct Statement {
  std::string name;
  std::string sql;
};

class Pool {
 public:
  Pool(std::string url, std::size_t size, std::vector<Statement> statements = {});
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<pqxx::connection> c) : pool_(pool), conn_(std::move(c)) {}
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

 private:
  friend class Lease;
  [[noreturn]] static void throw_unavailable();
  std::unique_ptr<pqxx::connection> connect();
  void give_back(std::unique_ptr<pqxx::connection> c, bool broken) noexcept;

  std::string url_;
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

// True when every given migration is recorded as applied (used by /ready).
bool migrations_applied(pqxx::transaction_base& tx, std::string_view scope, const std::vector<Migration>& migrations);

}  // namespace rto::db
