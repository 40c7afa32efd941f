#pragma once
// Small helpers shared by the storage files: nullable columns, time values, JSON columns.
#include <boost/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <rto/db_rows.hpp>
#include <string>

#include "domain/time.hpp"

namespace credit_service::storage::detail {

// Column readers of the platform (rto/db_rows.hpp).
using rto::db::json_of;
using rto::db::object_of;
using rto::db::opt_micros;
using rto::db::opt_text;
using rto::db::opt_time;
using rto::db::time_of;

}  // namespace credit_service::storage::detail
