#pragma once
// Small helpers shared by the storage files: nullable columns, time values, JSON columns.
#include <boost/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "domain/time.hpp"

namespace credit_service::storage::detail {

inline std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}

inline TimePoint time_of(const pqxx::field& f) { return from_micros(f.as<std::int64_t>()); }

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

}  // namespace credit_service::storage::detail
