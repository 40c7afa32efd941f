#include <algorithm>
#include <map>

#include "storage/queries.hpp"
#include "storage/storage.hpp"

namespace vehicle_service::storage {

namespace {

// The 16 filter parameters of every search statement, in order ($1..$16), then `extra`.
template <typename... Extra>
pqxx::result run(pqxx::transaction_base& tx, const std::string& name, const SearchFilters& f, Extra&&... extra) {
  std::optional<double> lat, lon;
  if (f.near) {
    lat = f.near->lat;
    lon = f.near->lon;
  }
  return tx.exec_prepared(name, std::string(to_string(f.status)), f.q, f.category, f.make, f.fuel, f.condition,
                          f.currency, f.price_min, f.price_max, f.year_min, f.year_max, f.city, f.dealer_id, lat, lon,
                          f.radius_km, std::forward<Extra>(extra)...);
}

}  // namespace

SearchPage search(pqxx::transaction_base& tx, const SearchQuery& q) {
  const int fetch = q.limit + 1;  // one more tells whether another page follows
  auto r = q.after ? run(tx, sql::search_name(q.sort, true), q.filters, fetch, q.after->key, q.after->id)
                   : run(tx, sql::search_name(q.sort, false), q.filters, fetch);
  SearchPage page;
  page.items.reserve(std::min<std::size_t>(r.size(), static_cast<std::size_t>(q.limit)));
  std::int64_t last_key = 0;
  for (const auto& row : r) {
    if (static_cast<int>(page.items.size()) == q.limit) {
      page.next = SearchCursor{q.sort, last_key, page.items.back().vehicle.id, fingerprint(q.filters.key())};
      break;
    }
    SearchHit hit;
    hit.vehicle = read_vehicle(row);
    const auto& dist = row[sql::kVehicleColumnCount];
    if (!dist.is_null()) hit.distance_m = dist.as<std::int64_t>();
    last_key = row[sql::kVehicleColumnCount + 1].as<std::int64_t>();
    page.items.push_back(std::move(hit));
  }
  return page;
}

FacetCounts facets(pqxx::transaction_base& tx, const SearchFilters& f) {
  std::map<std::string, std::int64_t> category, make, city, fuel;
  for (const auto& row : run(tx, sql::kSearchFacets.name, f)) {
    const auto n = row[4].as<std::int64_t>();
    category[row[0].as<std::string>()] += n;
    make[row[1].as<std::string>()] += n;
    city[row[2].as<std::string>()] += n;
    fuel[row[3].as<std::string>()] += n;
  }
  // Largest first, ties by value.
  auto ordered = [](const std::map<std::string, std::int64_t>& m) {
    std::vector<std::pair<std::string, std::int64_t>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
  };
  FacetCounts out;
  out.category = ordered(category);
  out.make = ordered(make);
  out.city = ordered(city);
  out.fuel = ordered(fuel);
  return out;
}

}  // namespace vehicle_service::storage
