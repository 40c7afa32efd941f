#include <gtest/gtest.h>

#include "domain/lockout.hpp"

using namespace user_service;
using namespace std::chrono_literals;

namespace {
const TimePoint t0 = TimePoint(std::chrono::seconds(1'800'000'000));

// Runs n attempts at `now`, carrying the state along; returns the last gate.
AttemptGate attempts(LoginThrottle& s, int n, TimePoint now) {
  AttemptGate g;
  for (int i = 0; i < n; ++i) {
    g = begin_attempt(s, now);
    s = g.next;
  }
  return g;
}
}  // namespace

TEST(Lockout, FirstFourAttemptsAreCountedAndAllowed) {
  LoginThrottle s;
  auto g = attempts(s, 4, t0);
  EXPECT_TRUE(g.allowed);
  EXPECT_EQ(s.failures, 4);
  EXPECT_FALSE(s.locked_until);
}

TEST(Lockout, FifthAttemptIsCheckedButLocksWhatFollows) {
  LoginThrottle s;
  auto g = attempts(s, 5, t0);
  EXPECT_TRUE(g.allowed);  // the fifth attempt's password is still checked
  ASSERT_TRUE(s.locked_until);
  EXPECT_EQ(*s.locked_until, t0 + 15min);

  auto sixth = begin_attempt(s, t0 + 1s);
  EXPECT_FALSE(sixth.allowed);
  EXPECT_EQ(sixth.retry_after, std::chrono::seconds(15 * 60 - 1));
  EXPECT_EQ(sixth.next, s);  // a refused attempt changes nothing
}

TEST(Lockout, RetryAfterRoundsUpAndIsAtLeastOneSecond) {
  LoginThrottle s;
  s.locked_until = t0 + 1500ms;
  EXPECT_EQ(begin_attempt(s, t0).retry_after, 2s);
  EXPECT_EQ(begin_attempt(s, t0 + 1499ms).retry_after, 1s);
}

TEST(Lockout, LockEndsAfterFifteenMinutesWithAFreshCount) {
  LoginThrottle s;
  attempts(s, 5, t0);
  EXPECT_FALSE(begin_attempt(s, t0 + 15min - 1ms).allowed);
  auto g = begin_attempt(s, t0 + 15min);
  EXPECT_TRUE(g.allowed);
  EXPECT_EQ(g.next.failures, 1);
  EXPECT_FALSE(g.next.locked_until);
}

TEST(Lockout, FailuresOutsideTheWindowDoNotAccumulate) {
  LoginThrottle s;
  attempts(s, 4, t0);
  auto g = begin_attempt(s, t0 + 15min);  // window over: counting restarts
  EXPECT_TRUE(g.allowed);
  EXPECT_EQ(g.next.failures, 1);
  EXPECT_EQ(g.next.window_start, t0 + 15min);
  EXPECT_FALSE(g.next.locked_until);
}

TEST(Lockout, FailuresSpreadInsideTheWindowAccumulate) {
  LoginThrottle s;
  for (int i = 0; i < 5; ++i) s = begin_attempt(s, t0 + i * 3min).next;
  EXPECT_TRUE(s.locked_until);
}

TEST(Lockout, CustomPolicy) {
  LockoutPolicy p{3, 1min, 2min};
  LoginThrottle s;
  for (int i = 0; i < 3; ++i) s = begin_attempt(s, t0, p).next;
  ASSERT_TRUE(s.locked_until);
  EXPECT_EQ(*s.locked_until, t0 + 2min);
}

TEST(Lockout, ExpiredStateMayBePurged) {
  LoginThrottle s;
  attempts(s, 2, t0);
  EXPECT_FALSE(throttle_expired(s, t0 + 1min));
  EXPECT_TRUE(throttle_expired(s, t0 + 15min));
  attempts(s, 5, t0);
  EXPECT_FALSE(throttle_expired(s, t0 + 14min));
  EXPECT_TRUE(throttle_expired(s, t0 + 15min));
}
