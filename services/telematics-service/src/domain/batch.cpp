#include "domain/batch.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "domain/osmand.hpp"

namespace telematics::batch {

namespace js = boost::json;

namespace {

// A reason to refuse one position, carried to the loop that records it.
struct Bad {
  std::string member;
  std::string reason;
};

std::optional<double> number(const js::object& o, std::string_view k, double lo, double hi) {
  const auto* v = o.if_contains(k);
  if (!v || v->is_null()) return std::nullopt;
  double d = 0;
  if (v->is_double()) d = v->as_double();
  else if (v->is_int64()) d = static_cast<double>(v->as_int64());
  else if (v->is_uint64()) d = static_cast<double>(v->as_uint64());
  else throw Bad{std::string(k), "must be a number"};
  if (!std::isfinite(d) || d < lo || d > hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "must be a number from %g to %g", lo, hi);
    throw Bad{std::string(k), buf};
  }
  return d;
}

std::optional<bool> boolean(const js::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) throw Bad{std::string(k), "must be true or false"};
  return v->as_bool();
}

TimePoint time_of(const js::object& o) {
  const auto* v = o.if_contains("time");
  if (!v || v->is_null()) throw Bad{"time", "is required"};
  if (v->is_string()) {
    auto t = osmand::parse_time(v->as_string());
    if (!t) throw Bad{"time", "must be an RFC 3339 time or Unix seconds"};
    return *t;
  }
  if (v->is_int64() || v->is_uint64() || v->is_double()) {
    const double s = v->is_double() ? v->as_double()
                     : v->is_int64() ? static_cast<double>(v->as_int64())
                                     : static_cast<double>(v->as_uint64());
    if (!std::isfinite(s) || s < 946684800.0 || s > 4102444800.0)  // 2000 to 2100
      throw Bad{"time", "must be Unix seconds between 2000 and 2100"};
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::duration<double>(s)));
  }
  throw Bad{"time", "must be an RFC 3339 time or Unix seconds"};
}

Fix fix_of(const js::value& item, TimePoint now, std::chrono::seconds max_ahead) {
  const auto* o = item.if_object();
  if (!o) throw Bad{"", "must be an object"};
  static constexpr std::string_view known[] = {"time",  "lat",      "lon",      "speed_kmh",       "course",
                                               "altitude", "satellites", "valid", "ignition", "battery_percent",
                                               "external_voltage"};
  for (const auto& kv : *o) {
    bool ok = false;
    for (auto k : known) ok = ok || kv.key() == k;
    if (!ok) throw Bad{std::string(kv.key()), "is not a known member"};
  }
  Fix f;
  f.time = time_of(*o);
  if (f.time > now + max_ahead) throw Bad{"time", "is in the future"};
  auto lat = number(*o, "lat", -90, 90);
  if (!lat) throw Bad{"lat", "is required"};
  auto lon = number(*o, "lon", -180, 180);
  if (!lon) throw Bad{"lon", "is required"};
  f.lat = *lat;
  f.lon = *lon;
  f.speed_kmh = number(*o, "speed_kmh", 0, 1000).value_or(0);
  f.course = number(*o, "course", 0, 360).value_or(0);
  f.altitude = number(*o, "altitude", -500, 10000);
  f.satellites = static_cast<int>(number(*o, "satellites", 0, 64).value_or(0));
  f.valid = boolean(*o, "valid").value_or(true);
  f.ignition = boolean(*o, "ignition");
  f.battery_percent = number(*o, "battery_percent", 0, 100);
  f.external_voltage = number(*o, "external_voltage", 0, 100);
  return f;
}

}  // namespace

Parsed parse(std::string_view body, TimePoint now, std::size_t max_positions, std::chrono::seconds max_ahead) {
  js::value root;
  boost::system::error_code ec;
  root = js::parse(body, ec);
  if (ec) throw DecodeError("body", "is not valid JSON");
  const auto* o = root.if_object();
  if (!o) throw DecodeError("body", "must be a JSON object with a positions array");
  for (const auto& kv : *o)
    if (kv.key() != "positions") throw DecodeError(std::string(kv.key()), "is not a known member");
  const auto* p = o->if_contains("positions");
  if (!p || !p->is_array()) throw DecodeError("positions", "is required: an array of positions");
  const auto& arr = p->as_array();
  if (arr.empty()) throw DecodeError("positions", "must hold at least one position");
  if (arr.size() > max_positions)
    throw DecodeError("positions", "may hold at most " + std::to_string(max_positions) + " positions");
  Parsed out;
  out.received = arr.size();
  out.fixes.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    try {
      out.fixes.push_back(fix_of(arr[i], now, max_ahead));
    } catch (const Bad& b) {
      std::string field = "positions[" + std::to_string(i) + "]";
      if (!b.member.empty()) field += "." + b.member;
      out.refused.push_back({i, std::move(field), b.reason});
    }
  }
  return out;
}

}  // namespace telematics::batch
