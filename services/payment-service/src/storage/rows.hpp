#pragma once
// Small helpers shared by the storage files: nullable columns, instants and dates.
#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <rto/db_rows.hpp>
#include <string>

#include "domain/calendar.hpp"

namespace payment_service::storage::detail {

// Column readers of the platform (rto/db_rows.hpp).
using rto::from_micros;
using rto::db::opt_micros;
using rto::db::opt_text;
using rto::db::opt_time;
using rto::db::time_of;
using rto::to_micros;

inline int to_days(Date d) { return static_cast<int>(d.time_since_epoch().count()); }
inline Date from_days(int n) { return Date(std::chrono::days(n)); }

inline std::optional<Date> opt_date(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_days(f.as<int>());
}

}  // namespace payment_service::storage::detail
