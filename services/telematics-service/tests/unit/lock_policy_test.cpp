// The immobiliser's policy: when may the engine-cut command go out?
#include <gtest/gtest.h>

#include <chrono>

#include "domain/lock_policy.hpp"

using namespace telematics;
using namespace std::chrono;

namespace {

const TimePoint kT0 = sys_days{2026y / 12 / 7} + 8h;

LockRules rules() {
  LockRules r;
  r.grace = minutes(5);
  r.stopped_for = seconds(60);
  r.max_speed_kmh = 5;
  r.max_fix_age = minutes(5);
  return r;
}

// Stopped since `stopped` (relative to kT0), newest fix at `fix`.
Motion stopped(seconds since, seconds fix, std::optional<bool> ignition = false) {
  Motion m;
  m.stopped_since = kT0 + since;
  m.last_fix_at = kT0 + fix;
  m.speed_kmh = 0;
  m.ignition = ignition;
  return m;
}

}  // namespace

TEST(LockPolicy, WaitsForTheGracePeriod) {
  auto v = decide_lock(rules(), kT0, stopped(-3600s, 0s), kT0 + 4min);
  EXPECT_EQ(v.action, LockAction::Wait);
  EXPECT_EQ(v.reason, "grace period");
}

TEST(LockPolicy, SendsWhenStoppedLongEnoughWithIgnitionOff) {
  auto v = decide_lock(rules(), kT0, stopped(290s, 355s), kT0 + 6min);
  EXPECT_EQ(v.action, LockAction::Send);
}

TEST(LockPolicy, NeverWhileMoving) {
  Motion m = stopped(0s, 350s);
  m.speed_kmh = 30;
  m.stopped_since.reset();
  EXPECT_EQ(decide_lock(rules(), kT0, m, kT0 + 6min).reason, "moving");
  m.speed_kmh = 5;  // the limit itself is not "below 5 km/h"
  m.stopped_since = kT0;
  EXPECT_EQ(decide_lock(rules(), kT0, m, kT0 + 6min).action, LockAction::Wait);
}

TEST(LockPolicy, NotBeforeSixtySecondsStopped) {
  EXPECT_EQ(decide_lock(rules(), kT0, stopped(320s, 355s), kT0 + 6min).reason, "not stopped long enough");
  EXPECT_EQ(decide_lock(rules(), kT0, stopped(300s, 355s), kT0 + 6min).action, LockAction::Send);
}

TEST(LockPolicy, WaitsForIgnitionOffWhereReportedAndAcceptsDevicesThatDoNotReportIt) {
  EXPECT_EQ(decide_lock(rules(), kT0, stopped(0s, 355s, true), kT0 + 6min).reason, "ignition on");
  EXPECT_EQ(decide_lock(rules(), kT0, stopped(0s, 355s, std::nullopt), kT0 + 6min).action, LockAction::Send);
}

TEST(LockPolicy, NeedsARecentPosition) {
  Motion none;
  EXPECT_EQ(decide_lock(rules(), kT0, none, kT0 + 6min).reason, "no position yet");
  EXPECT_EQ(decide_lock(rules(), kT0, stopped(-3600s, -600s), kT0 + 6min).reason, "no recent position");
}

TEST(LockPolicy, NeverInsideAnExclusionZone) {
  Motion m = stopped(0s, 355s);
  m.in_exclusion_zone = true;
  EXPECT_EQ(decide_lock(rules(), kT0, m, kT0 + 6min).reason, "inside an exclusion zone");
}

TEST(LockPolicy, StoppedSinceFollowsTheFixes) {
  auto fix = [](seconds at, double speed) {
    Fix f;
    f.time = kT0 + at;
    f.speed_kmh = speed;
    return f;
  };
  EXPECT_EQ(stopped_since_after(std::nullopt, {fix(0s, 30), fix(10s, 2), fix(20s, 0)}, 5), kT0 + 10s);
  EXPECT_EQ(stopped_since_after(kT0, {fix(10s, 1), fix(20s, 0)}, 5), kT0);
  EXPECT_FALSE(stopped_since_after(kT0, {fix(10s, 1), fix(20s, 40)}, 5));
  EXPECT_EQ(stopped_since_after(kT0, {}, 5), kT0);
}

TEST(LockPolicy, StateNamesRoundTrip) {
  for (auto s : {LockState::Unlocked, LockState::Pending, LockState::Locking, LockState::Locked, LockState::Unlocking,
                 LockState::Failed})
    EXPECT_EQ(lock_state_from(to_string(s)), s);
  EXPECT_FALSE(lock_state_from("open"));
}
