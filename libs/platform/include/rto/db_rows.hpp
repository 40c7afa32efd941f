#pragma once
// Reading result columns the way every service's storage does: nullable columns, instants stored
// as microseconds (rto/time.hpp), JSON columns.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "rto/time.hpp"

namespace rto::db {

inline std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

inline TimePoint time_of(const pqxx::field& f) { return from_micros(f.as<std::int64_t>()); }

inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return time_of(f);
}

inline std::optional<std::int64_t> opt_micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

inline boost::json::value json_of(const pqxx::field& f) {
  if (f.is_null()) return nullptr;
  return boost::json::parse(f.c_str());
}

inline boost::json::object object_of(const pqxx::field& f) {
  auto v = json_of(f);
  return v.is_object() ? std::move(v.as_object()) : boost::json::object{};
}

}  // namespace rto::db
