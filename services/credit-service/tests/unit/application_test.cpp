// Application input: parsing, normalisation, and validation that names every bad field.
#include <gtest/gtest.h>

#include "domain/application.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace credit_service;
namespace js = boost::json;

namespace {

js::object valid() {
  return js::parse(R"({
    "vehicle_id": "8F1C2D3E-0000-4000-8000-0000000000AA", "template_id": "boda-weekly-78",
    "employment_type": "boda_rider", "months_in_work": 30,
    "monthly_income": {"amount": 1200000, "currency": "UGX"},
    "monthly_obligations": {"amount": 100000, "currency": "UGX"},
    "mobile_money": {"months_of_history": 18, "avg_monthly_inflow": 1100000, "avg_monthly_transactions": 60},
    "dependants": 2, "months_at_residence": 24,
    "guarantor": {"name": "Grace Nakato", "phone": "0701234567", "relationship": "sister", "national_id": "cm 1234-5678 abcd"},
    "references": [{"name": "John Okello", "phone": "0772000001"}, {"name": "Sarah Auma", "phone": "+256772000002"}]
  })")
      .as_object();
}

rto::Error refused(const js::object& body, Mode mode = Mode::Application) {
  return error_of([&] { parse_application(body, "UG", mode); });
}

}  // namespace

TEST(Application, ParsesAndNormalises) {
  auto in = parse_application(valid(), "UG", Mode::Application);
  EXPECT_EQ(in.vehicle_id, "8f1c2d3e-0000-4000-8000-0000000000aa");
  EXPECT_EQ(in.template_id, "boda-weekly-78");
  EXPECT_EQ(in.employment_type, "boda_rider");
  EXPECT_EQ(in.monthly_income.amount, 1'200'000);
  EXPECT_EQ(in.mobile_money.avg_monthly_transactions, 60);
  ASSERT_TRUE(in.guarantor);
  EXPECT_EQ(in.guarantor->phone, "+256701234567");
  EXPECT_EQ(in.guarantor->national_id, "CM12345678ABCD");
  ASSERT_EQ(in.references.size(), 2u);
  EXPECT_EQ(in.references[0].phone, "+256772000001");
  EXPECT_EQ(in.references_count(), 2);
  EXPECT_FALSE(in.instalment);
}

TEST(Application, EveryBadFieldIsNamed) {
  auto body = valid();
  body["vehicle_id"] = "not-a-uuid";
  body["template_id"] = "bad template!";
  body["employment_type"] = "pilot";
  body["months_in_work"] = -1;
  body["monthly_income"] = js::object{{"amount", 0}, {"currency", "UGX"}};
  body["monthly_obligations"] = js::object{{"amount", 5}, {"currency", "ABC"}};
  body["mobile_money"].as_object()["avg_monthly_transactions"] = "many";
  body["mobile_money"].as_object().erase("months_of_history");
  body["dependants"] = 31;
  body["months_at_residence"] = 2.5;
  body["guarantor"].as_object()["phone"] = "12";
  body["guarantor"].as_object()["national_id"] = "12";
  body["guarantor"].as_object().erase("relationship");
  body["references"].as_array()[1].as_object()["name"] = "";
  body["role"] = "admin";
  auto e = refused(body);
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"vehicle_id", "template_id", "employment_type", "months_in_work", "monthly_income.amount",
                 "monthly_obligations.currency", "mobile_money.avg_monthly_transactions",
                 "mobile_money.months_of_history", "dependants", "months_at_residence", "guarantor.phone",
                 "guarantor.national_id", "guarantor.relationship", "references[1].name", "role"})
    EXPECT_TRUE(names_field(e, f)) << f << ": " << e.detail();
}

TEST(Application, RequiredFieldsAreNamed) {
  auto e = refused(js::object{});
  for (auto f : {"vehicle_id", "template_id", "employment_type", "months_in_work", "monthly_income",
                 "monthly_obligations", "mobile_money", "dependants", "months_at_residence", "guarantor", "references"})
    EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(Application, AtLeastTwoDistinctReferences) {
  auto body = valid();
  body["references"].as_array().pop_back();
  EXPECT_TRUE(names_field(refused(body), "references"));

  body = valid();
  body["references"].as_array()[1].as_object()["phone"] = "0772000001";  // same as the first
  EXPECT_TRUE(names_field(refused(body), "references[1].phone"));

  body = valid();
  body["references"].as_array()[0].as_object()["phone"] = "+256701234567";  // the guarantor's
  EXPECT_TRUE(names_field(refused(body), "references[0].phone"));

  body = valid();
  body["references"].as_array()[0] = "John";
  EXPECT_TRUE(names_field(refused(body), "references[0]"));
}

TEST(Application, CurrenciesMustAgree) {
  auto body = valid();
  body["monthly_obligations"] = js::object{{"amount", 100}, {"currency", "KES"}};
  body["instalment"] = js::object{{"amount", 100}, {"currency", "KES"}};
  auto e = refused(body);
  EXPECT_TRUE(names_field(e, "monthly_obligations.currency"));
  EXPECT_TRUE(names_field(e, "instalment.currency"));
}

TEST(Application, MoneyObjectsAreStrict) {
  auto body = valid();
  body["monthly_income"] = js::object{{"amount", 1200000}, {"currency", "UGX"}, {"per", "month"}};
  EXPECT_TRUE(names_field(refused(body), "monthly_income.per"));
  body = valid();
  body["monthly_income"] = 1200000;
  EXPECT_TRUE(names_field(refused(body), "monthly_income"));
  body = valid();
  body["monthly_income"] = js::object{{"amount", 100'000'000'000'000}, {"currency", "UGX"}};
  EXPECT_TRUE(names_field(refused(body), "monthly_income.amount"));
}

TEST(Application, PrequalificationNeedsAnInstalmentOrAQuoteSource) {
  auto body = valid();
  body.erase("vehicle_id");
  body.erase("template_id");
  body.erase("guarantor");
  body.erase("references");
  EXPECT_TRUE(names_field(refused(body, Mode::Prequalify), "instalment"));

  body["instalment"] = js::object{{"amount", 350000}, {"currency", "UGX"}};
  auto in = parse_application(body, "UG", Mode::Prequalify);
  EXPECT_EQ(in.instalment->amount, 350'000);
  EXPECT_FALSE(in.guarantor);
  EXPECT_EQ(in.references_count(), 2);

  body["vehicle_id"] = "8f1c2d3e-0000-4000-8000-0000000000aa";  // without a template
  EXPECT_TRUE(names_field(refused(body, Mode::Prequalify), "template_id"));
}

TEST(Application, ContactsAreShownMasked) {
  auto in = parse_application(valid(), "UG", Mode::Application);
  auto c = contacts_json(in);
  const auto& g = c.at("guarantor").as_object();
  EXPECT_EQ(g.at("national_id_masked"), "**********ABCD");
  EXPECT_EQ(g.at("name"), "Grace Nakato");
  EXPECT_EQ(g.at("relationship"), "sister");
  auto phone = std::string(g.at("phone_masked").as_string());
  EXPECT_EQ(phone.find("701234567"), std::string::npos) << phone;
  EXPECT_FALSE(g.contains("phone"));
  EXPECT_FALSE(g.contains("national_id"));
  const auto& r = c.at("references").as_array()[0].as_object();
  EXPECT_EQ(r.at("name"), "John Okello");
  EXPECT_EQ(std::string(r.at("phone_masked").as_string()).find("772000001"), std::string::npos);
  auto s = js::serialize(c);
  EXPECT_EQ(s.find("CM12345678"), std::string::npos);
}

TEST(Application, AnswersKeepTheRequestShape) {
  auto in = parse_application(valid(), "UG", Mode::Application);
  auto a = answers_json(in);
  EXPECT_EQ(a.at("employment_type"), "boda_rider");
  EXPECT_EQ(a.at("monthly_income").as_object().at("amount"), 1200000);
  EXPECT_EQ(a.at("mobile_money").as_object().at("avg_monthly_inflow"), 1100000);
  EXPECT_EQ(a.size(), 7u);
}

TEST(Application, NationalIdNormalisationAndMask) {
  EXPECT_EQ(normalize_national_id("cm90-0123 4567ab"), "CM9001234567AB");
  EXPECT_EQ(normalize_national_id("1234"), std::nullopt);
  EXPECT_EQ(normalize_national_id("CM90012345/67"), std::nullopt);
  EXPECT_EQ(mask_national_id("CM9001234567AB"), "**********67AB");
  EXPECT_EQ(mask_national_id("123"), "***");
}
