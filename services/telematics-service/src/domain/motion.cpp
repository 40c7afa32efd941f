#include "domain/motion.hpp"

#include <boost/geometry.hpp>
#include <chrono>
#include <cmath>

namespace telematics {

namespace bg = boost::geometry;
using LonLat = bg::model::point<double, 2, bg::cs::spherical_equatorial<bg::degree>>;

double distance_m(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusM = 6371008.8;
  return bg::distance(LonLat(lon1, lat1), LonLat(lon2, lat2)) * kEarthRadiusM;
}

bool plausible(const Fix& f, const std::optional<PreviousFix>& previous, double max_kmh) {
  if (!f.valid) return false;
  if (std::abs(f.lat) < 1e-6 && std::abs(f.lon) < 1e-6) return false;
  if (!previous) return true;
  const double metres = distance_m(previous->lat, previous->lon, f.lat, f.lon);
  const double seconds = std::abs(std::chrono::duration<double>(f.time - previous->time).count());
  // Allow 1 km of GPS noise regardless of time.
  if (metres <= 1000) return true;
  if (seconds <= 0) return false;
  return metres / seconds * 3.6 <= max_kmh;
}

}  // namespace telematics
