#pragma once
// A vehicle listing, its JSON views (public, owner, staff, internal) and the data of the
// events it publishes. Pure: no I/O.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"
#include "domain/time.hpp"

namespace vehicle_service {

// The categories seeded by the first migration (slug order = display order).
inline constexpr std::string_view kCategories[] = {"motorcycle", "e-motorcycle", "tuk-tuk", "car", "e-bike", "van-pickup"};
bool is_category(std::string_view slug) noexcept;

inline constexpr std::string_view kFuels[] = {"petrol", "diesel", "electric", "hybrid"};
inline constexpr std::string_view kConditions[] = {"new", "used"};

struct Location {
  std::string city;
  std::optional<std::string> branch;
  std::optional<double> latitude;
  std::optional<double> longitude;
  bool operator==(const Location&) const = default;
};

struct Vehicle {
  std::string id;
  std::string dealer_id;
  std::string category;
  std::string make;
  std::string model;
  int year = 0;
  std::string condition;  // new | used
  std::string fuel;       // petrol | diesel | electric | hybrid
  std::optional<int> engine_cc;
  std::optional<double> battery_kwh;
  int mileage_km = 0;
  std::optional<std::string> colour;
  std::string vin;
  std::optional<std::string> registration;
  rto::Money price;
  Location location;
  std::string description;
  bool tracker_ready = false;
  Status status = Status::Draft;
  std::optional<std::string> rejection_reason;
  std::optional<std::string> plan_id;
  std::optional<std::string> customer_id;
  std::optional<TimePoint> reservation_expires_at;
  std::optional<std::string> owner_id;
  std::optional<std::string> cover_image_id;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> published_at;
};

struct Image {
  std::string id;
  std::string vehicle_id;
  int position = 0;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string sha256;
  std::string storage_key;
  TimePoint created_at{};
};

// "****4821": only the last four characters stay visible ("****" when there are four or fewer).
std::string mask_identifier(std::string_view value);

// Who is looking: the public (masked identifiers), the listing's dealer, or staff.
enum class Viewer { Public, Dealer, Staff };

// Paths of an image and of a vehicle's cover image.
std::string image_url(std::string_view vehicle_id, std::string_view image_id);

boost::json::object image_json(const Image& img, bool is_cover);
// The full listing with its images (ordered) for GET /api/v1/vehicles/{id} and the dealer's
// routes. Dealer and staff see identifiers in full and the rejection reason; staff also the
// holding plan, customer and owner.
boost::json::object vehicle_json(const Vehicle& v, const std::vector<Image>& images, Viewer viewer);
// A search result: no description, no images beyond the cover, identifiers masked.
boost::json::object item_json(const Vehicle& v, std::optional<std::int64_t> distance_m);
// The internal contract: {id, status, dealer_id, category, make, model, year, price,
// owner_id|null, reservation: {plan_id, customer_id, expires_at}|null}.
boost::json::object internal_json(const Vehicle& v);

// Data of vehicle.status.changed. customer_id is set when a customer is involved
// (reserved, released, leased, owned, repossessed).
boost::json::object status_changed_data(const Vehicle& before, Status to, std::string_view reason,
                                        const std::optional<std::string>& customer_id,
                                        const std::optional<std::string>& plan_id);
// Data of vehicle.listing.updated (an available listing's price changed).
boost::json::object listing_updated_data(const Vehicle& after, const rto::Money& old_price);

}  // namespace vehicle_service
