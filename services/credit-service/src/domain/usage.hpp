#pragma once
// Vehicle usage from the telematics service, pure: the data of telematics.usage.daily parsed and
// checked, and the summary of a customer's days over a window of local dates that credit
// officers see beside an application and the scorecard's usage characteristic is taken from.
//
//   telematics.usage.daily  {vehicle_id, tracker_id, plan_id|null, customer_id|null, date "YYYY-MM-DD",
//                            distance_m, engine_seconds, moving_seconds, trips, active}
// One event per vehicle per finished operator-local day; a later event for the same vehicle and
// day (a correction) replaces the earlier one.
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/time.hpp"

namespace credit_service {

using Day = std::chrono::sys_days;

struct DailyUsage {
  std::string vehicle_id;                  // lower-case UUIDs
  std::string tracker_id;
  std::optional<std::string> plan_id;
  std::optional<std::string> customer_id;  // none: the vehicle was on no customer's plan that day
  Day date{};                              // the operator-local day
  std::int64_t distance_m = 0;
  std::int64_t engine_seconds = 0;
  std::int64_t moving_seconds = 0;
  std::int64_t trips = 0;
  bool active = false;
  bool operator==(const DailyUsage&) const = default;
};

// Limits of a plausible day (a local day is at most 25 hours long where clocks change).
inline constexpr std::int64_t kMaxDaySeconds = 25 * 3600;
inline constexpr std::int64_t kMaxDayDistanceM = 5'000'000;  // 5,000 km
inline constexpr std::int64_t kMaxDayTrips = 10'000;

// Parses the event's data. Throws rto::Error (400) naming every bad field; unknown members are
// allowed (the publisher may add some).
DailyUsage parse_daily_usage(const boost::json::value& data);

// An RFC 3339 instant ("2026-06-15T09:00:00.123Z", "…+03:00"): the events' `time`, which orders
// a correction after what it corrects. nullopt when it is not one.
std::optional<TimePoint> parse_instant(std::string_view text);

// ---- the summary --------------------------------------------------------------------------------

// One stored day of one vehicle (what the summary needs of it).
struct UsageDay {
  Day date{};
  std::string vehicle_id;
  std::int64_t distance_m = 0;
  std::int64_t engine_seconds = 0;
  std::int64_t moving_seconds = 0;
  std::int64_t trips = 0;
  bool active = false;
};

// Local dates from `from` up to, not including, `until`.
struct UsageWindow {
  Day from{};
  Day until{};
  std::int64_t days() const { return (until - from).count(); }
  bool contains(Day d) const { return d >= from && d < until; }
  bool operator==(const UsageWindow&) const = default;
};

// The days summarised beside an application: the 90 finished local days before the day it was
// submitted on.
inline constexpr int kUsageWindowDays = 90;
UsageWindow usage_window_before(Day application_date, int days = kUsageWindowDays);

struct UsageSummary {
  UsageWindow window;
  std::int64_t days_with_data = 0;  // local dates with at least one vehicle's figures
  std::int64_t active_days = 0;     // dates on which a vehicle was used
  std::int64_t vehicles = 0;        // distinct vehicles
  std::int64_t distance_m = 0;         // over every day
  std::int64_t active_distance_m = 0;  // of the vehicle-days marked active
  std::int64_t engine_seconds = 0;
  std::int64_t moving_seconds = 0;
  std::int64_t trips = 0;
  Day first_date{};
  Day last_date{};

  // active_days * 100 / days_with_data, rounded down: the share of the days with data on which
  // the vehicle was used.
  std::int64_t active_days_percent() const;
  // active_distance_m / active_days, in metres, rounded to the nearest; nullopt without an active
  // day.
  std::optional<std::int64_t> metres_per_active_day() const;
};

// Sums the days inside the window (days outside it are left out). Several vehicles on one date
// make one day with data, active when any of them was. nullopt when no day falls in the window:
// there is no usage to show.
std::optional<UsageSummary> summarise_usage(const std::vector<UsageDay>& days, const UsageWindow& window);

// {window: {from, to, days}, days_with_data, active_days, active_days_percent, vehicles,
//  distance_m, distance_km, km_per_active_day, engine_seconds, engine_hours, moving_seconds,
//  moving_hours, trips, first_date, last_date}; km and hours rounded to one decimal, `to` the
// last date of the window (inclusive).
boost::json::object usage_json(const UsageSummary& s);
// usage_json or null.
boost::json::value usage_json(const std::optional<UsageSummary>& s);

// Reads the rows a storage statement aggregates as a JSON array of
// {date, vehicle_id, distance_m, engine_seconds, moving_seconds, trips, active}; null or empty
// gives none.
std::vector<UsageDay> usage_days_from_json(const boost::json::value& v);

}  // namespace credit_service
