#include "domain/vehicle.hpp"

#include <cmath>
#include <rto/clock.hpp>

namespace vehicle_service {
namespace js = boost::json;

bool is_category(std::string_view slug) noexcept {
  for (auto c : kCategories)
    if (c == slug) return true;
  return false;
}

std::string mask_identifier(std::string_view value) {
  if (value.size() <= 4) return "****";
  return "****" + std::string(value.substr(value.size() - 4));
}

std::string image_url(std::string_view vehicle_id, std::string_view image_id) {
  std::string s = "/api/v1/vehicles/";
  s += vehicle_id;
  s += "/images/";
  s += image_id;
  return s;
}

namespace {

js::value opt(const std::optional<std::string>& s) { return s ? js::value(*s) : js::value(nullptr); }
js::value opt(const std::optional<int>& n) { return n ? js::value(*n) : js::value(nullptr); }
js::value opt(const std::optional<double>& d) { return d ? js::value(*d) : js::value(nullptr); }
js::value opt_time(const std::optional<TimePoint>& t) { return t ? js::value(rto::to_rfc3339(*t)) : js::value(nullptr); }

js::object location_json(const Location& l) {
  return {{"city", l.city}, {"branch", opt(l.branch)}, {"latitude", opt(l.latitude)}, {"longitude", opt(l.longitude)}};
}

js::value cover_url(const Vehicle& v) {
  return v.cover_image_id ? js::value(image_url(v.id, *v.cover_image_id)) : js::value(nullptr);
}

// Fields every view shares.
js::object base_json(const Vehicle& v) {
  js::object o;
  o.reserve(28);
  o["id"] = v.id;
  o["status"] = to_string(v.status);
  o["category"] = v.category;
  o["make"] = v.make;
  o["model"] = v.model;
  o["year"] = v.year;
  o["condition"] = v.condition;
  o["fuel"] = v.fuel;
  o["engine_cc"] = opt(v.engine_cc);
  o["battery_kwh"] = opt(v.battery_kwh);
  o["mileage_km"] = v.mileage_km;
  o["colour"] = opt(v.colour);
  o["price"] = v.price.to_json();
  o["location"] = location_json(v.location);
  o["tracker_ready"] = v.tracker_ready;
  o["dealer_id"] = v.dealer_id;
  o["cover_image_url"] = cover_url(v);
  o["created_at"] = rto::to_rfc3339(v.created_at);
  o["published_at"] = opt_time(v.published_at);
  return o;
}

}  // namespace

js::object image_json(const Image& img, bool is_cover) {
  return {{"id", img.id},
          {"url", image_url(img.vehicle_id, img.id)},
          {"content_type", img.content_type},
          {"size_bytes", img.size_bytes},
          {"position", img.position},
          {"is_cover", is_cover},
          {"created_at", rto::to_rfc3339(img.created_at)}};
}

js::object vehicle_json(const Vehicle& v, const std::vector<Image>& images, Viewer viewer) {
  auto o = base_json(v);
  const bool full = viewer != Viewer::Public;
  o["vin"] = full ? v.vin : mask_identifier(v.vin);
  o["registration"] = v.registration ? js::value(full ? *v.registration : mask_identifier(*v.registration))
                                     : js::value(nullptr);
  o["description"] = v.description;
  o["updated_at"] = rto::to_rfc3339(v.updated_at);
  js::array imgs;
  imgs.reserve(images.size());
  for (const auto& img : images) imgs.push_back(image_json(img, v.cover_image_id && *v.cover_image_id == img.id));
  o["images"] = std::move(imgs);
  if (full) o["rejection_reason"] = opt(v.rejection_reason);
  if (viewer == Viewer::Staff) {
    o["owner_id"] = opt(v.owner_id);
    o["plan_id"] = opt(v.plan_id);
    o["customer_id"] = opt(v.customer_id);
    o["reservation_expires_at"] = opt_time(v.reservation_expires_at);
  }
  return o;
}

js::object item_json(const Vehicle& v, std::optional<std::int64_t> distance_m) {
  auto o = base_json(v);
  if (distance_m) {
    // Kilometres with one decimal: enough for "3.4 km away".
    o["distance_km"] = std::round(static_cast<double>(*distance_m) / 100.0) / 10.0;
  }
  return o;
}

js::object internal_json(const Vehicle& v) {
  js::value reservation = nullptr;
  if (v.status == Status::Reserved && v.plan_id && v.customer_id && v.reservation_expires_at)
    reservation = js::object{{"plan_id", *v.plan_id},
                             {"customer_id", *v.customer_id},
                             {"expires_at", rto::to_rfc3339(*v.reservation_expires_at)}};
  return {{"id", v.id},
          {"status", to_string(v.status)},
          {"dealer_id", v.dealer_id},
          {"category", v.category},
          {"make", v.make},
          {"model", v.model},
          {"year", v.year},
          {"price", v.price.to_json()},
          {"owner_id", opt(v.owner_id)},
          {"plan_id", opt(v.plan_id)},
          {"reservation", std::move(reservation)}};
}

js::object status_changed_data(const Vehicle& before, Status to, std::string_view reason,
                               const std::optional<std::string>& customer_id, const std::optional<std::string>& plan_id) {
  js::object d{{"vehicle_id", before.id},
               {"old_status", to_string(before.status)},
               {"new_status", to_string(to)},
               {"reason", reason},
               {"price", before.price.to_json()},
               {"category", before.category},
               {"make", before.make},
               {"model", before.model},
               {"dealer_id", before.dealer_id}};
  if (customer_id) d["customer_id"] = *customer_id;
  if (plan_id) d["plan_id"] = *plan_id;
  return d;
}

js::object listing_updated_data(const Vehicle& after, const rto::Money& old_price) {
  return {{"vehicle_id", after.id},
          {"price", after.price.to_json()},
          {"old_price", old_price.to_json()},
          {"status", to_string(after.status)},
          {"category", after.category},
          {"make", after.make},
          {"model", after.model}};
}

}  // namespace vehicle_service
