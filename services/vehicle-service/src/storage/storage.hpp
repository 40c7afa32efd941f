#pragma once
// Storage functions of the vehicle service. Each takes the caller's transaction, so the caller
// decides what commits together (a status change, its history row and its outbox event). SQL
// is in queries.hpp.
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "domain/search_params.hpp"
#include "domain/status.hpp"
#include "domain/time.hpp"
#include "domain/vehicle.hpp"
#include "images/storage.hpp"

namespace vehicle_service::storage {

// ---- listings ---------------------------------------------------------------------------------

// Reads the columns of sql::kVehicleColumns starting at `offset`.
Vehicle read_vehicle(const pqxx::row& r, int offset = 0);

std::optional<Vehicle> find_vehicle(pqxx::transaction_base& tx, const std::string& id);
// Locks the row until the transaction ends.
std::optional<Vehicle> lock_vehicle(pqxx::transaction_base& tx, const std::string& id);

// Both throw rto::Error 409 naming "vin" or "registration" when another vehicle has it.
void insert_vehicle(pqxx::transaction_base& tx, const Vehicle& v);
void update_listing(pqxx::transaction_base& tx, const Vehicle& v, TimePoint now);

// Writes status, holding (plan, customer, expiry, owner) and rejection reason of `after`.
void write_status(pqxx::transaction_base& tx, const Vehicle& after, TimePoint now);

// The atomic reservation: the reserved row, or nullopt when the vehicle was not available.
std::optional<Vehicle> reserve_if_available(pqxx::transaction_base& tx, const std::string& id,
                                            const std::string& plan_id, const std::string& customer_id,
                                            TimePoint expires, TimePoint now);

// Reserved vehicles whose reservation has expired, locked (rows locked elsewhere are skipped).
std::vector<Vehicle> due_reservations(pqxx::transaction_base& tx, TimePoint now, int limit);

struct HistoryEntry {
  std::string vehicle_id;
  Status old_status = Status::Draft;
  Status new_status = Status::Draft;
  std::string reason;
  std::string actor;
  std::optional<std::string> plan_id;
  std::optional<std::string> customer_id;
  TimePoint at{};
};
void insert_history(pqxx::transaction_base& tx, const HistoryEntry& h);
std::vector<HistoryEntry> history(pqxx::transaction_base& tx, const std::string& vehicle_id);

struct VehiclePage {
  std::vector<Vehicle> items;
  std::optional<SearchCursor> next;
};
VehiclePage list_mine(pqxx::transaction_base& tx, const std::string& dealer_id, const MineQuery& q);

struct Category {
  std::string slug, name_en, name_sw;
};
std::vector<Category> categories(pqxx::transaction_base& tx);

// ---- marketplace search -----------------------------------------------------------------------

struct SearchHit {
  Vehicle vehicle;
  std::optional<std::int64_t> distance_m;
};
struct SearchPage {
  std::vector<SearchHit> items;
  std::optional<SearchCursor> next;
};
SearchPage search(pqxx::transaction_base& tx, const SearchQuery& q);

// Counts per value, largest first (ties by value).
struct FacetCounts {
  std::vector<std::pair<std::string, std::int64_t>> category, make, city, fuel;
};
FacetCounts facets(pqxx::transaction_base& tx, const SearchFilters& f);

// ---- images -----------------------------------------------------------------------------------

void insert_image(pqxx::transaction_base& tx, const Image& img);
std::vector<Image> images_of(pqxx::transaction_base& tx, const std::string& vehicle_id);
// The vehicle and its images in one statement (a public read: one round trip).
std::optional<std::pair<Vehicle, std::vector<Image>>> find_vehicle_with_images(pqxx::transaction_base& tx,
                                                                              const std::string& id);

struct ServedImage {
  Image image;
  Status status = Status::Draft;
  std::string dealer_id;
  std::optional<std::string> owner_id;
};
std::optional<ServedImage> image_for_serving(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                             const std::string& image_id);
// Returns the storage key of the deleted image.
std::optional<std::string> delete_image(pqxx::transaction_base& tx, const std::string& vehicle_id,
                                        const std::string& image_id);
void set_image_position(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& image_id,
                        int position);
// Sets vehicles.cover_image_id to the first image.
void refresh_cover(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint now);
// Stores an accepted image (domain/image.hpp, accept_upload) as every image is stored: its bytes
// under its storage key, its row after the vehicle's other images, and the vehicle's cover
// (updated_at = the image's created_at). Call with the vehicle's row locked. The bytes are
// written first: when the transaction does not commit, the caller removes them.
void add_image(pqxx::transaction_base& tx, ImageStorage& files, const Image& img, std::string_view bytes);

// ---- demo data and the generator ----------------------------------------------------------------

std::int64_t count_vehicles(pqxx::transaction_base& tx);
// The vehicles of `dealer_id` whose VIN starts with `vin_prefix` and that have no image, by VIN.
std::vector<Vehicle> vehicles_without_images(pqxx::transaction_base& tx, const std::string& dealer_id,
                                             const std::string& vin_prefix);
// One statement for the whole batch (status and created_at from each vehicle).
void bulk_insert(pqxx::transaction_base& tx, const std::vector<Vehicle>& batch);

}  // namespace vehicle_service::storage
