#include <gtest/gtest.h>

#include "domain/listing.hpp"
#include "domain/vehicle.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

using namespace vehicle_service;
namespace js = boost::json;

namespace {

js::object boxer() {
  return js::parse(R"({
    "category": "motorcycle", "make": "Bajaj", "model": "Boxer BM150", "year": 2023,
    "condition": "used", "fuel": "petrol", "engine_cc": 145, "mileage_km": 12000, "colour": "red",
    "vin": "md2a 21cz-5pwa12345", "registration": "ufa 123x",
    "price": {"amount": 5400000, "currency": "UGX"},
    "location": {"city": "Kampala", "branch": "Ntinda", "latitude": 0.3476, "longitude": 32.5825},
    "description": "Clean Boxer", "tracker_ready": true
  })").as_object();
}

Vehicle parsed(const js::object& o) {
  auto f = parse_listing_create(o, 2027);
  return new_listing(f, "0f8fad5b-d9cb-469f-a165-70867728950e", "1f8fad5b-d9cb-469f-a165-70867728950e", {});
}

}  // namespace

TEST(Masking, KeepsOnlyTheLastFour) {
  EXPECT_EQ(mask_identifier("MD2A21CZ5PWA14821"), "****4821");
  EXPECT_EQ(mask_identifier("UFA123X"), "****123X");
  EXPECT_EQ(mask_identifier("ABCD"), "****");
  EXPECT_EQ(mask_identifier("AB"), "****");
  EXPECT_EQ(mask_identifier(""), "****");
}

TEST(Masking, PublicViewsNeverShowIdentifiers) {
  auto v = parsed(boxer());
  auto pub = vehicle_json(v, {}, Viewer::Public);
  EXPECT_EQ(pub.at("vin").as_string(), "****2345");
  EXPECT_EQ(pub.at("registration").as_string(), "****123X");
  EXPECT_FALSE(pub.contains("rejection_reason"));
  EXPECT_FALSE(pub.contains("customer_id"));
  auto dealer = vehicle_json(v, {}, Viewer::Dealer);
  EXPECT_EQ(dealer.at("vin").as_string(), "MD2A21CZ5PWA12345");
  EXPECT_EQ(dealer.at("registration").as_string(), "UFA123X");
  EXPECT_FALSE(dealer.contains("customer_id"));
  EXPECT_TRUE(vehicle_json(v, {}, Viewer::Staff).contains("customer_id"));
  auto item = item_json(v, std::nullopt);
  EXPECT_FALSE(item.contains("vin"));
  EXPECT_FALSE(item.contains("registration"));
  EXPECT_FALSE(item.contains("distance_km"));
  EXPECT_EQ(item_json(v, 3449).at("distance_km").as_double(), 3.4);
}

TEST(Listing, CreateNormalisesAndKeepsEveryField) {
  auto v = parsed(boxer());
  EXPECT_EQ(v.status, Status::Draft);
  EXPECT_EQ(v.vin, "MD2A21CZ5PWA12345");
  EXPECT_EQ(v.registration, "UFA123X");
  EXPECT_EQ(v.price.amount, 5400000);
  EXPECT_EQ(v.price.currency.code(), "UGX");
  EXPECT_EQ(v.location.branch, "Ntinda");
  EXPECT_EQ(v.engine_cc, 145);
  EXPECT_TRUE(v.tracker_ready);
  EXPECT_NO_THROW(check_consistency(v));
}

TEST(Listing, CreateNamesEveryMissingField) {
  auto e = error_of([] { parse_listing_create(js::object{}, 2027); });
  for (const char* f : {"category", "make", "model", "year", "condition", "fuel", "vin", "price", "location"})
    EXPECT_TRUE(names_field(e, f)) << f;
}

TEST(Listing, CreateRefusesBadValues) {
  auto with = [](const char* key, js::value v) {
    auto o = boxer();
    o[key] = std::move(v);
    return error_of([&] { parse_listing_create(o, 2027); });
  };
  EXPECT_TRUE(names_field(with("category", "boat"), "category"));
  EXPECT_TRUE(names_field(with("year", 2028), "year"));
  EXPECT_TRUE(names_field(with("year", 1900), "year"));
  EXPECT_TRUE(names_field(with("fuel", "coal"), "fuel"));
  EXPECT_TRUE(names_field(with("vin", "AB$12345"), "vin"));
  EXPECT_TRUE(names_field(with("vin", "AB1"), "vin"));
  EXPECT_TRUE(names_field(with("mileage_km", -1), "mileage_km"));
  EXPECT_TRUE(names_field(with("price", js::parse(R"({"amount": 0, "currency": "UGX"})")), "price"));
  EXPECT_TRUE(names_field(with("price", js::parse(R"({"amount": 10, "currency": "XXX"})")), "price.currency"));
  EXPECT_TRUE(names_field(with("location", js::parse(R"({"city": "Gulu", "latitude": 95, "longitude": 1})")),
                          "location.latitude"));
  EXPECT_TRUE(names_field(with("location", js::parse(R"({"city": "Gulu", "latitude": 2.7})")), "location.longitude"));
  EXPECT_TRUE(names_field(with("status", "available"), "status"));  // no mass assignment
}

TEST(Listing, Consistency) {
  auto ev = boxer();
  ev["category"] = "e-motorcycle";
  ev["fuel"] = "petrol";
  auto e = error_of([&] { check_consistency(parsed(ev)); });
  EXPECT_TRUE(names_field(e, "fuel"));
  ev["fuel"] = "electric";
  e = error_of([&] { check_consistency(parsed(ev)); });
  EXPECT_TRUE(names_field(e, "battery_kwh"));
  EXPECT_TRUE(names_field(e, "engine_cc"));
  ev.erase("engine_cc");
  ev["battery_kwh"] = 3.1;
  EXPECT_NO_THROW(check_consistency(parsed(ev)));
  auto fresh = boxer();
  fresh["condition"] = "new";
  EXPECT_TRUE(names_field(error_of([&] { check_consistency(parsed(fresh)); }), "mileage_km"));
}

TEST(Listing, PatchDistinguishesAbsentFromNull) {
  auto v = parsed(boxer());
  auto f = parse_listing_patch(js::parse(R"({"colour": null, "price": {"amount": 5000000, "currency": "UGX"}})").as_object(), 2027);
  EXPECT_FALSE(f.touches_identity());
  apply_patch(v, f);
  EXPECT_EQ(v.colour, std::nullopt);
  EXPECT_EQ(v.price.amount, 5000000);
  EXPECT_EQ(v.registration, "UFA123X");  // untouched
  EXPECT_TRUE(parse_listing_patch(js::object{}, 2027).empty());
  EXPECT_TRUE(names_field(error_of([] { parse_listing_patch(js::parse(R"({"dealer_id": "x"})").as_object(), 2027); }),
                          "dealer_id"));
}

TEST(Listing, EditRulesFollowTheStatus) {
  ListingFields price;
  price.price = rto::Money::of(1, "UGX");
  ListingFields identity;
  identity.make = "TVS";
  for (auto s : {Status::Draft, Status::PendingReview}) {
    EXPECT_NO_THROW(check_edit(s, price));
    EXPECT_NO_THROW(check_edit(s, identity));
  }
  for (auto s : {Status::Available, Status::Maintenance}) {
    EXPECT_NO_THROW(check_edit(s, price));
    EXPECT_EQ(error_of([&] { check_edit(s, identity); }).status(), 409);
  }
  for (auto s : {Status::Reserved, Status::Leased, Status::Owned, Status::Repossessed, Status::Retired}) {
    auto e = error_of([&] { check_edit(s, price); });
    EXPECT_EQ(e.status(), 409);
    EXPECT_NE(e.detail().find(std::string(to_string(s))), std::string::npos);
  }
}

TEST(Inputs, PlanOperations) {
  auto r = parse_reserve(js::parse(R"({"plan_id": "0F8FAD5B-D9CB-469F-A165-70867728950E",
      "customer_id": "1f8fad5b-d9cb-469f-a165-70867728950e", "ttl_seconds": 900})").as_object());
  EXPECT_EQ(r.plan_id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(r.ttl_seconds, 900);
  auto e = error_of([] { parse_reserve(js::parse(R"({"plan_id": "x", "ttl_seconds": 0})").as_object()); });
  EXPECT_TRUE(names_field(e, "plan_id"));
  EXPECT_TRUE(names_field(e, "customer_id"));
  EXPECT_TRUE(names_field(e, "ttl_seconds"));
  EXPECT_TRUE(names_field(error_of([] {
                            parse_plan_request(js::parse(R"({"plan_id": "0f8fad5b-d9cb-469f-a165-70867728950e"})").as_object(),
                                               PlanOp::Repossess);
                          }),
                          "reason"));
  EXPECT_TRUE(names_field(error_of([] {
                            parse_plan_request(js::parse(R"({"plan_id": "0f8fad5b-d9cb-469f-a165-70867728950e"})").as_object(),
                                               PlanOp::Transfer);
                          }),
                          "customer_id"));
}

TEST(Inputs, StatusRequestAndImageOrder) {
  auto s = parse_status_request(js::parse(R"({"status": "maintenance", "reason": "brake pads"})").as_object());
  EXPECT_EQ(s.status, Status::Maintenance);
  EXPECT_TRUE(names_field(error_of([] { parse_status_request(js::parse(R"({"status": "owned", "reason": "x y z"})").as_object()); }),
                          "status"));
  std::vector<std::string> current{"0f8fad5b-d9cb-469f-a165-70867728950e", "1f8fad5b-d9cb-469f-a165-70867728950e"};
  auto order = parse_image_order(js::parse(R"({"image_ids": ["1f8fad5b-d9cb-469f-a165-70867728950e",
      "0f8fad5b-d9cb-469f-a165-70867728950e"]})").as_object(), current);
  EXPECT_EQ(order[0], current[1]);
  EXPECT_TRUE(names_field(error_of([&] {
                            parse_image_order(js::parse(R"({"image_ids": ["1f8fad5b-d9cb-469f-a165-70867728950e"]})").as_object(),
                                              current);
                          }),
                          "image_ids"));
  EXPECT_TRUE(names_field(error_of([&] {
                            parse_image_order(js::parse(R"({"image_ids": ["1f8fad5b-d9cb-469f-a165-70867728950e",
                                "1f8fad5b-d9cb-469f-a165-70867728950e"]})").as_object(), current);
                          }),
                          "image_ids[1]"));
}

TEST(Review, SubmittingNeedsAnImage) {
  auto none = error_of([] { check_submit(Status::Draft, 0); });
  EXPECT_EQ(none.status(), 409);
  EXPECT_EQ(none.code(), "image-required");
  EXPECT_TRUE(names_field(none, "images"));
  EXPECT_NE(none.detail().find("image"), std::string::npos);
  EXPECT_NO_THROW(check_submit(Status::Draft, 1));
  EXPECT_NO_THROW(check_submit(Status::Draft, 20));
  // The status comes first: a listing that is not a draft is refused for its status.
  auto listed = error_of([] { check_submit(Status::Available, 0); });
  EXPECT_EQ(listed.status(), 409);
  EXPECT_TRUE(names_field(listed, "status"));
  EXPECT_FALSE(names_field(listed, "images"));
  EXPECT_TRUE(names_field(error_of([] { check_submit(Status::PendingReview, 3); }), "status"));
}

TEST(Events, StatusChangedData) {
  auto v = parsed(boxer());
  v.status = Status::Available;
  auto d = status_changed_data(v, Status::Reserved, "reserved", std::string("c1"), std::string("p1"));
  EXPECT_EQ(d.at("vehicle_id").as_string(), v.id);
  EXPECT_EQ(d.at("old_status").as_string(), "available");
  EXPECT_EQ(d.at("new_status").as_string(), "reserved");
  EXPECT_EQ(d.at("reason").as_string(), "reserved");
  EXPECT_EQ(d.at("price").at("amount").as_int64(), 5400000);
  EXPECT_EQ(d.at("price").at("currency").as_string(), "UGX");
  EXPECT_EQ(d.at("category").as_string(), "motorcycle");
  EXPECT_EQ(d.at("make").as_string(), "Bajaj");
  EXPECT_EQ(d.at("model").as_string(), "Boxer BM150");
  EXPECT_EQ(d.at("customer_id").as_string(), "c1");
  EXPECT_FALSE(status_changed_data(v, Status::Maintenance, "x", std::nullopt, std::nullopt).contains("customer_id"));
}
