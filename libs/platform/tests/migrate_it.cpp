// Migrations against a real PostgreSQL (TEST_PG_URL).
#include <gtest/gtest.h>

#include <future>

#include "rto/db.hpp"
#include "rto/testing.hpp"

using namespace rto;

namespace {
std::vector<db::Migration> set_v1() {
  return {{"V0001__things", "CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL);"},
          {"V0002__more", "ALTER TABLE things ADD COLUMN size int; INSERT INTO things (name) VALUES ('seed');"}};
}
}  // namespace

TEST(MigrateIT, AppliesOnceUnderConcurrency) {
  rto::testing::TempDatabase tdb("mig");
  std::vector<std::future<int>> runs;
  for (int i = 0; i < 4; ++i)
    runs.push_back(std::async(std::launch::async, [&] { return db::migrate(tdb.url(), "service", set_v1()); }));
  int total = 0;
  for (auto& f : runs) total += f.get();
  EXPECT_EQ(total, 2);  // two migrations, applied exactly once across four concurrent runners
  pqxx::connection c(tdb.url());
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM things")[0].as<int>(), 1);  // the seed row inserted once
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM schema_migrations WHERE scope = 'service'")[0].as<int>(), 2);
  EXPECT_TRUE(db::migrations_applied(tx, "service", set_v1()));
}

TEST(MigrateIT, RefusesAnEditedAppliedMigration) {
  rto::testing::TempDatabase tdb("mig");
  db::migrate(tdb.url(), "service", set_v1());
  auto edited = set_v1();
  edited[0].sql += " -- harmless looking edit";
  try {
    db::migrate(tdb.url(), "service", edited);
    FAIL() << "an edited migration was accepted";
  } catch (const db::MigrationError& e) {
    EXPECT_NE(std::string(e.what()).find("V0001__things"), std::string::npos);
  }
  pqxx::connection c(tdb.url());
  pqxx::read_transaction tx(c);
  EXPECT_FALSE(db::migrations_applied(tx, "service", edited));
}

TEST(MigrateIT, FailedMigrationLeavesNothingBehind) {
  rto::testing::TempDatabase tdb("mig");
  std::vector<db::Migration> bad = {{"V0001__ok", "CREATE TABLE a (id int);"},
                                    {"V0002__broken", "CREATE TABLE b (id int); SELECT no_such_function();"}};
  EXPECT_ANY_THROW(db::migrate(tdb.url(), "service", bad));
  pqxx::connection c(tdb.url());
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int>(), 1);
  EXPECT_EQ(tx.exec1("SELECT to_regclass('b') IS NULL")[0].as<bool>(), true);
  // A fixed follow-up run applies the rest.
  bad[1].sql = "CREATE TABLE b (id int);";
  EXPECT_EQ(db::migrate(tdb.url(), "service", bad), 1);
}

TEST(MigrateIT, ScopesAreIndependent) {
  rto::testing::TempDatabase tdb("mig");
  EXPECT_EQ(db::migrate(tdb.url(), "platform", db::platform_migrations()), 1);
  EXPECT_EQ(db::migrate(tdb.url(), "service", set_v1()), 2);
  EXPECT_EQ(db::migrate(tdb.url(), "platform", db::platform_migrations()), 0);
}
