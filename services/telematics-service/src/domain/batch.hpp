#pragma once
// The JSON batch of positions an integration sends for one tracker (POST
// /api/v1/telematics/positions, authenticated by the tracker's device token). Pure functions.
//
//   {"positions": [{"time": "2026-12-07T10:00:00Z" | unix seconds, "lat": 0.3476, "lon": 32.5825,
//                   "speed_kmh": 31.5, "course": 90, "altitude": 1190, "satellites": 9,
//                   "valid": true, "ignition": true, "battery_percent": 80,
//                   "external_voltage": 12.6}, ...]}
//
// time, lat and lon are required. A position that is wrong on its own is refused with its index
// and the field; the others are kept. A body that is not such a batch at all is a DecodeError.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace telematics::batch {

struct Refusal {
  std::size_t index = 0;
  std::string field;   // e.g. "positions[3].lat"
  std::string reason;
};

struct Parsed {
  std::size_t received = 0;
  std::vector<Fix> fixes;
  std::vector<Refusal> refused;
};

// `now` bounds device clocks: a fix more than `max_ahead` in the future is refused.
Parsed parse(std::string_view body, TimePoint now, std::size_t max_positions,
             std::chrono::seconds max_ahead = std::chrono::minutes(5));

}  // namespace telematics::batch
