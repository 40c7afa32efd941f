#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "domain/motion.hpp"
#include "domain/trips.hpp"

using namespace telematics;
using namespace telematics::trips;
using namespace std::chrono;

namespace {

// 2026-03-10 06:00 UTC = 09:00 in Kampala (UTC+3).
const TimePoint kMorning = sys_days(2026y / March / 10) + hours(6);

Fix fix(TimePoint t, double lat, double lon, double speed, std::optional<bool> ignition = std::nullopt) {
  Fix f;
  f.time = t;
  f.lat = lat;
  f.lon = lon;
  f.speed_kmh = speed;
  f.ignition = ignition;
  return f;
}

// Northwards along 32.58 E from 0.30 N: `metres` north of the start.
double north(double metres) { return 0.30 + metres / 111195.0; }

rto::Zone kampala() {
  std::ifstream in("/usr/share/zoneinfo/Africa/Kampala", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return rto::Zone::from_tzif("Africa/Kampala", ss.str());
}

const Rules kRules{};  // 6 km/h, 5 min stopped, 10 min gap

}  // namespace

TEST(Trips, EndReasonsHaveStableNames) {
  EXPECT_EQ(to_string(EndReason::IgnitionOff), "ignition_off");
  EXPECT_EQ(to_string(EndReason::Stopped), "stopped");
  EXPECT_EQ(to_string(EndReason::DataGap), "data_gap");
}

TEST(Trips, IgnitionOnStartsAndIgnitionOffEndsATrip) {
  const auto zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  State s;
  // Parked, ignition off: no trip.
  auto o = advance(kRules, zone, s, {fix(kMorning, north(0), 32.58, 0, false)});
  EXPECT_FALSE(s.trip);
  EXPECT_TRUE(o.closed.empty());
  ASSERT_EQ(o.days.size(), 1u);
  EXPECT_FALSE(active(o.days[0]));

  // The ignition turns on: a trip starts there, before any movement.
  o = advance(kRules, zone, s, {fix(kMorning + seconds(60), north(0), 32.58, 0, true)});
  ASSERT_TRUE(s.trip);
  EXPECT_EQ(s.trip->start.time, kMorning + seconds(60));
  ASSERT_EQ(o.days.size(), 1u);
  EXPECT_EQ(o.days[0].trips, 1);
  EXPECT_EQ(o.days[0].engine_seconds, 0);  // the ignition was off before this fix

  // 1 km north in two minutes at 30 km/h, then the ignition goes off.
  o = advance(kRules, zone, s,
              {fix(kMorning + seconds(120), north(500), 32.58, 30, true),
               fix(kMorning + seconds(180), north(1000), 32.58, 30, true),
               fix(kMorning + seconds(200), north(1000), 32.58, 0, false)});
  EXPECT_FALSE(s.trip);
  ASSERT_EQ(o.closed.size(), 1u);
  const auto& t = o.closed[0];
  EXPECT_EQ(t.reason, EndReason::IgnitionOff);
  EXPECT_EQ(t.start.time, kMorning + seconds(60));
  EXPECT_EQ(t.end.time, kMorning + seconds(200));
  EXPECT_NEAR(t.distance_m, 1000, 2);
  EXPECT_EQ(t.max_speed_kmh, 30);
  ASSERT_EQ(o.days.size(), 1u);
  EXPECT_NEAR(o.days[0].distance_m, 1000, 2);
  EXPECT_DOUBLE_EQ(o.days[0].engine_seconds, 140);  // 60 → 200 with the ignition on
  EXPECT_DOUBLE_EQ(o.days[0].moving_seconds, 140);  // each segment has a moving end
  EXPECT_EQ(o.days[0].trips, 0);                    // counted where it started
  EXPECT_TRUE(active(o.days[0]));
}

TEST(Trips, ATripAcrossIgnitionChangesAndADataGap) {
  const auto zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  State s;
  std::vector<Fix> fixes;
  TimePoint t = kMorning;
  // Trip 1: ignition on, 2 km at 40 km/h (a fix every 45 s ≈ 500 m), ignition off.
  fixes.push_back(fix(t, north(0), 32.58, 0, true));
  for (int i = 1; i <= 4; ++i) fixes.push_back(fix(t + seconds(45 * i), north(500.0 * i), 32.58, 40, true));
  fixes.push_back(fix(t + seconds(200), north(2000), 32.58, 0, false));
  // Off for 3 minutes (reported), then trip 2: on again and away.
  fixes.push_back(fix(t + seconds(380), north(2000), 32.58, 0, false));
  fixes.push_back(fix(t + seconds(400), north(2000), 32.58, 0, true));
  fixes.push_back(fix(t + seconds(445), north(2500), 32.58, 40, true));
  // Then silence for 20 minutes (a tunnel, a dead SIM): the trip ends at the last fix before it.
  fixes.push_back(fix(t + seconds(445 + 1200), north(9000), 32.58, 40, true));
  fixes.push_back(fix(t + seconds(445 + 1245), north(9500), 32.58, 40, true));
  auto o = advance(kRules, zone, s, fixes);

  ASSERT_EQ(o.closed.size(), 2u);
  EXPECT_EQ(o.closed[0].reason, EndReason::IgnitionOff);
  EXPECT_NEAR(o.closed[0].distance_m, 2000, 4);
  EXPECT_EQ(o.closed[0].max_speed_kmh, 40);
  EXPECT_EQ(o.closed[1].reason, EndReason::DataGap);
  EXPECT_EQ(o.closed[1].start.time, t + seconds(400));
  EXPECT_EQ(o.closed[1].end.time, t + seconds(445));
  EXPECT_NEAR(o.closed[1].end.lat, north(2500), 1e-9);
  EXPECT_NEAR(o.closed[1].distance_m, 500, 2);
  // After the gap the ignition is on again: a third trip is open, 500 m in.
  ASSERT_TRUE(s.trip);
  EXPECT_EQ(s.trip->start.time, t + seconds(1645));
  EXPECT_NEAR(s.trip->distance_m, 500, 2);

  ASSERT_EQ(o.days.size(), 1u);
  const auto& d = o.days[0];
  EXPECT_EQ(d.trips, 3);
  EXPECT_NEAR(d.distance_m, 3000, 6);  // the gap's 6.5 km are not counted
  // Engine: 0 → 200 and 400 → 445 and 1645 → 1690 (the gap counts for nothing).
  EXPECT_DOUBLE_EQ(d.engine_seconds, 200 + 45 + 45);
  EXPECT_DOUBLE_EQ(d.moving_seconds, 200 + 45 + 45);
}

TEST(Trips, StoppedForFiveMinutesEndsATripWhereItStopped) {
  const auto zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  State s;
  // A device without ignition: movement alone starts the trip.
  std::vector<Fix> fixes{fix(kMorning, north(0), 32.58, 20), fix(kMorning + seconds(60), north(300), 32.58, 20),
                         fix(kMorning + seconds(120), north(600), 32.58, 2)};
  for (int i = 1; i <= 6; ++i) fixes.push_back(fix(kMorning + seconds(120 + 60 * i), north(601), 32.58, 1));
  auto o = advance(kRules, zone, s, fixes);
  ASSERT_EQ(o.closed.size(), 1u);
  EXPECT_EQ(o.closed[0].reason, EndReason::Stopped);
  EXPECT_EQ(o.closed[0].start.time, kMorning);
  EXPECT_EQ(o.closed[0].end.time, kMorning + seconds(120));  // where it stopped, not when we noticed
  EXPECT_NEAR(o.closed[0].distance_m, 600, 2);               // the parked drift adds nothing
  EXPECT_FALSE(s.trip);
  ASSERT_EQ(o.days.size(), 1u);
  EXPECT_EQ(o.days[0].trips, 1);
  // No ignition reported: engine time is moving time (0 → 120 s).
  EXPECT_FALSE(s.reports_ignition);
  EXPECT_DOUBLE_EQ(o.days[0].moving_seconds, 120);
  EXPECT_DOUBLE_EQ(o.days[0].engine_seconds, 120);

  // Moving again starts a new trip.
  o = advance(kRules, zone, s, {fix(kMorning + seconds(600), north(800), 32.58, 25)});
  ASSERT_TRUE(s.trip);
  EXPECT_EQ(o.days[0].trips, 1);
}

TEST(Trips, IdlingWithTheEngineOnEndsTheTripButCountsEngineTime) {
  const auto zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  State s;
  std::vector<Fix> fixes{fix(kMorning, north(0), 32.58, 30, true), fix(kMorning + seconds(60), north(500), 32.58, 0, true)};
  for (int i = 1; i <= 5; ++i) fixes.push_back(fix(kMorning + seconds(60 + 60 * i), north(500), 32.58, 0, true));
  auto o = advance(kRules, zone, s, fixes);
  ASSERT_EQ(o.closed.size(), 1u);
  EXPECT_EQ(o.closed[0].reason, EndReason::Stopped);
  EXPECT_EQ(o.closed[0].end.time, kMorning + seconds(60));
  EXPECT_FALSE(s.trip);  // the ignition did not turn on again: no new trip while idling
  EXPECT_DOUBLE_EQ(o.days[0].engine_seconds, 360);
  EXPECT_DOUBLE_EQ(o.days[0].moving_seconds, 60);
}

TEST(Trips, OldOrRepeatedFixesAreSkipped) {
  const auto zone = rto::Zone::fixed("UTC+03:00", 3 * 3600);
  State s;
  advance(kRules, zone, s, {fix(kMorning, north(0), 32.58, 30, true), fix(kMorning + seconds(60), north(500), 32.58, 30, true)});
  const auto before = s;
  auto o = advance(kRules, zone, s, {fix(kMorning + seconds(60), north(900), 32.58, 30, true),
                                     fix(kMorning + seconds(30), north(900), 32.58, 30, true)});
  EXPECT_EQ(s, before);
  EXPECT_TRUE(o.days.empty());
  EXPECT_TRUE(o.closed.empty());
}

TEST(Trips, UsageIsSplitAtLocalMidnightInKampala) {
  const auto zone = kampala();
  // 23:55 to 00:05 local (20:55 to 21:05 UTC) on 2026-03-10/11, 40 km/h north, ignition on:
  // ten minutes and about 6.7 km, half on each local date.
  const TimePoint start = sys_days(2026y / March / 10) + hours(20) + minutes(55);
  State s;
  std::vector<Fix> fixes{fix(start, north(0), 32.58, 40, true)};
  for (int i = 1; i <= 10; ++i) fixes.push_back(fix(start + minutes(i), north(40000.0 / 60 * i), 32.58, 40, true));
  auto o = advance(kRules, zone, s, fixes);
  ASSERT_EQ(o.days.size(), 2u);
  const auto& d1 = o.days[0];
  const auto& d2 = o.days[1];
  EXPECT_EQ(d1.date, sys_days(2026y / March / 10));
  EXPECT_EQ(d2.date, sys_days(2026y / March / 11));
  EXPECT_DOUBLE_EQ(d1.engine_seconds, 300);
  EXPECT_DOUBLE_EQ(d2.engine_seconds, 300);
  EXPECT_DOUBLE_EQ(d1.moving_seconds, 300);
  EXPECT_DOUBLE_EQ(d2.moving_seconds, 300);
  EXPECT_NEAR(d1.distance_m, 40000.0 / 12, 5);
  EXPECT_NEAR(d2.distance_m, 40000.0 / 12, 5);
  EXPECT_EQ(d1.trips, 1);  // it started before midnight
  EXPECT_EQ(d2.trips, 0);
  EXPECT_TRUE(active(d1));
  EXPECT_TRUE(active(d2));  // moved, though no trip started that day
}

TEST(Trips, OneSegmentAcrossMidnightIsSplitInProportionToTime) {
  const auto zone = kampala();
  // 21:00 UTC is local midnight. One segment 20:59 → 21:03 UTC: a quarter before, three after.
  const TimePoint t0 = sys_days(2026y / March / 10) + hours(20) + minutes(59);
  State s;
  auto o = advance(kRules, zone, s, {fix(t0, north(0), 32.58, 30, true), fix(t0 + minutes(4), north(2000), 32.58, 30, true)});
  ASSERT_EQ(o.days.size(), 2u);
  EXPECT_DOUBLE_EQ(o.days[0].engine_seconds, 60);
  EXPECT_DOUBLE_EQ(o.days[1].engine_seconds, 180);
  EXPECT_NEAR(o.days[0].distance_m, 500, 1);
  EXPECT_NEAR(o.days[1].distance_m, 1500, 2);
  EXPECT_NEAR(o.days[0].distance_m + o.days[1].distance_m, distance_m(north(0), 32.58, north(2000), 32.58), 1e-6);
}
