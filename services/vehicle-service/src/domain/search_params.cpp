#include "domain/search_params.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <rto/crypto.hpp>
#include <rto/paging.hpp>
#include <rto/errors.hpp>
#include <rto/money.hpp>
#include <set>

#include "domain/listing.hpp"
#include "domain/vehicle.hpp"

namespace vehicle_service {
namespace js = boost::json;

std::string_view to_string(Sort s) noexcept {
  switch (s) {
    case Sort::PriceAsc: return "price_asc";
    case Sort::PriceDesc: return "price_desc";
    case Sort::Newest: return "newest";
    case Sort::Nearest: return "nearest";
    case Sort::Relevance: return "relevance";
  }
  return "newest";
}

std::optional<Sort> sort_from(std::string_view s) noexcept {
  for (auto v : {Sort::PriceAsc, Sort::PriceDesc, Sort::Newest, Sort::Nearest, Sort::Relevance})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::uint64_t fingerprint(std::string_view text) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

namespace {

std::string fixed6(double d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6f", d);
  return buf;
}

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<std::uint64_t> parse_hex64(std::string_view s) {
  if (s.size() != 16) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Trims, collapses runs of white space to one space and lower-cases ASCII letters.
std::string normalize_text(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty() || s.front() == '+') return std::nullopt;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

class Problems {
 public:
  void add(std::string field, std::string message) {
    if (seen_.insert(field).second) errors_.push_back({std::move(field), std::move(message)});
  }
  bool has(const std::string& field) const { return seen_.count(field) > 0; }
  void finish() {
    if (errors_.empty()) return;
    std::string detail = errors_.size() == 1
                             ? "invalid query parameter '" + errors_[0].field + "': " + errors_[0].message
                             : std::to_string(errors_.size()) + " query parameters are invalid";
    throw rto::BadRequest(std::move(detail), std::move(errors_));
  }

 private:
  std::vector<rto::FieldError> errors_;
  std::set<std::string> seen_;
};

// Each parameter once; returns the non-empty values by name.
std::vector<std::pair<std::string, std::string>> distinct(const QueryParams& params,
                                                         std::initializer_list<std::string_view> known,
                                                         Problems& problems) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  for (const auto& [k, v] : params) {
    if (k.empty()) continue;  // "?" or "&&" in the URL
    bool ok = false;
    for (auto n : known) ok = ok || n == k;
    if (!ok) {
      problems.add(k.size() > 40 ? k.substr(0, 40) : k, "is not a known parameter");
      continue;
    }
    if (!seen.insert(k).second) {
      problems.add(k, "is given more than once");
      continue;
    }
    if (!v.empty()) out.emplace_back(k, v);
  }
  return out;
}

std::optional<SearchCursor> read_cursor(std::string_view value, Problems& p) {
  auto c = decode_cursor(value);
  if (!c) p.add("cursor", "is not a cursor returned by this search");
  return c;
}

}  // namespace

std::string SearchFilters::key() const {
  std::string k = "s=";
  k += to_string(status);
  auto add = [&](const char* name, const std::optional<std::string>& v) {
    if (!v) return;
    k += '|';
    k += name;
    k += '=';
    k += *v;
  };
  auto add_int = [&](const char* name, auto v) {
    if (!v) return;
    k += '|';
    k += name;
    k += '=';
    k += std::to_string(*v);
  };
  add("q", q);
  add("category", category);
  add("make", make);
  add("fuel", fuel);
  add("condition", condition);
  add("currency", currency);
  add("city", city);
  add("dealer", dealer_id);
  add_int("pmin", price_min);
  add_int("pmax", price_max);
  add_int("ymin", year_min);
  add_int("ymax", year_max);
  if (near) k += "|near=" + fixed6(near->lat) + "," + fixed6(near->lon);
  if (radius_km) k += "|r=" + fixed6(*radius_km);
  return k;
}

std::string MineQuery::key() const { return std::string("mine|s=") + (status ? std::string(to_string(*status)) : "*"); }

std::string encode_cursor(const SearchCursor& c) {
  return rto::paging::encode_object(js::object{{"s", to_string(c.sort)}, {"k", c.key}, {"id", c.id}, {"f", hex64(c.filters)}});
}

std::optional<SearchCursor> decode_cursor(std::string_view text) {
  auto decoded = rto::paging::decode_object(text, 300);
  if (!decoded) return std::nullopt;
  const auto& o = *decoded;
  auto* s = o.if_contains("s");
  auto* k = o.if_contains("k");
  auto* id = o.if_contains("id");
  auto* f = o.if_contains("f");
  if (!s || !k || !id || !f || !s->is_string() || !k->is_int64() || !id->is_string() || !f->is_string())
    return std::nullopt;
  auto sort = sort_from(s->as_string());
  auto uid = canonical_uuid(id->as_string());
  auto fh = parse_hex64(f->as_string());
  if (!sort || !uid || !fh) return std::nullopt;
  return SearchCursor{*sort, k->as_int64(), *uid, *fh};
}

SearchQuery parse_search_query(const QueryParams& params, bool staff) {
  Problems p;
  auto values = distinct(params,
                         {"q", "category", "make", "fuel", "condition", "currency", "price_min", "price_max", "year_min",
                          "year_max", "city", "dealer_id", "near", "radius_km", "status", "sort", "limit", "cursor"},
                         p);
  SearchQuery out;
  auto& f = out.filters;
  std::optional<Sort> sort;
  std::optional<std::string> cursor_text;
  for (const auto& [k, v] : values) {
    if (k == "status") {
      if (!staff)
        throw rto::Error(rto::ErrorKind::Forbidden, "only staff may filter by status; the public sees available listings",
                         {{"status", "is for staff only"}})
            .with_code("status-filter-forbidden");
      if (auto st = status_from(v))
        f.status = *st;
      else
        p.add("status", "must be a vehicle status");
    } else if (k == "q") {
      auto t = normalize_text(v);
      if (utf8_length(t) > 100)
        p.add("q", "must be at most 100 characters");
      else if (!t.empty())
        f.q = t;
    } else if (k == "category") {
      if (is_category(v))
        f.category = v;
      else
        p.add("category", "must be one of: motorcycle, e-motorcycle, tuk-tuk, car, e-bike, van-pickup");
    } else if (k == "make" || k == "city") {
      auto t = normalize_text(v);
      if (t.empty() || utf8_length(t) > 60)
        p.add(k, "must be 1 to 60 characters");
      else
        (k == "make" ? f.make : f.city) = t;
    } else if (k == "fuel") {
      if (v == "petrol" || v == "diesel" || v == "electric" || v == "hybrid")
        f.fuel = v;
      else
        p.add("fuel", "must be one of: petrol, diesel, electric, hybrid");
    } else if (k == "condition") {
      if (v == "new" || v == "used")
        f.condition = v;
      else
        p.add("condition", "must be new or used");
    } else if (k == "currency") {
      if (v.size() != 3 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        p.add("currency", "must be an ISO 4217 code: three upper-case letters, e.g. UGX or KES");
      else if (rto::Currency::find(v))
        f.currency = v;
      else
        p.add("currency", "must be a supported ISO 4217 code such as UGX or KES");
    } else if (k == "price_min" || k == "price_max") {
      auto n = parse_int(v);
      if (!n || *n < 0 || *n > 1'000'000'000'000'000)
        p.add(k, "must be a whole number of minor units, 0 or more");
      else
        (k == "price_min" ? f.price_min : f.price_max) = *n;
    } else if (k == "year_min" || k == "year_max") {
      auto n = parse_int(v);
      if (!n || *n < 1950 || *n > 2100)
        p.add(k, "must be a year between 1950 and 2100");
      else
        (k == "year_min" ? f.year_min : f.year_max) = static_cast<int>(*n);
    } else if (k == "dealer_id") {
      if (auto u = canonical_uuid(v))
        f.dealer_id = *u;
      else
        p.add("dealer_id", "must be a UUID");
    } else if (k == "near") {
      auto comma = v.find(',');
      std::optional<double> lat, lon;
      if (comma != std::string::npos) {
        lat = parse_double(std::string_view(v).substr(0, comma));
        lon = parse_double(std::string_view(v).substr(comma + 1));
      }
      if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180)
        p.add("near", "must be latitude,longitude in decimal degrees, e.g. 0.3476,32.5825");
      else
        f.near = GeoPoint{*lat, *lon};
    } else if (k == "radius_km") {
      auto d = parse_double(v);
      if (!d || *d <= 0 || *d > kMaxRadiusKm)
        p.add("radius_km", "must be a number of kilometres above 0 and at most 2000");
      else
        f.radius_km = *d;
    } else if (k == "sort") {
      sort = sort_from(v);
      if (!sort) p.add("sort", "must be one of: price_asc, price_desc, newest, nearest, relevance");
    } else if (k == "limit") {
      auto n = parse_int(v);
      if (!n || *n < 1 || *n > kMaxLimit)
        p.add("limit", "must be a whole number from 1 to " + std::to_string(kMaxLimit));
      else
        out.limit = static_cast<int>(*n);
    } else if (k == "cursor") {
      cursor_text = v;
    }
  }
  // Amounts in different currencies cannot be compared: a price bound names its currency.
  if ((f.price_min || f.price_max || p.has("price_min") || p.has("price_max")) && !f.currency && !p.has("currency"))
    p.add("currency", "price bounds need a currency (ISO 4217, e.g. UGX or KES)");
  if (f.price_min && f.price_max && *f.price_min > *f.price_max)
    p.add("price_min", "must not be greater than price_max");
  if (f.year_min && f.year_max && *f.year_min > *f.year_max) p.add("year_min", "must not be greater than year_max");
  if (f.radius_km && !f.near && !p.has("near")) p.add("radius_km", "needs near=latitude,longitude");
  if (sort == Sort::Nearest && !f.near && !p.has("near")) p.add("sort", "nearest needs near=latitude,longitude");
  if (sort == Sort::Relevance && !f.q && !p.has("q")) p.add("sort", "relevance needs a search text q");
  out.sort = sort.value_or(f.q ? Sort::Relevance : Sort::Newest);
  if (cursor_text) {
    if (auto c = read_cursor(*cursor_text, p)) {
      if (c->sort != out.sort || c->filters != fingerprint(f.key()))
        p.add("cursor", "belongs to another search (filters or sort changed); start again without it");
      else
        out.after = std::move(c);
    }
  }
  p.finish();
  return out;
}

MineQuery parse_mine_query(const QueryParams& params) {
  Problems p;
  auto values = distinct(params, {"status", "limit", "cursor"}, p);
  MineQuery out;
  std::optional<std::string> cursor_text;
  for (const auto& [k, v] : values) {
    if (k == "status") {
      out.status = status_from(v);
      if (!out.status) p.add("status", "must be a vehicle status");
    } else if (k == "limit") {
      auto n = parse_int(v);
      if (!n || *n < 1 || *n > kMaxLimit)
        p.add("limit", "must be a whole number from 1 to " + std::to_string(kMaxLimit));
      else
        out.limit = static_cast<int>(*n);
    } else if (k == "cursor") {
      cursor_text = v;
    }
  }
  if (cursor_text) {
    if (auto c = read_cursor(*cursor_text, p)) {
      if (c->sort != Sort::Newest || c->filters != fingerprint(out.key()))
        p.add("cursor", "belongs to another list; start again without it");
      else
        out.after = std::move(c);
    }
  }
  p.finish();
  return out;
}

double haversine_m(GeoPoint a, GeoPoint b) noexcept {
  constexpr double kEarthRadiusM = 6371008.8;
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (b.lat - a.lat) * kRad;
  double dlon = (b.lon - a.lon) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace vehicle_service
