#include "domain/usage.hpp"

#include <algorithm>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <set>

namespace credit_service {
namespace js = boost::json;

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// A required UUID, or nullopt with the field named.
std::optional<std::string> uuid(rto::json::Reader& r, const js::object& o, const char* key, bool nullable) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (!nullable) r.fail(key, "is required");
    return std::nullopt;
  }
  if (!v->is_string() || !rto::crypto::is_uuid(v->as_string())) {
    r.fail(key, nullable ? "must be a UUID or null" : "must be a UUID");
    return std::nullopt;
  }
  return lower(std::string(v->as_string()));
}

// Rounds a / b (both >= 0, b > 0) to the nearest whole number, halves up.
std::int64_t div_round(std::int64_t a, std::int64_t b) { return (a + b / 2) / b; }
double tenths(std::int64_t n) { return static_cast<double>(n) / 10.0; }

std::string date_text(Day d) { return format_date(Date{d}); }

}  // namespace

DailyUsage parse_daily_usage(const js::value& data) {
  if (!data.is_object()) throw rto::BadRequest("event data is not an object");
  const auto& o = data.as_object();
  rto::json::Reader r(o, "data");
  DailyUsage u;
  if (auto v = uuid(r, o, "vehicle_id", false)) u.vehicle_id = *v;
  if (auto v = uuid(r, o, "tracker_id", false)) u.tracker_id = *v;
  u.plan_id = uuid(r, o, "plan_id", true);
  u.customer_id = uuid(r, o, "customer_id", true);
  if (auto d = r.string("date", true, 10, 10)) {
    if (auto ymd = parse_date(*d))
      u.date = Day{*ymd};
    else
      r.fail("date", "must be a calendar date YYYY-MM-DD");
  }
  if (auto n = r.integer("distance_m", true, 0, kMaxDayDistanceM)) u.distance_m = *n;
  if (auto n = r.integer("engine_seconds", true, 0, kMaxDaySeconds)) u.engine_seconds = *n;
  if (auto n = r.integer("moving_seconds", true, 0, kMaxDaySeconds)) u.moving_seconds = *n;
  if (auto n = r.integer("trips", true, 0, kMaxDayTrips)) u.trips = *n;
  if (auto b = r.boolean("active", true)) u.active = *b;
  r.finish();
  return u;
}

std::optional<TimePoint> parse_instant(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (t.size() < 20 || (t[10] != 'T' && t[10] != 't')) return std::nullopt;
  auto date = parse_date(t.substr(0, 10));
  if (!date) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    if (pos + len > t.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto hh = num(11, 2), mm = num(14, 2), ss = num(17, 2);
  if (!hh || !mm || !ss || t[13] != ':' || t[16] != ':' || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  std::size_t i = 19;
  std::int64_t micros = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    std::size_t digits = 0;
    std::int64_t scale = 100000;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (digits < 6) micros += (t[i] - '0') * scale;
      scale /= 10;
      ++digits;
      ++i;
    }
    if (digits == 0) return std::nullopt;
  }
  int offset_minutes = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i < t.size() && (t[i] == '+' || t[i] == '-')) {
    auto oh = num(i + 1, 2), om = num(i + 4, 2);
    if (!oh || !om || i + 3 >= t.size() || t[i + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (t[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  using namespace std::chrono;
  auto local = sys_days{*date} + hours(*hh) + minutes(*mm) + seconds(*ss) + microseconds(micros);
  return time_point_cast<TimePoint::duration>(local - minutes(offset_minutes));
}

// ---- the summary --------------------------------------------------------------------------------

UsageWindow usage_window_before(Day application_date, int days) {
  return {application_date - std::chrono::days(days), application_date};
}

std::int64_t UsageSummary::active_days_percent() const {
  return days_with_data > 0 ? active_days * 100 / days_with_data : 0;
}

std::optional<std::int64_t> UsageSummary::metres_per_active_day() const {
  if (active_days <= 0) return std::nullopt;
  return div_round(active_distance_m, active_days);
}

std::optional<UsageSummary> summarise_usage(const std::vector<UsageDay>& days, const UsageWindow& window) {
  std::vector<const UsageDay*> in;
  for (const auto& d : days)
    if (window.contains(d.date)) in.push_back(&d);
  if (in.empty()) return std::nullopt;
  std::sort(in.begin(), in.end(), [](const UsageDay* a, const UsageDay* b) { return a->date < b->date; });

  UsageSummary s;
  s.window = window;
  s.first_date = in.front()->date;
  s.last_date = in.back()->date;
  std::set<std::string> vehicles;
  for (std::size_t i = 0; i < in.size();) {
    // All rows of one date: one day with data, active when any vehicle was used.
    const Day date = in[i]->date;
    bool active = false;
    for (; i < in.size() && in[i]->date == date; ++i) {
      const auto& d = *in[i];
      vehicles.insert(d.vehicle_id);
      s.distance_m += d.distance_m;
      s.engine_seconds += d.engine_seconds;
      s.moving_seconds += d.moving_seconds;
      s.trips += d.trips;
      if (d.active) {
        active = true;
        s.active_distance_m += d.distance_m;
      }
    }
    ++s.days_with_data;
    if (active) ++s.active_days;
  }
  s.vehicles = static_cast<std::int64_t>(vehicles.size());
  return s;
}

js::object usage_json(const UsageSummary& s) {
  const auto per_day = s.metres_per_active_day();
  return js::object{
      {"window",
       {{"from", date_text(s.window.from)},
        {"to", date_text(s.window.until - std::chrono::days(1))},
        {"days", s.window.days()}}},
      {"days_with_data", s.days_with_data},
      {"active_days", s.active_days},
      {"active_days_percent", s.active_days_percent()},
      {"vehicles", s.vehicles},
      {"distance_m", s.distance_m},
      {"distance_km", tenths(div_round(s.distance_m, 100))},
      {"km_per_active_day", per_day ? js::value(tenths(div_round(*per_day, 100))) : js::value(nullptr)},
      {"engine_seconds", s.engine_seconds},
      {"engine_hours", tenths(div_round(s.engine_seconds, 360))},
      {"moving_seconds", s.moving_seconds},
      {"moving_hours", tenths(div_round(s.moving_seconds, 360))},
      {"trips", s.trips},
      {"first_date", date_text(s.first_date)},
      {"last_date", date_text(s.last_date)},
  };
}

js::value usage_json(const std::optional<UsageSummary>& s) { return s ? js::value(usage_json(*s)) : js::value(nullptr); }

std::vector<UsageDay> usage_days_from_json(const js::value& v) {
  std::vector<UsageDay> out;
  if (!v.is_array()) return out;
  const auto& a = v.as_array();
  out.reserve(a.size());
  auto whole = [](const js::object& o, const char* key) -> std::int64_t {
    const auto* x = o.if_contains(key);
    return x && x->is_int64() ? x->as_int64() : 0;
  };
  for (const auto& item : a) {
    const auto* o = item.if_object();
    if (!o) continue;
    const auto* date = o->if_contains("date");
    auto ymd = date && date->is_string() ? parse_date(date->as_string()) : std::nullopt;
    if (!ymd) continue;
    UsageDay d;
    d.date = Day{*ymd};
    if (const auto* id = o->if_contains("vehicle_id"); id && id->is_string()) d.vehicle_id = std::string(id->as_string());
    d.distance_m = whole(*o, "distance_m");
    d.engine_seconds = whole(*o, "engine_seconds");
    d.moving_seconds = whole(*o, "moving_seconds");
    d.trips = whole(*o, "trips");
    const auto* act = o->if_contains("active");
    d.active = act && act->is_bool() && act->as_bool();
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace credit_service
