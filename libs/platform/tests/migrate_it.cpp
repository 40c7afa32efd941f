// Migrations against a real PostgreSQL (TEST_PG_URL).
#include <gtest/gtest.h>

#include <future>

#include "rto/db.hpp"
#include "rto/testing.hpp"

using namespace rto;
using rto::testing::attempt_sql;

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

namespace {
// A login role of the test cluster, dropped at the end (after the databases that name it).
class TempRole {
 public:
  TempRole() : name_(rto::testing::unique_name("app")), password_(rto::testing::unique_name("pw")) {
    pqxx::connection c(rto::testing::pg_admin_url());
    pqxx::nontransaction n(c);
    n.exec("CREATE ROLE " + c.quote_name(name_) + " LOGIN NOINHERIT PASSWORD " + c.quote(password_));
  }
  ~TempRole() {
    try {
      pqxx::connection c(rto::testing::pg_admin_url());
      pqxx::nontransaction n(c);
      n.exec("DROP ROLE IF EXISTS " + c.quote_name(name_));
    } catch (...) {
    }
  }
  // `url` with this role's name and password in place of its own.
  std::string url_for(const std::string& url) const {
    const auto scheme = url.find("://") + 3;
    return url.substr(0, scheme) + name_ + ":" + password_ + url.substr(url.find('@', scheme));
  }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_, password_;
};

std::vector<db::Migration> journal_set() {
  return {{"V0001__journal", R"sql(
CREATE TABLE accounts (id serial PRIMARY KEY, balance bigint NOT NULL DEFAULT 0);
CREATE TABLE journal (id bigserial PRIMARY KEY, amount bigint NOT NULL);
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal FOR EACH ROW EXECUTE FUNCTION append_only();
)sql"}};
}

}  // namespace

TEST(MigrateIT, TheRuntimeRoleMayWriteRowsButNeitherRewriteTheJournalNorDisableItsTriggers) {
  TempRole app;
  rto::testing::TempDatabase tdb("mig");
  {
    pqxx::connection admin(rto::testing::pg_admin_url());
    pqxx::nontransaction(admin).exec("GRANT CONNECT ON DATABASE " + admin.quote_name(tdb.name()) + " TO " +
                                     admin.quote_name(app.name()));
  }
  const auto runtime_url = app.url_for(tdb.url());
  auto prepared = db::prepare(runtime_url, tdb.url(), journal_set());
  EXPECT_TRUE(prepared.separate_roles);
  EXPECT_EQ(prepared.runtime_role, app.name());
  EXPECT_EQ(prepared.append_only, std::vector<std::string>{"journal"});

  pqxx::connection c(runtime_url);
  EXPECT_EQ(attempt_sql(c, "INSERT INTO accounts DEFAULT VALUES"), "ok");  // its sequence too
  EXPECT_EQ(attempt_sql(c, "UPDATE accounts SET balance = 5"), "ok");
  EXPECT_EQ(attempt_sql(c, "INSERT INTO journal (amount) VALUES (5)"), "ok");
  EXPECT_EQ(attempt_sql(c, "SELECT count(*) FROM journal"), "ok");
  EXPECT_EQ(attempt_sql(c, "SELECT count(*) FROM schema_migrations"), "ok");
  const std::string refused = "refused";  // insufficient_privilege (42501)
  EXPECT_EQ(attempt_sql(c, "UPDATE journal SET amount = 500"), refused);
  EXPECT_EQ(attempt_sql(c, "DELETE FROM journal"), refused);
  EXPECT_EQ(attempt_sql(c, "TRUNCATE journal"), refused);
  EXPECT_EQ(attempt_sql(c, "ALTER TABLE journal DISABLE TRIGGER ALL"), refused);
  EXPECT_EQ(attempt_sql(c, "DROP TRIGGER journal_append_only ON journal"), refused);
  EXPECT_EQ(attempt_sql(c, "DELETE FROM schema_migrations"), refused);
  EXPECT_EQ(attempt_sql(c, "CREATE TABLE mine (x int)"), refused);
  EXPECT_EQ(attempt_sql(c, "SET session_replication_role = replica"), refused);

  // A later migration's table is granted on the next start; the journal stays append-only.
  auto more = journal_set();
  more.push_back({"V0002__notes", "CREATE TABLE notes (id serial PRIMARY KEY, body text);"});
  prepared = db::prepare(runtime_url, tdb.url(), more);
  EXPECT_EQ(attempt_sql(c, "INSERT INTO notes (body) VALUES ('x')"), "ok");
  EXPECT_EQ(attempt_sql(c, "UPDATE journal SET amount = 500"), refused);
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT sum(amount) FROM journal")[0].as<long>(), 5);
}

TEST(MigrateIT, OneRoleForBothGrantsNothing) {
  rto::testing::TempDatabase tdb("mig");
  auto prepared = db::prepare(tdb.url(), "", journal_set());
  EXPECT_FALSE(prepared.separate_roles);
  EXPECT_TRUE(prepared.append_only.empty());
  pqxx::connection c(tdb.url());
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM schema_migrations WHERE scope = 'platform'")[0].as<int>(),
            static_cast<int>(db::platform_migrations().size()));
}
