#pragma once
// Geofences drawn by staff: polygons and circles, their validation, containment of a fix, and the
// enter/exit transitions of a vehicle over a run of fixes. Pure functions with unit tests.
//
// Containment math: a local equirectangular projection for polygons, haversine for circles.
// A polygon is projected into a plane of metres east and north of its own reference point (the
// middle of its bounding box: x = R·Δlon·cos(lat0), y = R·Δlat) and tested there with
// Boost.Geometry's cartesian algorithms (is_valid, covered_by). That map is affine in (lon, lat),
// so an edge is the straight line between its vertices in longitude and latitude, exactly as
// GeoJSON defines polygon edges (RFC 7946 §3.1.1): what a map drawing tool shows is what is
// tested. Against great-circle edges the difference is nil along the equator and metres for
// city-sized fences; the fleets run in East and West Africa, so no fence crosses the antimeridian
// or a pole. Why not the geographic strategies: they cost several times more per fix on the ingest
// path, their edges are geodesics that a flat map does not draw, and is_valid is exact in the
// plane. Circles need no projection: the great-circle (haversine) distance to the centre, on the
// mean-radius sphere as distance_m() in motion.hpp, is compared with the radius.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace telematics::geofence {

enum class Kind { OperatingArea, Yard, NoGo, Exclusion };
inline constexpr std::string_view kKindNames[] = {"operating_area", "yard", "no_go", "exclusion"};
std::string_view to_string(Kind k) noexcept;
std::optional<Kind> kind_from(std::string_view s) noexcept;

struct LonLat {
  double lon = 0, lat = 0;
  bool operator==(const LonLat&) const = default;
};

// A polygon's ring may span at most this many degrees of latitude and of longitude (about
// 1,650 km at the equator): a whole country's operating area, not a continent.
inline constexpr double kMaxSpanDegrees = 15;
inline constexpr std::size_t kMaxPoints = 1000;
inline constexpr int kMinRadiusM = 10, kMaxRadiusM = 100000;

struct Circle {
  LonLat center;
  int radius_m = 0;
};

// Exactly one of the two is set.
struct Shape {
  std::vector<LonLat> ring;  // a polygon: open (first point not repeated), at least 3 distinct points
  std::optional<Circle> circle;
};

bool valid_lat(double lat) noexcept;
bool valid_lon(double lon) noexcept;

// A polygon as sent (a GeoJSON-style ring, closed or not): drops the closing point and
// consecutive repeats, then checks it. Returns the open ring, or a message saying what is wrong
// (fewer than 3 distinct points, a bad coordinate naming its index, too large, self-intersecting).
struct RingCheck {
  std::vector<LonLat> ring;
  std::optional<std::string> problem;
};
RingCheck normalize_ring(const std::vector<LonLat>& points);

// A fence ready for containment tests (its projection and bounding box computed once).
struct Fence {
  std::string id, name;
  Kind kind = Kind::OperatingArea;
  bool active = true;
  Shape shape;
};

class Compiled {
 public:
  explicit Compiled(Fence f);
  const Fence& fence() const noexcept { return fence_; }
  // On the boundary counts as inside.
  bool contains(double lat, double lon) const;

 private:
  struct Plane;
  Fence fence_;
  double min_lat_ = 0, max_lat_ = 0, min_lon_ = 0, max_lon_ = 0;  // bounding box, degrees
  std::shared_ptr<const Plane> plane_;                            // polygons only
};

// Is (lat, lon) inside an active fence of `kind`?
bool inside_any(const std::vector<Compiled>& fences, Kind kind, double lat, double lon);

struct Transition {
  std::size_t fence = 0;  // index into the fences
  std::size_t fix = 0;    // index into the fixes: the first fix inside (entered) or outside (exited)
  bool entered = false;
};

// Walks `fixes` (oldest first) from the state `inside` (ids of the fences the vehicle was in) and
// returns every crossing of an active fence's boundary, in order. `inside` becomes the state
// after the last fix, sorted. Ids in `inside` that name no active fence of `fences` are kept as
// they are (the fence may be unknown to this cache yet; deleting or deactivating a fence clears
// it from every vehicle's state in storage).
std::vector<Transition> transitions(const std::vector<Compiled>& fences, std::vector<std::string>& inside,
                                    const std::vector<Fix>& fixes);

}  // namespace telematics::geofence
