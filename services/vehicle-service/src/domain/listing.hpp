#pragma once
// Request bodies of the vehicle service and the rules for editing a listing. Every parser
// reports all bad fields at once (rto::Error 400 naming each). Pure: no I/O.
#include <boost/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/status.hpp"
#include "domain/vehicle.hpp"

namespace vehicle_service {

// Upper case, spaces and hyphens removed: "ubk 123x" -> "UBK123X".
std::string normalize_identifier(std::string_view raw);

// The fields of a listing as sent. On create the required ones are present; on PATCH any
// subset. The nested optionals of nullable fields distinguish "absent" (leave as is) from
// null (clear).
struct ListingFields {
  std::optional<std::string> category, make, model, condition, fuel, vin, description;
  std::optional<int> year, mileage_km;
  std::optional<std::optional<int>> engine_cc;
  std::optional<std::optional<double>> battery_kwh;
  std::optional<std::optional<std::string>> colour, registration;
  std::optional<rto::Money> price;
  std::optional<Location> location;
  std::optional<bool> tracker_ready;
  std::optional<std::string> dealer_id;  // create only: an admin listing for a dealer

  bool empty() const noexcept;
  // Fields that define what the vehicle is; they change only before approval.
  bool touches_identity() const noexcept;
};

// `max_year` is the latest model year accepted (next calendar year).
ListingFields parse_listing_create(const boost::json::object& body, int max_year);
ListingFields parse_listing_patch(const boost::json::object& body, int max_year);

// A new draft from create fields (all required ones present).
Vehicle new_listing(const ListingFields& f, std::string id, std::string dealer_id, TimePoint now);
// Applies a patch onto a copy of the stored listing.
void apply_patch(Vehicle& v, const ListingFields& f);
// Cross-field rules, checked after create or patch: an electric vehicle has a battery and no
// engine size, a petrol/diesel/hybrid one an engine size; e-motorcycles and e-bikes are
// electric. Throws 400 naming the fields.
void check_consistency(const Vehicle& v);
// Which edits a status allows: everything in draft and pending_review; price, description,
// location, mileage, colour, registration, tracker flag, engine/battery also while available or
// in maintenance; nothing once reserved, leased, owned, repossessed or retired (409).
void check_edit(Status current, const ListingFields& f);
// Whether a listing may be submitted for review (draft → pending_review): the move must be
// allowed from `current` (409 naming the status otherwise) and the listing must have at least
// one image, since buyers judge a vehicle by its photos (409, code "image-required", field
// "images").
void check_submit(Status current, std::size_t image_count);
// Images change only while the listing can still be edited: draft, pending_review, available
// and maintenance.
bool images_editable(Status current) noexcept;

// {reason}: 3..500 characters (reject, release, repossess, staff status changes).
std::string parse_reason(const boost::json::object& body, bool required);

struct StatusRequest {
  Status status;
  std::string reason;
};
// POST /api/v1/vehicles/{id}/status {status, reason}: status one of available, maintenance, retired.
StatusRequest parse_status_request(const boost::json::object& body);

// Internal plan operations.
struct ReserveRequest {
  std::string plan_id;
  std::string customer_id;
  std::int64_t ttl_seconds = 0;
};
inline constexpr std::int64_t kMaxReservationSeconds = 30LL * 24 * 3600;
ReserveRequest parse_reserve(const boost::json::object& body);

struct PlanRequest {
  std::string plan_id;
  std::optional<std::string> customer_id;  // transfer
  std::optional<std::string> reason;       // release (optional), repossess (required)
};
enum class PlanOp { Release, Lease, Transfer, Repossess };
PlanRequest parse_plan_request(const boost::json::object& body, PlanOp op);

// PUT .../images/order {image_ids: [...]}: every current image exactly once.
std::vector<std::string> parse_image_order(const boost::json::object& body, const std::vector<std::string>& current);

// Lower-case UUID text, or nullopt when `s` is not a UUID.
std::optional<std::string> canonical_uuid(std::string_view s);

}  // namespace vehicle_service
