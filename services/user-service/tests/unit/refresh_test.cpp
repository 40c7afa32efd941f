#include <gtest/gtest.h>

#include "domain/refresh.hpp"

using namespace user_service;
using namespace std::chrono_literals;

namespace {
const TimePoint t0 = TimePoint(std::chrono::seconds(1'800'000'000));
StoredRefreshToken fresh() {
  StoredRefreshToken t;
  t.id = "t";
  t.family_id = "f";
  t.user_id = "u";
  t.expires_at = t0 + kRefreshTokenTtl;
  return t;
}
}  // namespace

TEST(RefreshFamily, ThirtyDayLifetime) { EXPECT_EQ(kRefreshTokenTtl, std::chrono::hours(720)); }

TEST(RefreshFamily, AValidTokenRotates) { EXPECT_EQ(decide_refresh(fresh(), t0 + 1h), RefreshDecision::Rotate); }

TEST(RefreshFamily, AnExpiredTokenIsRefused) {
  EXPECT_EQ(decide_refresh(fresh(), t0 + kRefreshTokenTtl), RefreshDecision::Expired);
  EXPECT_EQ(decide_refresh(fresh(), t0 + kRefreshTokenTtl - 1s), RefreshDecision::Rotate);
}

TEST(RefreshFamily, ARevokedTokenIsRefusedWithoutAlarm) {
  auto t = fresh();
  t.revoked_at = t0;
  EXPECT_EQ(decide_refresh(t, t0 + 1min), RefreshDecision::Revoked);
}

TEST(RefreshFamily, AUsedTokenPresentedAgainRevokesTheFamily) {
  auto t = fresh();
  t.used_at = t0;
  EXPECT_EQ(decide_refresh(t, t0 + 1min), RefreshDecision::ReuseDetected);
  // Even after the family was revoked or the token expired, reuse is still the signal.
  t.revoked_at = t0 + 30s;
  EXPECT_EQ(decide_refresh(t, t0 + 1min), RefreshDecision::ReuseDetected);
  EXPECT_EQ(decide_refresh(t, t0 + kRefreshTokenTtl + 1h), RefreshDecision::ReuseDetected);
}
