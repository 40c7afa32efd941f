#pragma once
// Small helpers shared by the storage files: nullable columns, instants and dates.
#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "domain/calendar.hpp"

namespace payment_service::storage::detail {

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}
inline std::optional<std::int64_t> opt_micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}
inline int to_days(Date d) { return static_cast<int>(d.time_since_epoch().count()); }
inline Date from_days(int n) { return Date(std::chrono::days(n)); }

inline std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}
inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}
inline TimePoint time_of(const pqxx::field& f) { return from_micros(f.as<std::int64_t>()); }
inline std::optional<Date> opt_date(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_days(f.as<int>());
}

}  // namespace payment_service::storage::detail
