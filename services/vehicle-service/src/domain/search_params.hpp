#pragma once
// Marketplace search parameters (GET /api/v1/vehicles): validation, normalisation and the
// opaque keyset cursor. Pure: no I/O.
//
// Parameters: q, category, make, fuel, condition, currency, price_min, price_max, year_min,
// year_max, city, dealer_id, near=lat,lon, radius_km, status (staff only), sort, limit, cursor.
// Empty values count as absent. Unknown or repeated parameters are refused (400 naming them).
// currency is an ISO 4217 code (three upper-case letters) the platform supports; price_min and
// price_max are minor units of that currency and need it (400 naming "currency" without it),
// since amounts in different currencies cannot be compared.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/status.hpp"

namespace vehicle_service {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

enum class Sort { PriceAsc, PriceDesc, Newest, Nearest, Relevance };
std::string_view to_string(Sort s) noexcept;
std::optional<Sort> sort_from(std::string_view s) noexcept;

inline constexpr int kDefaultLimit = 20;
inline constexpr int kMaxLimit = 100;
inline constexpr double kMaxRadiusKm = 2000;

struct GeoPoint {
  double lat = 0;
  double lon = 0;
};

struct SearchFilters {
  Status status = Status::Available;
  std::optional<std::string> q;  // trimmed, inner white space collapsed, ASCII lower case
  std::optional<std::string> category, make, fuel, condition, currency, city, dealer_id;
  std::optional<std::int64_t> price_min, price_max;
  std::optional<int> year_min, year_max;
  std::optional<GeoPoint> near;
  std::optional<double> radius_km;

  // Canonical text of the filters (sort, limit and cursor excluded): the facet cache key, and
  // what a cursor is bound to.
  std::string key() const;
};

// The position after the last row of a page: the sort key of that row and its id. The key is
// an integer for every sort (minor units, microseconds, metres, relevance in millionths).
struct SearchCursor {
  Sort sort = Sort::Newest;
  std::int64_t key = 0;
  std::string id;
  std::uint64_t filters = 0;  // hash of SearchFilters::key(): a cursor works only for its search
  bool operator==(const SearchCursor&) const = default;
};

// base64url of a small JSON object; opaque to clients.
std::string encode_cursor(const SearchCursor& c);
std::optional<SearchCursor> decode_cursor(std::string_view text);

// FNV-1a 64 of the text.
std::uint64_t fingerprint(std::string_view text) noexcept;

struct SearchQuery {
  SearchFilters filters;
  Sort sort = Sort::Newest;
  int limit = kDefaultLimit;
  std::optional<SearchCursor> after;
};

// Throws rto::Error 400 naming every bad parameter, or 403 (field "status") when a caller who
// is not staff filters by status.
SearchQuery parse_search_query(const QueryParams& params, bool staff);

// GET /api/v1/vehicles/mine: status (any), limit, cursor (newest first).
struct MineQuery {
  std::optional<Status> status;
  int limit = kDefaultLimit;
  std::optional<SearchCursor> after;
  std::string key() const;
};
MineQuery parse_mine_query(const QueryParams& params);

// Great-circle distance in metres (haversine on a sphere of the mean Earth radius). The SQL of
// the search computes the same formula; this one is for checks and tests.
double haversine_m(GeoPoint a, GeoPoint b) noexcept;

}  // namespace vehicle_service
