// Plan templates (public list, admin versions that never reach existing plans) and quotes.
#include <rto/crypto.hpp>
#include <set>

#include "fixture.hpp"

using namespace it;

namespace {

const char* kDaily = "5e3d0001-0000-4000-8000-000000000001";

js::object weekly_template(const std::string& slug, int rate_bps = 2000, int count = 3) {
  return js::object{{"slug", slug},
                    {"name", "Test weekly"},
                    {"category", "motorcycle"},
                    {"currency", "UGX"},
                    {"frequency", "weekly"},
                    {"instalment_count", count},
                    {"min_deposit_bps", 1000},
                    {"pricing", "flat_markup"},
                    {"rate_bps", rate_bps},
                    {"grace_days", 2},
                    {"late_fee", js::object{{"kind", "fixed"}, {"amount", 10000}}},
                    {"lock_after_days", 7},
                    {"rounding_unit", 500},
                    {"payoff_discount_bps", 10000}};
}

std::string test_slug() {
  auto s = "test-" + rto::crypto::uuid_v4().substr(0, 8);
  return s;
}

}  // namespace

TEST(Templates, SeededTemplatesArePublic) {
  auto r = get("/api/v1/plan-templates");
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> slugs;
  for (const auto& t : r.obj().at("items").as_array()) slugs.insert(text(t.at("slug")));
  for (auto s : {"motorcycle-daily-18m", "motorcycle-weekly-78w", "e-motorcycle-daily-24m", "car-weekly-104w"})
    EXPECT_TRUE(slugs.count(s)) << s;
  auto one = get(std::string("/api/v1/plan-templates/") + kDaily);
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.str("frequency"), "daily");
  EXPECT_EQ(one.obj().at("instalment_count").as_int64(), 546);
  EXPECT_EQ(one.obj().at("min_deposit_bps").as_int64(), 1500);
  EXPECT_EQ(get("/api/v1/plan-templates/motorcycle-weekly-78w").str("frequency"), "weekly");
  EXPECT_EQ(get("/api/v1/plan-templates/" + new_id()).status, 404);
  // Only an admin sees withdrawn and superseded versions.
  EXPECT_EQ(get("/api/v1/plan-templates?all=true").status, 403);
  EXPECT_EQ(get("/api/v1/plan-templates?all=true", staff_token("admin")).status, 200);
  EXPECT_EQ(get("/api/v1/plan-templates?all=false").status, 200);
  auto bad_all = get("/api/v1/plan-templates?all=no-such-value");
  EXPECT_EQ(bad_all.status, 400);
  EXPECT_TRUE(bad_all.names_field("all"));
}

TEST(Quotes, ByPriceFollowTheContract) {
  set_local(2026, 3, 2);
  auto r = post("/api/v1/plans/quote",
                js::object{{"price", js::object{{"amount", 4'000'000}, {"currency", "UGX"}}}, {"template_id", kDaily}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& q = r.obj();
  EXPECT_EQ(text(q.at("template_id")), kDaily);
  EXPECT_EQ(text(q.at("frequency")), "daily");
  EXPECT_EQ(amount_of(q.at("deposit")), 600'000);
  EXPECT_EQ(amount_of(q.at("financed")), 3'400'000);
  EXPECT_EQ(amount_of(q.at("instalment")), 8'400);
  EXPECT_EQ(q.at("instalment_count").as_int64(), 546);
  EXPECT_EQ(amount_of(q.at("last_instalment")), 12'000);
  EXPECT_EQ(amount_of(q.at("total_payable")), 5'190'000);
  EXPECT_EQ(amount_of(q.at("cost_of_credit")), 1'190'000);
  EXPECT_EQ(text(q.at("first_due_date")), "2026-03-03");
  EXPECT_EQ(text(q.at("last_due_date")), "2027-08-30");
  EXPECT_EQ(text(q.at("deposit").at("currency")), "UGX");
  EXPECT_EQ(amount_of(q.at("deposit")) + amount_of(q.at("instalment")) * (q.at("instalment_count").as_int64() - 1) +
                amount_of(q.at("last_instalment")),
            amount_of(q.at("total_payable")));
  auto rate = std::stod(text(q.at("effective_annual_rate")));
  EXPECT_GT(rate, 0.3);
  EXPECT_LT(rate, 1.0);
}

TEST(Quotes, ByVehicleUseItsPriceAndALargerDeposit) {
  auto vehicle = add_vehicle(6'000'000);
  auto r = post("/api/v1/plans/quote", js::object{{"vehicle_id", vehicle},
                                                  {"template_id", "motorcycle-weekly-78w"},
                                                  {"deposit", js::object{{"amount", 1'500'000}, {"currency", "UGX"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(amount_of(r.obj().at("deposit")), 1'500'000);
  EXPECT_EQ(amount_of(r.obj().at("financed")), 4'500'000);
  EXPECT_EQ(text(r.obj().at("frequency")), "weekly");
  EXPECT_EQ(r.obj().at("instalment_count").as_int64(), 78);
}

TEST(Quotes, ATemplateForAnotherCategoryIsRefused) {
  auto moto = add_vehicle(6'000'000, "motorcycle");
  auto r = post("/api/v1/plans/quote", js::object{{"vehicle_id", moto}, {"template_id", "car-weekly-104w"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(r.names_field("template_id"));
  auto car = add_vehicle(40'000'000, "car");
  EXPECT_EQ(post("/api/v1/plans/quote", js::object{{"vehicle_id", car}, {"template_id", "car-weekly-104w"}}).status, 200);
}

TEST(Quotes, NameWhatIsWrong) {
  auto price = js::object{{"amount", 4'000'000}, {"currency", "UGX"}};
  auto unknown = post("/api/v1/plans/quote", js::object{{"price", price}, {"template_id", "no-such-plan"}});
  EXPECT_EQ(unknown.status, 422);
  EXPECT_TRUE(unknown.names_field("template_id"));
  auto no_vehicle = post("/api/v1/plans/quote", js::object{{"vehicle_id", new_id()}, {"template_id", kDaily}});
  EXPECT_EQ(no_vehicle.status, 422);
  EXPECT_TRUE(no_vehicle.names_field("vehicle_id"));
  auto low = post("/api/v1/plans/quote",
                  js::object{{"price", price}, {"template_id", kDaily}, {"deposit", js::object{{"amount", 10}, {"currency", "UGX"}}}});
  EXPECT_EQ(low.status, 422);
  EXPECT_TRUE(low.names_field("deposit"));
  auto bad = call(Method::Post, "/api/v1/plans/quote", "{\"price\": 12");
  EXPECT_EQ(bad.status, 400);
  auto kes = post("/api/v1/plans/quote",
                  js::object{{"price", js::object{{"amount", 400'000'00}, {"currency", "KES"}}}, {"template_id", kDaily}});
  EXPECT_EQ(kes.status, 422);
  EXPECT_TRUE(kes.names_field("price.currency"));
}

TEST(Templates, AdminVersionsNeverReachExistingPlans) {
  auto admin = staff_token("admin");
  auto slug = test_slug();
  auto created = post("/api/v1/plan-templates", weekly_template(slug, 2000), admin);
  ASSERT_EQ(created.status, 201) << created.body;
  auto v1 = created.str("id");
  EXPECT_EQ(created.obj().at("version").as_int64(), 1);
  EXPECT_EQ(post("/api/v1/plan-templates", weekly_template(slug), admin).status, 409);
  EXPECT_EQ(post("/api/v1/plan-templates", weekly_template(test_slug()), staff_token("credit_officer")).status, 403);

  // A plan on version 1.
  auto c = new_customer();
  auto vehicle = add_vehicle(1'000'000);
  auto plan = create_plan(c, vehicle, v1, 100'000);
  ASSERT_EQ(plan.status, 201) << plan.body;
  auto instalment = amount_of(plan.obj().at("instalment"));

  // Version 2 charges more.
  auto updated = put("/api/v1/plan-templates/" + v1, weekly_template(slug, 4000), admin);
  ASSERT_EQ(updated.status, 201) << updated.body;
  auto v2 = updated.str("id");
  EXPECT_NE(v2, v1);
  EXPECT_EQ(updated.obj().at("version").as_int64(), 2);
  auto old = get("/api/v1/plan-templates/" + v1);
  EXPECT_EQ(old.str("superseded_by"), v2);
  EXPECT_EQ(put("/api/v1/plan-templates/" + v1, weekly_template(slug, 5000), admin).status, 409);
  auto renamed = put("/api/v1/plan-templates/" + v2, weekly_template(test_slug(), 5000), admin);
  EXPECT_EQ(renamed.status, 422);
  EXPECT_TRUE(renamed.names_field("slug"));

  // The public list shows only the current version; quotes by the old id use the current one.
  int seen = 0;
  auto listed = get("/api/v1/plan-templates");
  for (const auto& t : listed.obj().at("items").as_array())
    if (text(t.at("slug")) == slug) {
      ++seen;
      EXPECT_EQ(text(t.at("id")), v2);
    }
  EXPECT_EQ(seen, 1);
  auto q = post("/api/v1/plans/quote",
                js::object{{"price", js::object{{"amount", 1'000'000}, {"currency", "UGX"}}}, {"template_id", v1}});
  EXPECT_EQ(text(q.obj().at("template_id")), v2);
  EXPECT_GT(amount_of(q.obj().at("instalment")), instalment);

  // The plan keeps its terms.
  auto s = statement(plan.str("id"), c.token);
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(amount_of(s.obj().at("instalment")), instalment);
  EXPECT_EQ(s.obj().at("terms").at("template").at("rate_bps").as_int64(), 2000);
  EXPECT_EQ(s.str("template_id"), v1);
}

TEST(Templates, AdminInputIsValidated) {
  auto bad = post("/api/v1/plan-templates",
                  js::object{{"slug", "Bad Slug"}, {"frequency", "yearly"}, {"instalment_count", 0}, {"owner", "me"}},
                  staff_token("admin"));
  EXPECT_EQ(bad.status, 400);
  for (auto f : {"slug", "frequency", "instalment_count", "owner", "name", "pricing"}) EXPECT_TRUE(bad.names_field(f)) << f;
}
