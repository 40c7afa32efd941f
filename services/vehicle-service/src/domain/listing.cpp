#include "domain/listing.hpp"

#include <algorithm>
#include <cmath>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <set>

namespace vehicle_service {
namespace js = boost::json;
using rto::json::Reader;

namespace {

constexpr std::int64_t kMaxPrice = 1'000'000'000'000'000;  // minor units; far above any vehicle

bool present(const js::object& o, std::string_view key) { return o.contains(key); }
bool is_null(const js::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_null();
}

std::optional<double> number(const js::object& o, Reader& r, std::string_view key, bool required, double min,
                             double max) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) r.fail(key, "is required");
    return std::nullopt;
  }
  if (!v->is_number()) {
    r.fail(key, "must be a number");
    return std::nullopt;
  }
  double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    std::string lo = std::to_string(min), hi = std::to_string(max);
    auto trim = [](std::string s) {
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    };
    r.fail(key, "must be between " + trim(lo) + " and " + trim(hi));
    return std::nullopt;
  }
  return d;
}

std::optional<std::string> identifier(Reader& r, std::string_view key, bool required, std::size_t min_len,
                                      std::size_t max_len) {
  auto s = r.string(key, required, 1, 40);
  if (!s) return std::nullopt;
  auto id = normalize_identifier(*s);
  bool alnum = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
  if (!alnum) {
    r.fail(key, "must contain only letters and digits (spaces and hyphens are ignored)");
    return std::nullopt;
  }
  if (id.size() < min_len || id.size() > max_len) {
    r.fail(key, "must have " + std::to_string(min_len) + " to " + std::to_string(max_len) + " letters and digits");
    return std::nullopt;
  }
  return id;
}

std::optional<Location> read_location(const js::object& body, Reader& r, bool required) {
  const auto* lo = r.object("location", required);
  if (!lo) return std::nullopt;
  Reader lr(*lo, r.path("location"));
  lr.reject_unknown({"city", "branch", "latitude", "longitude"});
  Location l;
  auto city = lr.string("city", true, 1, 60);
  l.branch = lr.string("branch", false, 1, 60);
  l.latitude = number(*lo, lr, "latitude", false, -90, 90);
  l.longitude = number(*lo, lr, "longitude", false, -180, 180);
  if (l.latitude.has_value() != l.longitude.has_value() && lr.ok())
    lr.fail(l.latitude ? "longitude" : "latitude", "latitude and longitude go together");
  bool ok = lr.ok();
  r.merge(lr);
  (void)body;
  if (!ok || !city) return std::nullopt;
  l.city = *city;
  return l;
}

ListingFields parse_listing(const js::object& body, bool creating, int max_year) {
  Reader r(body);
  r.reject_unknown({"category", "make", "model", "year", "condition", "fuel", "engine_cc", "battery_kwh", "mileage_km",
                    "colour", "vin", "registration", "price", "location", "description", "tracker_ready",
                    "dealer_id"});
  ListingFields f;
  const bool req = creating;
  if (auto c = r.string("category", req, 1, 40)) {
    if (is_category(*c))
      f.category = *c;
    else
      r.fail("category", "must be one of: motorcycle, e-motorcycle, tuk-tuk, car, e-bike, van-pickup");
  }
  f.make = r.string("make", req, 1, 60);
  f.model = r.string("model", req, 1, 60);
  if (auto y = r.integer("year", req, 1950, max_year)) f.year = static_cast<int>(*y);
  f.condition = r.one_of("condition", req, {"new", "used"});
  f.fuel = r.one_of("fuel", req, {"petrol", "diesel", "electric", "hybrid"});
  if (present(body, "engine_cc")) {
    if (is_null(body, "engine_cc"))
      f.engine_cc = std::optional<int>();
    else if (auto n = r.integer("engine_cc", false, 1, 10000))
      f.engine_cc = static_cast<int>(*n);
  }
  if (present(body, "battery_kwh")) {
    if (is_null(body, "battery_kwh"))
      f.battery_kwh = std::optional<double>();
    else if (auto d = number(body, r, "battery_kwh", false, 0.1, 500))
      f.battery_kwh = std::round(*d * 100.0) / 100.0;
  }
  if (auto m = r.integer("mileage_km", false, 0, 2'000'000)) f.mileage_km = static_cast<int>(*m);
  if (present(body, "colour")) {
    if (is_null(body, "colour"))
      f.colour = std::optional<std::string>();
    else if (auto c = r.string("colour", false, 1, 30))
      f.colour = *c;
  }
  f.vin = identifier(r, "vin", req, 5, 20);
  if (present(body, "registration")) {
    if (is_null(body, "registration"))
      f.registration = std::optional<std::string>();
    else if (auto reg = identifier(r, "registration", false, 2, 12))
      f.registration = *reg;
  }
  if (const auto* p = body.if_contains("price"); p && !p->is_null()) {
    try {
      auto m = rto::money_from_json(*p, "price");
      if (m.amount <= 0 || m.amount > kMaxPrice)
        r.fail("price", "amount must be a positive number of minor units");
      else
        f.price = m;
    } catch (const rto::Error& e) {
      for (const auto& fe : e.fields()) r.errors().push_back(fe);
    }
  } else if (req) {
    r.fail("price", "is required");
  }
  f.location = read_location(body, r, req);
  if (auto d = r.string("description", false, 0, 4000)) f.description = *d;
  f.tracker_ready = r.boolean("tracker_ready", false);
  if (creating) {
    if (auto d = r.string("dealer_id", false, 36, 36)) {
      if (auto u = canonical_uuid(*d))
        f.dealer_id = *u;
      else
        r.fail("dealer_id", "must be a UUID");
    }
  } else if (present(body, "dealer_id")) {
    r.fail("dealer_id", "cannot be changed");
  }
  r.finish();
  return f;
}

}  // namespace

std::string normalize_identifier(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::optional<std::string> canonical_uuid(std::string_view s) {
  if (!rto::crypto::is_uuid(s)) return std::nullopt;
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool ListingFields::empty() const noexcept {
  return !category && !make && !model && !condition && !fuel && !vin && !description && !year && !mileage_km &&
         !engine_cc && !battery_kwh && !colour && !registration && !price && !location && !tracker_ready;
}

bool ListingFields::touches_identity() const noexcept {
  return category || make || model || year || condition || fuel || vin;
}

ListingFields parse_listing_create(const js::object& body, int max_year) { return parse_listing(body, true, max_year); }
ListingFields parse_listing_patch(const js::object& body, int max_year) { return parse_listing(body, false, max_year); }

Vehicle new_listing(const ListingFields& f, std::string id, std::string dealer_id, TimePoint now) {
  Vehicle v;
  v.id = std::move(id);
  v.dealer_id = std::move(dealer_id);
  v.status = Status::Draft;
  v.created_at = v.updated_at = now;
  apply_patch(v, f);
  return v;
}

void apply_patch(Vehicle& v, const ListingFields& f) {
  if (f.category) v.category = *f.category;
  if (f.make) v.make = *f.make;
  if (f.model) v.model = *f.model;
  if (f.year) v.year = *f.year;
  if (f.condition) v.condition = *f.condition;
  if (f.fuel) v.fuel = *f.fuel;
  if (f.engine_cc) v.engine_cc = *f.engine_cc;
  if (f.battery_kwh) v.battery_kwh = *f.battery_kwh;
  if (f.mileage_km) v.mileage_km = *f.mileage_km;
  if (f.colour) v.colour = *f.colour;
  if (f.vin) v.vin = *f.vin;
  if (f.registration) v.registration = *f.registration;
  if (f.price) v.price = *f.price;
  if (f.location) v.location = *f.location;
  if (f.description) v.description = *f.description;
  if (f.tracker_ready) v.tracker_ready = *f.tracker_ready;
}

void check_consistency(const Vehicle& v) {
  std::vector<rto::FieldError> errs;
  if (v.fuel == "electric") {
    if (!v.battery_kwh) errs.push_back({"battery_kwh", "is required for an electric vehicle"});
    if (v.engine_cc) errs.push_back({"engine_cc", "must be empty for an electric vehicle"});
  } else {
    if (!v.engine_cc) errs.push_back({"engine_cc", "is required for a " + v.fuel + " vehicle"});
    if (v.fuel != "hybrid" && v.battery_kwh) errs.push_back({"battery_kwh", "is only for electric and hybrid vehicles"});
  }
  if ((v.category == "e-motorcycle" || v.category == "e-bike") && v.fuel != "electric")
    errs.push_back({"fuel", "must be electric for the category " + v.category});
  if (v.condition == "new" && v.mileage_km > 1000)
    errs.push_back({"mileage_km", "must be at most 1000 for a new vehicle"});
  if (!errs.empty()) {
    std::string detail = errs.size() == 1 ? "invalid field '" + errs[0].field + "': " + errs[0].message
                                          : std::to_string(errs.size()) + " fields are invalid";
    throw rto::BadRequest(std::move(detail), std::move(errs));
  }
}

void check_edit(Status current, const ListingFields& f) {
  switch (current) {
    case Status::Draft:
    case Status::PendingReview:
      return;
    case Status::Available:
    case Status::Maintenance:
      if (f.touches_identity()) {
        std::string cur(to_string(current));
        throw rto::Conflict("the vehicle is " + cur +
                                "; category, make, model, year, condition, fuel and VIN change only before approval",
                            {{"status", "is " + cur}})
            .with_code("status-conflict");
      }
      return;
    default:
      refuse(current, "edited");
  }
}

void check_submit(Status current, std::size_t image_count) {
  require_transition(current, Status::PendingReview, Cause::Submit);
  if (image_count == 0)
    throw rto::Conflict("a listing needs at least one image before it can be submitted for review; upload one first",
                        {{"images", "needs at least one image"}})
        .with_code("image-required");
}

bool images_editable(Status s) noexcept {
  return s == Status::Draft || s == Status::PendingReview || s == Status::Available || s == Status::Maintenance;
}

std::string parse_reason(const js::object& body, bool required) {
  Reader r(body);
  auto reason = r.string("reason", required, 3, 500);
  r.finish();
  return reason.value_or("");
}

StatusRequest parse_status_request(const js::object& body) {
  Reader r(body);
  r.reject_unknown({"status", "reason"});
  auto s = r.one_of("status", true, {"available", "maintenance", "retired"});
  auto reason = r.string("reason", true, 3, 500);
  r.finish();
  return {*status_from(*s), *reason};
}

namespace {
std::optional<std::string> uuid_field(Reader& r, std::string_view key, bool required) {
  auto s = r.string(key, required, 1, 64);
  if (!s) return std::nullopt;
  auto u = canonical_uuid(*s);
  if (!u) r.fail(key, "must be a UUID");
  return u;
}
}  // namespace

ReserveRequest parse_reserve(const js::object& body) {
  Reader r(body);
  r.reject_unknown({"plan_id", "customer_id", "ttl_seconds"});
  auto plan = uuid_field(r, "plan_id", true);
  auto customer = uuid_field(r, "customer_id", true);
  auto ttl = r.integer("ttl_seconds", true, 1, kMaxReservationSeconds);
  r.finish();
  return {*plan, *customer, *ttl};
}

PlanRequest parse_plan_request(const js::object& body, PlanOp op) {
  Reader r(body);
  switch (op) {
    case PlanOp::Release: r.reject_unknown({"plan_id", "reason"}); break;
    case PlanOp::Lease: r.reject_unknown({"plan_id"}); break;
    case PlanOp::Transfer: r.reject_unknown({"plan_id", "customer_id"}); break;
    case PlanOp::Repossess: r.reject_unknown({"plan_id", "reason"}); break;
  }
  PlanRequest p;
  auto plan = uuid_field(r, "plan_id", true);
  if (op == PlanOp::Transfer) p.customer_id = uuid_field(r, "customer_id", true);
  if (op == PlanOp::Release || op == PlanOp::Repossess) p.reason = r.string("reason", op == PlanOp::Repossess, 3, 500);
  r.finish();
  p.plan_id = *plan;
  return p;
}

std::vector<std::string> parse_image_order(const js::object& body, const std::vector<std::string>& current) {
  Reader r(body);
  r.reject_unknown({"image_ids"});
  const auto* arr = r.array("image_ids", true);
  r.finish();
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto& v = (*arr)[i];
    auto u = v.is_string() ? canonical_uuid(v.as_string()) : std::nullopt;
    if (!u) throw rto::BadField("image_ids[" + std::to_string(i) + "]", "must be an image id");
    if (!seen.insert(*u).second) throw rto::BadField("image_ids[" + std::to_string(i) + "]", "is listed twice");
    ids.push_back(*u);
  }
  std::set<std::string> have(current.begin(), current.end());
  if (seen != have) throw rto::BadField("image_ids", "must list every image of this vehicle exactly once");
  return ids;
}

}  // namespace vehicle_service
