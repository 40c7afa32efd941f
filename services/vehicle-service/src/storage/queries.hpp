#pragma once
// Every SQL statement of the vehicle service, by name, in one place. They are prepared on each
// pooled connection and always called with parameters (never built from request text).
//
// Time crosses the boundary as int8 microseconds since the Unix epoch (domain/time.hpp):
// TS(n) turns parameter $n into a timestamptz and US(col) reads one back.
#include <rto/db.hpp>
#include <string>
#include <vector>

#include "domain/search_params.hpp"

namespace vehicle_service::sql {

inline std::string P(int n) { return "$" + std::to_string(n); }
inline std::string TS(int n) { return "('epoch'::timestamptz + " + P(n) + "::int8 * interval '1 microsecond')"; }
inline std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }

// Columns read by storage::read_vehicle, in this order (32 columns).
inline const std::string kVehicleColumns =
    "v.id::text, v.dealer_id::text, v.category, v.make, v.model, v.year, v.condition, v.fuel, v.engine_cc, "
    "v.battery_kwh::float8, v.mileage_km, v.colour, v.vin, v.registration, v.price_amount, v.price_currency, "
    "v.city, v.branch, v.latitude, v.longitude, v.description, v.tracker_ready, v.status, v.rejection_reason, "
    "v.plan_id::text, v.customer_id::text, " + US("v.reservation_expires_at") + ", v.owner_id::text, "
    "v.cover_image_id::text, " + US("v.created_at") + ", " + US("v.updated_at") + ", " + US("v.published_at");
inline constexpr int kVehicleColumnCount = 32;

// ---- listings ---------------------------------------------------------------------------------

// $1 id ... $22 published_at µs (null), $23 created_at µs. Unique violations name the constraint
// (vehicles_vin_key, vehicles_registration_key).
inline const rto::db::Statement kVehicleInsert{"vehicle_insert",
    "INSERT INTO vehicles (id, dealer_id, category, make, model, year, condition, fuel, engine_cc, battery_kwh, "
    "mileage_km, colour, vin, registration, price_amount, price_currency, city, branch, latitude, longitude, "
    "description, tracker_ready, status, published_at, created_at, updated_at) VALUES ("
    "$1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10::numeric, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19::float8, $20::float8, $21, $22, $23, " + TS(24) + ", " + TS(25) + ", " + TS(25) + ")"};

inline const rto::db::Statement kVehicleById{"vehicle_by_id",
    "SELECT " + kVehicleColumns + " FROM vehicles v WHERE v.id = $1::uuid"};

// Locks the row for the rest of the transaction: status changes read, decide, then write.
inline const rto::db::Statement kVehicleByIdForUpdate{"vehicle_by_id_for_update",
    "SELECT " + kVehicleColumns + " FROM vehicles v WHERE v.id = $1::uuid FOR UPDATE"};

// The editable fields of a listing ($2..$21) and updated_at ($22).
inline const rto::db::Statement kVehicleUpdateListing{"vehicle_update_listing",
    "UPDATE vehicles SET category = $2, make = $3, model = $4, year = $5, condition = $6, fuel = $7, "
    "engine_cc = $8, battery_kwh = $9::numeric, mileage_km = $10, colour = $11, vin = $12, registration = $13, "
    "price_amount = $14, price_currency = $15, city = $16, branch = $17, latitude = $18::float8, "
    "longitude = $19::float8, description = $20, tracker_ready = $21, updated_at = " + TS(22) +
    " WHERE id = $1::uuid"};

// A status change with the holding it leaves: $2 status, $3 plan_id, $4 customer_id,
// $5 reservation expiry µs, $6 owner_id, $7 rejection reason, $8 now µs (also published_at the
// first time the vehicle becomes available).
inline const rto::db::Statement kVehicleSetStatus{"vehicle_set_status",
    "UPDATE vehicles SET status = $2, plan_id = $3::uuid, customer_id = $4::uuid, reservation_expires_at = " +
    TS(5) + ", owner_id = $6::uuid, rejection_reason = $7, updated_at = " + TS(8) +
    ", published_at = CASE WHEN published_at IS NULL AND $2 = 'available' THEN " + TS(8) +
    " ELSE published_at END WHERE id = $1::uuid"};

// The reservation race is decided here: only one transaction finds the row still available.
// $2 plan, $3 customer, $4 expiry µs, $5 now µs. Returns the reserved row (no row: not available).
inline const rto::db::Statement kVehicleReserveIfAvailable{"vehicle_reserve_if_available",
    "UPDATE vehicles v SET status = 'reserved', plan_id = $2::uuid, customer_id = $3::uuid, "
    "reservation_expires_at = " + TS(4) + ", updated_at = " + TS(5) +
    " WHERE v.id = $1::uuid AND v.status = 'available' RETURNING " + kVehicleColumns};

// Reservations past their expiry ($1 now µs), oldest first, at most $2, locked; rows another
// sweep is handling are skipped.
inline const rto::db::Statement kVehicleDueReservations{"vehicle_due_reservations",
    "SELECT " + kVehicleColumns + " FROM vehicles v WHERE v.status = 'reserved' AND v.reservation_expires_at <= " +
    TS(1) + " ORDER BY v.reservation_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED"};

inline const rto::db::Statement kHistoryInsert{"status_history_insert",
    "INSERT INTO vehicle_status_history (vehicle_id, old_status, new_status, reason, actor, plan_id, customer_id, "
    "created_at) VALUES ($1::uuid, $2, $3, $4, $5, $6::uuid, $7::uuid, " + TS(8) + ")"};

inline const rto::db::Statement kHistoryOfVehicle{"status_history_of_vehicle",
    "SELECT old_status, new_status, reason, actor, plan_id::text, customer_id::text, " + US("created_at") +
    " FROM vehicle_status_history WHERE vehicle_id = $1::uuid ORDER BY id"};

// A dealer's own listings, newest first: $1 dealer, $2 status (null: all), $3 limit; the
// "after" form adds the keyset bound ($4 created_at µs, $5 id).
inline const std::string kMineWhere = " FROM vehicles v WHERE v.dealer_id = $1::uuid AND ($2::text IS NULL OR v.status = $2) ";
inline const rto::db::Statement kMineFirst{"vehicle_mine_first",
    "SELECT " + kVehicleColumns + kMineWhere + "ORDER BY v.created_at DESC, v.id DESC LIMIT $3"};
inline const rto::db::Statement kMineAfter{"vehicle_mine_after",
    "SELECT " + kVehicleColumns + kMineWhere + "AND (v.created_at, v.id) < (" + TS(4) +
    ", $5::uuid) ORDER BY v.created_at DESC, v.id DESC LIMIT $3"};

inline const rto::db::Statement kCategories{"categories_all",
    "SELECT slug, name_en, name_sw FROM categories ORDER BY position"};

// ---- marketplace search -----------------------------------------------------------------------
//
// Parameters shared by every search statement:
//   $1 status  $2 q (normalised)  $3 category  $4 make (lower)  $5 fuel  $6 condition
//   $7 currency  $8 price_min  $9 price_max  $10 year_min  $11 year_max  $12 city (lower)
//   $13 dealer_id  $14 near latitude  $15 near longitude  $16 radius_km
// Page statements add $17 limit, and the "after" forms the cursor ($18 key, $19 id).
// An absent filter is NULL; the connection plans each execution with its values
// (plan_cache_mode = force_custom_plan, set by the migration), so NULL filters fold away and the
// planner picks the index for the filters actually given.

// Distance in whole metres from the near point (haversine, mean Earth radius).
inline const std::string kSearchFrom =
    " FROM vehicles v CROSS JOIN LATERAL (SELECT "
    "CASE WHEN $14::float8 IS NULL OR v.latitude IS NULL THEN NULL ELSE round(2 * 6371008.8 * asin(least(1.0, sqrt("
    "power(sin(radians(v.latitude - $14::float8) / 2), 2) + cos(radians($14::float8)) * cos(radians(v.latitude)) * "
    "power(sin(radians(v.longitude - $15::float8) / 2), 2)))))::int8 END AS dist_m) x ";

// Every filter but the text. Near limits results to listings with a position, inside a
// bounding box (index) and then the radius.
inline const std::string kFilterWhere =
    "v.status = $1 "
    "AND ($3::text IS NULL OR v.category = $3) "
    "AND ($4::text IS NULL OR lower(v.make) = $4) "
    "AND ($5::text IS NULL OR v.fuel = $5) "
    "AND ($6::text IS NULL OR v.condition = $6) "
    "AND ($7::text IS NULL OR v.price_currency = $7) "
    "AND ($8::int8 IS NULL OR v.price_amount >= $8) "
    "AND ($9::int8 IS NULL OR v.price_amount <= $9) "
    "AND ($10::int4 IS NULL OR v.year >= $10) "
    "AND ($11::int4 IS NULL OR v.year <= $11) "
    "AND ($12::text IS NULL OR lower(v.city) = $12) "
    "AND ($13::uuid IS NULL OR v.dealer_id = $13) "
    "AND ($14::float8 IS NULL OR (v.latitude IS NOT NULL AND ($16::float8 IS NULL OR ("
    "v.latitude BETWEEN $14::float8 - $16::float8 / 111.19 AND $14::float8 + $16::float8 / 111.19 "
    "AND v.longitude BETWEEN $15::float8 - $16::float8 / (111.19 * greatest(cos(radians($14::float8)), 0.01)) "
    "AND $15::float8 + $16::float8 / (111.19 * greatest(cos(radians($14::float8)), 0.01)) "
    "AND x.dist_m <= $16::float8 * 1000)))) ";

// Typo tolerance works on the small vocabulary of distinct "make model" texts
// (vehicle_models), not on every listing: the models similar to q by trigrams, either as a
// whole (%) or as words within the model name (<%), so "bajaj boxr" finds "bajaj boxer bm150".
inline const std::string kModelsLike =
    "SELECT t.make_model FROM vehicle_models t WHERE t.make_model % $2::text OR $2::text <% t.make_model";
inline const std::string kTsQuery = "websearch_to_tsquery('english', $2::text)";

// The text filter: full-text search over make, model and description (websearch syntax,
// stemmed) or one of the similar models.
inline const std::string kTextWhere =
    "AND ($2::text IS NULL OR v.search @@ " + kTsQuery + " OR v.make_model = ANY (ARRAY(" + kModelsLike + "))) ";

inline const std::string kSearchWhere = "WHERE " + kFilterWhere + kTextWhere;

struct SortSql {
  const char* key;       // the sort key as an int8 column
  const char* order;     // ORDER BY
  std::string after;     // keyset bound on ($18, $19)
};

inline SortSql sort_sql(Sort s) {
  switch (s) {
    case Sort::PriceAsc:
      return {"v.price_amount", "v.price_amount ASC, v.id ASC", "AND (v.price_amount, v.id) > ($18::int8, $19::uuid) "};
    case Sort::PriceDesc:
      return {"v.price_amount", "v.price_amount DESC, v.id DESC", "AND (v.price_amount, v.id) < ($18::int8, $19::uuid) "};
    case Sort::Nearest:
      return {"x.dist_m", "x.dist_m ASC, v.id ASC", "AND (x.dist_m, v.id) > ($18::int8, $19::uuid) "};
    case Sort::Newest:
    case Sort::Relevance:
      break;
  }
  return {"(extract(epoch FROM v.created_at) * 1000000)::int8", "v.created_at DESC, v.id DESC",
          "AND (v.created_at, v.id) < (" + TS(18) + ", $19::uuid) "};
}

// Relevance (needs q), in millionths: each similar model is a bucket scored by its trigram
// similarity to q (at least 0.3 by the % threshold, so at least 300000); within a bucket, by id.
// Each bucket reads at most one page from the (status, make_model, id) index, so the cost follows
// the number of similar models, not the number of listings that match. Listings found only by
// full-text search of their description come after every model match (score 0); that branch
// runs only when the model matches do not fill the page.
inline std::string relevance_sql(bool after) {
  std::string model_bound = after ? "AND (m.score < $18::int8 OR (m.score = $18::int8 AND v.id < $19::uuid)) " : "";
  std::string text_bound = after ? "AND (0 < $18::int8 OR (0 = $18::int8 AND v.id < $19::uuid)) " : "";
  return "WITH m AS MATERIALIZED (SELECT t.make_model, round(greatest(word_similarity($2::text, t.make_model), "
         "similarity($2::text, t.make_model)) * 1000000)::int8 AS score FROM vehicle_models t "
         "WHERE t.make_model % $2::text OR $2::text <% t.make_model), "
         "by_model AS MATERIALIZED (SELECT h.* FROM m CROSS JOIN LATERAL (SELECT " + kVehicleColumns +
         ", x.dist_m, m.score AS sort_key, v.id AS sort_id" + kSearchFrom + "WHERE v.make_model = m.make_model AND " +
         kFilterWhere + model_bound + "ORDER BY v.id DESC LIMIT $17) h ORDER BY h.sort_key DESC, h.sort_id DESC LIMIT $17), "
         "by_text AS (SELECT " + kVehicleColumns + ", x.dist_m, 0::int8 AS sort_key, v.id AS sort_id" + kSearchFrom +
         "WHERE (SELECT count(*) FROM by_model) < $17 AND v.search @@ " + kTsQuery +
         " AND v.make_model <> ALL (ARRAY(SELECT make_model FROM m)) AND " + kFilterWhere + text_bound +
         "ORDER BY v.id DESC LIMIT $17) "
         "SELECT * FROM (SELECT * FROM by_model UNION ALL SELECT * FROM by_text) hits "
         "ORDER BY sort_key DESC, sort_id DESC LIMIT $17";
}

// Page rows: the vehicle columns, then dist_m and the sort key.
inline rto::db::Statement search_statement(Sort s, bool after) {
  std::string name = "search_" + std::string(to_string(s)) + (after ? "_after" : "_first");
  if (s == Sort::Relevance) return {name, relevance_sql(after)};
  auto ss = sort_sql(s);
  return {name, "SELECT " + kVehicleColumns + ", x.dist_m, " + ss.key + kSearchFrom + kSearchWhere +
                    (after ? ss.after : std::string()) + "ORDER BY " + ss.order + " LIMIT $17"};
}

inline std::string search_name(Sort s, bool after) {
  return "search_" + std::string(to_string(s)) + (after ? "_after" : "_first");
}

// Facet counts of the whole filtered set in one pass: counts per (category, make, city, fuel),
// summed per facet by the caller. Without text or position filters the covering index
// vehicles_facets answers it without reading the table.
inline const rto::db::Statement kSearchFacets{"search_facets",
    "SELECT v.category, v.make, v.city, v.fuel, count(*)" + kSearchFrom + kSearchWhere +
    "GROUP BY v.category, v.make, v.city, v.fuel"};

// ---- images -----------------------------------------------------------------------------------

inline const std::string kImageColumns =
    "i.id::text, i.vehicle_id::text, i.position, i.content_type, i.size_bytes, i.sha256, i.storage_key, " +
    US("i.created_at");

// Appends at the end: position = current count.
inline const rto::db::Statement kImageInsert{"image_insert",
    "INSERT INTO vehicle_images (id, vehicle_id, position, content_type, size_bytes, sha256, storage_key, created_at) "
    "VALUES ($1::uuid, $2::uuid, (SELECT COALESCE(max(position) + 1, 0) FROM vehicle_images WHERE vehicle_id = $2::uuid), "
    "$3, $4, $5, $6, " + TS(7) + ")"};

inline const rto::db::Statement kImagesOfVehicle{"images_of_vehicle",
    "SELECT " + kImageColumns + " FROM vehicle_images i WHERE i.vehicle_id = $1::uuid ORDER BY i.position, i.created_at, i.id"};

// A vehicle with its images in one statement (one round trip, no transaction block): the images
// come as one JSON array column after the vehicle's columns, in display order.
inline const rto::db::Statement kVehicleWithImages{"vehicle_with_images",
    "SELECT " + kVehicleColumns + ", (SELECT coalesce(json_agg(json_build_array(i.id::text, i.vehicle_id::text, "
    "i.position, i.content_type, i.size_bytes, i.sha256, i.storage_key, " + US("i.created_at") +
    ") ORDER BY i.position, i.created_at, i.id), '[]') FROM vehicle_images i WHERE i.vehicle_id = v.id) "
    "FROM vehicles v WHERE v.id = $1::uuid"};

// An image with what decides who may fetch it: the vehicle's status, dealer and owner.
inline const rto::db::Statement kImageForServing{"image_for_serving",
    "SELECT " + kImageColumns + ", v.status, v.dealer_id::text, v.owner_id::text FROM vehicle_images i "
    "JOIN vehicles v ON v.id = i.vehicle_id WHERE i.id = $2::uuid AND i.vehicle_id = $1::uuid"};

inline const rto::db::Statement kImageDelete{"image_delete",
    "DELETE FROM vehicle_images WHERE id = $2::uuid AND vehicle_id = $1::uuid RETURNING storage_key"};

inline const rto::db::Statement kImageSetPosition{"image_set_position",
    "UPDATE vehicle_images SET position = $3 WHERE id = $2::uuid AND vehicle_id = $1::uuid"};

// The cover is the first image; kept on the vehicle row so search needs no join.
inline const rto::db::Statement kVehicleRefreshCover{"vehicle_refresh_cover",
    "UPDATE vehicles SET cover_image_id = (SELECT id FROM vehicle_images WHERE vehicle_id = $1::uuid "
    "ORDER BY position, created_at, id LIMIT 1), updated_at = " + TS(2) + " WHERE id = $1::uuid"};

// ---- demo data and the generator ----------------------------------------------------------------

inline const rto::db::Statement kVehicleCount{"vehicle_count", "SELECT count(*) FROM vehicles"};

// A dealer's vehicles with a VIN prefix (the demo catalogue's) that have no image yet.
inline const rto::db::Statement kVehiclesWithoutImages{"vehicles_without_images",
    "SELECT " + kVehicleColumns + " FROM vehicles v WHERE v.dealer_id = $1::uuid AND starts_with(v.vin, $2) "
    "AND NOT EXISTS (SELECT 1 FROM vehicle_images i WHERE i.vehicle_id = v.id) ORDER BY v.vin"};

// Maintenance commands of the tools (no parameters; not preparable).
inline constexpr const char* kLockVehiclesForSeeding = "LOCK TABLE vehicles IN SHARE ROW EXCLUSIVE MODE";
// Outside a transaction: sets the visibility map (index-only scans) and planner statistics.
inline constexpr const char* kVacuumAnalyzeVehicles = "VACUUM (ANALYZE) vehicles";

// Many rows in one statement: $1 is a JSON array of objects with the named fields.
inline const rto::db::Statement kVehicleBulkInsert{"vehicle_bulk_insert",
    "INSERT INTO vehicles (id, dealer_id, category, make, model, year, condition, fuel, engine_cc, battery_kwh, "
    "mileage_km, colour, vin, registration, price_amount, price_currency, city, branch, latitude, longitude, "
    "description, tracker_ready, status, created_at, updated_at, published_at) "
    "SELECT r.id, r.dealer_id, r.category, r.make, r.model, r.year, r.condition, r.fuel, r.engine_cc, r.battery_kwh, "
    "r.mileage_km, r.colour, r.vin, r.registration, r.price_amount, r.price_currency, r.city, r.branch, r.latitude, "
    "r.longitude, r.description, r.tracker_ready, r.status, "
    "'epoch'::timestamptz + r.created_us * interval '1 microsecond', "
    "'epoch'::timestamptz + r.created_us * interval '1 microsecond', "
    "CASE WHEN r.status = 'available' THEN 'epoch'::timestamptz + r.created_us * interval '1 microsecond' END "
    "FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, dealer_id uuid, category text, make text, model text, "
    "year int, condition text, fuel text, engine_cc int, battery_kwh numeric, mileage_km int, colour text, vin text, "
    "registration text, price_amount bigint, price_currency text, city text, branch text, latitude float8, "
    "longitude float8, description text, tracker_ready bool, status text, created_us int8)"};

inline std::vector<rto::db::Statement> all() {
  std::vector<rto::db::Statement> s = {
      kVehicleInsert,     kVehicleById,      kVehicleByIdForUpdate, kVehicleUpdateListing, kVehicleSetStatus,
      kVehicleReserveIfAvailable, kVehicleDueReservations, kHistoryInsert, kHistoryOfVehicle, kMineFirst,
      kMineAfter,         kCategories,       kSearchFacets,         kImageInsert,          kImagesOfVehicle,
      kVehicleWithImages,
      kImageForServing,   kImageDelete,      kImageSetPosition,     kVehicleRefreshCover,  kVehicleCount,
      kVehiclesWithoutImages, kVehicleBulkInsert};
  for (auto sort : {Sort::PriceAsc, Sort::PriceDesc, Sort::Newest, Sort::Nearest, Sort::Relevance}) {
    s.push_back(search_statement(sort, false));
    s.push_back(search_statement(sort, true));
  }
  return s;
}

}  // namespace vehicle_service::sql
