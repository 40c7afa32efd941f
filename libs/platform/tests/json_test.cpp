#include <gtest/gtest.h>

#include "rto/json.hpp"

using namespace rto::json;

TEST(Json, ParseObjectRefusesGarbage) {
  EXPECT_THROW(parse_object("{"), rto::Error);
  EXPECT_THROW(parse_object("[1]"), rto::Error);
  EXPECT_THROW(parse_object(""), rto::Error);
  EXPECT_EQ(parse_object(R"({"a":1})").at("a").as_int64(), 1);
  std::string deep(100, '[');
  EXPECT_THROW(parse_object(deep), rto::Error);
}

TEST(Json, ReaderCollectsEveryFieldError) {
  auto o = parse_object(R"({"name":5,"age":-1,"kind":"x","extra":true,"nested":{"phone":""}})");
  Reader r(o);
  r.string("name", true);
  r.integer("age", true, 0, 150);
  r.one_of("kind", true, {"a", "b"});
  r.string("missing", true);
  r.reject_unknown({"name", "age", "kind", "missing", "nested"});
  Reader n(*r.object("nested", true), "nested");
  n.string("phone", true, 1);
  r.merge(n);
  try {
    r.finish();
    FAIL();
  } catch (const rto::Error& e) {
    std::vector<std::string> fields;
    for (auto& f : e.fields()) fields.push_back(f.field);
    EXPECT_EQ(fields, (std::vector<std::string>{"name", "age", "kind", "missing", "extra", "nested.phone"}));
    EXPECT_EQ(e.status(), 400);
  }
}

TEST(Json, ReaderTrimsAndMeasuresCharacters) {
  auto o = parse_object(R"({"name":"  Amina Nakato  ","sw":"Habari ya asubuhi ñ"})");
  Reader r(o);
  EXPECT_EQ(r.string("name", true, 2, 100).value(), "Amina Nakato");
  EXPECT_TRUE(r.string("sw", true, 0, 19).has_value());  // 19 characters, 20 bytes
  r.finish();
}

TEST(Json, RawStringKeepsSurroundingSpaces) {
  auto o = parse_object(R"({"password":"  pass word  ","empty":""})");
  Reader r(o);
  EXPECT_EQ(r.raw_string("password", true).value(), "  pass word  ");
  EXPECT_FALSE(r.raw_string("empty", true, 1).has_value());
  EXPECT_FALSE(r.raw_string("missing", true).has_value());
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0].message, "must not be empty");
  EXPECT_EQ(r.errors()[1].message, "is required");
}
