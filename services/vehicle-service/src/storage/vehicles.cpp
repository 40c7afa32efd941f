#include <boost/json.hpp>
#include <rto/errors.hpp>

#include "storage/queries.hpp"
#include "storage/storage.hpp"

namespace vehicle_service::storage {

namespace {

std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}
std::optional<std::int64_t> opt_micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

// A unique violation names its constraint in the message; turn it into a 409 on the field.
[[noreturn]] void duplicate(const pqxx::unique_violation& e) {
  std::string what = e.what();
  if (what.find("vehicles_registration_key") != std::string::npos)
    throw rto::Conflict("another vehicle has this registration number", {{"registration", "is already listed"}})
        .with_code("duplicate-registration");
  if (what.find("vehicles_vin_key") != std::string::npos)
    throw rto::Conflict("another vehicle has this VIN or chassis number", {{"vin", "is already listed"}})
        .with_code("duplicate-vin");
  throw;
}

Image read_image(const pqxx::row& r, int o = 0) {
  Image i;
  i.id = r[o + 0].as<std::string>();
  i.vehicle_id = r[o + 1].as<std::string>();
  i.position = r[o + 2].as<int>();
  i.content_type = r[o + 3].as<std::string>();
  i.size_bytes = r[o + 4].as<std::int64_t>();
  i.sha256 = r[o + 5].as<std::string>();
  i.storage_key = r[o + 6].as<std::string>();
  i.created_at = from_micros(r[o + 7].as<std::int64_t>());
  return i;
}

}  // namespace

Vehicle read_vehicle(const pqxx::row& r, int o) {
  Vehicle v;
  v.id = r[o + 0].as<std::string>();
  v.dealer_id = r[o + 1].as<std::string>();
  v.category = r[o + 2].as<std::string>();
  v.make = r[o + 3].as<std::string>();
  v.model = r[o + 4].as<std::string>();
  v.year = r[o + 5].as<int>();
  v.condition = r[o + 6].as<std::string>();
  v.fuel = r[o + 7].as<std::string>();
  if (!r[o + 8].is_null()) v.engine_cc = r[o + 8].as<int>();
  if (!r[o + 9].is_null()) v.battery_kwh = r[o + 9].as<double>();
  v.mileage_km = r[o + 10].as<int>();
  v.colour = opt_text(r[o + 11]);
  v.vin = r[o + 12].as<std::string>();
  v.registration = opt_text(r[o + 13]);
  v.price = rto::Money::of(r[o + 14].as<std::int64_t>(), r[o + 15].as<std::string>());
  v.location.city = r[o + 16].as<std::string>();
  v.location.branch = opt_text(r[o + 17]);
  if (!r[o + 18].is_null()) v.location.latitude = r[o + 18].as<double>();
  if (!r[o + 19].is_null()) v.location.longitude = r[o + 19].as<double>();
  v.description = r[o + 20].as<std::string>();
  v.tracker_ready = r[o + 21].as<bool>();
  v.status = status_from(r[o + 22].as<std::string>()).value_or(Status::Draft);
  v.rejection_reason = opt_text(r[o + 23]);
  v.plan_id = opt_text(r[o + 24]);
  v.customer_id = opt_text(r[o + 25]);
  v.reservation_expires_at = opt_time(r[o + 26]);
  v.owner_id = opt_text(r[o + 27]);
  v.cover_image_id = opt_text(r[o + 28]);
  v.created_at = from_micros(r[o + 29].as<std::int64_t>());
  v.updated_at = from_micros(r[o + 30].as<std::int64_t>());
  v.published_at = opt_time(r[o + 31]);
  return v;
}

std::optional<Vehicle> find_vehicle(pqxx::transaction_base& tx, const std::string& id) {
  auto r = tx.exec_prepared(sql::kVehicleById.name, id);
  if (r.empty()) return std::nullopt;
  return read_vehicle(r[0]);
}

std::optional<Vehicle> lock_vehicle(pqxx::transaction_base& tx, const std::string& id) {
  auto r = tx.exec_prepared(sql::kVehicleByIdForUpdate.name, id);
  if (r.empty()) return std::nullopt;
  return read_vehicle(r[0]);
}

void insert_vehicle(pqxx::transaction_base& tx, const Vehicle& v) {
  try {
    tx.exec_prepared0(sql::kVehicleInsert.name, v.id, v.dealer_id, v.category, v.make, v.model, v.year, v.condition,
                      v.fuel, v.engine_cc, v.battery_kwh, v.mileage_km, v.colour, v.vin, v.registration,
                      v.price.amount, std::string(v.price.currency.code()), v.location.city, v.location.branch,
                      v.location.latitude, v.location.longitude, v.description, v.tracker_ready,
                      std::string(to_string(v.status)), opt_micros(v.published_at), to_micros(v.created_at));
  } catch (const pqxx::unique_violation& e) {
    duplicate(e);
  }
}

void update_listing(pqxx::transaction_base& tx, const Vehicle& v, TimePoint now) {
  try {
    tx.exec_prepared0(sql::kVehicleUpdateListing.name, v.id, v.category, v.make, v.model, v.year, v.condition, v.fuel,
                      v.engine_cc, v.battery_kwh, v.mileage_km, v.colour, v.vin, v.registration, v.price.amount,
                      std::string(v.price.currency.code()), v.location.city, v.location.branch, v.location.latitude,
                      v.location.longitude, v.description, v.tracker_ready, to_micros(now));
  } catch (const pqxx::unique_violation& e) {
    duplicate(e);
  }
}

void write_status(pqxx::transaction_base& tx, const Vehicle& a, TimePoint now) {
  tx.exec_prepared0(sql::kVehicleSetStatus.name, a.id, std::string(to_string(a.status)), a.plan_id, a.customer_id,
                    opt_micros(a.reservation_expires_at), a.owner_id, a.rejection_reason, to_micros(now));
}

std::optional<Vehicle> reserve_if_available(pqxx::transaction_base& tx, const std::string& id,
                                            const std::string& plan_id, const std::string& customer_id,
                                            TimePoint expires, TimePoint now) {
  auto r = tx.exec_prepared(sql::kVehicleReserveIfAvailable.name, id, plan_id, customer_id, to_micros(expires),
                            to_micros(now));
  if (r.empty()) return std::nullopt;
  return read_vehicle(r[0]);
}

std::vector<Vehicle> due_reservations(pqxx::transaction_base& tx, TimePoint now, int limit) {
  std::vector<Vehicle> out;
  for (const auto& row : tx.exec_prepared(sql::kVehicleDueReservations.name, to_micros(now), limit))
    out.push_back(read_vehicle(row));
  return out;
}

void insert_history(pqxx::transaction_base& tx, const HistoryEntry& h) {
  tx.exec_prepared0(sql::kHistoryInsert.name, h.vehicle_id, std::string(to_string(h.old_status)),
                    std::string(to_string(h.new_status)), h.reason, h.actor, h.plan_id, h.customer_id,
                    to_micros(h.at));
}

std::vector<HistoryEntry> history(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  std::vector<HistoryEntry> out;
  for (const auto& r : tx.exec_prepared(sql::kHistoryOfVehicle.name, vehicle_id)) {
    HistoryEntry h;
    h.vehicle_id = vehicle_id;
    h.old_status = status_from(r[0].as<std::string>()).value_or(Status::Draft);
    h.new_status = status_from(r[1].as<std::string>()).value_or(Status::Draft);
    h.reason = r[2].as<std::string>();
    h.actor = r[3].as<std::string>();
    h.plan_id = opt_text(r[4]);
    h.customer_id = opt_text(r[5]);
    h.at = from_micros(r[6].as<std::int64_t>());
    out.push_back(std::move(h));
  }
  return out;
}

VehiclePage list_mine(pqxx::transaction_base& tx, const std::string& dealer_id, const MineQuery& q) {
  std::optional<std::string> status;
  if (q.status) status = std::string(to_string(*q.status));
  const int fetch = q.limit + 1;  // one more tells whether another page follows
  auto r = q.after ? tx.exec_prepared(sql::kMineAfter.name, dealer_id, status, fetch, q.after->key, q.after->id)
                   : tx.exec_prepared(sql::kMineFirst.name, dealer_id, status, fetch);
  VehiclePage page;
  for (const auto& row : r) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      const auto& last = page.items.back();
      page.next = SearchCursor{Sort::Newest, to_micros(last.created_at), last.id, fingerprint(q.key())};
      break;
    }
    page.items.push_back(read_vehicle(row));
  }
  return page;
}

std::vector<Category> categories(pqxx::transaction_base& tx) {
  std::vector<Category> out;
  for (const auto& r : tx.exec_prepared(sql::kCategories.name))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
  return out;
}

// ---- images -----------------------------------------------------------------------------------

void insert_image(pqxx::transaction_base& tx, const Image& img) {
  tx.exec_prepared0(sql::kImageInsert.name, img.id, img.vehicle_id, img.content_type, img.size_bytes, img.sha256,
                    img.storage_key, to_micros(img.created_at));
}

std::vector<Image> images_of(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  std::vector<Image> out;
  for (const auto& r : tx.exec_prepared(sql::kImagesOfVehicle.name, vehicle_id)) out.push_back(read_image(r));
  return out;
}

std::optional<std::pair<Vehicle, std::vector<Image>>> find_vehicle_with_images(pqxx::transaction_base& tx,
                                                                              const std::string& id) {
  auto r = tx.exec_prepared(sql::kVehicleWithImages.name, id);
  if (r.empty()) return std::nullopt;
  std::pair<Vehicle, std::vector<Image>> out{read_vehicle(r[0]), {}};
  const auto images = boost::json::parse(r[0][sql::kVehicleColumnCount].c_str());
  for (const auto& v : images.as_array()) {
    const auto& a = v.as_array();
    Image i;
    i.id = std::string(a.at(0).as_string());
    i.vehicle_id = std::string(a.at(1).as_string());
    i.position = static_cast<int>(a.at(2).to_number<std::int64_t>());
    i.content_type = std::string(a.at(3).as_string());
    i.size_bytes = a.at(4).to_number<std::int64_t>();
    i.sha256 = std::string(a.at(5).as_string());
    i.storage_key = std::string(a.at(6).as_string());
    i.created_at = from_micros(a.at(7).to_number<std::int64_t>());
    out.second.push_back(std::move(i));
  }
  return out;
}

std::optional<ServedImage> image_for_serving(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                             const std::string& image_id) {
  auto r = tx.exec_prepared(sql::kImageForServing.name, vehicle_id, image_id);
  if (r.empty()) return std::nullopt;
  ServedImage s;
  s.image = read_image(r[0]);
  s.status = status_from(r[0][8].as<std::string>()).value_or(Status::Draft);
  s.dealer_id = r[0][9].as<std::string>();
  s.owner_id = opt_text(r[0][10]);
  return s;
}

std::optional<std::string> delete_image(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                        const std::string& image_id) {
  auto r = tx.exec_prepared(sql::kImageDelete.name, vehicle_id, image_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void set_image_position(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& image_id,
                        int position) {
  tx.exec_prepared0(sql::kImageSetPosition.name, vehicle_id, image_id, position);
}

void refresh_cover(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint now) {
  tx.exec_prepared0(sql::kVehicleRefreshCover.name, vehicle_id, to_micros(now));
}

void add_image(pqxx::transaction_base& tx, ImageStorage& files, const Image& img, std::string_view bytes) {
  files.put(img.storage_key, bytes);
  insert_image(tx, img);
  refresh_cover(tx, img.vehicle_id, img.created_at);
}

// ---- demo data and the generator ----------------------------------------------------------------

std::int64_t count_vehicles(pqxx::transaction_base& tx) {
  return tx.exec_prepared1(sql::kVehicleCount.name)[0].as<std::int64_t>();
}

std::vector<Vehicle> vehicles_without_images(pqxx::transaction_base& tx, const std::string& dealer_id,
                                             const std::string& vin_prefix) {
  std::vector<Vehicle> out;
  for (const auto& r : tx.exec_prepared(sql::kVehiclesWithoutImages.name, dealer_id, vin_prefix))
    out.push_back(read_vehicle(r));
  return out;
}

void bulk_insert(pqxx::transaction_base& tx, const std::vector<Vehicle>& batch) {
  namespace js = boost::json;
  js::array rows;
  rows.reserve(batch.size());
  auto opt = [](const auto& o) -> js::value {
    if (!o) return nullptr;
    return js::value_from(*o);
  };
  for (const auto& v : batch) {
    rows.push_back(js::object{{"id", v.id},
                              {"dealer_id", v.dealer_id},
                              {"category", v.category},
                              {"make", v.make},
                              {"model", v.model},
                              {"year", v.year},
                              {"condition", v.condition},
                              {"fuel", v.fuel},
                              {"engine_cc", opt(v.engine_cc)},
                              {"battery_kwh", opt(v.battery_kwh)},
                              {"mileage_km", v.mileage_km},
                              {"colour", opt(v.colour)},
                              {"vin", v.vin},
                              {"registration", opt(v.registration)},
                              {"price_amount", v.price.amount},
                              {"price_currency", v.price.currency.code()},
                              {"city", v.location.city},
                              {"branch", opt(v.location.branch)},
                              {"latitude", opt(v.location.latitude)},
                              {"longitude", opt(v.location.longitude)},
                              {"description", v.description},
                              {"tracker_ready", v.tracker_ready},
                              {"status", to_string(v.status)},
                              {"created_us", to_micros(v.created_at)}});
  }
  tx.exec_prepared0(sql::kVehicleBulkInsert.name, js::serialize(rows));
}

}  // namespace vehicle_service::storage
