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

TEST(Models, VersionOneIsSeededAndActive) {
  auto r = get("/api/v1/credit/models", staff({"admin"}).token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& items = r.obj().at("items").as_array();
  ASSERT_GE(items.size(), 1u);
  const auto& v1 = items.back().as_object();
  EXPECT_EQ(v1.at("version"), 1);
  EXPECT_EQ(v1.at("name"), "rto-v1");
  EXPECT_EQ(v1.at("model").as_object().at("factors").as_array().size(), 11u);
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
  auto before = apply(p1, application_body(vehicle()));
  ASSERT_EQ(before.status, 201) << before.body;
  EXPECT_EQ(before.obj().at("decision").as_object().at("model_version"), 1);

  // Version 2: a stricter affordability factor (25-35 % now costs 20 points).
  auto m = seed_model();
  m["name"] = "rto-v2";
  m["factors"].as_array()[0].as_object()["bins"].as_array()[2].as_object()["log_odds"] = -0.35;
  auto created = post("/api/v1/credit/models", js::object{{"model", m}}, admin.token);
  ASSERT_EQ(created.status, 201) << created.body;
  auto version = created.obj().at("version").as_int64();
  EXPECT_GE(version, 2);
  EXPECT_EQ(created.obj().at("active"), false);
  EXPECT_EQ(text(created.obj().at("created_by")), admin.id);

  // Not active yet: decisions still use version 1.
  auto p2 = customer();
  auto still = apply(p2, application_body(vehicle()));
  EXPECT_EQ(still.obj().at("decision").as_object().at("model_version"), 1);

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

  // The first decision still names version 1 and its own breakdown.
  auto first = get("/api/v1/credit/applications/" + text(before.obj().at("id")), admin.token);
  EXPECT_EQ(first.obj().at("decision").as_object().at("model_version"), 1);
  EXPECT_EQ(first.obj().at("decision").as_object().at("score"), 684);

  // Activating again changes nothing; back to 1 works too.
  EXPECT_EQ(post("/api/v1/credit/models/" + std::to_string(version) + "/activate", js::object{}, admin.token).status,
            200);
  ASSERT_EQ(post("/api/v1/credit/models/1/activate", js::object{}, admin.token).status, 200);
  EXPECT_EQ(post("/api/v1/credit/models/999/activate", js::object{}, admin.token).status, 404);
  EXPECT_EQ(get("/api/v1/credit/models/abc", admin.token).status, 404);
}
