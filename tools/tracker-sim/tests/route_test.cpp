// The route model: the loops lie on the two cities' roads, vehicles move at speeds fit for
// their kind, stop and park, obey the engine cut, and do the same for the same seed.
#include "trackersim/route.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace trackersim {
namespace {

struct Box {
  double lat0, lat1, lon0, lon1;
  bool contains(LatLon p) const { return p.lat >= lat0 && p.lat <= lat1 && p.lon >= lon0 && p.lon <= lon1; }
};
const Box kKampala{0.15, 0.45, 32.45, 32.70};
const Box kNairobi{-1.40, -1.15, 36.65, 36.95};

TEST(Geo, DistanceAndBearing) {
  // Kampala to Nairobi, about 505 km as the crow flies.
  EXPECT_NEAR(distance_m({0.3476, 32.5825}, {-1.2921, 36.8219}) / 1000, 505, 10);
  EXPECT_NEAR(distance_m({0, 32}, {0.01, 32}), 1112, 2);
  EXPECT_NEAR(bearing_deg({0, 32}, {0.01, 32}), 0, 0.01);
  EXPECT_NEAR(bearing_deg({0, 32}, {0, 32.01}), 90, 0.01);
  EXPECT_NEAR(bearing_deg({0, 32}, {-0.01, 32}), 180, 0.01);
  EXPECT_NEAR(bearing_deg({0, 32}, {0, 31.99}), 270, 0.01);
}

TEST(Routes, EachCityHasSeveralLoopsOnItsRoads) {
  for (auto [city, box] : {std::pair{City::Kampala, kKampala}, std::pair{City::Nairobi, kNairobi}}) {
    ASSERT_GE(routes(city).size(), 3u);
    for (const auto& r : routes(city)) {
      EXPECT_EQ(r.city, city);
      EXPECT_GE(r.points.size(), 4u) << r.name;
      EXPECT_GT(r.length_m(), 4'000) << r.name;
      EXPECT_LT(r.length_m(), 60'000) << r.name;
      for (std::size_t i = 0; i < r.points.size(); ++i) {
        EXPECT_TRUE(box.contains(r.points[i])) << r.name << " point " << i;
        // Waypoints follow the road: no straight line across town.
        EXPECT_LT(distance_m(r.points[i], r.points[(i + 1) % r.points.size()]), 6'500) << r.name << " after point " << i;
      }
    }
  }
  EXPECT_EQ(city_from("Nairobi"), City::Nairobi);
  EXPECT_EQ(city_from("mombasa"), std::nullopt);
  EXPECT_EQ(kind_from("tuk-tuk"), Kind::TukTuk);
  EXPECT_EQ(kind_from("boda"), Kind::Motorcycle);
}

TEST(Vehicle, TheSameSeedDrivesTheSameWay) {
  const auto& r = routes(City::Kampala)[0];
  Vehicle a(r, Kind::Motorcycle, 42), b(r, Kind::Motorcycle, 42), c(r, Kind::Motorcycle, 43);
  for (int i = 0; i < 30; ++i) {
    a.step(20);
    b.step(20);
    c.step(20);
  }
  EXPECT_EQ(a.position().lat, b.position().lat);
  EXPECT_EQ(a.position().lon, b.position().lon);
  EXPECT_EQ(a.speed_kmh(), b.speed_kmh());
  EXPECT_NE(a.odometer_m(), c.odometer_m());
  // Stepping in pieces or at once gives the same result.
  Vehicle d(r, Kind::Motorcycle, 42);
  d.step(600);
  EXPECT_EQ(a.position().lat, d.position().lat);
}

TEST(Vehicle, SpeedsFitTheKindAndTheVehicleStopsAndParks) {
  for (auto kind : {Kind::Motorcycle, Kind::TukTuk, Kind::Car}) {
    const auto& p = profile(kind);
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const auto& r = routes(seed % 2 ? City::Kampala : City::Nairobi)[seed % 5];
      const Box box = r.city == City::Kampala ? kKampala : kNairobi;
      Vehicle v(r, kind, seed);
      double max_speed = 0, moving_s = 0;
      int traffic_stops = 0, parked_s = 0, ignition_off_while_parked = 0;
      Motion last = v.motion();
      LatLon prev = v.position();
      for (int s = 0; s < 10 * 3600; ++s) {
        v.step(1);
        const auto pos = v.position();
        max_speed = std::max(max_speed, v.speed_kmh());
        // No jumps: at most a second's worth of the top speed (with slack for the turn at a corner).
        EXPECT_LT(distance_m(prev, pos), (p.cruise_max + 6) / 3.6 + 1) << "second " << s;
        EXPECT_TRUE(box.contains(pos));
        prev = pos;
        if (v.motion() == Motion::Driving) moving_s += 1;
        if (v.motion() == Motion::TrafficStop && last != Motion::TrafficStop) {
          ++traffic_stops;
          EXPECT_TRUE(v.ignition());
          EXPECT_EQ(v.speed_kmh(), 0);
        }
        if (v.motion() == Motion::Parked) {
          ++parked_s;
          if (!v.ignition() && v.speed_kmh() == 0) ++ignition_off_while_parked;
        }
        last = v.motion();
      }
      EXPECT_LE(max_speed, p.cruise_max + 5);
      EXPECT_GE(max_speed, p.cruise_min);
      EXPECT_GT(traffic_stops, 10);
      EXPECT_GT(parked_s, 0);
      EXPECT_EQ(ignition_off_while_parked, parked_s);
      // Average speed while driving: town traffic, not a highway.
      const double avg = v.odometer_m() / moving_s * 3.6;
      EXPECT_GT(avg, p.cruise_min * 0.6) << to_string(kind);
      EXPECT_LT(avg, p.cruise_max) << to_string(kind);
    }
  }
}

TEST(Vehicle, TheEngineCutStopsItWhereItIsUntilRestored) {
  Vehicle v(routes(City::Nairobi)[1], Kind::Car, 7);
  while (v.motion() != Motion::Driving || v.speed_kmh() < 10) v.step(1);
  v.immobilise(true);
  const auto where = v.position();
  EXPECT_EQ(v.speed_kmh(), 0);
  EXPECT_FALSE(v.ignition());
  v.step(3600);
  EXPECT_EQ(v.motion(), Motion::Immobilised);
  EXPECT_EQ(v.position().lat, where.lat);
  EXPECT_EQ(v.position().lon, where.lon);
  v.immobilise(false);
  EXPECT_EQ(v.motion(), Motion::Driving);
  v.step(30);
  EXPECT_GT(distance_m(where, v.position()), 20);
}

TEST(Vehicle, HeldParkedUntilReleasedAndTheCutOutlastsTheHold) {
  Vehicle v(routes(City::Kampala)[2], Kind::TukTuk, 9);
  v.hold(true);
  const auto where = v.position();
  v.step(1800);
  EXPECT_EQ(v.motion(), Motion::Parked);
  EXPECT_FALSE(v.ignition());
  EXPECT_EQ(v.position().lat, where.lat);
  v.immobilise(true);
  v.hold(false);  // the rider tries to leave: the engine is cut
  v.step(600);
  EXPECT_EQ(v.motion(), Motion::Immobilised);
  EXPECT_EQ(v.position().lat, where.lat);
  v.immobilise(false);
  v.step(60);
  EXPECT_GT(distance_m(where, v.position()), 20);
}

}  // namespace
}  // namespace trackersim
