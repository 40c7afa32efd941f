#pragma once
// Plausibility of fixes: a (0,0) fix, a fix the device marks invalid, or an impossible jump
// from the previous good fix is kept but flagged, and not used for the latest state or trips.
#include <optional>

#include "domain/types.hpp"

namespace telematics {

// Great-circle distance in metres (Boost.Geometry, spherical earth of mean radius).
double distance_m(double lat1, double lon1, double lat2, double lon2);

struct PreviousFix {
  TimePoint time{};
  double lat = 0, lon = 0;
};

// `max_kmh`: the fastest a vehicle of this fleet can plausibly move between two fixes.
bool plausible(const Fix& f, const std::optional<PreviousFix>& previous, double max_kmh = 250);

}  // namespace telematics
