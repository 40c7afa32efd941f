#include "geo_handlers.hpp"

#include <algorithm>
#include <cmath>
#include <rto/request_body.hpp>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>
#include <rto/paging.hpp>
#include <rto/time.hpp>

#include "access.hpp"
#include "app.hpp"
#include "params.hpp"
#include "domain/geofence.hpp"
#include "domain/osmand.hpp"
#include "domain/trips.hpp"
#include "geo.hpp"
#include "storage/geo_storage.hpp"

namespace telematics {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;

namespace {

std::optional<rto::paging::TimeCursor> cursor_param(const Request& req) {
  auto v = req.query_param("cursor");
  if (!v || v->empty()) return std::nullopt;
  auto c = rto::paging::decode(*v);
  if (!c) throw rto::BadField("cursor", "is not a cursor this API gave out");
  return c;
}

// ---- geofences ----------------------------------------------------------------------------------

const std::initializer_list<std::string_view> kKinds = {"operating_area", "yard", "no_go", "exclusion"};

// A JSON number (integer or not) as a double.
std::optional<double> number_of(const js::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return std::nullopt;
}

// The body of POST and PUT: name, kind, active [true], and exactly one of polygon ([[lon, lat],
// ...], GeoJSON-style, closed or not) or circle ({lat, lon, radius_m}). Every problem names its
// field.
geofence::Fence read_geofence(const Request& req) {
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto name = r.string("name", true, 1, 100);
  auto kind = r.one_of("kind", true, kKinds);
  auto active = r.boolean("active", false);
  const js::array* polygon = r.array("polygon", false);
  const js::object* circle = r.object("circle", false);
  r.reject_unknown({"name", "kind", "active", "polygon", "circle"});

  geofence::Fence f;
  if (!polygon && !circle && !body.contains("polygon") && !body.contains("circle"))
    r.fail("polygon", "is required (or a circle): a ring of [lon, lat] positions");
  if (polygon && circle) r.fail("circle", "give either a polygon or a circle, not both");
  if (polygon && !circle) {
    std::vector<geofence::LonLat> points;
    bool shaped = true;
    for (std::size_t i = 0; i < polygon->size(); ++i) {
      const auto& p = (*polygon)[i];
      std::optional<double> lon, lat;
      if (p.is_array() && (p.as_array().size() == 2 || p.as_array().size() == 3)) {
        lon = number_of(p.as_array()[0]);
        lat = number_of(p.as_array()[1]);
      }
      if (!lon || !lat) {
        r.fail("polygon[" + std::to_string(i) + "]", "must be a [lon, lat] position of two numbers");
        shaped = false;
        continue;
      }
      points.push_back({*lon, *lat});
    }
    if (shaped) {
      auto checked = geofence::normalize_ring(points);
      if (checked.problem) r.fail("polygon", *checked.problem);
      else f.shape.ring = std::move(checked.ring);
    }
  }
  if (circle && !polygon) {
    rto::json::Reader c(*circle, "circle");
    auto coordinate = [&](std::string_view key, bool (*valid)(double) noexcept, const char* range) -> double {
      auto it = circle->find(key);
      std::optional<double> v;
      if (it != circle->end()) v = number_of(it->value());
      if (it == circle->end()) c.fail(key, "is required");
      else if (!v || !valid(*v)) c.fail(key, std::string("must be a number from ") + range);
      return v.value_or(0);
    };
    const double lat = coordinate("lat", geofence::valid_lat, "-90 to 90");
    const double lon = coordinate("lon", geofence::valid_lon, "-180 to 180");
    auto radius = c.integer("radius_m", true, geofence::kMinRadiusM, geofence::kMaxRadiusM);
    c.reject_unknown({"lat", "lon", "radius_m"});
    if (c.ok()) f.shape.circle = geofence::Circle{{lon, lat}, static_cast<int>(*radius)};
    r.merge(c);
  }
  r.finish();
  f.name = *name;
  f.kind = *geofence::kind_from(*kind);
  f.active = active.value_or(true);
  return f;
}

js::object geofence_json(const storage::GeofenceRow& g) {
  const auto& f = g.fence;
  js::object o{{"id", f.id}, {"name", f.name}, {"kind", std::string(geofence::to_string(f.kind))}, {"active", f.active}};
  if (f.shape.circle) {
    o["polygon"] = nullptr;
    o["circle"] = js::object{{"lat", f.shape.circle->center.lat},
                             {"lon", f.shape.circle->center.lon},
                             {"radius_m", f.shape.circle->radius_m}};
  } else {
    js::array ring;
    for (const auto& p : f.shape.ring) ring.push_back(js::array{p.lon, p.lat});
    if (!f.shape.ring.empty()) ring.push_back(js::array{f.shape.ring.front().lon, f.shape.ring.front().lat});  // closed
    o["polygon"] = std::move(ring);
    o["circle"] = nullptr;
  }
  o["created_at"] = rto::to_rfc3339(g.created_at);
  o["created_by"] = g.created_by;
  o["updated_at"] = rto::to_rfc3339(g.updated_at);
  o["updated_by"] = g.updated_by;
  return o;
}

// The cache of this replica follows at once; a failure here leaves it to the periodic reload.
void reload_fences(App& app) {
  try {
    app.geo().reload();
  } catch (const std::exception& e) {
    rto::log::warn("geofence cache reload failed; the periodic reload will retry", {{"error", e.what()}});
  }
}

// ---- trips and usage ----------------------------------------------------------------------------

std::chrono::sys_days date_param(const Request& req, std::string_view name, std::chrono::sys_days def) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return def;
  auto d = rto::parse_date(*v);
  if (!d) throw rto::BadField(std::string(name), "must be a date YYYY-MM-DD");
  return std::chrono::sys_days(*d);
}

std::string date_text(std::chrono::sys_days d) { return rto::format_date(std::chrono::year_month_day(d)); }

js::object point_json(const trips::Point& p) {
  return js::object{{"time", rto::to_rfc3339(p.time)}, {"lat", p.lat}, {"lon", p.lon}};
}

}  // namespace

Response GeoHandlers::create_geofence(Request& req) {
  storage::GeofenceRow g;
  g.fence = read_geofence(req);
  g.fence.id = rto::crypto::uuid_v4();
  g.created_at = g.updated_at = app_->now();
  g.created_by = g.updated_by = actor_of(req);
  app_->db().transact([&](pqxx::work& tx) { storage::insert_geofence(tx, g); });
  reload_fences(*app_);
  rto::log::info("geofence created", {{"geofence_id", g.fence.id}, {"kind", std::string(geofence::to_string(g.fence.kind))},
                                      {"by", g.created_by}});
  auto res = Response::json(201, geofence_json(g));
  res.headers.set("Location", "/api/v1/telematics/geofences/" + g.fence.id);
  return res;
}

Response GeoHandlers::list_geofences(Request& req) {
  storage::GeofenceFilter f;
  f.limit = limit_param(req);
  f.after = cursor_param(req);
  if (auto k = req.query_param("kind"); k && !k->empty()) {
    if (!geofence::kind_from(*k)) throw rto::BadField("kind", "must be one of operating_area, yard, no_go, exclusion");
    f.kind = std::string(*k);
  }
  if (auto a = req.query_param("active"); a && !a->empty()) {
    if (*a != "true" && *a != "false") throw rto::BadField("active", "must be true or false");
    f.active = *a == "true";
  }
  ++f.limit;  // one more tells whether there is a next page
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::list_geofences(tx, f); });
  --f.limit;
  const bool more = static_cast<int>(rows.size()) > f.limit;
  if (more) rows.resize(static_cast<std::size_t>(f.limit));
  js::array items;
  for (const auto& g : rows) items.push_back(geofence_json(g));
  js::value next = nullptr;
  if (more) next = rto::paging::encode({rto::to_micros(rows.back().created_at), rows.back().fence.id});
  return Response::json(js::object{{"items", std::move(items)}, {"next_cursor", next}});
}

Response GeoHandlers::get_geofence(Request& req) {
  const auto id = path_uuid(req, "geofence");
  auto g = app_->db().query([&](pqxx::nontransaction& tx) { return storage::geofence_by_id(tx, id); });
  if (!g) throw rto::NotFound("no geofence with this id");
  return Response::json(geofence_json(*g));
}

Response GeoHandlers::update_geofence(Request& req) {
  const auto id = path_uuid(req, "geofence");
  auto f = read_geofence(req);
  f.id = id;
  auto g = app_->db().transact([&](pqxx::work& tx) {
    auto g = storage::update_geofence(tx, f, app_->now(), actor_of(req));
    if (!g) throw rto::NotFound("no geofence with this id");
    if (!g->fence.active) storage::clear_inside(tx, id);  // re-entering counts once it is active again
    return *g;
  });
  reload_fences(*app_);
  rto::log::info("geofence updated", {{"geofence_id", id}, {"by", actor_of(req)}});
  return Response::json(geofence_json(g));
}

Response GeoHandlers::delete_geofence(Request& req) {
  const auto id = path_uuid(req, "geofence");
  app_->db().transact([&](pqxx::work& tx) {
    if (!storage::delete_geofence(tx, id)) throw rto::NotFound("no geofence with this id");
    storage::clear_inside(tx, id);
  });
  reload_fences(*app_);
  rto::log::info("geofence deleted", {{"geofence_id", id}, {"by", actor_of(req)}});
  return Response::no_content();
}

Response GeoHandlers::vehicle_trips(Request& req) {
  const auto vehicle = path_uuid(req, "vehicle");
  const auto to = time_param(req, "to", app_->now());
  const auto from = time_param(req, "from", to - std::chrono::days(7));
  if (from >= to) throw rto::BadField("from", "must be before 'to'");
  if (to - from > std::chrono::days(366)) throw rto::BadField("from", "the period may be at most 366 days");
  const int limit = limit_param(req);
  std::optional<storage::TripCursor> before;
  if (auto c = cursor_param(req)) before = storage::TripCursor{rto::from_micros(c->created_us), c->id};
  return app_->db().read([&](pqxx::read_transaction& tx) {
    require_viewer(req, tx, vehicle);
    auto rows = storage::trips_page(tx, vehicle, from, to, before, limit + 1);
    const bool more = static_cast<int>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    js::array items;
    for (const auto& r : rows) {
      const auto& t = r.trip;
      items.push_back(js::object{
          {"id", r.id},
          {"vehicle_id", vehicle},
          {"tracker_id", r.tracker_id},
          {"start", point_json(t.start)},
          {"end", point_json(t.end)},
          {"distance_m", std::llround(t.distance_m)},
          {"duration_seconds", std::chrono::duration_cast<std::chrono::seconds>(t.end.time - t.start.time).count()},
          {"max_speed_kmh", std::round(t.max_speed_kmh * 10) / 10},
          {"end_reason", std::string(trips::to_string(t.reason))}});
    }
    js::value next = nullptr;
    if (more) next = rto::paging::encode({rto::to_micros(rows.back().trip.start.time), rows.back().id});
    return Response::json(js::object{{"items", std::move(items)}, {"next_cursor", next}});
  });
}

Response GeoHandlers::vehicle_usage(Request& req) {
  const auto vehicle = path_uuid(req, "vehicle");
  const auto& zone = app_->config().zone;
  const auto to = date_param(req, "to", zone.local_date(app_->now()));
  const auto from = date_param(req, "from", to - std::chrono::days(29));
  if (from > to) throw rto::BadField("from", "must not be after 'to'");
  if (to - from >= std::chrono::days(366)) throw rto::BadField("from", "the period may be at most 366 days");
  return app_->db().read([&](pqxx::read_transaction& tx) {
    require_viewer(req, tx, vehicle);
    js::array days;
    double distance = 0, engine = 0, moving = 0;
    std::int64_t trip_count = 0, active_days = 0;
    for (const auto& u : storage::usage_range(tx, vehicle, date_text(from), date_text(to))) {
      const bool active = trips::active(u.trips, u.moving_seconds);
      days.push_back(js::object{{"date", u.date},
                                {"distance_m", std::llround(u.distance_m)},
                                {"engine_seconds", std::llround(u.engine_seconds)},
                                {"moving_seconds", std::llround(u.moving_seconds)},
                                {"trips", u.trips},
                                {"active", active}});
      distance += u.distance_m;
      engine += u.engine_seconds;
      moving += u.moving_seconds;
      trip_count += u.trips;
      active_days += active ? 1 : 0;
    }
    return Response::json(js::object{{"vehicle_id", vehicle},
                                      {"from", date_text(from)},
                                      {"to", date_text(to)},
                                      {"time_zone", zone.name()},
                                      {"days", std::move(days)},
                                      {"totals", js::object{{"distance_m", std::llround(distance)},
                                                            {"engine_seconds", std::llround(engine)},
                                                            {"moving_seconds", std::llround(moving)},
                                                            {"trips", trip_count},
                                                            {"active_days", active_days}}}});
  });
}

}  // namespace telematics
