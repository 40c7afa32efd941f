#include <gtest/gtest.h>

#include "rto/db.hpp"

TEST(Migrations, ChecksumChangesWithAnyEdit) {
  auto a = rto::db::checksum("CREATE TABLE t (id int);");
  EXPECT_EQ(a, rto::db::checksum("CREATE TABLE t (id int);"));
  EXPECT_NE(a, rto::db::checksum("CREATE TABLE t (id int); "));
  EXPECT_EQ(a.size(), 64u);
}

TEST(Migrations, VersionFromName) {
  EXPECT_EQ(rto::db::migration_version("V0001__init"), 1);
  EXPECT_EQ(rto::db::migration_version("V0123__add_things"), 123);
  EXPECT_THROW(rto::db::migration_version("0001__init"), rto::db::MigrationError);
  EXPECT_THROW(rto::db::migration_version("V__init"), rto::db::MigrationError);
  EXPECT_THROW(rto::db::migration_version("V0001_init"), rto::db::MigrationError);
  EXPECT_THROW(rto::db::migration_version("V0000__zero"), rto::db::MigrationError);
}
