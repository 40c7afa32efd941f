#pragma once
// Time values as every service handles them. Instants are UTC and cross the database boundary as
// integer microseconds since the Unix epoch, so no precision is lost and the service's injectable
// clock (not the database's now()) decides. Calendar dates are "YYYY-MM-DD".
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rto {

using TimePoint = std::chrono::system_clock::time_point;

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

// Strict "YYYY-MM-DD" naming a real calendar day (2026-02-30 is refused); nullopt otherwise.
std::optional<std::chrono::year_month_day> parse_date(std::string_view text);
std::string format_date(const std::chrono::year_month_day& d);

}  // namespace rto
