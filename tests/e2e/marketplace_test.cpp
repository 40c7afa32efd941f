// The marketplace through the gateway, with the real-time hub watching: a dealer lists a
// vehicle, an admin approves it, a WebSocket client sees it become available, and the public
// search finds it. A customer's `me` channel carries their own events and nobody else's.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "rto/crypto.hpp"
#include "rto/ws_client.hpp"
#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::Reply;
using e2e::str;
using rto::testing::WsClient;
using namespace std::chrono_literals;

namespace {

int ws_connect(WsClient& c, const std::string& token = "") { return e2e::realtime_connect(c, token); }
using e2e::subscribed;
using e2e::wait_event;

}  // namespace

TEST(Marketplace, ListingApprovedIsPushedLiveAndFoundBySearch) {
  Api api;
  auto admin = e2e::admin_token(api);
  ASSERT_FALSE(admin.empty());
  auto dealer = e2e::account_with_role(api, admin, "dealer");

  WsClient watcher;
  ASSERT_EQ(ws_connect(watcher), 101);
  ASSERT_TRUE(subscribed(watcher, "vehicles"));

  auto model = "Boxer " + rto::crypto::uuid_v4().substr(0, 6);
  auto created = api.post("/api/v1/vehicles", e2e::motorcycle_listing("Bajaj", model, 7200000), dealer.access_token);
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = str(created, "id");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(str(created, "status"), "draft");

  // A customer cannot list vehicles; drafts are not public.
  Api other;
  auto customer = e2e::register_customer(other);
  EXPECT_EQ(other.post("/api/v1/vehicles", e2e::motorcycle_listing("TVS", "HLX 125", 5600000), customer.access_token).status, 403);
  EXPECT_EQ(api.get("/api/v1/vehicles/" + id).status, 404);

  // A listing goes to review only with a photo.
  auto no_image = api.post("/api/v1/vehicles/" + id + "/submit", js::object{}, dealer.access_token);
  EXPECT_EQ(no_image.status, 409) << no_image.body;
  EXPECT_NE(no_image.body.find("\"images\""), std::string::npos) << no_image.body;
  auto image = e2e::upload_listing_image(api, id, dealer.access_token);
  ASSERT_EQ(image.status, 201) << image.body;
  ASSERT_EQ(api.post("/api/v1/vehicles/" + id + "/submit", js::object{}, dealer.access_token).status, 200);
  auto approved = api.post("/api/v1/vehicles/" + id + "/approve", js::object{}, admin);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(str(approved, "status"), "available");

  auto ev = wait_event(watcher, [&](const js::object& e) {
    return e.at("subject").as_string() == id && e.at("data").at("new_status").as_string() == "available";
  });
  ASSERT_FALSE(ev.empty()) << "the approval never reached the vehicles channel";
  EXPECT_EQ(ev.at("channel").as_string(), "vehicles");
  EXPECT_EQ(ev.at("event").at("type").as_string(), "vehicle.status.changed");

  // Public search (no token) finds it, typo and all; the public view masks the VIN.
  auto found = api.get("/api/v1/vehicles?q=bajaj%20" + model.substr(0, 4) + "r&limit=100");
  ASSERT_EQ(found.status, 200) << found.body;
  bool seen = false;
  for (const auto& item : found.json.at("items").as_array()) {
    if (item.at("id").as_string() != id) continue;
    seen = true;
    EXPECT_EQ(item.at("price").at("amount").as_int64(), 7200000);
  }
  EXPECT_TRUE(seen) << found.body;
  auto page = api.get("/api/v1/vehicles/" + id);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.body.find("MD2A"), std::string::npos) << "VIN shown in clear to the public";

  // Bad filters name the parameter.
  auto bad = api.get("/api/v1/vehicles?currency=UGX&price_min=500&price_max=100");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("price_m"), std::string::npos) << bad.body;
  // Price bounds name their currency.
  auto no_currency = api.get("/api/v1/vehicles?price_max=9000000");
  EXPECT_EQ(no_currency.status, 400);
  EXPECT_NE(no_currency.body.find("\"currency\""), std::string::npos) << no_currency.body;
  auto ugx = api.get("/api/v1/vehicles?currency=UGX&price_max=7200000&q=bajaj%20" + model.substr(0, 4) + "r&limit=100");
  ASSERT_EQ(ugx.status, 200) << ugx.body;
  EXPECT_NE(ugx.body.find(id), std::string::npos) << "the UGX listing within the bound was not found";
  auto kes = api.get("/api/v1/vehicles?currency=KES&price_max=7200000&q=bajaj%20" + model.substr(0, 4) + "r&limit=100");
  ASSERT_EQ(kes.status, 200) << kes.body;
  EXPECT_EQ(kes.body.find(id), std::string::npos) << "a UGX listing matched a KES price bound";
  EXPECT_EQ(api.get("/api/v1/vehicles?sort=cheapest").status, 400);
}

TEST(Marketplace, MeChannelCarriesOnlyTheCallersOwnEvents) {
  Api api;
  auto admin = e2e::admin_token(api);
  Api a_api, b_api;
  auto alice = e2e::register_customer(a_api);
  auto bob = e2e::register_customer(b_api);

  WsClient a_ws, b_ws;
  ASSERT_EQ(ws_connect(a_ws, alice.access_token), 101);
  ASSERT_EQ(ws_connect(b_ws), 101);
  b_ws.send(js::serialize(js::object{{"op", "auth"}, {"token", bob.access_token}}));
  ASSERT_TRUE(subscribed(a_ws, "me"));
  // bob's first frame is "authenticated"; subscribed() skips it
  ASSERT_TRUE(subscribed(b_ws, "me"));

  // An anonymous connection may not have a `me`, a customer may not watch the fleet.
  WsClient anon;
  ASSERT_EQ(ws_connect(anon), 101);
  EXPECT_FALSE(subscribed(anon, "me"));
  EXPECT_FALSE(subscribed(b_ws, "fleet"));

  // Alice's KYC is verified: a user.kyc.verified event about her.
  auto kyc = a_api.put("/api/v1/users/me/kyc",
                       {{"national_id", e2e::unique_national_id()},
                        {"date_of_birth", "1991-03-02"},
                        {"address", "Plot 12, Jinja Road, Kampala"},
                        {"next_of_kin", {{"name", "Sarah Namukasa"}, {"phone", "0701234567"}, {"relationship", "sister"}}}},
                       alice.access_token);
  ASSERT_EQ(kyc.status, 200) << kyc.body;
  ASSERT_EQ(api.post("/api/v1/users/" + alice.id + "/kyc/verify", js::object{}, admin).status, 200);

  auto mine = wait_event(a_ws, [&](const js::object& e) { return e.at("type").as_string() == "user.kyc.verified"; });
  ASSERT_FALSE(mine.empty()) << "alice did not hear about her own KYC";
  EXPECT_EQ(mine.at("channel").as_string(), "me");
  EXPECT_EQ(mine.at("event").at("subject").as_string(), alice.id);
  // Bob may hear about himself (his welcome notification can arrive now); nothing else.
  auto leaked = wait_event(
      b_ws, [&](const js::object& e) { return js::serialize(e).find(bob.id) == std::string::npos; }, 1500ms);
  EXPECT_TRUE(leaked.empty()) << "bob received: " << js::serialize(leaked);
}
