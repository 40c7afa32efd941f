#pragma once
// Time points cross the database boundary as integer microseconds since the Unix epoch.
#include <chrono>
#include <cstdint>

#include "domain/types.hpp"

namespace telematics {

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

}  // namespace telematics
