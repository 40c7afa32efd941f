#include <gtest/gtest.h>

#include <chrono>

#include "domain/geofence.hpp"

using namespace telematics;
using namespace telematics::geofence;
using namespace std::chrono;

namespace {

// A square of about 1.1 km around Kampala's centre (0.3476 N, 32.5825 E), counter-clockwise as
// GeoJSON draws it, closed.
std::vector<LonLat> square() {
  return {{32.5775, 0.3426}, {32.5875, 0.3426}, {32.5875, 0.3526}, {32.5775, 0.3526}, {32.5775, 0.3426}};
}

Compiled polygon_fence(std::string id, Kind kind = Kind::Yard, std::vector<LonLat> ring = square()) {
  auto checked = normalize_ring(ring);
  EXPECT_FALSE(checked.problem) << *checked.problem;
  Fence f;
  f.id = std::move(id);
  f.name = "fence " + f.id;
  f.kind = kind;
  f.shape.ring = checked.ring;
  return Compiled(std::move(f));
}

Compiled circle_fence(std::string id, double lat, double lon, int radius, Kind kind = Kind::Exclusion) {
  Fence f;
  f.id = std::move(id);
  f.name = "circle " + f.id;
  f.kind = kind;
  f.shape.circle = Circle{{lon, lat}, radius};
  return Compiled(std::move(f));
}

Fix at(int second, double lat, double lon) {
  Fix f;
  f.time = system_clock::time_point(seconds(1'800'000'000 + second));
  f.lat = lat;
  f.lon = lon;
  return f;
}

}  // namespace

TEST(Geofence, KindsRoundTripByName) {
  for (auto k : {Kind::OperatingArea, Kind::Yard, Kind::NoGo, Kind::Exclusion}) EXPECT_EQ(kind_from(to_string(k)), k);
  EXPECT_EQ(to_string(Kind::Exclusion), "exclusion");
  EXPECT_FALSE(kind_from("hospital"));
}

TEST(Geofence, AClosedOrOpenRingIsAcceptedAndOpened) {
  auto closed = normalize_ring(square());
  ASSERT_FALSE(closed.problem) << *closed.problem;
  EXPECT_EQ(closed.ring.size(), 4u);
  auto open = square();
  open.pop_back();
  auto o = normalize_ring(open);
  ASSERT_FALSE(o.problem);
  EXPECT_EQ(o.ring, closed.ring);
  // Clockwise is accepted too (Boost's orientation is corrected before the checks).
  std::vector<LonLat> cw(open.rbegin(), open.rend());
  EXPECT_FALSE(normalize_ring(cw).problem);
  // Repeated consecutive points are dropped.
  auto dup = open;
  dup.insert(dup.begin() + 1, dup[1]);
  EXPECT_EQ(normalize_ring(dup).ring.size(), 4u);
}

TEST(Geofence, RingsWithoutThreeDistinctPointsOrAreaAreRefused) {
  auto two = normalize_ring({{32.5, 0.3}, {32.6, 0.3}, {32.5, 0.3}});
  ASSERT_TRUE(two.problem);
  EXPECT_NE(two.problem->find("3 distinct"), std::string::npos);
  auto line = normalize_ring({{32.5, 0.3}, {32.6, 0.3}, {32.7, 0.3}});
  ASSERT_TRUE(line.problem);
  EXPECT_NE(line.problem->find("no area"), std::string::npos) << *line.problem;
}

TEST(Geofence, ASelfIntersectingRingIsRefused) {
  // A bow tie: the edges (0,0)-(1,1) and (1,0)-(0,1) cross.
  auto bow = normalize_ring({{32.50, 0.30}, {32.51, 0.31}, {32.51, 0.30}, {32.50, 0.31}});
  ASSERT_TRUE(bow.problem);
  EXPECT_NE(bow.problem->find("crosses itself"), std::string::npos) << *bow.problem;
}

TEST(Geofence, BadCoordinatesAreNamedByIndex) {
  auto r = normalize_ring({{32.5, 0.3}, {32.6, 95.0}, {32.7, 0.4}});
  ASSERT_TRUE(r.problem);
  EXPECT_NE(r.problem->find("point 1"), std::string::npos);
  EXPECT_NE(r.problem->find("latitude"), std::string::npos);
  auto lon = normalize_ring({{190, 0.3}, {32.6, 0.3}, {32.7, 0.4}});
  ASSERT_TRUE(lon.problem);
  EXPECT_NE(lon.problem->find("point 0"), std::string::npos);
  EXPECT_NE(lon.problem->find("longitude"), std::string::npos);
}

TEST(Geofence, AContinentSizedRingIsRefused) {
  auto r = normalize_ring({{0, -10}, {30, -10}, {30, 10}, {0, 10}});
  ASSERT_TRUE(r.problem);
  EXPECT_NE(r.problem->find("span"), std::string::npos);
}

TEST(Geofence, PolygonContainment) {
  auto f = polygon_fence("a");
  EXPECT_TRUE(f.contains(0.3476, 32.5825));
  EXPECT_TRUE(f.contains(0.3427, 32.5776));   // just inside a corner
  EXPECT_TRUE(f.contains(0.3426, 32.5825));   // on the boundary
  EXPECT_FALSE(f.contains(0.3425, 32.5825));  // about 11 m south of it
  EXPECT_FALSE(f.contains(0.36, 32.5825));
  EXPECT_FALSE(f.contains(-0.3476, 32.5825));
}

TEST(Geofence, AConcavePolygonExcludesItsNotch) {
  // A "U": the notch between the arms is outside.
  auto u = polygon_fence("u", Kind::NoGo,
                         {{32.50, 0.30}, {32.53, 0.30}, {32.53, 0.33}, {32.52, 0.33}, {32.52, 0.31}, {32.51, 0.31},
                          {32.51, 0.33}, {32.50, 0.33}});
  EXPECT_TRUE(u.contains(0.32, 32.505));   // left arm
  EXPECT_TRUE(u.contains(0.32, 32.525));   // right arm
  EXPECT_FALSE(u.contains(0.32, 32.515));  // the notch
  EXPECT_TRUE(u.contains(0.305, 32.515));  // the base
}

TEST(Geofence, CircleContainmentByGreatCircleDistance) {
  // 300 m around Mulago hospital.
  auto c = circle_fence("h", 0.3370, 32.5760, 300);
  EXPECT_TRUE(c.contains(0.3370, 32.5760));
  EXPECT_TRUE(c.contains(0.3370 + 0.0026, 32.5760));   // ~289 m north
  EXPECT_FALSE(c.contains(0.3370 + 0.0028, 32.5760));  // ~311 m north
  EXPECT_TRUE(c.contains(0.3370, 32.5760 - 0.0026));   // ~289 m west
  EXPECT_FALSE(c.contains(0.3370, 32.5760 + 0.0028));
}

TEST(Geofence, InsideAnyLooksOnlyAtActiveFencesOfTheKind) {
  std::vector<Compiled> fences{circle_fence("h", 0.3370, 32.5760, 300, Kind::Exclusion),
                               polygon_fence("y", Kind::Yard)};
  EXPECT_TRUE(inside_any(fences, Kind::Exclusion, 0.3371, 32.5761));
  EXPECT_FALSE(inside_any(fences, Kind::Exclusion, 0.3476, 32.5825));  // in the yard, not the hospital
  EXPECT_TRUE(inside_any(fences, Kind::Yard, 0.3476, 32.5825));
  Fence off = fences[0].fence();
  off.active = false;
  std::vector<Compiled> inactive{Compiled(off)};
  EXPECT_FALSE(inside_any(inactive, Kind::Exclusion, 0.3371, 32.5761));
}

TEST(Geofence, TransitionsInAndOutOfAPolygonInOrder) {
  std::vector<Compiled> fences{polygon_fence("yard")};
  std::vector<std::string> inside;
  const std::vector<Fix> fixes{at(0, 0.36, 32.5825), at(10, 0.3476, 32.5825), at(20, 0.3480, 32.5830),
                               at(30, 0.36, 32.5825), at(40, 0.3476, 32.5825)};
  auto t = transitions(fences, inside, fixes);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_TRUE(t[0].entered);
  EXPECT_EQ(t[0].fix, 1u);
  EXPECT_FALSE(t[1].entered);
  EXPECT_EQ(t[1].fix, 3u);
  EXPECT_TRUE(t[2].entered);
  EXPECT_EQ(t[2].fix, 4u);
  EXPECT_EQ(inside, std::vector<std::string>{"yard"});
  // The next batch starts from the stored state: staying inside says nothing.
  EXPECT_TRUE(transitions(fences, inside, {at(50, 0.3477, 32.5826)}).empty());
  auto out = transitions(fences, inside, {at(60, 0.40, 32.5826)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].entered);
  EXPECT_TRUE(inside.empty());
}

TEST(Geofence, TransitionsOfACircleAndAPolygonAtOnce) {
  // The hospital circle lies inside the operating area: driving in crosses both, in fence order.
  std::vector<Compiled> fences{polygon_fence("area", Kind::OperatingArea,
                                             {{32.50, 0.30}, {32.60, 0.30}, {32.60, 0.40}, {32.50, 0.40}}),
                               circle_fence("hospital", 0.3370, 32.5760, 300)};
  std::vector<std::string> inside;
  auto t = transitions(fences, inside, {at(0, 0.45, 32.55), at(60, 0.3370, 32.5760), at(120, 0.35, 32.55)});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].fence, 0u);
  EXPECT_TRUE(t[0].entered);
  EXPECT_EQ(t[1].fence, 1u);
  EXPECT_TRUE(t[1].entered);
  EXPECT_EQ(t[2].fence, 1u);
  EXPECT_FALSE(t[2].entered);
  EXPECT_EQ(inside, std::vector<std::string>{"area"});
}

TEST(Geofence, UnknownIdsInTheStateAreKeptAndInactiveFencesIgnored) {
  Fence f = polygon_fence("yard").fence();
  f.active = false;
  std::vector<Compiled> fences{Compiled(f)};
  std::vector<std::string> inside{"other"};
  EXPECT_TRUE(transitions(fences, inside, {at(0, 0.3476, 32.5825)}).empty());
  EXPECT_EQ(inside, std::vector<std::string>{"other"});
}
