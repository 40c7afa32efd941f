#include <gtest/gtest.h>

#include <future>

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
