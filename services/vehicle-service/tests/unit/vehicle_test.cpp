#include <gtest/gtest.h>

#include "domain/vehicle.hpp"

using namespace vehicle_service;
namespace js = boost::json;

namespace {

Vehicle sample() {
  Vehicle v;
  v.id = "11111111-1111-4111-8111-111111111111";
  v.dealer_id = "22222222-2222-4222-8222-222222222222";
  v.category = "motorcycle";
  v.make = "Bajaj";
  v.model = "Boxer 150";
  v.year = 2024;
  v.condition = "new";
  v.fuel = "petrol";
  v.vin = "MD2A11CZ5PCA12345";
  v.registration = "UBA 123X";
  v.price = rto::Money::of(650000000, "UGX");
  v.location.city = "Kampala";
  v.status = Status::Leased;
  v.rejection_reason = "blurred photo";
  v.plan_id = "33333333-3333-4333-8333-333333333333";
  v.customer_id = "44444444-4444-4444-8444-444444444444";
  v.cover_image_id = "55555555-5555-4555-8555-555555555555";
  return v;
}

Image image(std::string id, int position) {
  Image i;
  i.id = std::move(id);
  i.vehicle_id = sample().id;
  i.position = position;
  i.content_type = "image/jpeg";
  i.size_bytes = 1234;
  i.sha256 = std::string(64, 'a');
  i.storage_key = "secret/key/" + i.id;
  return i;
}

}  // namespace

TEST(VehicleView, MaskIdentifierKeepsOnlyTheLastFour) {
  EXPECT_EQ(mask_identifier("MD2A11CZ5PCA12345"), "****2345");
  EXPECT_EQ(mask_identifier("1234"), "****");
  EXPECT_EQ(mask_identifier(""), "****");
}

TEST(VehicleView, CategoriesAreTheSeededOnes) {
  EXPECT_TRUE(is_category("tuk-tuk"));
  EXPECT_TRUE(is_category("e-motorcycle"));
  EXPECT_FALSE(is_category("boat"));
  EXPECT_FALSE(is_category("Motorcycle"));
}

TEST(VehicleView, PublicSeesMaskedIdentifiersAndNoHoldingOrRejection) {
  const auto o = vehicle_json(sample(), {image("55555555-5555-4555-8555-555555555555", 0)}, Viewer::Public);
  EXPECT_EQ(o.at("vin").as_string(), "****2345");
  EXPECT_EQ(o.at("registration").as_string(), "****123X");
  EXPECT_FALSE(o.contains("rejection_reason"));
  EXPECT_FALSE(o.contains("plan_id"));
  EXPECT_FALSE(o.contains("owner_id"));
  EXPECT_FALSE(o.contains("customer_id"));
}

TEST(VehicleView, DealerSeesIdentifiersAndRejectionButNotTheCustomer) {
  const auto o = vehicle_json(sample(), {}, Viewer::Dealer);
  EXPECT_EQ(o.at("vin").as_string(), "MD2A11CZ5PCA12345");
  EXPECT_EQ(o.at("registration").as_string(), "UBA 123X");
  EXPECT_EQ(o.at("rejection_reason").as_string(), "blurred photo");
  EXPECT_FALSE(o.contains("plan_id"));
}

TEST(VehicleView, StaffSeeTheHoldingPlan) {
  const auto o = vehicle_json(sample(), {}, Viewer::Staff);
  EXPECT_EQ(o.at("plan_id").as_string(), "33333333-3333-4333-8333-333333333333");
  EXPECT_TRUE(o.at("owner_id").is_null());
}

TEST(VehicleView, ImagesKeepTheirOrderMarkTheCoverAndNeverShowTheStorageKey) {
  const auto v = sample();
  const auto o = vehicle_json(v, {image("55555555-5555-4555-8555-555555555555", 0),
                                  image("66666666-6666-4666-8666-666666666666", 1)},
                              Viewer::Staff);
  const auto& imgs = o.at("images").as_array();
  ASSERT_EQ(imgs.size(), 2u);
  EXPECT_TRUE(imgs[0].at("is_cover").as_bool());
  EXPECT_FALSE(imgs[1].at("is_cover").as_bool());
  EXPECT_EQ(imgs[1].at("url").as_string(), image_url(v.id, "66666666-6666-4666-8666-666666666666"));
  EXPECT_EQ(js::serialize(o).find("secret/key"), std::string::npos);
}

TEST(VehicleView, InternalReservationOnlyWhileReserved) {
  auto v = sample();
  EXPECT_TRUE(internal_json(v).at("reservation").is_null());  // leased: no reservation
  v.status = Status::Reserved;
  v.reservation_expires_at = TimePoint{} + std::chrono::hours(24 * 365 * 56);
  const auto o = internal_json(v);
  ASSERT_TRUE(o.at("reservation").is_object());
  EXPECT_EQ(o.at("reservation").at("customer_id").as_string(), "44444444-4444-4444-8444-444444444444");
  EXPECT_EQ(o.at("status").as_string(), "reserved");
}

TEST(VehicleView, StatusChangedDataNamesBothStatusesAndTheCustomerOnlyWhenGiven) {
  const auto v = sample();
  auto d = status_changed_data(v, Status::Owned, "paid off", std::string("cust"), std::string("plan"));
  EXPECT_EQ(d.at("old_status").as_string(), "leased");
  EXPECT_EQ(d.at("new_status").as_string(), "owned");
  EXPECT_EQ(d.at("customer_id").as_string(), "cust");
  d = status_changed_data(v, Status::Maintenance, "service", std::nullopt, std::nullopt);
  EXPECT_FALSE(d.contains("customer_id"));
  EXPECT_FALSE(d.contains("plan_id"));
}

TEST(VehicleView, ListingUpdatedCarriesOldAndNewPrice) {
  auto v = sample();
  const auto old_price = v.price;
  v.price = rto::Money::of(600000000, "UGX");
  const auto d = listing_updated_data(v, old_price);
  EXPECT_EQ(d.at("price").at("amount").to_number<std::int64_t>(), 600000000);
  EXPECT_EQ(d.at("old_price").at("amount").to_number<std::int64_t>(), 650000000);
}
