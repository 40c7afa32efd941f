#include "rto/db.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sys/socket.h>

#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace rto::db {

namespace {
bool has_param(const std::string& url, std::string_view key) {
  const std::string k = std::string(key) + "=";
  for (std::size_t at = url.find(k); at != std::string::npos; at = url.find(k, at + 1))
    if (at == 0 || url[at - 1] == '?' || url[at - 1] == '&' || url[at - 1] == ' ') return true;
  return false;
}
}  // namespace

std::string with_limits(const std::string& url, const Limits& limits) {
  const bool is_url = url.starts_with("postgresql://") || url.starts_with("postgres://");
  std::string out = url;
  auto add = [&](std::string_view key, const std::string& value) {
    if (has_param(url, key)) return;
    if (is_url) {
      out += out.find('?') == std::string::npos ? '?' : '&';
    } else if (!out.empty()) {
      out += ' ';
    }
    out.append(key).append("=").append(value);
  };
  if (limits.connect_timeout.count() > 0)
    add("connect_timeout", std::to_string(std::max<long long>(1, (limits.connect_timeout.count() + 999) / 1000)));
  add("keepalives", "1");
  add("keepalives_idle", "30");
  add("keepalives_interval", "10");
  add("keepalives_count", "3");
  std::string options;
  if (limits.statement_timeout.count() > 0) options += "-c statement_timeout=" + std::to_string(limits.statement_timeout.count());
  if (limits.lock_timeout.count() > 0)
    options += std::string(options.empty() ? "" : " ") + "-c lock_timeout=" + std::to_string(limits.lock_timeout.count());
  if (!options.empty()) {
    if (is_url) {
      std::string enc;
      for (char c : options) enc += c == ' ' ? "%20" : c == '=' ? "%3D" : std::string(1, c);
      add("options", enc);
    } else {
      add("options", "'" + options + "'");
    }
  }
  return out;
}

Pool::Pool(std::string url, std::size_t size, std::vector<Statement> statements, Limits limits)
    : url_(std::move(url)),
      conninfo_(with_limits(url_, limits)),
      limits_(limits),
      size_(std::max<std::size_t>(1, size)),
      statements_(std::move(statements)) {
  if (limits_.statement_timeout.count() > 0)
    watchdog_ = std::jthread([this](std::stop_token st) { watchdog(st); });
}

Pool::~Pool() = default;

Pool::Lease::Lease(Pool* pool, std::unique_ptr<pqxx::connection> c) : pool_(pool), conn_(std::move(c)) {
  pool_->watch(conn_.get());
}

Pool::Lease::~Lease() {
  if (pool_ && conn_) {
    pool_->unwatch(conn_.get());
    pool_->give_back(std::move(conn_), broken_);
  }
}

void Pool::watch(pqxx::connection* c) {
  if (!watchdog_.joinable()) return;
  auto until = std::chrono::steady_clock::now() + limits_.statement_timeout + limits_.watchdog_margin;
  std::lock_guard lk(watch_mu_);
  watched_.emplace_back(c, until);
}

void Pool::unwatch(pqxx::connection* c) noexcept {
  if (!watchdog_.joinable()) return;
  std::lock_guard lk(watch_mu_);
  for (auto it = watched_.begin(); it != watched_.end(); ++it)
    if (it->first == c) {
      watched_.erase(it);
      return;
    }
}

// A blocked libpq call returns once its socket is shut down: the caller gets
// pqxx::broken_connection, drops the connection and answers 503.
void Pool::watchdog(std::stop_token st) {
  std::mutex m;
  std::condition_variable_any cv;
  while (!st.stop_requested()) {
    {
      std::unique_lock lk(m);
      cv.wait_for(lk, st, std::chrono::milliseconds(200), [] { return false; });
    }
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lk(watch_mu_);
    for (auto it = watched_.begin(); it != watched_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      ::shutdown(it->first->sock(), SHUT_RDWR);
      ++abandoned_;
      log::warn("a database call took too long; its connection was closed",
                {{"limit_ms", (limits_.statement_timeout + limits_.watchdog_margin).count()}});
      it = watched_.erase(it);
    }
  }
}

void Pool::throw_unavailable() { throw Unavailable("the database is unavailable; try again shortly"); }

void Pool::lost_or_rethrow(Lease& lease) {
  if (lease->is_open()) throw;
  lease.discard();
  throw_unavailable();
}

std::unique_ptr<pqxx::connection> Pool::connect() {
  auto c = std::make_unique<pqxx::connection>(conninfo_);
  watch(c.get());  // preparing is a round trip per statement
  try {
    for (const auto& s : statements_) c->prepare(s.name, s.sql);
  } catch (...) {
    unwatch(c.get());
    throw;
  }
  unwatch(c.get());
  return c;
}

Pool::Lease Pool::acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (idle_.empty() && open_ >= size_) {
    ++waiting_;
    bool woke = cv_.wait_until(lk, deadline, [&] { return !idle_.empty() || open_ < size_; });
    --waiting_;
    if (!woke) throw Unavailable("the database is busy; try again shortly");
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back().conn);
    idle_.pop_back();
    return Lease(this, std::move(c));
  }
  ++open_;
  lk.unlock();
  try {
    return Lease(this, connect());
  } catch (const std::exception& e) {
    {
      std::lock_guard g(mu_);
      --open_;
    }
    cv_.notify_one();
    log::error("database connection failed", {{"error", e.what()}});
    throw_unavailable();
  }
}

void Pool::give_back(std::unique_ptr<pqxx::connection> c, bool broken) noexcept {
  {
    std::lock_guard lk(mu_);
    if (broken || !c->is_open()) {
      --open_;
    } else {
      idle_.push_back({std::move(c), std::chrono::steady_clock::now()});
    }
  }
  cv_.notify_one();
  if (broken) c.reset();
}

std::size_t Pool::close_idle(std::chrono::steady_clock::duration max_idle, std::size_t keep) {
  const auto before = std::chrono::steady_clock::now() - max_idle;
  std::vector<Idle> closing;
  {
    std::lock_guard lk(mu_);
    std::size_t n = 0;
    while (n < idle_.size() && open_ - n > keep && idle_[n].since <= before) ++n;
    closing.assign(std::make_move_iterator(idle_.begin()), std::make_move_iterator(idle_.begin() + static_cast<std::ptrdiff_t>(n)));
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(n));
    open_ -= n;
  }
  if (!closing.empty()) cv_.notify_all();  // room to open a connection for someone waiting
  return closing.size();  // closed as `closing` goes, outside the lock
}

bool Pool::ping() noexcept {
  try {
    auto lease = acquire(std::chrono::seconds(2));
    try {
      pqxx::nontransaction tx(*lease);
      tx.exec("SELECT 1");
      return true;
    } catch (const pqxx::broken_connection&) {
      lease.discard();
      return false;
    }
  } catch (...) {
    return false;
  }
}

Pool::Stats Pool::stats() const {
  std::lock_guard lk(mu_);
  return {size_, idle_.size(), open_ - idle_.size(), waiting_};
}

// ---- migrations ---------------------------------------------------------------------------

std::string checksum(std::string_view sql) { return crypto::sha256_hex(sql); }

int migration_version(std::string_view id) {
  if (id.size() < 4 || id[0] != 'V') throw MigrationError("migration '" + std::string(id) + "': name must look like V0001__name");
  auto sep = id.find("__");
  if (sep == std::string_view::npos || sep == 1 || sep + 2 >= id.size())
    throw MigrationError("migration '" + std::string(id) + "': name must look like V0001__name");
  int v = 0;
  auto [p, ec] = std::from_chars(id.data() + 1, id.data() + sep, v);
  if (ec != std::errc() || p != id.data() + sep || v <= 0)
    throw MigrationError("migration '" + std::string(id) + "': version must be a positive number");
  return v;
}

namespace {
// One advisory lock key for all migration runs in a database: replicas of a service (and
// tests) serialise on it.
constexpr long long kMigrationLock = 0x72746f6d6967LL;  // "rtomig"

const char* kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  scope      text        NOT NULL,
  version    integer     NOT NULL,
  id         text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, version)
))sql";

struct Applied {
  std::string id, checksum;
};

std::map<int, Applied> load_applied(pqxx::transaction_base& tx, std::string_view scope) {
  std::map<int, Applied> out;
  auto rows = tx.exec_params("SELECT version, id, checksum FROM schema_migrations WHERE scope = $1", std::string(scope));
  for (const auto& r : rows) out[r[0].as<int>()] = {r[1].as<std::string>(), r[2].as<std::string>()};
  return out;
}

std::vector<std::pair<int, const Migration*>> ordered(const std::vector<Migration>& ms) {
  std::vector<std::pair<int, const Migration*>> out;
  std::set<int> seen;
  for (const auto& m : ms) {
    int v = migration_version(m.id);
    if (!seen.insert(v).second) throw MigrationError("two migrations share version " + std::to_string(v));
    out.emplace_back(v, &m);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.first < b.first; });
  return out;
}
}  // namespace

int migrate(const std::string& url, std::string_view scope, const std::vector<Migration>& migrations) {
  auto list = ordered(migrations);
  pqxx::connection conn(url);
  {
    pqxx::nontransaction n(conn);
    n.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
  }
  int applied_now = 0;
  try {
    {
      pqxx::work tx(conn);
      tx.exec(kCreateTable);
      tx.commit();
    }
    std::map<int, Applied> applied;
    {
      pqxx::read_transaction tx(conn);
      applied = load_applied(tx, scope);
    }
    for (const auto& [version, m] : list) {
      auto sum = checksum(m->sql);
      auto it = applied.find(version);
      if (it != applied.end()) {
        if (it->second.checksum != sum)
          throw MigrationError("migration " + std::string(scope) + "/" + m->id +
                               " was changed after it was applied (checksum " + it->second.checksum.substr(0, 12) +
                               " recorded, " + sum.substr(0, 12) +
                               " now). Migrations are forward-only: restore the file and add a new migration.");
        continue;
      }
      pqxx::work tx(conn);
      tx.exec(m->sql);
      tx.exec_params("INSERT INTO schema_migrations (scope, version, id, checksum) VALUES ($1, $2, $3, $4)",
                     std::string(scope), version, m->id, sum);
      tx.commit();
      ++applied_now;
      log::info("migration applied", {{"scope", std::string(scope)}, {"migration", m->id}});
    }
  } catch (...) {
    try {
      pqxx::nontransaction n(conn);
      n.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
    } catch (...) {
    }
    throw;
  }
  pqxx::nontransaction n(conn);
  n.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
  return applied_now;
}

std::string role_of(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::nontransaction n(conn);
  return n.exec1("SELECT current_user")[0].as<std::string>();
}

std::vector<std::string> grant_runtime(const std::string& owner_url, const std::string& role) {
  pqxx::connection conn(owner_url);
  pqxx::work tx(conn);
  // Concurrent GRANTs on one object fail ("tuple concurrently updated"): replicas take turns.
  tx.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
  std::vector<std::string> append_only;
  for (const auto& r : tx.exec(R"sql(
SELECT DISTINCT c.relname FROM pg_trigger t
  JOIN pg_proc p ON p.oid = t.tgfoid
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE p.proname = 'append_only' AND n.nspname = 'public' AND NOT t.tgisinternal
 ORDER BY 1)sql"))
    append_only.push_back(r[0].as<std::string>());
  const auto who = tx.quote_name(role);
  tx.exec("GRANT USAGE ON SCHEMA public TO " + who);
  tx.exec("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + who);
  tx.exec("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + who);
  tx.exec("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM " + who);
  for (const auto& t : append_only) tx.exec("REVOKE UPDATE, DELETE, TRUNCATE ON " + tx.quote_name(t) + " FROM " + who);
  tx.commit();
  return append_only;
}

Prepared prepare(const std::string& runtime_url, const std::string& owner_url, const std::vector<Migration>& migrations) {
  const auto& owner = owner_url.empty() ? runtime_url : owner_url;
  migrate(owner, "platform", platform_migrations());
  migrate(owner, "service", migrations);
  Prepared p;
  p.runtime_role = role_of(runtime_url);
  p.separate_roles = owner != runtime_url && role_of(owner) != p.runtime_role;
  if (p.separate_roles) p.append_only = grant_runtime(owner, p.runtime_role);
  return p;
}

bool migrations_applied(pqxx::transaction_base& tx, std::string_view scope, const std::vector<Migration>& migrations) {
  auto applied = load_applied(tx, scope);
  for (const auto& m : migrations) {
    auto it = applied.find(migration_version(m.id));
    if (it == applied.end() || it->second.checksum != checksum(m.sql)) return false;
  }
  return true;
}

const std::vector<Migration>& platform_migrations() {
  static const std::vector<Migration> ms = {
      {"V0001__outbox_and_processed_events", R"sql(
CREATE TABLE outbox (
  id         uuid        PRIMARY KEY,
  seq        bigserial   NOT NULL UNIQUE,
  type       text        NOT NULL,
  subject    text        NOT NULL,
  envelope   text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz,
  attempts   integer     NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

CREATE TABLE processed_events (
  event_id     text        PRIMARY KEY,
  type         text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
)sql"},
  };
  return ms;
}

}  // namespace rto::db
