// Scorecard model versions: listing, adding (validated), activating; decisions keep the version
// they were made with.
#include "fixture.hpp"

using namespace it;

namespace {

js::object seed_model() {
  auto r = get("/api/v1/credit/models/1", staff({"admin"}).token);
  return r.obj().at("model").as_object();
}

}  // namespace

// The version in force when decisions are made (the tests that change it put it back).
static int active_version() {
  const auto list = get("/api/v1/credit/models", staff({"admin"}).token);
  for (const auto& i : list.obj().at("items").as_array())
    if (i.as_object().at("active").as_bool()) return static_cast<int>(i.as_object().at("version").as_int64());
  return 0;
}

TEST(Models, VersionOneIsSeededAndVersionTwoAddsUsageAtWeightZero) {
  auto r = get("/api/v1/credit/models", staff({"admin"}).token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& items = r.obj().at("items").as_array();
  ASSERT_GE(items.size(), 2u);
  const auto& v1 = items[items.size() - 1].as_object();
  EXPECT_EQ(v1.at("version"), 1);
  EXPECT_EQ(v1.at("name"), "rto-v1");
  EXPECT_EQ(v1.at("active"), false);
  const auto& v1_factors = v1.at("model").as_object().at("factors").as_array();
  EXPECT_EQ(v1_factors.size(), 11u);

  // Migration V0004: version 1 and the vehicle_usage factor, every bin at log-odds 0; it took
  // over from version 1, which was active.
  const auto& v2 = items[items.size() - 2].as_object();
  EXPECT_EQ(v2.at("version"), 2);
  EXPECT_EQ(v2.at("name"), "rto-v1-usage");
  EXPECT_EQ(v2.at("active"), true);
  EXPECT_EQ(active_version(), 2);
  const auto& doc = v2.at("model").as_object();
  EXPECT_EQ(doc.at("name"), "rto-v1-usage");
  EXPECT_EQ(doc.at("grades"), v1.at("model").as_object().at("grades"));
  EXPECT_EQ(doc.at("scaling"), v1.at("model").as_object().at("scaling"));
  const auto& factors = doc.at("factors").as_array();
  ASSERT_EQ(factors.size(), 12u);
  for (std::size_t i = 0; i < v1_factors.size(); ++i) EXPECT_EQ(factors[i], v1_factors[i]) << i;
  const auto& usage = factors.back().as_object();
  EXPECT_EQ(usage.at("code"), "vehicle_usage");
  EXPECT_EQ(usage.at("input"), "usage_active_days_percent");
  for (const auto& b : usage.at("bins").as_array()) EXPECT_EQ(b.as_object().at("log_odds"), 0) << b;
}

TEST(Models, OnlyAdminsManageModels) {
  for (auto role : {"customer", "dealer", "credit_officer", "support_agent"}) {
    auto t = staff({role}).token;
    EXPECT_EQ(get("/api/v1/credit/models", t).status, 403) << role;
    EXPECT_EQ(post("/api/v1/credit/models", js::object{{"model", seed_model()}}, t).status, 403) << role;
    EXPECT_EQ(post("/api/v1/credit/models/1/activate", js::object{}, t).status, 403) << role;
  }
}

TEST(Models, AnInvalidModelIsRefusedNamingTheFields) {
  auto admin = staff({"admin"});
  auto m = seed_model();
  m["factors"].as_array()[0].as_object()["bins"].as_array()[1].as_object()["min"] = 1400;
  m["grades"].as_array()[4].as_object()["min_score"] = 310;
  auto r = post("/api/v1/credit/models", js::object{{"model", m}}, admin.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("model.factors[0].bins[1].min")) << r.body;
  EXPECT_TRUE(r.names_field("model.grades[4].min_score")) << r.body;
  EXPECT_EQ(post("/api/v1/credit/models", js::object{}, admin.token).status, 400);
  EXPECT_TRUE(
      post("/api/v1/credit/models", js::object{{"model", m}, {"active", true}}, admin.token).names_field("active"));
}

TEST(Models, ANewVersionIsActivatedAndPastDecisionsKeepTheirs) {
  auto admin = staff({"admin"});
  auto p1 = customer();
  const int was_active = active_version();
  auto before = apply(p1, application_body(vehicle()));
  ASSERT_EQ(before.status, 201) << before.body;
  EXPECT_EQ(before.obj().at("decision").as_object().at("model_version"), was_active);

  // A new version: a stricter affordability factor (25-35 % now costs 20 points).
  auto m = seed_model();
  m["name"] = "rto-v1-strict";
  m["factors"].as_array()[0].as_object()["bins"].as_array()[2].as_object()["log_odds"] = -0.35;
  auto created = post("/api/v1/credit/models", js::object{{"model", m}}, admin.token);
  ASSERT_EQ(created.status, 201) << created.body;
  auto version = created.obj().at("version").as_int64();
  EXPECT_GE(version, 3);
  EXPECT_EQ(created.obj().at("active"), false);
  EXPECT_EQ(text(created.obj().at("created_by")), admin.id);

  // Not active yet: decisions still use the version in force.
  auto p2 = customer();
  auto still = apply(p2, application_body(vehicle()));
  EXPECT_EQ(still.obj().at("decision").as_object().at("model_version"), was_active);

  auto act = post("/api/v1/credit/models/" + std::to_string(version) + "/activate", js::object{}, admin.token);
  ASSERT_EQ(act.status, 200) << act.body;
  EXPECT_EQ(act.obj().at("active"), true);
  EXPECT_EQ(text(act.obj().at("activated_by")), admin.id);
  auto list = get("/api/v1/credit/models", admin.token).obj().at("items").as_array();
  int active = 0;
  for (const auto& i : list) active += i.as_object().at("active").as_bool() ? 1 : 0;
  EXPECT_EQ(active, 1);

  auto p3 = customer();
  auto after = apply(p3, application_body(vehicle()));
  ASSERT_EQ(after.status, 201) << after.body;
  const auto& d = after.obj().at("decision").as_object();
  EXPECT_EQ(d.at("model_version"), version);
  EXPECT_EQ(d.at("score"), 684 - 20);

  // The first decision still names its version and its own breakdown.
  auto first = get("/api/v1/credit/applications/" + text(before.obj().at("id")), admin.token);
  EXPECT_EQ(first.obj().at("decision").as_object().at("model_version"), was_active);
  EXPECT_EQ(first.obj().at("decision").as_object().at("score"), 684);

  // Activating again changes nothing; back to 1 works too, and back to the version that was in
  // force (for the tests after this one).
  EXPECT_EQ(post("/api/v1/credit/models/" + std::to_string(version) + "/activate", js::object{}, admin.token).status,
            200);
  ASSERT_EQ(post("/api/v1/credit/models/1/activate", js::object{}, admin.token).status, 200);
  EXPECT_EQ(active_version(), 1);
  ASSERT_EQ(post("/api/v1/credit/models/" + std::to_string(was_active) + "/activate", js::object{}, admin.token).status,
            200);
  EXPECT_EQ(post("/api/v1/credit/models/999/activate", js::object{}, admin.token).status, 404);
  EXPECT_EQ(get("/api/v1/credit/models/abc", admin.token).status, 404);
}
