#include "storage/geo_storage.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <rto/time.hpp>

#include "domain/time.hpp"
#include "storage/geo_queries.hpp"

namespace telematics::storage {

namespace js = boost::json;

namespace {

std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}
std::optional<double> opt_double(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<double>();
}

// PostgreSQL array literals (values formatted here, never request text).
class ArrayText {
 public:
  void add_raw(const std::string& raw) {
    if (!s_.empty()) s_ += ',';
    s_ += raw;
  }
  void add(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    add_raw(buf);
  }
  void add(std::int64_t v) { add_raw(std::to_string(v)); }
  std::string done() const { return "{" + s_ + "}"; }

 private:
  std::string s_;
};

std::string polygon_json(const std::vector<geofence::LonLat>& ring) {
  js::array a;
  for (const auto& p : ring) a.push_back(js::array{p.lon, p.lat});
  return js::serialize(a);
}

std::vector<geofence::LonLat> parse_polygon(const std::string& text) {
  std::vector<geofence::LonLat> ring;
  const auto parsed = js::parse(text);
  for (const auto& p : parsed.as_array()) {
    const auto& xy = p.as_array();
    ring.push_back({xy.at(0).to_number<double>(), xy.at(1).to_number<double>()});
  }
  return ring;
}

GeofenceRow read_geofence(const pqxx::row& r) {
  GeofenceRow g;
  g.fence.id = r[0].as<std::string>();
  g.fence.name = r[1].as<std::string>();
  g.fence.kind = geofence::kind_from(r[2].as<std::string>()).value_or(geofence::Kind::OperatingArea);
  g.fence.active = r[3].as<bool>();
  if (!r[4].is_null()) g.fence.shape.ring = parse_polygon(r[4].as<std::string>());
  if (!r[7].is_null()) g.fence.shape.circle = geofence::Circle{{r[6].as<double>(), r[5].as<double>()}, r[7].as<int>()};
  g.created_at = from_micros(r[8].as<std::int64_t>());
  g.created_by = r[9].as<std::string>();
  g.updated_at = from_micros(r[10].as<std::int64_t>());
  g.updated_by = r[11].as<std::string>();
  return g;
}

// The shape's columns: polygon json, centre lat, centre lon, radius.
struct ShapeColumns {
  std::optional<std::string> polygon;
  std::optional<double> lat, lon;
  std::optional<int> radius;
};
ShapeColumns shape_columns(const geofence::Shape& s) {
  ShapeColumns c;
  if (s.circle) {
    c.lat = s.circle->center.lat;
    c.lon = s.circle->center.lon;
    c.radius = s.circle->radius_m;
  } else {
    c.polygon = polygon_json(s.ring);
  }
  return c;
}

}  // namespace

void insert_geofence(pqxx::transaction_base& tx, const GeofenceRow& g) {
  const auto c = shape_columns(g.fence.shape);
  tx.exec_prepared0(sql::kGeofenceInsert.name, g.fence.id, g.fence.name, std::string(geofence::to_string(g.fence.kind)),
                    g.fence.active, c.polygon, c.lat, c.lon, c.radius, to_micros(g.created_at), g.created_by);
}

std::optional<GeofenceRow> update_geofence(pqxx::transaction_base& tx, const geofence::Fence& f, TimePoint now,
                                           const std::string& by) {
  const auto c = shape_columns(f.shape);
  auto r = tx.exec_prepared(sql::kGeofenceUpdate.name, f.id, f.name, std::string(geofence::to_string(f.kind)), f.active,
                            c.polygon, c.lat, c.lon, c.radius, to_micros(now), by);
  if (r.empty()) return std::nullopt;
  return read_geofence(r[0]);
}

bool delete_geofence(pqxx::transaction_base& tx, const std::string& id) {
  return !tx.exec_prepared(sql::kGeofenceDelete.name, id).empty();
}

std::optional<GeofenceRow> geofence_by_id(pqxx::transaction_base& tx, const std::string& id) {
  auto r = tx.exec_prepared(sql::kGeofenceGet.name, id);
  if (r.empty()) return std::nullopt;
  return read_geofence(r[0]);
}

std::vector<GeofenceRow> list_geofences(pqxx::transaction_base& tx, const GeofenceFilter& f) {
  std::optional<std::int64_t> after_us;
  std::optional<std::string> after_id;
  if (f.after) {
    after_us = f.after->created_us;
    after_id = f.after->id;
  }
  std::vector<GeofenceRow> out;
  for (const auto& r : tx.exec_prepared(sql::kGeofenceList.name, after_us, after_id, f.kind, f.active, f.limit))
    out.push_back(read_geofence(r));
  return out;
}

std::vector<geofence::Fence> active_geofences(pqxx::transaction_base& tx) {
  std::vector<geofence::Fence> out;
  for (const auto& r : tx.exec_prepared(sql::kGeofencesActive.name)) out.push_back(read_geofence(r).fence);
  return out;
}

void clear_inside(pqxx::transaction_base& tx, const std::string& geofence_id) {
  tx.exec_prepared0(sql::kInsideClear.name, geofence_id);
}

std::optional<StoredMotion> motion_for_update(pqxx::transaction_base& tx, const std::string& vehicle_id) {
  auto rows = tx.exec_prepared(sql::kMotionForUpdate.name, vehicle_id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  StoredMotion stored;
  stored.version = r[15].as<std::int64_t>();
  auto& m = stored.motion;
  const auto inside = r[0].as<std::string>();
  for (std::size_t start = 0; start < inside.size();) {
    auto comma = inside.find(',', start);
    if (comma == std::string::npos) comma = inside.size();
    if (comma > start) m.inside.push_back(inside.substr(start, comma - start));
    start = comma + 1;
  }
  auto& s = m.trip;
  if (auto t = opt_time(r[1]); t && !r[2].is_null() && !r[3].is_null()) s.last = trips::Point{*t, r[2].as<double>(), r[3].as<double>()};
  s.last_speed_kmh = r[4].as<double>();
  if (!r[5].is_null()) s.ignition = r[5].as<bool>();
  s.reports_ignition = r[6].as<bool>();
  if (auto t = opt_time(r[7])) {
    trips::OpenTrip trip;
    trip.start = {*t, r[8].as<double>(), r[9].as<double>()};
    trip.distance_m = opt_double(r[10]).value_or(0);
    trip.max_speed_kmh = opt_double(r[11]).value_or(0);
    if (auto st = opt_time(r[12])) trip.stopped = trips::Point{*st, r[13].as<double>(), r[14].as<double>()};
    s.trip = trip;
  }
  return stored;
}

bool write_motion(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& tracker_id,
                  const VehicleMotion& m, const trips::Outcome& o, std::optional<std::int64_t> expected,
                  std::int64_t version, TimePoint now) {
  ArrayText inside;
  for (const auto& id : m.inside) inside.add_raw(id);
  const auto& s = m.trip;
  std::optional<std::int64_t> last_us, trip_us, stopped_us;
  std::optional<double> last_lat, last_lon, trip_lat, trip_lon, trip_dist, trip_max, stopped_lat, stopped_lon;
  if (s.last) {
    last_us = to_micros(s.last->time);
    last_lat = s.last->lat;
    last_lon = s.last->lon;
  }
  if (s.trip) {
    trip_us = to_micros(s.trip->start.time);
    trip_lat = s.trip->start.lat;
    trip_lon = s.trip->start.lon;
    trip_dist = s.trip->distance_m;
    trip_max = s.trip->max_speed_kmh;
    if (s.trip->stopped) {
      stopped_us = to_micros(s.trip->stopped->time);
      stopped_lat = s.trip->stopped->lat;
      stopped_lon = s.trip->stopped->lon;
    }
  }
  ArrayText dates, dist, engine, moving, count;
  for (const auto& d : o.days) {
    dates.add_raw(rto::format_date(std::chrono::year_month_day(d.date)));
    dist.add(d.distance_m);
    engine.add(d.engine_seconds);
    moving.add(d.moving_seconds);
    count.add(static_cast<std::int64_t>(d.trips));
  }
  ArrayText st, sla, slo, et, ela, elo, tdi, tms, tre;
  for (const auto& t : o.closed) {
    st.add(to_micros(t.start.time));
    sla.add(t.start.lat);
    slo.add(t.start.lon);
    et.add(to_micros(t.end.time));
    ela.add(t.end.lat);
    elo.add(t.end.lon);
    tdi.add(t.distance_m);
    tms.add(t.max_speed_kmh);
    tre.add_raw(std::string(trips::to_string(t.reason)));
  }
  auto r = tx.exec_prepared1(sql::kMotionWrite.name, vehicle_id, inside.done(), last_us, last_lat, last_lon,
                             s.last_speed_kmh, s.ignition, s.reports_ignition, trip_us, trip_lat, trip_lon, trip_dist,
                             trip_max, stopped_us, stopped_lat, stopped_lon, to_micros(now), tracker_id, dates.done(),
                             dist.done(), engine.done(), moving.done(), count.done(), st.done(), sla.done(), slo.done(),
                             et.done(), ela.done(), elo.done(), tdi.done(), tms.done(), tre.done(), version, expected);
  return r[0].as<int>() == 1;
}

std::vector<TripRow> trips_page(pqxx::transaction_base& tx, const std::string& vehicle_id, TimePoint from, TimePoint to,
                                const std::optional<TripCursor>& before, int limit) {
  std::optional<std::int64_t> before_us;
  std::optional<std::string> before_id;
  if (before) {
    before_us = to_micros(before->start);
    before_id = before->id;
  }
  std::vector<TripRow> out;
  for (const auto& r : tx.exec_prepared(sql::kTripsPage.name, vehicle_id, to_micros(from), to_micros(to), before_us,
                                        before_id, limit)) {
    TripRow t;
    t.id = r[0].as<std::string>();
    t.tracker_id = r[1].as<std::string>();
    t.trip.start = {from_micros(r[2].as<std::int64_t>()), r[3].as<double>(), r[4].as<double>()};
    t.trip.end = {from_micros(r[5].as<std::int64_t>()), r[6].as<double>(), r[7].as<double>()};
    t.trip.distance_m = r[8].as<double>();
    t.trip.max_speed_kmh = r[9].as<double>();
    const auto reason = r[10].as<std::string>();
    t.trip.reason = reason == "ignition_off" ? trips::EndReason::IgnitionOff
                    : reason == "data_gap"   ? trips::EndReason::DataGap
                                             : trips::EndReason::Stopped;
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
UsageRow read_usage(const pqxx::row& r, int first) {
  UsageRow u;
  u.date = r[first].as<std::string>();
  u.distance_m = r[first + 1].as<double>();
  u.engine_seconds = r[first + 2].as<double>();
  u.moving_seconds = r[first + 3].as<double>();
  u.trips = r[first + 4].as<int>();
  return u;
}
}  // namespace

std::vector<UsageRow> usage_range(pqxx::transaction_base& tx, const std::string& vehicle_id, const std::string& from,
                                  const std::string& to) {
  std::vector<UsageRow> out;
  for (const auto& r : tx.exec_prepared(sql::kUsageRange.name, vehicle_id, from, to)) {
    auto u = read_usage(r, 0);
    u.published_at = opt_time(r[5]);
    out.push_back(std::move(u));
  }
  return out;
}

std::vector<UsageClaimed> claim_usage(pqxx::transaction_base& tx, const std::string& before_date, TimePoint now,
                                      int limit) {
  std::vector<UsageClaimed> out;
  for (const auto& r : tx.exec_prepared(sql::kUsageClaim.name, before_date, limit, to_micros(now))) {
    UsageClaimed c;
    c.vehicle_id = r[0].as<std::string>();
    c.tracker_id = r[1].as<std::string>();
    c.usage = read_usage(r, 2);
    c.usage.published_at = now;
    if (!r[7].is_null()) c.plan_id = r[7].as<std::string>();
    if (!r[8].is_null()) c.customer_id = r[8].as<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace telematics::storage
