// The officer review queue and officer decisions on referred applications.
#include <algorithm>
#include <rto/crypto.hpp>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono;

namespace {

// Worked example 4 of the unit tests: score 591, grade D -> referred.
js::object referred_body(const std::string& vehicle_id) {
  auto body = application_body(vehicle_id);
  body["months_in_work"] = 8;
  body["mobile_money"] =
      js::object{{"months_of_history", 6}, {"avg_monthly_inflow", 1'100'000}, {"avg_monthly_transactions", 20}};
  body["months_at_residence"] = 4;
  return body;
}

struct Referred {
  Person customer;
  std::string id;
  std::string decision_id;
};

Referred refer() {
  Referred r{customer(), "", ""};
  auto reply = apply(r.customer, referred_body(vehicle(4'800'000)));
  if (reply.status != 201 || reply.obj().at("status") != "referred")
    throw std::runtime_error("expected a referred application: " + reply.body);
  r.id = text(reply.obj().at("id"));
  r.decision_id = text(reply.obj().at("decision").as_object().at("id"));
  return r;
}

Reply decide(const std::string& id, const js::object& body, const std::string& token) {
  return post("/api/v1/credit/applications/" + id + "/decision", body, token);
}

std::vector<std::string> queue_ids(const std::string& token, const std::string& query = "") {
  auto r = get("/api/v1/credit/review-queue" + query, token);
  std::vector<std::string> ids;
  for (const auto& item : r.obj().at("items").as_array()) ids.push_back(text(item.as_object().at("id")));
  return ids;
}

}  // namespace

TEST(Review, ReferredApplicationsQueueOldestFirstWithTheBreakdown) {
  auto officer = staff({"credit_officer"});
  auto a = refer();
  world().clock->advance(minutes(1));
  auto b = refer();
  world().clock->advance(minutes(1));
  auto approved = apply(customer(), application_body(vehicle()));  // not referred: not queued
  ASSERT_EQ(approved.status, 201);

  auto ids = queue_ids(officer.token, "?limit=100");
  auto pos_a = std::find(ids.begin(), ids.end(), a.id);
  auto pos_b = std::find(ids.begin(), ids.end(), b.id);
  ASSERT_NE(pos_a, ids.end());
  ASSERT_NE(pos_b, ids.end());
  EXPECT_LT(pos_a, pos_b);
  EXPECT_EQ(std::find(ids.begin(), ids.end(), text(approved.obj().at("id"))), ids.end());

  auto r = get("/api/v1/credit/review-queue?limit=100", officer.token);
  for (const auto& item : r.obj().at("items").as_array()) {
    if (text(item.as_object().at("id")) != a.id) continue;
    const auto& d = item.as_object().at("decision").as_object();
    EXPECT_EQ(d.at("decision"), "referred");
    EXPECT_EQ(d.at("breakdown").as_array().size(), 12u);
    EXPECT_EQ(d.at("suggested_terms").as_object().at("min_deposit_percent"), 30);
    EXPECT_TRUE(item.as_object().at("usage").is_null());  // no vehicle usage stored for this customer
  }

  // Pages follow each other without gaps or repeats.
  std::vector<std::string> paged;
  std::string cursor;
  for (int i = 0; i < 50; ++i) {
    auto page = get("/api/v1/credit/review-queue?limit=1" + (cursor.empty() ? "" : "&cursor=" + cursor), officer.token);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& item : page.obj().at("items").as_array()) paged.push_back(text(item.as_object().at("id")));
    if (page.obj().at("next_cursor").is_null()) break;
    cursor = text(page.obj().at("next_cursor"));
  }
  EXPECT_EQ(paged, ids);

  auto bad = get("/api/v1/credit/review-queue?limit=0&cursor=zzz", officer.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("limit"));
  EXPECT_TRUE(bad.names_field("cursor"));
  world().clock->advance(-minutes(2));
}

TEST(Review, OnlyOfficersAndAdminsReview) {
  auto a = refer();
  for (auto role : {"customer", "dealer", "agent", "support_agent"}) {
    auto t = staff({role}).token;
    EXPECT_EQ(get("/api/v1/credit/review-queue", t).status, 403) << role;
    EXPECT_EQ(decide(a.id, {{"decision", "approved"}, {"note", "looks fine"}}, t).status, 403) << role;
  }
  EXPECT_EQ(decide(a.id, {{"decision", "approved"}, {"note", "mine"}}, a.customer.token).status, 403);
  EXPECT_EQ(get("/api/v1/credit/review-queue", staff({"admin"}).token).status, 200);
}

TEST(Review, AnOfficerApprovesAReferredApplication) {
  auto a = refer();
  auto officer = staff({"credit_officer"});
  world().clock->advance(hours(2));

  auto no_note = decide(a.id, {{"decision", "approved"}}, officer.token);
  EXPECT_EQ(no_note.status, 400);
  EXPECT_TRUE(no_note.names_field("note"));
  auto bad =
      decide(a.id, {{"decision", "maybe"}, {"note", "ok"}, {"terms", {{"min_deposit_percent", 120}}}}, officer.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("decision"));
  EXPECT_TRUE(bad.names_field("note"));  // shorter than 3 characters
  EXPECT_TRUE(bad.names_field("terms.min_deposit_percent"));

  auto r = decide(a.id,
                  {{"decision", "approved"},
                   {"note", "Stage chairman confirmed the rider's income by phone."},
                   {"terms", {{"min_deposit_percent", 35}}}},
                  officer.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("status"), "approved");
  const auto& d = r.obj().at("decision").as_object();
  EXPECT_EQ(d.at("kind"), "officer");
  EXPECT_EQ(d.at("decision"), "approved");
  EXPECT_EQ(text(d.at("officer_id")), officer.id);
  EXPECT_EQ(d.at("note"), "Stage chairman confirmed the rider's income by phone.");
  EXPECT_EQ(d.at("score"), 591);
  EXPECT_EQ(d.at("grade"), "D");
  EXPECT_EQ(d.at("model_version"), 2);
  // The grade's suggested terms with the officer's change: 35 % deposit of 4,800,000.
  const auto& t = d.at("terms").as_object();
  EXPECT_EQ(t.at("min_deposit_percent"), 35);
  EXPECT_EQ(t.at("max_term_days"), 548);
  EXPECT_EQ(t.at("max_financed").as_object().at("amount"), 3'120'000);  // 65 % of the price
  const auto now = world().clock->now();
  EXPECT_EQ(text(d.at("decided_at")), rto::to_rfc3339(now));
  EXPECT_EQ(text(d.at("expires_at")), rto::to_rfc3339(now + days(30)));
  EXPECT_EQ(text(d.at("audit").as_object().at("override").as_object().at("officer_id")), officer.id);

  // The officer's decision is a new decision record; the payment service is told of it.
  auto ev = events(a.id, "credit.application.decided");
  ASSERT_EQ(ev.size(), 2u);
  const auto& data = ev[1].at("data").as_object();
  EXPECT_EQ(data.at("kind"), "officer");
  EXPECT_EQ(data.at("decision"), "approved");
  EXPECT_EQ(text(data.at("customer_id")), a.customer.id);
  auto new_id = text(data.at("decision_id"));
  EXPECT_NE(new_id, a.decision_id);
  auto i = get("/internal/credit/decisions/" + new_id, service_token());
  EXPECT_EQ(i.obj().at("valid"), true);
  EXPECT_EQ(get("/internal/credit/decisions/" + a.decision_id, service_token()).obj().at("valid"), false);

  // The customer sees the approval but not the officer's note.
  auto seen = get("/api/v1/credit/applications/" + a.id, a.customer.token);
  EXPECT_EQ(seen.obj().at("status"), "approved");
  EXPECT_FALSE(seen.obj().at("decision").as_object().contains("note"));

  // Decided once: no second decision.
  auto again = decide(a.id, {{"decision", "declined"}, {"note", "changed my mind"}}, officer.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.type(), "/problems/not-referred");

  auto h = get("/api/v1/credit/applications/" + a.id, officer.token).obj().at("history").as_array();
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[3].as_object().at("actor"), "officer");
  EXPECT_EQ(text(h[3].as_object().at("actor_id")), officer.id);
  EXPECT_EQ(h[3].as_object().at("from"), "referred");
  EXPECT_EQ(h[3].as_object().at("to"), "approved");
  world().clock->advance(-hours(2));
}

TEST(Review, AnOfficerDeclines) {
  auto a = refer();
  auto admin = staff({"admin"});
  auto terms = decide(a.id, {{"decision", "declined"}, {"note", "references unreachable"}, {"terms", js::object{}}},
                      admin.token);
  EXPECT_EQ(terms.status, 400);
  EXPECT_TRUE(terms.names_field("terms"));
  auto r = decide(a.id, {{"decision", "declined"}, {"note", "Neither reference could be reached."}}, admin.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("status"), "declined");
  EXPECT_TRUE(r.obj().at("decision").as_object().at("terms").is_null());
  auto ids = queue_ids(admin.token, "?limit=100");
  EXPECT_EQ(std::find(ids.begin(), ids.end(), a.id), ids.end());
  // Declined is closed: the customer may apply again.
  EXPECT_EQ(apply(a.customer, application_body(vehicle())).status, 201);
}

TEST(Review, OfficersCannotDecideTheirOwnOrNonReferredApplications) {
  auto approved = apply(customer(), application_body(vehicle()));
  auto officer = staff({"credit_officer"});
  auto r = decide(text(approved.obj().at("id")), {{"decision", "declined"}, {"note", "override"}}, officer.token);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.type(), "/problems/not-referred");
  EXPECT_EQ(decide(rto::crypto::uuid_v4(), {{"decision", "approved"}, {"note", "x y z"}}, officer.token).status, 404);

  // An officer who applied as a customer.
  auto a = refer();
  auto self = world().service->tokens().issue_access(a.customer.id, {"customer", "credit_officer"});
  auto own = decide(a.id, {{"decision", "approved"}, {"note", "approve myself"}}, self);
  EXPECT_EQ(own.status, 403);
}

TEST(Review, AWithdrawnReferralLeavesTheQueue) {
  auto a = refer();
  auto w = post("/api/v1/credit/applications/" + a.id + "/withdraw", js::object{}, a.customer.token);
  ASSERT_EQ(w.status, 200);
  auto ids = queue_ids(staff({"credit_officer"}).token, "?limit=100");
  EXPECT_EQ(std::find(ids.begin(), ids.end(), a.id), ids.end());
  auto r = decide(a.id, {{"decision", "approved"}, {"note", "too late"}}, staff({"credit_officer"}).token);
  EXPECT_EQ(r.status, 409);
}
