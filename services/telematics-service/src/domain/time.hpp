#pragma once
// Time points cross the database boundary as integer microseconds since the Unix epoch.
#include <chrono>
#include <cstdint>

#include "domain/types.hpp"

namespace telematics {

// The latest device time the decoders take, 2200-01-01T00:00:00Z in milliseconds since the epoch.
// A later (or, for calendar dates, a pre-1970) time is no device clock; the nanosecond TimePoint
// would also overflow past 2262.
inline constexpr std::int64_t kMaxDeviceMillis = 7'258'118'400'000;
inline constexpr int kMinDeviceYear = 1970, kMaxDeviceYear = 2199;

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

}  // namespace telematics
