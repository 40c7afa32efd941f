#pragma once
// Time points cross the database boundary as integer microseconds since the Unix epoch, so the
// service's injectable clock (not the database's now()) decides. Dates of birth are calendar
// dates; ages are completed years on the UTC date.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace credit_service {

using TimePoint = std::chrono::system_clock::time_point;
using Date = std::chrono::year_month_day;

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

inline Date utc_date(TimePoint t) { return Date{std::chrono::floor<std::chrono::days>(t)}; }

// Strict YYYY-MM-DD naming a real calendar day.
std::optional<Date> parse_date(std::string_view text);
std::string format_date(const Date& d);

// Completed years between birth and `on`. Someone born on 29 February has their birthday on
// 1 March in common years.
int age_on(const Date& birth, const Date& on);

}  // namespace credit_service
