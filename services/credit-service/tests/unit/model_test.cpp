// Model documents: the seeded version 1 is valid, and every kind of broken document is refused
// with the offending field named.
#include <gtest/gtest.h>

#include "domain/model.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;
#include "seed_model.hpp"

using namespace credit_service;
namespace js = boost::json;

namespace {
js::object& factor(js::object& doc, std::size_t i) { return doc["factors"].as_array()[i].as_object(); }
js::object& bin(js::object& doc, std::size_t f, std::size_t b) {
  return factor(doc, f)["bins"].as_array()[b].as_object();
}
rto::Error refused(const js::object& doc) {
  return error_of([&] { parse_model(doc); });
}
}  // namespace

TEST(Model, SeedModelIsValid) {
  auto m = seed_model();
  EXPECT_EQ(m.name, "rto-v1");
  EXPECT_EQ(m.factors.size(), 11u);
  EXPECT_EQ(m.grades.size(), 5u);
  EXPECT_EQ(m.grades.back().min_score, 300);
  // Each input the scorecard knows is binned once in v1, but vehicle usage (added later); in the
  // version V0004 makes of it, every input is binned once.
  const auto usage = usage_model();
  EXPECT_EQ(usage.factors.size(), 12u);
  for (std::size_t i = 0; i < kInputCount; ++i) {
    const auto in = static_cast<Input>(i);
    int uses = 0, usage_uses = 0;
    for (const auto& f : m.factors) uses += f.input == in ? 1 : 0;
    for (const auto& f : usage.factors) usage_uses += f.input == in ? 1 : 0;
    EXPECT_EQ(uses, in == Input::UsageActiveDaysPercent ? 0 : 1) << info(in).name;
    EXPECT_EQ(usage_uses, 1) << info(in).name;
  }
  EXPECT_EQ(m.factors[0].max_points, 35);
  EXPECT_EQ(m.factors[0].bins.back().points, -46);
}

TEST(Model, NoProtectedAttributeCanBeAnInput) {
  for (auto name : {"sex", "gender", "religion", "ethnicity", "tribe", "marital_status", "age", "date_of_birth"})
    EXPECT_EQ(input_from(name), std::nullopt) << name;
}

TEST(Model, GapBetweenBinsIsNamed) {
  auto doc = seed_model_document();
  bin(doc, 0, 2)["min"] = 2600;  // previous max is 2500
  auto e = refused(doc);
  EXPECT_EQ(e.status(), 400);
  EXPECT_TRUE(names_field(e, "model.factors[0].bins[2].min")) << e.detail();
}

TEST(Model, OverlapAndOpenEndsAreNamed) {
  auto doc = seed_model_document();
  bin(doc, 2, 1)["min"] = 5;       // overlaps the first bin (max 5)
  bin(doc, 2, 0)["min"] = 0;       // the first bin must be open below
  bin(doc, 2, 4)["max"] = 600;     // the last bin must be open above
  auto e = refused(doc);
  EXPECT_TRUE(names_field(e, "model.factors[2].bins[1].min")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.factors[2].bins[0].min")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.factors[2].bins[4].max")) << e.detail();
}

TEST(Model, NullableInputNeedsAMissingBin) {
  auto doc = seed_model_document();
  factor(doc, 9)["bins"].as_array().erase(factor(doc, 9)["bins"].as_array().begin());
  EXPECT_TRUE(names_field(refused(doc), "model.factors[9].bins"));
  auto doc2 = seed_model_document();
  bin(doc2, 0, 0)["missing"] = true;  // affordability is never missing
  EXPECT_TRUE(names_field(refused(doc2), "model.factors[0].bins[0].missing"));
}

TEST(Model, EveryEmploymentTypeInExactlyOneBin) {
  auto doc = seed_model_document();
  bin(doc, 1, 3)["values"] = js::array{"other", "taxi"};  // taxi twice
  bin(doc, 1, 0)["values"] = js::array{"salaried", "pilot"};
  auto e = refused(doc);
  EXPECT_TRUE(names_field(e, "model.factors[1].bins")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.factors[1].bins[0].values[1]")) << e.detail();
}

TEST(Model, UnknownInputAndMembersAreRefused) {
  auto doc = seed_model_document();
  factor(doc, 3)["input"] = "gender";
  factor(doc, 4)["weight"] = 2;
  doc["owner"] = "x";
  auto e = refused(doc);
  EXPECT_TRUE(names_field(e, "model.factors[3].input"));
  EXPECT_TRUE(names_field(e, "model.factors[4].weight"));
  EXPECT_TRUE(names_field(e, "model.owner"));
}

TEST(Model, DuplicateCodesAndBadNumbersAreNamed) {
  auto doc = seed_model_document();
  factor(doc, 1)["code"] = "affordability";
  bin(doc, 0, 0)["log_odds"] = "high";
  doc["scaling"].as_object()["pdo"] = 0;
  auto e = refused(doc);
  EXPECT_TRUE(names_field(e, "model.factors[1].code"));
  EXPECT_TRUE(names_field(e, "model.factors[0].bins[0].log_odds"));
  EXPECT_TRUE(names_field(e, "model.scaling.pdo"));
}

TEST(Model, GradesRunFromBestToWorstAndCoverEveryScore) {
  auto doc = seed_model_document();
  auto& gs = doc["grades"].as_array();
  gs[2].as_object()["min_score"] = 660;  // above B's 650
  gs[4].as_object()["min_score"] = 320;  // scores 300..319 would have no grade
  gs[3].as_object().erase("max_term_days");  // a referred grade needs terms
  gs[4].as_object()["min_deposit_percent"] = 40;  // a declined grade has none
  auto e = refused(doc);
  EXPECT_TRUE(names_field(e, "model.grades[2].min_score")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.grades[4].min_score")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.grades[3].max_term_days")) << e.detail();
  EXPECT_TRUE(names_field(e, "model.grades[4].min_deposit_percent")) << e.detail();
}

TEST(Model, GradeForScore) {
  auto m = seed_model();
  EXPECT_EQ(m.grade_for(850).grade, "A");
  EXPECT_EQ(m.grade_for(700).grade, "A");
  EXPECT_EQ(m.grade_for(699).grade, "B");
  EXPECT_EQ(m.grade_for(550).grade, "D");
  EXPECT_EQ(m.grade_for(549).grade, "E");
  EXPECT_EQ(m.grade_for(300).grade, "E");
}

TEST(Model, ADifferentScalingChangesThePoints) {
  auto doc = seed_model_document();
  doc["scaling"].as_object()["pdo"] = 20;  // factor 28.8539
  auto m = parse_model(doc);
  EXPECT_NEAR(m.scaling.factor, 28.8539, 1e-4);
  EXPECT_EQ(m.factors[0].bins[0].points, 17);  // round(28.8539 * 0.6) = round(17.31)
  // offset = 600 - 28.8539 * ln 30 = 501.8622; base = round(501.8622 + 28.8539 * 3.4) = 599.96 -> 600
  EXPECT_EQ(m.base_points, 600);
}
