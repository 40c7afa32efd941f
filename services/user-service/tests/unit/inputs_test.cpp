#include <gtest/gtest.h>

#include "domain/inputs.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace user_service;
namespace js = boost::json;

namespace {
js::object obj(std::string_view text) { return js::parse(text).as_object(); }
}  // namespace

TEST(Registration, NormalisesThePhoneToE164) {
  auto r = parse_registration(obj(R"({"phone":"0772 123456","password":"boda-rider-42","full_name":"  Amina Nakato "})"), "UG");
  EXPECT_EQ(r.phone, "+256772123456");
  EXPECT_EQ(r.full_name, "Amina Nakato");
  EXPECT_FALSE(r.email);
  auto k = parse_registration(obj(R"({"phone":"+254712345678","password":"boda-rider-42","full_name":"Wanjiru"})"), "UG");
  EXPECT_EQ(k.phone, "+254712345678");
}

TEST(Registration, NamesEveryBadField) {
  auto e = error_of([] {
    parse_registration(obj(R"({"phone":"12","password":"short","full_name":"A","email":"nope"})"), "UG");
  });
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"phone", "password", "full_name", "email"}) EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(Registration, MissingFieldsAndWrongTypes) {
  auto e = error_of([] { parse_registration(obj(R"({"phone":256772123456,"password":12345678})"), "UG"); });
  EXPECT_TRUE(names_field(e, "phone"));
  EXPECT_TRUE(names_field(e, "password"));
  EXPECT_TRUE(names_field(e, "full_name"));
}

TEST(Registration, PasswordMayNotBeThePhone) {
  auto e = error_of([] {
    parse_registration(obj(R"({"phone":"+256772123456","password":"0772123456","full_name":"Amina"})"), "UG");
  });
  EXPECT_TRUE(names_field(e, "password"));
}

TEST(Registration, RolesAndStatusCannotBeChosen) {
  auto e = error_of([] {
    parse_registration(obj(R"({"phone":"+256772123456","password":"boda-rider-42","full_name":"Amina",
                               "roles":["admin"],"status":"active"})"),
                       "UG");
  });
  EXPECT_TRUE(names_field(e, "roles"));
  EXPECT_TRUE(names_field(e, "status"));
}

TEST(Registration, PasswordIsNotTrimmed) {
  auto r = parse_registration(obj(R"({"phone":"+256772123456","password":"  spaced out  ","full_name":"Amina"})"), "UG");
  EXPECT_EQ(r.password, "  spaced out  ");
}

TEST(Registration, EmptyEmailMeansNone) {
  auto r = parse_registration(
      obj(R"({"phone":"+256772123456","password":"boda-rider-42","full_name":"Amina","email":""})"), "UG");
  EXPECT_FALSE(r.email);
}

TEST(Login, RequiresAValidPhoneAndAPassword) {
  auto c = parse_login(obj(R"({"phone":"0772123456","password":"x"})"), "UG");
  EXPECT_EQ(c.phone, "+256772123456");
  auto e = error_of([] { parse_login(obj(R"({"phone":"abc","password":""})"), "UG"); });
  EXPECT_TRUE(names_field(e, "phone"));
  EXPECT_TRUE(names_field(e, "password"));
}

TEST(RefreshBody, NeedsTheToken) {
  EXPECT_EQ(parse_refresh_token(obj(R"({"refresh_token":"abc"})")), "abc");
  EXPECT_TRUE(names_field(error_of([] { parse_refresh_token(obj("{}")); }), "refresh_token"));
  EXPECT_TRUE(names_field(error_of([] { parse_refresh_token(obj(R"({"refresh_token":5})")); }), "refresh_token"));
}

TEST(ProfilePatch, AcceptsTheEditableFields) {
  auto p = parse_profile_patch(obj(R"({"full_name":"Amina N.","email":"a@example.ug","language":"sw"})"));
  EXPECT_EQ(p.full_name, "Amina N.");
  ASSERT_TRUE(p.email);
  EXPECT_EQ(*p.email, "a@example.ug");
  EXPECT_EQ(p.language, "sw");
  EXPECT_TRUE(parse_profile_patch(obj("{}")).empty());
}

TEST(ProfilePatch, NullEmailClearsIt) {
  auto p = parse_profile_patch(obj(R"({"email":null})"));
  ASSERT_TRUE(p.email);
  EXPECT_FALSE(*p.email);
}

TEST(ProfilePatch, MassAssignmentIsRefusedByName) {
  for (auto field : {"roles", "status", "phone", "id", "password_hash", "kyc_status", "created_at"}) {
    js::object body{{"full_name", "Amina"}};
    body[field] = "x";
    auto e = error_of([&] { parse_profile_patch(body); });
    EXPECT_EQ(e.status(), 400);
    EXPECT_TRUE(names_field(e, field)) << field;
  }
}

TEST(ProfilePatch, LanguageMustBeEnglishOrSwahili) {
  EXPECT_TRUE(names_field(error_of([] { parse_profile_patch(obj(R"({"language":"fr"})")); }), "language"));
  EXPECT_TRUE(names_field(error_of([] { parse_profile_patch(obj(R"({"language":null})")); }), "language"));
}

TEST(Rejection, NeedsAReason) {
  EXPECT_EQ(parse_rejection(obj(R"({"reason":"photo unreadable"})")), "photo unreadable");
  EXPECT_TRUE(names_field(error_of([] { parse_rejection(obj("{}")); }), "reason"));
}

TEST(LookupIds, DistinctSortedAndChecked) {
  const std::string a = "5b0f8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b", b = "0a0f8a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
  auto ids = parse_lookup_ids(js::object{{"ids", js::array{a, b, a}}});
  EXPECT_EQ(ids, (std::vector<std::string>{b, a}));
  auto e = error_of([&] { parse_lookup_ids(js::object{{"ids", js::array{a, "nope", 7}}}); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "ids[1]"));
  EXPECT_TRUE(names_field(e, "ids[2]"));
  EXPECT_TRUE(names_field(error_of([] { parse_lookup_ids(js::object{{"ids", js::array{}}}); }), "ids"));
  EXPECT_TRUE(names_field(error_of([] { parse_lookup_ids(js::object{}); }), "ids"));
  EXPECT_TRUE(names_field(error_of([&] { parse_lookup_ids(js::object{{"ids", js::array{a}}, {"more", 1}}); }), "more"));
  js::array many;
  for (std::size_t i = 0; i <= kMaxLookupIds; ++i) many.emplace_back(a);
  EXPECT_TRUE(names_field(error_of([&] { parse_lookup_ids(js::object{{"ids", many}}); }), "ids"));
}
