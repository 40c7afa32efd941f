#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rto/rate_limit.hpp"

using namespace std::chrono_literals;
using rto::rate::Limit;
using rto::rate::Limiter;
using rto::rate::TokenBucket;

TEST(TokenBucket, AllowsBurstThenRefuses) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.take(t0).allowed) << i;
  auto d = b.take(t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);  // one token back after 0.2 s, rounded up to whole seconds
}

TEST(TokenBucket, RefillsByElapsedTime) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  for (int i = 0; i < 10; ++i) b.take(t0);
  EXPECT_FALSE(b.take(t0 + 100ms).allowed);  // 0.5 token
  EXPECT_TRUE(b.take(t0 + 200ms).allowed);   // 1 token
  EXPECT_FALSE(b.take(t0 + 200ms).allowed);
  EXPECT_NEAR(b.tokens(t0 + 1200ms), 5.0, 1e-9);
  EXPECT_NEAR(b.tokens(t0 + 1h), 10.0, 1e-9);  // never above burst
}

TEST(TokenBucket, RetryAfterForSlowRates) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{0.1, 1}, t0);  // one request per 10 s
  EXPECT_TRUE(b.take(t0).allowed);
  auto d = b.take(t0 + 2s);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 8s);
}

TEST(TokenBucket, FullAfterIdle) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 10}, t0);
  EXPECT_TRUE(b.full(t0));
  b.take(t0);
  EXPECT_FALSE(b.full(t0));
  EXPECT_TRUE(b.full(t0 + 200ms));
}

TEST(TokenBucket, ClockGoingBackwardsGivesNothing) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{5, 2}, t0);
  b.take(t0);
  b.take(t0);
  EXPECT_FALSE(b.take(t0 - 10s).allowed);
  EXPECT_FALSE(b.take(t0).allowed);
}

TEST(TokenBucket, ZeroRateDisablesTheLimit) {
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  TokenBucket b(Limit{0, 1}, t0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(b.take(t0).allowed);
}

TEST(Limiter, BucketsAreIndependentPerKey) {
  Limiter l(Limit{1, 3});
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.take("10.0.0.1", t0).allowed);
  auto d = l.take("10.0.0.1", t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);
  EXPECT_TRUE(l.take("10.0.0.2", t0).allowed);
  EXPECT_EQ(l.size(), 2u);
}

TEST(Limiter, EvictsOnlyFullBuckets) {
  Limiter l(Limit{10, 10});
  auto t0 = rto::rate::SteadyClock::time_point{} + 1h;
  l.take("a", t0);
  for (int i = 0; i < 10; ++i) l.take("b", t0 + 900ms);
  EXPECT_EQ(l.evict_idle(t0 + 950ms), 1u);  // "a" refilled; "b" holds half a token
  EXPECT_EQ(l.size(), 1u);
  EXPECT_FALSE(l.take("b", t0 + 950ms).allowed);  // "b" kept its state
  EXPECT_EQ(l.evict_idle(t0 + 10s), 1u);
  EXPECT_EQ(l.size(), 0u);
}

TEST(Limiter, DisabledLimitStoresNothing) {
  Limiter l(Limit{0, 10});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(l.take("x").allowed);
  EXPECT_EQ(l.size(), 0u);
}

TEST(Limiter, ConcurrentTakesNeverExceedBurst) {
  Limiter l(Limit{0.001, 100});
  auto t0 = rto::rate::SteadyClock::now();
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i)
        if (l.take("shared", t0).allowed) ++allowed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}
