#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "domain/ttl_cache.hpp"

using namespace vehicle_service;
using namespace std::chrono_literals;

TEST(TtlCache, ComputesOnceWithinTheTtl) {
  TtlCache<int> cache(1000ms);  // lives 800..1200 ms, then 1000 ms stale
  int calls = 0;
  auto t0 = TtlCache<int>::Clock::now();
  EXPECT_EQ(*cache.get("a", [&] { return ++calls; }, t0), 1);
  EXPECT_EQ(*cache.get("a", [&] { return ++calls; }, t0 + 790ms), 1);
  EXPECT_EQ(*cache.get("a", [&] { return ++calls; }, t0 + 2300ms), 2);  // expired and past the stale window
  EXPECT_EQ(*cache.get("b", [&] { return ++calls; }, t0), 3);
}

TEST(TtlCache, ZeroTtlTurnsItOff) {
  TtlCache<int> cache(0ms);
  int calls = 0;
  cache.get("a", [&] { return ++calls; });
  cache.get("a", [&] { return ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TtlCache, FailuresAreNotKept) {
  TtlCache<int> cache(1000ms);
  EXPECT_THROW(cache.get("a", []() -> int { throw std::runtime_error("db down"); }), std::runtime_error);
  EXPECT_EQ(*cache.get("a", [] { return 7; }), 7);
}

TEST(TtlCache, ConcurrentMissesComputeOnce) {
  TtlCache<int> cache(5000ms);
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  std::atomic<int> sum{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      sum += *cache.get("k", [&] {
        std::this_thread::sleep_for(50ms);
        return ++calls;
      });
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(sum.load(), 8);
}

TEST(TtlCache, BoundedSize) {
  TtlCache<int> cache(1000ms, 1000ms, 4);
  for (int i = 0; i < 20; ++i) cache.get(std::to_string(i), [i] { return i; });
  EXPECT_LE(cache.size(), 4u);
}

TEST(TtlCache, ServesTheStaleValueWhileOneCallerRefreshes) {
  TtlCache<int> cache(1000ms, 1000ms);
  auto t0 = TtlCache<int>::Clock::now();
  EXPECT_EQ(*cache.get("k", [] { return 1; }, t0), 1);
  // Expired but within the stale window: this caller refreshes...
  std::atomic<bool> started{false}, release{false};
  std::thread refresher([&] {
    EXPECT_EQ(*cache.get("k", [&] {
      started = true;
      while (!release) std::this_thread::yield();
      return 2;
    }, t0 + 1500ms), 2);
  });
  while (!started) std::this_thread::yield();
  // ...while others get the previous value at once.
  EXPECT_EQ(*cache.get("k", [] { return 99; }, t0 + 1500ms), 1);
  release = true;
  refresher.join();
  EXPECT_EQ(*cache.get("k", [] { return 99; }, t0 + 1600ms), 2);
  // Past the stale window, a caller waits for a new value.
  EXPECT_EQ(*cache.get("k", [] { return 3; }, t0 + 5000ms), 3);
}

TEST(TtlCache, AFailedRefreshKeepsThePreviousValueForOthers) {
  TtlCache<int> cache(1000ms, 1000ms);
  auto t0 = TtlCache<int>::Clock::now();
  cache.get("k", [] { return 1; }, t0);
  EXPECT_THROW(cache.get("k", []() -> int { throw std::runtime_error("db down"); }, t0 + 1500ms), std::runtime_error);
  EXPECT_EQ(*cache.get("k", [] { return 2; }, t0 + 1500ms), 2);  // the next caller refreshes again
}

TEST(TtlCache, BoundsHowManyRefreshesRunAtOnce) {
  TtlCache<int> cache(1000ms, 1000ms, 100, 1);
  auto t0 = TtlCache<int>::Clock::now();
  cache.get("a", [] { return 1; }, t0);
  cache.get("b", [] { return 10; }, t0);
  std::atomic<bool> started{false}, release{false};
  std::thread refresher([&] {
    cache.get("a", [&] {
      started = true;
      while (!release) std::this_thread::yield();
      return 2;
    }, t0 + 1500ms);
  });
  while (!started) std::this_thread::yield();
  // "b" is stale too, but one refresh already runs: the previous value, no computation.
  EXPECT_EQ(*cache.get("b", [] { return 11; }, t0 + 1500ms), 10);
  release = true;
  refresher.join();
  EXPECT_EQ(*cache.get("b", [] { return 11; }, t0 + 1500ms), 11);
}
