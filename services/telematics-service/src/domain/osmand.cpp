#include "domain/osmand.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cctype>
#include <cmath>

#include "domain/time.hpp"

namespace telematics::osmand {

namespace js = boost::json;

namespace {

std::optional<double> number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

double require_number(std::string_view s, const char* field) {
  auto v = number(s);
  if (!v) throw DecodeError(field, "must be a number");
  return *v;
}

bool truthy(std::string_view s) { return s == "true" || s == "1"; }

void check_position(double lat, double lon, const char* lat_field, const char* lon_field) {
  if (lat < -90 || lat > 90) throw DecodeError(lat_field, "must be between -90 and 90");
  if (lon < -180 || lon > 180) throw DecodeError(lon_field, "must be between -180 and 180");
}

int digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

Params parse_form(std::string_view body) {
  Params out;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) out.emplace_back(percent_decode(part), "");
    else out.emplace_back(percent_decode(part.substr(0, eq)), percent_decode(part.substr(eq + 1)));
  }
  return out;
}

std::optional<TimePoint> parse_time(std::string_view s) {
  using namespace std::chrono;
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    if (s.size() > 15) return std::nullopt;
    long long v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    if (v > kMaxDeviceMillis) return std::nullopt;
    if (v >= 2147483648LL) return TimePoint(milliseconds(v));
    return TimePoint(seconds(v));
  }
  // yyyy-MM-dd[T ]HH:mm:ss[.fff][Z|±hh:mm]
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  const int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (y < kMinDeviceYear || y > kMaxDeviceYear || mo < 1 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  TimePoint t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int ms = 0, n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 3) ms = ms * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    while (n > 0 && n < 3) {
      ms *= 10;
      ++n;
    }
    t += milliseconds(ms);
  }
  if (i == s.size()) return t;  // no zone: UTC
  if (s[i] == 'Z' && i + 1 == s.size()) return t;
  if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && s[i + 3] == ':') {
    const int oh = digits(s, i + 1, 2), om = digits(s, i + 4, 2);
    if (oh < 0 || om < 0) return std::nullopt;
    const auto off = hours(oh) + minutes(om);
    return s[i] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

Report decode_query(const Params& params, TimePoint now) {
  Report r;
  auto get = [&](std::string_view k) -> std::optional<std::string_view> {
    for (const auto& [key, v] : params)
      if (key == k) return std::string_view(v);
    return std::nullopt;
  };
  if (auto id = get("id")) r.device_id = *id;
  else if (auto did = get("deviceid")) r.device_id = *did;
  if (r.device_id.empty()) throw DecodeError("id", "is required");
  if (r.device_id.size() > 64) throw DecodeError("id", "is too long");

  std::optional<double> lat, lon;
  if (auto v = get("lat")) lat = require_number(*v, "lat");
  if (auto v = get("lon")) lon = require_number(*v, "lon");
  if (auto loc = get("location")) {
    auto comma = loc->find(',');
    if (comma == std::string_view::npos) throw DecodeError("location", "must be lat,lon");
    lat = require_number(loc->substr(0, comma), "location");
    lon = require_number(loc->substr(comma + 1), "location");
  }
  if (lat.has_value() != lon.has_value()) throw DecodeError(lat ? "lon" : "lat", "is required with the other coordinate");

  Fix f;
  f.time = now;
  if (auto ts = get("timestamp")) {
    auto t = parse_time(*ts);
    if (!t) throw DecodeError("timestamp", "must be Unix seconds or milliseconds, or an ISO-8601 time");
    f.time = *t;
  }
  if (auto v = get("speed")) {
    double knots = require_number(*v, "speed");
    f.speed_kmh = knots < 0 ? 0 : knots * kKnotToKmh;
  }
  if (auto v = get("bearing")) f.course = require_number(*v, "bearing");
  else if (auto h = get("heading")) f.course = require_number(*h, "heading");
  if (auto v = get("altitude")) f.altitude = require_number(*v, "altitude");
  if (auto v = get("batt")) f.battery_percent = require_number(*v, "batt");
  if (auto v = get("valid")) f.valid = truthy(*v);
  if (auto v = get("ignition")) f.ignition = truthy(*v);
  if (auto v = get("sat")) {
    const double sat = require_number(*v, "sat");
    if (!(sat >= 0 && sat <= 1000)) throw DecodeError("sat", "must be between 0 and 1000");
    f.satellites = static_cast<int>(sat);
  }
  if (lat) {
    check_position(*lat, *lon, "lat", "lon");
    f.lat = *lat;
    f.lon = *lon;
    r.fix = f;
  }
  return r;
}

Report decode_json(std::string_view body, TimePoint now) {
  js::value root;
  try {
    root = js::parse(body);
  } catch (const std::exception&) {
    throw DecodeError("body", "is not valid JSON");
  }
  const auto* o = root.if_object();
  if (!o) throw DecodeError("body", "must be a JSON object");
  auto num = [](const js::object& obj, std::string_view k) -> std::optional<double> {
    const auto* v = obj.if_contains(k);
    if (!v || v->is_null()) return std::nullopt;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    if (v->is_uint64()) return static_cast<double>(v->as_uint64());
    throw DecodeError(std::string(k), "must be a number");
  };
  Report r;
  const auto* id = o->if_contains("device_id");
  if (!id || !id->is_string() || id->as_string().empty()) throw DecodeError("device_id", "is required");
  if (id->as_string().size() > 64) throw DecodeError("device_id", "is too long");
  r.device_id = std::string(id->as_string());
  const auto* loc = o->if_contains("location");
  if (!loc || loc->is_null()) return r;
  if (!loc->is_object()) throw DecodeError("location", "must be an object");
  const auto& l = loc->as_object();
  const auto* coords_v = l.if_contains("coords");
  if (!coords_v || !coords_v->is_object()) throw DecodeError("location.coords", "is required");
  const auto& c = coords_v->as_object();
  auto lat = num(c, "latitude"), lon = num(c, "longitude");
  if (!lat) throw DecodeError("location.coords.latitude", "is required");
  if (!lon) throw DecodeError("location.coords.longitude", "is required");
  check_position(*lat, *lon, "location.coords.latitude", "location.coords.longitude");
  Fix f;
  f.time = now;
  if (const auto* ts = l.if_contains("timestamp"); ts && ts->is_string()) {
    auto t = parse_time(ts->as_string());
    if (!t) throw DecodeError("location.timestamp", "must be an ISO-8601 time");
    f.time = *t;
  }
  f.lat = *lat;
  f.lon = *lon;
  if (auto s = num(c, "speed"); s && *s >= 0) f.speed_kmh = *s * 3.6;
  if (auto h = num(c, "heading"); h && *h >= 0) f.course = *h;
  if (auto a = num(c, "altitude")) f.altitude = *a;
  if (const auto* b = l.if_contains("battery"); b && b->is_object()) {
    if (auto level = num(b->as_object(), "level"); level && *level >= 0) f.battery_percent = *level * 100;
  }
  r.fix = f;
  return r;
}

}  // namespace telematics::osmand
