#include <gtest/gtest.h>

#include "domain/token_bucket.hpp"

using namespace std::chrono_literals;
using gateway::Limit;
using gateway::TokenBucket;

TEST(TokenBucket, AllowsBurstThenRefuses) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.take(t0).allowed) << i;
  auto d = b.take(t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);  // one token back after 0.2 s, rounded up to whole seconds
}

TEST(TokenBucket, RefillsByElapsedTime) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  for (int i = 0; i < 10; ++i) b.take(t0);
  EXPECT_FALSE(b.take(t0 + 100ms).allowed);  // 0.5 token
  EXPECT_TRUE(b.take(t0 + 200ms).allowed);   // 1 token
  EXPECT_FALSE(b.take(t0 + 200ms).allowed);
  EXPECT_NEAR(b.tokens(t0 + 1200ms), 5.0, 1e-9);
  EXPECT_NEAR(b.tokens(t0 + 1h), 10.0, 1e-9);  // never above burst
}

TEST(TokenBucket, RetryAfterForSlowRates) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{0.1, 1}, t0);  // one request per 10 s
  EXPECT_TRUE(b.take(t0).allowed);
  auto d = b.take(t0 + 2s);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 8s);
}

TEST(TokenBucket, FullAfterIdle) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  EXPECT_TRUE(b.full(t0));
  b.take(t0);
  EXPECT_FALSE(b.full(t0));
  EXPECT_TRUE(b.full(t0 + 200ms));
}

TEST(TokenBucket, ClockGoingBackwardsGivesNothing) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 2}, t0);
  b.take(t0);
  b.take(t0);
  EXPECT_FALSE(b.take(t0 - 10s).allowed);
  EXPECT_FALSE(b.take(t0).allowed);
}

TEST(TokenBucket, ZeroRateDisablesTheLimit) {
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{0, 1}, t0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(b.take(t0).allowed);
}
