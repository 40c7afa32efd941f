#include "domain/geofence.hpp"

#include <algorithm>
#include <boost/geometry.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <cmath>
#include <set>

#include "domain/motion.hpp"

namespace telematics::geofence {

namespace bg = boost::geometry;

namespace {

constexpr double kEarthRadiusM = 6371008.8;  // the mean radius, as distance_m()
constexpr double kPi = 3.14159265358979323846;
constexpr double kRad = kPi / 180.0;

using XY = bg::model::d2::point_xy<double>;
using Polygon = bg::model::polygon<XY>;  // clockwise, closed (Boost's defaults)

// The local equirectangular plane of one fence.
struct Projection {
  double lat0 = 0, lon0 = 0, cos_lat0 = 1;
  XY operator()(double lat, double lon) const {
    return XY(kEarthRadiusM * (lon - lon0) * kRad * cos_lat0, kEarthRadiusM * (lat - lat0) * kRad);
  }
};

Projection projection_for(const std::vector<LonLat>& ring) {
  auto [lo_lat, hi_lat] = std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.lat < b.lat; });
  auto [lo_lon, hi_lon] = std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.lon < b.lon; });
  Projection p;
  p.lat0 = (lo_lat->lat + hi_lat->lat) / 2;
  p.lon0 = (lo_lon->lon + hi_lon->lon) / 2;
  p.cos_lat0 = std::cos(p.lat0 * kRad);
  return p;
}

Polygon project(const std::vector<LonLat>& ring, const Projection& p) {
  Polygon poly;
  for (const auto& q : ring) poly.outer().push_back(p(q.lat, q.lon));
  bg::correct(poly);  // closes the ring and turns it to Boost's orientation (GeoJSON's is the other)
  return poly;
}

std::string format_point(std::size_t i) { return "point " + std::to_string(i) + " ([lon, lat])"; }

}  // namespace

std::string_view to_string(Kind k) noexcept { return kKindNames[static_cast<int>(k)]; }

std::optional<Kind> kind_from(std::string_view s) noexcept {
  for (int i = 0; i < 4; ++i)
    if (kKindNames[i] == s) return static_cast<Kind>(i);
  return std::nullopt;
}

bool valid_lat(double lat) noexcept { return std::isfinite(lat) && lat >= -90 && lat <= 90; }
bool valid_lon(double lon) noexcept { return std::isfinite(lon) && lon >= -180 && lon <= 180; }

RingCheck normalize_ring(const std::vector<LonLat>& points) {
  RingCheck out;
  if (points.size() > kMaxPoints + 1) {
    out.problem = "may have at most " + std::to_string(kMaxPoints) + " points";
    return out;
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!valid_lon(points[i].lon)) {
      out.problem = format_point(i) + ": the longitude must be between -180 and 180";
      return out;
    }
    if (!valid_lat(points[i].lat)) {
      out.problem = format_point(i) + ": the latitude must be between -90 and 90";
      return out;
    }
  }
  std::vector<LonLat> ring;
  for (const auto& p : points)
    if (ring.empty() || !(ring.back() == p)) ring.push_back(p);
  while (ring.size() > 1 && ring.back() == ring.front()) ring.pop_back();  // closed as GeoJSON: open it
  std::set<std::pair<double, double>> distinct;
  for (const auto& p : ring) distinct.insert({p.lon, p.lat});
  if (distinct.size() < 3) {
    out.problem = "needs at least 3 distinct points";
    return out;
  }
  auto [lo_lat, hi_lat] = std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.lat < b.lat; });
  auto [lo_lon, hi_lon] = std::minmax_element(ring.begin(), ring.end(), [](auto& a, auto& b) { return a.lon < b.lon; });
  if (hi_lat->lat - lo_lat->lat > kMaxSpanDegrees || hi_lon->lon - lo_lon->lon > kMaxSpanDegrees) {
    out.problem = "may span at most " + std::to_string(static_cast<int>(kMaxSpanDegrees)) +
                  " degrees of latitude and of longitude";
    return out;
  }
  const auto poly = project(ring, projection_for(ring));
  bg::validity_failure_type failure = bg::no_failure;
  const bool valid = bg::is_valid(poly, failure);
  if (failure == bg::failure_self_intersections) {
    out.problem = "crosses itself: the ring must not self-intersect";
    return out;
  }
  if (std::abs(bg::area(poly)) < 1.0) {  // under a square metre: the points lie on one line
    out.problem = "has no area: its points lie on one line";
    return out;
  }
  if (!valid) {
    out.problem = failure == bg::failure_spikes ? "doubles back on itself (a spike)" : "is not a valid polygon";
    return out;
  }
  out.ring = std::move(ring);
  return out;
}

struct Compiled::Plane {
  Projection projection;
  Polygon polygon;
};

Compiled::Compiled(Fence f) : fence_(std::move(f)) {
  if (fence_.shape.circle) {
    const auto& c = *fence_.shape.circle;
    // A box a little larger than the circle, so the prefilter never drops a point inside.
    const double dlat = c.radius_m * 1.01 / kEarthRadiusM / kRad;
    const double cos_lat = std::max(std::cos((std::abs(c.center.lat) + dlat) * kRad), 1e-6);
    const double dlon = std::min(dlat / cos_lat, 180.0);
    min_lat_ = c.center.lat - dlat;
    max_lat_ = c.center.lat + dlat;
    min_lon_ = c.center.lon - dlon;
    max_lon_ = c.center.lon + dlon;
    return;
  }
  const auto& ring = fence_.shape.ring;
  if (ring.empty()) return;
  min_lat_ = max_lat_ = ring.front().lat;
  min_lon_ = max_lon_ = ring.front().lon;
  for (const auto& p : ring) {
    min_lat_ = std::min(min_lat_, p.lat);
    max_lat_ = std::max(max_lat_, p.lat);
    min_lon_ = std::min(min_lon_, p.lon);
    max_lon_ = std::max(max_lon_, p.lon);
  }
  auto plane = std::make_shared<Plane>();
  plane->projection = projection_for(ring);
  plane->polygon = project(ring, plane->projection);
  plane_ = std::move(plane);
}

bool Compiled::contains(double lat, double lon) const {
  if (lat < min_lat_ || lat > max_lat_ || lon < min_lon_ || lon > max_lon_) return false;
  if (fence_.shape.circle) {
    const auto& c = *fence_.shape.circle;
    return distance_m(c.center.lat, c.center.lon, lat, lon) <= c.radius_m;
  }
  if (!plane_) return false;
  return bg::covered_by(plane_->projection(lat, lon), plane_->polygon);
}

bool inside_any(const std::vector<Compiled>& fences, Kind kind, double lat, double lon) {
  return std::any_of(fences.begin(), fences.end(), [&](const Compiled& c) {
    return c.fence().active && c.fence().kind == kind && c.contains(lat, lon);
  });
}

std::vector<Transition> transitions(const std::vector<Compiled>& fences, std::vector<std::string>& inside,
                                    const std::vector<Fix>& fixes) {
  std::set<std::string> in(inside.begin(), inside.end());
  std::vector<Transition> out;
  for (std::size_t j = 0; j < fixes.size(); ++j) {
    const auto& f = fixes[j];
    for (std::size_t i = 0; i < fences.size(); ++i) {
      const auto& fence = fences[i].fence();
      if (!fence.active) continue;
      const bool now_in = fences[i].contains(f.lat, f.lon);
      const bool was_in = in.count(fence.id) != 0;
      if (now_in == was_in) continue;
      if (now_in) in.insert(fence.id);
      else in.erase(fence.id);
      out.push_back({i, j, now_in});
    }
  }
  inside.assign(in.begin(), in.end());
  return out;
}

}  // namespace telematics::geofence
