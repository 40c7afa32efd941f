#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace credit_service::storage {
using namespace detail;

UsageWrite record_usage(Tx& tx, const DailyUsage& u, const std::string& event_id, TimePoint event_time,
                        TimePoint now) {
  auto r = tx.exec_prepared(sql::kUsageUpsert.name, u.vehicle_id, format_date(Date{u.date}), *u.customer_id,
                            u.tracker_id, u.plan_id, u.distance_m, u.engine_seconds, u.moving_seconds, u.trips,
                            u.active, event_id, to_micros(event_time), to_micros(now));
  if (r.empty()) return UsageWrite::Stale;
  return r[0][0].as<bool>() ? UsageWrite::Inserted : UsageWrite::Replaced;
}

std::vector<std::vector<UsageDay>> usage_days(Tx& tx, const std::vector<UsageQuery>& queries) {
  std::vector<std::vector<UsageDay>> out(queries.size());
  if (queries.empty()) return out;
  // Array literals of values this service formats itself (UUIDs read from its own rows, dates).
  std::string customers = "{", froms = "{", untils = "{";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    const char* sep = i ? "," : "";
    customers += sep + queries[i].customer_id;
    froms += sep + format_date(Date{queries[i].window.from});
    untils += sep + format_date(Date{queries[i].window.until});
  }
  customers += "}";
  froms += "}";
  untils += "}";
  for (const auto& row : tx.exec_prepared(sql::kUsageDays.name, customers, froms, untils)) {
    const auto k = row[0].as<std::size_t>();
    if (k >= 1 && k <= out.size()) out[k - 1] = usage_days_from_json(json_of(row[1]));
  }
  return out;
}

}  // namespace credit_service::storage
