#pragma once
// Small helpers shared by the storage files: reading nullable columns and time values.
#include <boost/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace user_service::storage::detail {

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

inline std::string roles_param(const std::vector<std::string>& roles) {
  boost::json::array a;
  for (const auto& r : roles) a.emplace_back(r);
  return boost::json::serialize(a);
}

inline std::vector<std::string> roles_from(const pqxx::field& f) {
  std::vector<std::string> out;
  auto v = boost::json::parse(f.as<std::string>());
  for (const auto& r : v.as_array()) out.emplace_back(r.as_string());
  return out;
}

}  // namespace user_service::storage::detail
