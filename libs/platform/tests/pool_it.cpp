#include <gtest/gtest.h>

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
