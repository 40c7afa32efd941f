// Vehicle usage: the telematics.usage.daily data, the window before an application and the
// summary credit officers see beside it.
#include <gtest/gtest.h>

#include <rto/testing/expect_error.hpp>

#include "domain/usage.hpp"

using namespace credit_service;
using rto::testing::error_of;
using rto::testing::names_field;
namespace js = boost::json;
using std::chrono::days;

namespace {

Day on(int y, unsigned m, unsigned d) { return Day{std::chrono::year(y) / m / d}; }

js::object event_data() {
  return js::parse(R"({"vehicle_id":"3F6C2A1E-5B7D-4C1A-9E2F-0A1B2C3D4E5F",
    "tracker_id":"7a1b2c3d-0000-4000-8000-000000000002","plan_id":"7a1b2c3d-0000-4000-8000-000000000003",
    "customer_id":"7a1b2c3d-0000-4000-8000-000000000004","date":"2026-06-14","distance_m":42350,
    "engine_seconds":10800,"moving_seconds":7200,"trips":6,"active":true})")
      .as_object();
}

UsageDay row(Day d, std::string vehicle, std::int64_t metres, std::int64_t engine, std::int64_t moving,
             std::int64_t trips, bool active) {
  return {d, std::move(vehicle), metres, engine, moving, trips, active};
}

}  // namespace

TEST(UsageEvent, ParsesTheData) {
  auto u = parse_daily_usage(event_data());
  EXPECT_EQ(u.vehicle_id, "3f6c2a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f");  // lower case, as stored
  EXPECT_EQ(u.tracker_id, "7a1b2c3d-0000-4000-8000-000000000002");
  EXPECT_EQ(u.plan_id, "7a1b2c3d-0000-4000-8000-000000000003");
  EXPECT_EQ(u.customer_id, "7a1b2c3d-0000-4000-8000-000000000004");
  EXPECT_EQ(u.date, on(2026, 6, 14));
  EXPECT_EQ(u.distance_m, 42350);
  EXPECT_EQ(u.engine_seconds, 10800);
  EXPECT_EQ(u.moving_seconds, 7200);
  EXPECT_EQ(u.trips, 6);
  EXPECT_TRUE(u.active);
}

TEST(UsageEvent, APlanAndACustomerMayBeNull) {
  auto d = event_data();
  d["plan_id"] = nullptr;
  d["customer_id"] = nullptr;
  d["future_member"] = "ignored";  // the publisher may add members
  auto u = parse_daily_usage(d);
  EXPECT_EQ(u.plan_id, std::nullopt);
  EXPECT_EQ(u.customer_id, std::nullopt);
  d.erase("customer_id");
  EXPECT_EQ(parse_daily_usage(d).customer_id, std::nullopt);
}

TEST(UsageEvent, MalformedDataNamesEveryField) {
  auto d = event_data();
  d.erase("vehicle_id");
  d["tracker_id"] = "not-a-uuid";
  d["customer_id"] = 17;
  d["date"] = "2026-02-30";
  d["distance_m"] = -1;
  d["engine_seconds"] = 25 * 3600 + 1;
  d["moving_seconds"] = 1.5;
  d["trips"] = "6";
  d["active"] = "yes";
  auto e = error_of([&] { parse_daily_usage(d); });
  EXPECT_EQ(e.status(), 400);
  for (auto f : {"data.vehicle_id", "data.tracker_id", "data.customer_id", "data.date", "data.distance_m",
                 "data.engine_seconds", "data.moving_seconds", "data.trips", "data.active"})
    EXPECT_TRUE(names_field(e, f)) << f << ": " << e.detail();
  EXPECT_EQ(e.fields().size(), 9u);

  EXPECT_EQ(error_of([] { parse_daily_usage(js::value("text")); }).status(), 400);
  auto no_date = event_data();
  no_date.erase("date");
  EXPECT_TRUE(names_field(error_of([&] { parse_daily_usage(no_date); }), "data.date"));
  // A full day of 24 hours (25 where clocks change) is plausible; 5,000 km is the limit.
  auto full = event_data();
  full["engine_seconds"] = 25 * 3600;
  full["distance_m"] = kMaxDayDistanceM;
  EXPECT_NO_THROW(parse_daily_usage(full));
}

TEST(UsageEvent, EventTimes) {
  using namespace std::chrono;
  const auto base = on(2026, 6, 15) + hours(9);
  EXPECT_EQ(parse_instant("2026-06-15T09:00:00Z"), base);
  EXPECT_EQ(parse_instant("2026-06-15T09:00:00.123Z"), base + milliseconds(123));
  EXPECT_EQ(parse_instant("2026-06-15T09:00:00.000123456Z"), base + microseconds(123));
  EXPECT_EQ(parse_instant("2026-06-15T12:00:00+03:00"), base);
  EXPECT_EQ(parse_instant("2026-06-15T08:30:00-00:30"), base);
  for (auto bad : {"", "2026-06-15", "2026-06-15T09:00:00", "2026-06-15 09:00:00Z", "2026-06-15T24:00:00Z",
                   "2026-02-30T09:00:00Z", "2026-06-15T09:00:00.Z", "2026-06-15T09:00:00+0300",
                   "2026-06-15T09:00:00Zjunk"})
    EXPECT_EQ(parse_instant(bad), std::nullopt) << bad;
}

// The window before an application made on 15 June 2026: 90 days, 17 March to 14 June.
//   15 June - 30 days = 16 May, - 60 = 16 April, - 90 = 17 March.
TEST(UsageSummary, TheWindowIsTheNinetyDaysBeforeTheApplicationDay) {
  auto w = usage_window_before(on(2026, 6, 15));
  EXPECT_EQ(w.from, on(2026, 3, 17));
  EXPECT_EQ(w.until, on(2026, 6, 15));
  EXPECT_EQ(w.days(), 90);
  EXPECT_TRUE(w.contains(on(2026, 3, 17)));
  EXPECT_TRUE(w.contains(on(2026, 6, 14)));
  EXPECT_FALSE(w.contains(on(2026, 3, 16)));
  EXPECT_FALSE(w.contains(on(2026, 6, 15)));  // the application's own day is not finished
  EXPECT_EQ(usage_window_before(on(2026, 3, 1), 7).from, on(2026, 2, 22));
}

// Rows of two vehicles; the first and the last lie outside the window.
//   days with data: 17 Mar, 1 Apr, 14 Jun = 3; active: 17 Mar, 1 Apr (v2 was used) = 2 -> 66 %
//   distance 42,350 + 0 + 18,000 + 120 = 60,470 m -> 60.5 km
//   on active vehicle-days 42,350 + 18,000 = 60,350 m over 2 days = 30,175 m -> 30.2 km a day
//   engine 10,800 + 3,600 + 300 = 14,700 s -> 4.1 h; moving 7,200 + 2,700 + 60 = 9,960 s -> 2.8 h
//   trips 6 + 0 + 2 + 1 = 9
TEST(UsageSummary, SumsTheDaysInTheWindow) {
  const auto w = usage_window_before(on(2026, 6, 15));
  std::vector<UsageDay> rows = {
      row(on(2026, 6, 14), "v1", 120, 300, 60, 1, false),
      row(on(2026, 3, 16), "v1", 99'999, 9'999, 9'999, 9, true),  // before the window
      row(on(2026, 3, 17), "v1", 42'350, 10'800, 7'200, 6, true),
      row(on(2026, 4, 1), "v1", 0, 0, 0, 0, false),
      row(on(2026, 4, 1), "v2", 18'000, 3'600, 2'700, 2, true),
      row(on(2026, 6, 15), "v1", 99'999, 9'999, 9'999, 9, true),  // the application's day
  };
  auto s = summarise_usage(rows, w);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->window, w);
  EXPECT_EQ(s->days_with_data, 3);
  EXPECT_EQ(s->active_days, 2);
  EXPECT_EQ(s->active_days_percent(), 66);
  EXPECT_EQ(s->vehicles, 2);
  EXPECT_EQ(s->distance_m, 60'470);
  EXPECT_EQ(s->active_distance_m, 60'350);
  EXPECT_EQ(s->metres_per_active_day(), 30'175);
  EXPECT_EQ(s->engine_seconds, 14'700);
  EXPECT_EQ(s->moving_seconds, 9'960);
  EXPECT_EQ(s->trips, 9);
  EXPECT_EQ(s->first_date, on(2026, 3, 17));
  EXPECT_EQ(s->last_date, on(2026, 6, 14));

  auto j = usage_json(*s);
  EXPECT_EQ(j.at("window"), (js::object{{"from", "2026-03-17"}, {"to", "2026-06-14"}, {"days", 90}}));
  EXPECT_EQ(j.at("days_with_data"), 3);
  EXPECT_EQ(j.at("active_days"), 2);
  EXPECT_EQ(j.at("active_days_percent"), 66);
  EXPECT_EQ(j.at("vehicles"), 2);
  EXPECT_EQ(j.at("distance_m"), 60'470);
  EXPECT_DOUBLE_EQ(j.at("distance_km").as_double(), 60.5);
  EXPECT_DOUBLE_EQ(j.at("km_per_active_day").as_double(), 30.2);
  EXPECT_EQ(j.at("engine_seconds"), 14'700);
  EXPECT_DOUBLE_EQ(j.at("engine_hours").as_double(), 4.1);
  EXPECT_EQ(j.at("moving_seconds"), 9'960);
  EXPECT_DOUBLE_EQ(j.at("moving_hours").as_double(), 2.8);
  EXPECT_EQ(j.at("trips"), 9);
  EXPECT_EQ(j.at("first_date"), "2026-03-17");
  EXPECT_EQ(j.at("last_date"), "2026-06-14");
}

TEST(UsageSummary, NoDayInTheWindowIsNoSummary) {
  const auto w = usage_window_before(on(2026, 6, 15));
  EXPECT_EQ(summarise_usage({}, w), std::nullopt);
  EXPECT_EQ(summarise_usage({row(on(2025, 1, 1), "v1", 1000, 60, 60, 1, true)}, w), std::nullopt);
  EXPECT_TRUE(usage_json(std::optional<UsageSummary>{}).is_null());
}

TEST(UsageSummary, DaysWithoutUseHaveNoAverage) {
  const auto w = usage_window_before(on(2026, 6, 15));
  auto s = summarise_usage({row(on(2026, 6, 1), "v1", 0, 0, 0, 0, false),
                            row(on(2026, 6, 2), "v1", 40, 120, 0, 0, false)},
                           w);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->days_with_data, 2);
  EXPECT_EQ(s->active_days, 0);
  EXPECT_EQ(s->active_days_percent(), 0);
  EXPECT_EQ(s->metres_per_active_day(), std::nullopt);
  auto j = usage_json(*s);
  EXPECT_TRUE(j.at("km_per_active_day").is_null());
  EXPECT_DOUBLE_EQ(j.at("distance_km").as_double(), 0.0);  // 40 m
  EXPECT_DOUBLE_EQ(j.at("engine_hours").as_double(), 0.0);  // 2 minutes
}

TEST(UsageSummary, EveryDayActiveIsAHundredPercent) {
  const auto w = usage_window_before(on(2026, 6, 15));
  std::vector<UsageDay> rows;
  for (int i = 1; i <= 90; ++i) rows.push_back(row(w.until - days(i), "v1", 60'000, 28'800, 14'400, 12, true));
  auto s = summarise_usage(rows, w);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->days_with_data, 90);
  EXPECT_EQ(s->active_days_percent(), 100);
  EXPECT_EQ(s->metres_per_active_day(), 60'000);
  EXPECT_DOUBLE_EQ(usage_json(*s).at("engine_hours").as_double(), 720.0);  // 90 x 8 h
}

TEST(UsageSummary, ReadsTheRowsStorageAggregates) {
  auto days = usage_days_from_json(js::parse(
      R"([{"date":"2026-06-14","vehicle_id":"v1","distance_m":42350,"engine_seconds":10800,"moving_seconds":7200,
           "trips":6,"active":true},
          {"date":"not a date","vehicle_id":"v1"},
          {"date":"2026-06-13","vehicle_id":"v2","distance_m":0,"engine_seconds":0,"moving_seconds":0,"trips":0,
           "active":false}])"));
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].date, on(2026, 6, 14));
  EXPECT_EQ(days[0].vehicle_id, "v1");
  EXPECT_EQ(days[0].distance_m, 42350);
  EXPECT_EQ(days[0].engine_seconds, 10800);
  EXPECT_EQ(days[0].moving_seconds, 7200);
  EXPECT_EQ(days[0].trips, 6);
  EXPECT_TRUE(days[0].active);
  EXPECT_FALSE(days[1].active);
  EXPECT_TRUE(usage_days_from_json(nullptr).empty());
}
