#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "rto/batcher.hpp"

namespace {

struct Item {
  int value = 0;
  int written_in = -1;  // which write() call took it
  int result = 0;
};

TEST(Batcher, AloneAnItemIsABatchOfOne) {
  int calls = 0;
  rto::Batcher<Item> b(
      [&](const std::vector<Item*>& batch) {
        EXPECT_EQ(batch.size(), 1u);
        for (auto* i : batch) i->result = i->value * 2;
        ++calls;
      },
      16, 1);
  Item a{21};
  b.run(a);
  EXPECT_EQ(a.result, 42);
  Item c{5};
  b.run(c);
  EXPECT_EQ(c.result, 10);
  EXPECT_EQ(calls, 2);
}

TEST(Batcher, ConcurrentCallersAreWrittenTogetherEachOnceAndWithinTheLimits) {
  constexpr int kThreads = 32, kEach = 200;
  constexpr std::size_t kMax = 8;
  std::mutex mu;
  int calls = 0, in_flight = 0, most_in_flight = 0;
  std::size_t largest = 0;
  std::multiset<int> seen;
  rto::Batcher<Item> b(
      [&](const std::vector<Item*>& batch) {
        int call;
        {
          std::lock_guard lk(mu);
          call = calls++;
          most_in_flight = std::max(most_in_flight, ++in_flight);
          largest = std::max(largest, batch.size());
          for (auto* i : batch) seen.insert(i->value);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));  // a round trip
        for (auto* i : batch) {
          i->written_in = call;
          i->result = i->value + 1;
        }
        std::lock_guard lk(mu);
        --in_flight;
      },
      kMax, 2);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kEach; ++k) {
        Item i{t * kEach + k};
        b.run(i);
        if (i.result != i.value + 1 || i.written_in < 0) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0) << "every caller returns with its own item written";
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kEach));
  for (int v = 0; v < kThreads * kEach; ++v) ASSERT_EQ(seen.count(v), 1u) << "item " << v << " written once";
  EXPECT_LE(largest, kMax);
  EXPECT_LE(most_in_flight, 2) << "never more writers than allowed";
  EXPECT_LT(calls, kThreads * kEach / 2) << "under contention items were written together";
}

}  // namespace
