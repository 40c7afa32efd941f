#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "rto/db.hpp"
#include "rto/errors.hpp"
#include "rto/testing.hpp"

using namespace rto;

TEST(PoolIT, TransactCommitsAndRollsBack) {
  rto::testing::TempDatabase tdb("pool");
  db::migrate(tdb.url(), "service", {{"V0001__t", "CREATE TABLE t (v int);"}});
  db::Pool pool(tdb.url(), 2, {{"insert_v", "INSERT INTO t (v) VALUES ($1)"}});
  pool.transact([](pqxx::work& tx) { tx.exec_prepared("insert_v", 1); });
  EXPECT_THROW(pool.transact([](pqxx::work& tx) {
                 tx.exec_prepared("insert_v", 2);
                 throw std::runtime_error("abort");
               }),
               std::runtime_error);
  auto n = pool.read([](pqxx::read_transaction& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); });
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(pool.ping());
}

TEST(PoolIT, BoundedAndTimesOut) {
  rto::testing::TempDatabase tdb("pool");
  db::Pool pool(tdb.url(), 1);
  auto held = pool.acquire();
  EXPECT_EQ(pool.stats().in_use, 1u);
  try {
    pool.acquire(std::chrono::milliseconds(100));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
}

TEST(PoolIT, UnreachableDatabaseIs503) {
  db::Pool pool("postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=1", 1);
  try {
    pool.transact([](pqxx::work&) {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_FALSE(pool.ping());
}

TEST(PoolIT, QueryRunsStatementsOutsideATransactionBlock) {
  rto::testing::TempDatabase tdb("pool");
  db::Pool pool(tdb.url(), 1);
  // now() is the start time of the current transaction: it changes between statements only
  // when each statement is its own transaction.
  auto two_clocks = [](pqxx::transaction_base& tx) {
    auto a = tx.exec1("SELECT now()::text")[0].as<std::string>();
    tx.exec("SELECT pg_sleep(0.02)");
    auto b = tx.exec1("SELECT now()::text")[0].as<std::string>();
    return a != b;
  };
  EXPECT_TRUE(pool.query([&](pqxx::nontransaction& tx) { return two_clocks(tx); }));
  EXPECT_FALSE(pool.read([&](pqxx::read_transaction& tx) { return two_clocks(tx); }));
}

TEST(PoolIT, IdleConnectionsAreClosedDownToOne) {
  rto::testing::TempDatabase tdb("pool");
  db::Pool pool(tdb.url(), 4);
  auto backends = [&] {
    pqxx::connection c(tdb.url());
    pqxx::nontransaction tx(c);
    // Every backend on this database but the one asking.
    return tx.exec1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")[0].as<int>();
  };
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    auto c = pool.acquire();
  }
  EXPECT_EQ(pool.stats().idle, 3u);
  EXPECT_EQ(backends(), 3);
  EXPECT_EQ(pool.close_idle(std::chrono::hours(1), 1), 0u) << "none has been idle an hour";
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  {
    auto recent = pool.acquire();  // used again just now: the one that stays
  }
  EXPECT_EQ(pool.close_idle(std::chrono::milliseconds(20), 1), 2u);
  EXPECT_EQ(pool.stats().idle, 1u);
  // The server side goes too (a backend ends a moment after its client disconnects).
  for (int i = 0; i < 100 && backends() != 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(backends(), 1);
  EXPECT_EQ(pool.close_idle(std::chrono::milliseconds(0), 1), 0u) << "the last one is kept";
  // The pool still serves, and opens connections again up to its size.
  auto n = pool.query([](pqxx::nontransaction& tx) { return tx.exec1("SELECT 41 + 1")[0].as<int>(); });
  EXPECT_EQ(n, 42);
  auto x = pool.acquire();
  auto y = pool.acquire();
  EXPECT_EQ(pool.stats().in_use, 2u);
}

TEST(PoolIT, LimitsAreAddedToTheConnectionUrlUnlessItSetsThem) {
  db::Limits l{std::chrono::milliseconds(2500), std::chrono::milliseconds(5000), std::chrono::milliseconds(4000)};
  auto u = db::with_limits("postgresql://u:p@h:5432/d?sslmode=disable&connect_timeout=9", l);
  EXPECT_NE(u.find("connect_timeout=9"), std::string::npos);
  EXPECT_EQ(u.find("connect_timeout=3"), std::string::npos) << u;
  EXPECT_NE(u.find("&keepalives=1"), std::string::npos) << u;
  EXPECT_NE(u.find("options=-c%20statement_timeout%3D5000%20-c%20lock_timeout%3D4000"), std::string::npos) << u;
  auto kv = db::with_limits("host=h dbname=d", l);
  EXPECT_NE(kv.find(" connect_timeout=3"), std::string::npos) << kv;
  EXPECT_NE(kv.find(" options='-c statement_timeout=5000 -c lock_timeout=4000'"), std::string::npos) << kv;
}

TEST(PoolIT, EachSessionHasTheStatementAndLockTimeouts) {
  rto::testing::TempDatabase tdb("pool");
  db::Pool pool(tdb.url(), 1, {}, {std::chrono::milliseconds(3000), std::chrono::milliseconds(1500), std::chrono::milliseconds(700)});
  auto [st, lt] = pool.query([](pqxx::nontransaction& tx) {
    return std::pair{tx.exec1("SHOW statement_timeout")[0].as<std::string>(), tx.exec1("SHOW lock_timeout")[0].as<std::string>()};
  });
  EXPECT_EQ(st, "1500ms");
  EXPECT_EQ(lt, "700ms");
  // A statement running past it is cancelled by the server.
  try {
    pool.query([](pqxx::nontransaction& tx) { tx.exec("SELECT pg_sleep(5)"); });
    FAIL() << "not cancelled";
  } catch (const pqxx::sql_error& e) {
    EXPECT_EQ(e.sqlstate(), "57014");  // query_canceled
  }
}

// A server that accepts and then never answers (paused, or a blackhole behind a load balancer):
// the watchdog closes the connection, and the caller gets 503 within the limit, not a hang.
TEST(PoolIT, ACallTheServerNeverAnswersEndsWith503WithinTheLimit) {
  rto::testing::TempDatabase tdb("pool");
  db::Pool pool(tdb.url(), 1, {}, {std::chrono::milliseconds(3000), std::chrono::milliseconds(800), std::chrono::milliseconds(0), std::chrono::milliseconds(400)});
  const auto started = std::chrono::steady_clock::now();
  try {
    // The session's own statement_timeout is turned off here, so only the watchdog can end it.
    pool.transact([](pqxx::work& tx) {
      tx.exec("SET LOCAL statement_timeout = 0");
      tx.exec("SELECT pg_sleep(20)");
    });
    FAIL() << "the call was not cut short";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, std::chrono::seconds(4));
  EXPECT_GE(pool.abandoned(), 1u);
  // The pool goes on with a fresh connection.
  EXPECT_TRUE(pool.ping());
}

TEST(PoolIT, AServerThatAcceptsButNeverAnswersTimesOutOnConnect) {
  // A listening socket nobody accepts from: the TCP handshake completes (the backlog), the
  // PostgreSQL start-up never does.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const auto url = "postgresql://nobody@127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/nothing";
  db::Pool pool(url, 1, {}, {std::chrono::milliseconds(1000), std::chrono::milliseconds(1000), std::chrono::milliseconds(0)});
  const auto started = std::chrono::steady_clock::now();
  try {
    pool.query([](pqxx::nontransaction& tx) { tx.exec("SELECT 1"); });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 503);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  ::close(fd);
}
