#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "limiter/limiter.hpp"

using namespace std::chrono_literals;
using gateway::Limit;
using gateway::Limiter;

TEST(Limiter, BucketsAreIndependentPerKey) {
  Limiter l(Limit{1, 3});
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(l.take("10.0.0.1", t0).allowed);
  auto d = l.take("10.0.0.1", t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 1s);
  EXPECT_TRUE(l.take("10.0.0.2", t0).allowed);
  EXPECT_EQ(l.size(), 2u);
}

TEST(Limiter, EvictsOnlyFullBuckets) {
  Limiter l(Limit{10, 10});
  auto t0 = gateway::SteadyClock::time_point{} + 1h;
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
  auto t0 = gateway::SteadyClock::now();
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
