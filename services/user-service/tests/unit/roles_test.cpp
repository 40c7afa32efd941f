#include <gtest/gtest.h>

#include "domain/inputs.hpp"
#include "domain/roles.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace user_service;
namespace js = boost::json;

TEST(Roles, KnownRolesAreCanonicalisedAndDeduplicated) {
  auto roles = parse_roles(js::parse(R"({"roles":["admin","customer","admin","credit_officer"]})").as_object());
  EXPECT_EQ(roles, (std::vector<std::string>{"customer", "credit_officer", "admin"}));
}

TEST(Roles, UnknownRolesAreNamed) {
  auto e = error_of([] { parse_roles(js::parse(R"({"roles":["customer","superuser",7]})").as_object()); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "roles[1]"));
  EXPECT_TRUE(names_field(e, "roles[2]"));
}

TEST(Roles, AtLeastOneRole) {
  EXPECT_TRUE(names_field(error_of([] { parse_roles(js::parse(R"({"roles":[]})").as_object()); }), "roles"));
  EXPECT_TRUE(names_field(error_of([] { parse_roles(js::parse(R"({})").as_object()); }), "roles"));
  EXPECT_TRUE(names_field(error_of([] { parse_roles(js::parse(R"({"roles":"admin"})").as_object()); }), "roles"));
}

TEST(Roles, OtherFieldsAreRefused) {
  auto e = error_of([] { parse_roles(js::parse(R"({"roles":["customer"],"status":"active"})").as_object()); });
  EXPECT_TRUE(names_field(e, "status"));
}

TEST(Roles, AnAdminCannotDropTheirOwnAdminRole) {
  auto e = error_of([] { check_role_change("a", "a", {"customer"}); });
  EXPECT_EQ(e.status(), 409);
  EXPECT_TRUE(names_field(e, "roles"));
  EXPECT_NO_THROW(check_role_change("a", "a", {"credit_officer", "admin"}));
  EXPECT_NO_THROW(check_role_change("a", "b", {"customer"}));  // another admin may be demoted
}

TEST(Roles, AnAdminCannotDisableThemselves) {
  EXPECT_EQ(error_of([] { check_disable("a", "a"); }).status(), 409);
  EXPECT_NO_THROW(check_disable("a", "b"));
}

TEST(Roles, NobodyReviewsTheirOwnKyc) {
  EXPECT_EQ(error_of([] { check_kyc_reviewer("a", "a"); }).status(), 403);
  EXPECT_NO_THROW(check_kyc_reviewer("a", "b"));
}

TEST(Roles, HasAny) {
  std::vector<std::string> r{"customer", "agent"};
  EXPECT_TRUE(has_any(r, {"admin", "agent"}));
  EXPECT_FALSE(has_any(r, {"admin"}));
}
