#pragma once
// Small helpers shared by the storage files: reading nullable columns and time values.
#include <boost/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <rto/db_rows.hpp>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace user_service::storage::detail {

// Column readers of the platform (rto/db_rows.hpp).
using rto::db::opt_micros;
using rto::db::opt_text;
using rto::db::opt_time;
using rto::db::time_of;

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
