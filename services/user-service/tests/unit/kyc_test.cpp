#include <gtest/gtest.h>

#include "domain/kyc.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace user_service;
namespace js = boost::json;
using namespace std::chrono;

namespace {
// 2026-06-15T12:00:00Z
const TimePoint kNow = sys_days{year(2026) / 6 / 15} + hours(12);

js::object valid() {
  return js::parse(R"({"national_id":"cm 9001-2345 67ab","date_of_birth":"1994-03-21",
    "address":"Plot 12, Kampala Road, Kampala",
    "next_of_kin":{"name":"Grace Nakato","phone":"0701234567","relationship":"sister"}})")
      .as_object();
}
}  // namespace

TEST(Kyc, ParsesAndNormalises) {
  auto k = parse_kyc(valid(), "UG", kNow);
  EXPECT_EQ(k.national_id, "CM9001234567AB");
  EXPECT_EQ(k.date_of_birth, "1994-03-21");
  EXPECT_EQ(k.next_of_kin.phone, "+256701234567");
  EXPECT_EQ(k.next_of_kin.relationship, "sister");
}

TEST(Kyc, NationalIdNormalisation) {
  EXPECT_EQ(normalize_national_id("cm90-0123 4567ab"), "CM9001234567AB");
  EXPECT_EQ(normalize_national_id("12345678"), "12345678");
  EXPECT_EQ(normalize_national_id("1234"), std::nullopt);
  EXPECT_EQ(normalize_national_id("CM90012345/67"), std::nullopt);
  EXPECT_EQ(normalize_national_id(std::string(21, '9')), std::nullopt);
}

TEST(Kyc, MaskKeepsOnlyTheLastFour) {
  EXPECT_EQ(mask_national_id("CM9001234567AB"), "**********67AB");
  EXPECT_EQ(mask_national_id("12345678"), "****5678");
  EXPECT_EQ(mask_national_id("1234"), "****");
}

TEST(Kyc, DatesMustBeRealDays) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-13-01"));
  EXPECT_FALSE(parse_date("2023-04-31"));
  EXPECT_FALSE(parse_date("2023-4-1"));
  EXPECT_FALSE(parse_date("21/03/1994"));
  EXPECT_FALSE(parse_date("1994-03-2a"));
}

TEST(Kyc, DateOfBirthNotInTheFuture) {
  auto body = valid();
  body["date_of_birth"] = "2026-06-16";
  EXPECT_TRUE(names_field(error_of([&] { parse_kyc(body, "UG", kNow); }), "date_of_birth"));
  body["date_of_birth"] = "2026-06-15";
  EXPECT_NO_THROW(parse_kyc(body, "UG", kNow));
  body["date_of_birth"] = "1899-12-31";
  EXPECT_TRUE(names_field(error_of([&] { parse_kyc(body, "UG", kNow); }), "date_of_birth"));
  body["date_of_birth"] = "1994-02-30";
  EXPECT_TRUE(names_field(error_of([&] { parse_kyc(body, "UG", kNow); }), "date_of_birth"));
}

TEST(Kyc, NestedFieldsAreNamedWithTheirPath) {
  auto body = valid();
  body["next_of_kin"] = js::object{{"name", "G"}, {"phone", "123"}, {"relation", "x"}};
  auto e = error_of([&] { parse_kyc(body, "UG", kNow); });
  EXPECT_TRUE(names_field(e, "next_of_kin.name"));
  EXPECT_TRUE(names_field(e, "next_of_kin.phone"));
  EXPECT_TRUE(names_field(e, "next_of_kin.relationship"));
  EXPECT_TRUE(names_field(e, "next_of_kin.relation"));
}

TEST(Kyc, MissingAndUnknownFields) {
  auto e = error_of([] { parse_kyc(js::parse(R"({"status":"verified"})").as_object(), "UG", kNow); });
  for (auto f : {"national_id", "date_of_birth", "address", "next_of_kin", "status"})
    EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(Kyc, ReviewStateMachine) {
  EXPECT_TRUE(review_changes(KycStatus::Pending, KycStatus::Verified));
  EXPECT_TRUE(review_changes(KycStatus::Pending, KycStatus::Rejected));
  EXPECT_TRUE(review_changes(KycStatus::Verified, KycStatus::Rejected));
  EXPECT_TRUE(review_changes(KycStatus::Rejected, KycStatus::Verified));
  EXPECT_FALSE(review_changes(KycStatus::Verified, KycStatus::Verified));
  EXPECT_EQ(kyc_status_from("verified"), KycStatus::Verified);
  EXPECT_EQ(kyc_status_from("other"), std::nullopt);
  EXPECT_EQ(to_string(KycStatus::Rejected), "rejected");
}

TEST(Kyc, NextOfKinRoundTrip) {
  NextOfKin n{"Grace", "+256701234567", "sister"};
  EXPECT_EQ(next_of_kin_from_json(js::serialize(to_json(n))), n);
}

TEST(Kyc, ViewShowsOnlyTheMask) {
  KycView v;
  v.user_id = "u";
  v.national_id_masked = mask_national_id("CM9001234567AB");
  v.status = "pending";
  auto o = to_json(v);
  EXPECT_EQ(o.at("national_id_masked"), "**********67AB");
  EXPECT_FALSE(o.contains("national_id"));
  EXPECT_TRUE(o.at("reviewed_at").is_null());
}
