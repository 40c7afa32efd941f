#include <gtest/gtest.h>

#include <chrono>

#include "domain/motion.hpp"

using namespace telematics;
using namespace std::chrono;

TEST(Motion, DistanceKampalaToEntebbeIsAboutThirtyFiveKilometres) {
  const double d = distance_m(0.3476, 32.5825, 0.0512, 32.4637);
  EXPECT_GT(d, 33000);
  EXPECT_LT(d, 36000);
}

TEST(Motion, ZeroZeroAndInvalidFixesAreNotPlausible) {
  Fix f;
  f.lat = 0;
  f.lon = 0;
  EXPECT_FALSE(plausible(f, std::nullopt));
  f.lat = 0.35;
  f.lon = 32.58;
  EXPECT_TRUE(plausible(f, std::nullopt));
  f.valid = false;
  EXPECT_FALSE(plausible(f, std::nullopt));
}

TEST(Motion, ImpossibleJumpsAreNotPlausible) {
  const auto t0 = sys_days{2026y / 12 / 7} + 8h;
  PreviousFix prev{t0, 0.3476, 32.5825};
  Fix f;
  f.time = t0 + 60s;
  f.lat = -1.2921;  // Nairobi, 500 km away, a minute later
  f.lon = 36.8219;
  EXPECT_FALSE(plausible(f, prev));
  f.lat = 0.3550;  // ~1 km in a minute: 60 km/h
  f.lon = 32.5870;
  EXPECT_TRUE(plausible(f, prev));
}
