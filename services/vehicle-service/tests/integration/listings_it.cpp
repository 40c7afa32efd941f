// Listings: creation, ownership, the review flow, edits, staff status changes, history and
// events, categories.
#include <set>

#include "fixture.hpp"

using namespace it;

namespace {
std::string path(const std::string& id, const std::string& rest = "") { return "/api/v1/vehicles/" + id + rest; }

std::vector<std::pair<std::string, std::string>> history_of(const std::string& id) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : tx.exec_params("SELECT old_status, new_status FROM vehicle_status_history WHERE vehicle_id = $1 "
                                      "ORDER BY id", id))
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  return out;
}
}  // namespace

TEST(Listings, CategoriesAreSeededInTwoLanguages) {
  auto r = get("/api/v1/categories");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> slugs;
  for (const auto& c : r.json.at("items").as_array()) {
    slugs.push_back(text(c.at("slug")));
    EXPECT_FALSE(c.at("name").at("en").as_string().empty());
    EXPECT_FALSE(c.at("name").at("sw").as_string().empty());
  }
  EXPECT_EQ(slugs, (std::vector<std::string>{"motorcycle", "e-motorcycle", "tuk-tuk", "car", "e-bike", "van-pickup"}));
}

TEST(Listings, CustomersAndAnonymousCallersCannotList) {
  EXPECT_EQ(post("/api/v1/vehicles", listing(), customer().token).status, 403);
  EXPECT_EQ(post("/api/v1/vehicles", listing(), "").status, 401);
  EXPECT_EQ(post("/api/v1/vehicles", listing(), actor({"credit_officer"}).token).status, 403);
}

TEST(Listings, ADraftIsSeenOnlyByItsDealerAndStaff) {
  auto d = dealer();
  auto body = listing({{"registration", "UFA 123X"}});
  auto created = post("/api/v1/vehicles", body, d.token);
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = created.str("id");
  EXPECT_EQ(created.header("Location"), path(id));
  EXPECT_EQ(created.str("status"), "draft");
  EXPECT_EQ(created.str("dealer_id"), d.id);
  EXPECT_EQ(created.str("vin"), text(body.at("vin")));  // the dealer sees it in full
  EXPECT_EQ(created.str("registration"), "UFA123X");

  EXPECT_EQ(get(path(id)).status, 404);
  EXPECT_EQ(get(path(id), customer().token).status, 404);
  EXPECT_EQ(get(path(id), dealer().token).status, 404);
  EXPECT_EQ(get(path(id), d.token).status, 200);
  auto staff = get(path(id), actor({"support_agent"}).token);
  ASSERT_EQ(staff.status, 200);
  EXPECT_TRUE(staff.json.as_object().contains("customer_id"));
  EXPECT_EQ(get(path("not-a-uuid")).status, 404);
}

TEST(Listings, AnotherDealerCannotTouchTheListing) {
  auto owner = dealer();
  auto other = dealer();
  auto id = create_draft(owner);
  EXPECT_EQ(patch(path(id), js::object{{"mileage_km", 1}}, other.token).status, 403);
  EXPECT_EQ(post(path(id, "/submit"), js::object{}, other.token).status, 403);
  EXPECT_EQ(call(Method::Post, path(id, "/images"), "\x89PNG\r\n\x1A\n0000", other.token,
                 {{"Content-Type", "image/png"}}).status,
            403);
  // An admin may.
  EXPECT_EQ(patch(path(id), js::object{{"mileage_km", 1}}, admin().token).status, 200);
}

TEST(Listings, OnlyAnAdminListsForAnotherDealer) {
  auto d = dealer();
  auto other = dealer();
  EXPECT_EQ(post("/api/v1/vehicles", listing({{"dealer_id", other.id}}), d.token).status, 403);
  auto r = post("/api/v1/vehicles", listing({{"dealer_id", other.id}}), admin().token);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.str("dealer_id"), other.id);
}

TEST(Listings, ValidationNamesTheFields) {
  auto d = dealer();
  auto r = post("/api/v1/vehicles", listing({{"year", 1800}, {"category", "boat"}, {"status", "available"}}), d.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("year"));
  EXPECT_TRUE(r.names_field("category"));
  EXPECT_TRUE(r.names_field("status"));
  auto ev = post("/api/v1/vehicles", listing({{"category", "e-motorcycle"}}), d.token);
  EXPECT_EQ(ev.status, 400);
  EXPECT_TRUE(ev.names_field("fuel"));
}

TEST(Listings, ReviewFlowWithHistoryAndEvents) {
  auto d = dealer();
  auto boss = admin();
  auto id = create_draft(d);
  // Dealers cannot approve; nothing can be approved before it is submitted.
  EXPECT_EQ(post(path(id, "/approve"), js::object{}, d.token).status, 403);
  auto early = post(path(id, "/approve"), js::object{}, boss.token);
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body.find("draft"), std::string::npos);

  ASSERT_EQ(upload_image(id, d.token).status, 201);
  ASSERT_EQ(post(path(id, "/submit"), js::object{}, d.token).status, 200);
  auto ok = post(path(id, "/approve"), js::object{}, boss.token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.str("status"), "available");
  EXPECT_FALSE(ok.str("published_at").empty());

  // On the market: anyone sees it, identifiers masked.
  auto pub = get(path(id));
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pub.str("vin").substr(0, 4), "****");
  EXPECT_EQ(pub.str("vin").size(), 8u);
  EXPECT_EQ(pub.json.at("price").at("amount").as_int64(), 5400000);
  EXPECT_EQ(pub.json.at("price").at("currency").as_string(), "UGX");
  EXPECT_FALSE(pub.json.as_object().contains("rejection_reason"));

  // A refused move names the current status.
  auto again = post(path(id, "/submit"), js::object{}, d.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(again.names_field("status"));
  EXPECT_NE(again.body.find("available"), std::string::npos);

  EXPECT_EQ(history_of(id), (std::vector<std::pair<std::string, std::string>>{{"draft", "pending_review"},
                                                                             {"pending_review", "available"}}));
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 2u);
  const auto& e = events[1];
  EXPECT_EQ(text(e.at("vehicle_id")), id);
  EXPECT_EQ(text(e.at("old_status")), "pending_review");
  EXPECT_EQ(text(e.at("new_status")), "available");
  EXPECT_EQ(text(e.at("reason")), "approved");
  EXPECT_EQ(e.at("price").at("amount").as_int64(), 5400000);
  EXPECT_EQ(text(e.at("category")), "motorcycle");
  EXPECT_EQ(text(e.at("make")), "Bajaj");
  EXPECT_EQ(text(e.at("model")), "Boxer BM150");
  EXPECT_FALSE(e.contains("customer_id"));  // no customer involved

  auto hist = get(path(id, "/history"), d.token);
  ASSERT_EQ(hist.status, 200);
  EXPECT_EQ(hist.json.at("items").as_array().size(), 2u);
  EXPECT_EQ(get(path(id, "/history"), dealer().token).status, 403);
}

TEST(Listings, SubmittingNeedsAtLeastOneImage) {
  auto d = dealer();
  auto id = create_draft(d);
  // Without an image the listing stays a draft: 409 naming `images`, nothing recorded.
  auto refused = post(path(id, "/submit"), js::object{}, d.token);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
  EXPECT_TRUE(refused.names_field("images")) << refused.body;
  EXPECT_NE(refused.body.find("image"), std::string::npos);
  EXPECT_NE(refused.body.find("image-required"), std::string::npos) << refused.body;  // the problem type
  EXPECT_EQ(get(path(id), d.token).str("status"), "draft");
  EXPECT_TRUE(history_of(id).empty());
  EXPECT_TRUE(outbox_events("vehicle.status.changed", id).empty());
  // An admin submitting for the dealer is held to the same rule.
  EXPECT_EQ(post(path(id, "/submit"), js::object{}, admin().token).status, 409);

  // An image uploaded and deleted again does not count.
  auto first = upload_image(id, d.token);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(call(Method::Delete, first.header("Location"), {}, d.token).status, 204);
  EXPECT_TRUE(post(path(id, "/submit"), js::object{}, d.token).names_field("images"));

  // With one image it goes to review.
  ASSERT_EQ(upload_image(id, d.token).status, 201);
  auto ok = post(path(id, "/submit"), js::object{}, d.token);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.str("status"), "pending_review");
  EXPECT_EQ(ok.json.at("images").as_array().size(), 1u);
  EXPECT_EQ(history_of(id), (std::vector<std::pair<std::string, std::string>>{{"draft", "pending_review"}}));
  // Submitting again is refused for the status, not for images.
  auto again = post(path(id, "/submit"), js::object{}, d.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_TRUE(again.names_field("status"));
  EXPECT_FALSE(again.names_field("images"));
}

TEST(Listings, RejectionNeedsAReasonAndSendsTheListingBack) {
  auto d = dealer();
  auto boss = admin();
  auto id = create_draft(d);
  ASSERT_EQ(upload_image(id, d.token).status, 201);
  ASSERT_EQ(post(path(id, "/submit"), js::object{}, d.token).status, 200);
  auto no_reason = post(path(id, "/reject"), js::object{}, boss.token);
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(no_reason.names_field("reason"));
  auto r = post(path(id, "/reject"), js::object{{"reason", "Photos are missing"}}, boss.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("status"), "draft");
  auto mine = get(path(id), d.token);
  EXPECT_EQ(mine.str("rejection_reason"), "Photos are missing");
  // Fixed and submitted again: the reason is cleared.
  ASSERT_EQ(post(path(id, "/submit"), js::object{}, d.token).status, 200);
  EXPECT_TRUE(get(path(id), d.token).json.at("rejection_reason").is_null());
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(text(events[1].at("reason")), "Photos are missing");
}

TEST(Listings, EditsFollowTheStatus) {
  auto d = dealer();
  auto draft = create_draft(d);
  auto r = patch(path(draft), js::object{{"make", "TVS"}, {"model", "HLX 125"}, {"engine_cc", 124}}, d.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.str("make"), "TVS");

  auto id = create_available(d);
  auto identity = patch(path(id), js::object{{"make", "TVS"}}, d.token);
  EXPECT_EQ(identity.status, 409);
  EXPECT_NE(identity.body.find("available"), std::string::npos);
  auto price = patch(path(id), js::object{{"price", js::object{{"amount", 5100000}, {"currency", "UGX"}}}}, d.token);
  ASSERT_EQ(price.status, 200) << price.body;
  EXPECT_EQ(price.json.at("price").at("amount").as_int64(), 5100000);
  auto updated = outbox_events("vehicle.listing.updated", id);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].at("price").at("amount").as_int64(), 5100000);
  EXPECT_EQ(updated[0].at("old_price").at("amount").as_int64(), 5400000);
  // The same price again changes nothing and publishes nothing.
  patch(path(id), js::object{{"price", js::object{{"amount", 5100000}, {"currency", "UGX"}}}}, d.token);
  EXPECT_EQ(outbox_events("vehicle.listing.updated", id).size(), 1u);
  // Bad patch values are named.
  auto bad = patch(path(id), js::object{{"mileage_km", -5}}, d.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("mileage_km"));
}

TEST(Listings, VinAndRegistrationAreUnique) {
  auto d = dealer();
  auto vin = unique_vin();
  create_draft(d, {{"vin", vin}, {"registration", "UFZ 987Q"}});
  auto dup = post("/api/v1/vehicles", listing({{"vin", vin}}), dealer().token);
  EXPECT_EQ(dup.status, 409);
  EXPECT_TRUE(dup.names_field("vin"));
  auto lower = post("/api/v1/vehicles", listing({{"vin", vin.substr(0, 5) + "-" + vin.substr(5)}}), d.token);
  EXPECT_EQ(lower.status, 409);  // normalised before comparison
  auto reg = post("/api/v1/vehicles", listing({{"registration", "ufz987q"}}), d.token);
  EXPECT_EQ(reg.status, 409);
  EXPECT_TRUE(reg.names_field("registration"));
}

TEST(Listings, StaffStatusChanges) {
  auto d = dealer();
  auto support = actor({"support_agent"});
  auto id = create_available(d);
  EXPECT_EQ(post(path(id, "/status"), js::object{{"status", "maintenance"}, {"reason", "service"}}, d.token).status, 403);
  EXPECT_EQ(post(path(id, "/status"), js::object{{"status", "maintenance"}, {"reason", "service"}}, customer().token).status,
            403);
  auto m = post(path(id, "/status"), js::object{{"status", "maintenance"}, {"reason", "brake pads"}}, support.token);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.str("status"), "maintenance");
  EXPECT_EQ(get(path(id)).status, 404);  // off the market
  auto owned = post(path(id, "/status"), js::object{{"status", "owned"}, {"reason", "gift"}}, support.token);
  EXPECT_EQ(owned.status, 400);
  EXPECT_TRUE(owned.names_field("status"));
  ASSERT_EQ(post(path(id, "/status"), js::object{{"status", "available"}, {"reason", "repaired"}}, support.token).status,
            200);
  ASSERT_EQ(post(path(id, "/status"), js::object{{"status", "retired"}, {"reason", "written off"}}, support.token).status,
            200);
  auto after = post(path(id, "/status"), js::object{{"status", "maintenance"}, {"reason", "again"}}, support.token);
  EXPECT_EQ(after.status, 409);
  EXPECT_NE(after.body.find("retired"), std::string::npos);
  auto events = outbox_events("vehicle.status.changed", id);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(text(events[2].at("new_status")), "maintenance");
  EXPECT_EQ(text(events[2].at("reason")), "brake pads");
}

TEST(Listings, MineListsOnlyTheDealersOwnInPages) {
  auto d = dealer();
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.insert(create_draft(d));
    world().clock->advance(std::chrono::seconds(1));
  }
  create_draft(dealer());  // someone else's
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto r = get("/api/v1/vehicles/mine?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), d.token);
    ASSERT_EQ(r.status, 200) << r.body;
    ++pages;
    for (const auto& v : r.json.at("items").as_array()) {
      EXPECT_EQ(text(v.at("dealer_id")), d.id);
      EXPECT_TRUE(seen.insert(text(v.at("id"))).second);
    }
    if (r.json.at("next_cursor").is_null()) break;
    cursor = text(r.json.at("next_cursor"));
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
  EXPECT_EQ(get("/api/v1/vehicles/mine", customer().token).status, 403);
  auto bad = get("/api/v1/vehicles/mine?status=sold", d.token);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("status"));
}
