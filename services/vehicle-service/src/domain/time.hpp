#pragma once
// Time points cross the database boundary as integer microseconds since the Unix epoch, so no
// precision is lost and the service's injectable clock (not the database's now()) decides.
#include <chrono>
#include <cstdint>

namespace vehicle_service {

using TimePoint = std::chrono::system_clock::time_point;

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

}  // namespace vehicle_service
