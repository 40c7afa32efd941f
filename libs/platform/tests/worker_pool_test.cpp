#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "rto/worker_pool.hpp"

namespace {

using namespace std::chrono_literals;

// Polls `pred` for up to five seconds.
template <class Pred>
bool eventually(Pred pred) {
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

// Tasks that block until released, so a test controls how many run at once.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  int inside = 0;
  void pass() {
    std::unique_lock lk(mu);
    ++inside;
    cv.notify_all();
    cv.wait(lk, [&] { return open; });
    --inside;
  }
  void release() {
    std::lock_guard lk(mu);
    open = true;
    cv.notify_all();
  }
  int count() {
    std::lock_guard lk(mu);
    return inside;
  }
};

// A task that waits at the gate, then counts itself done.
auto gated(Gate& gate, std::atomic<int>& done) {
  return [&gate, &done](int&) {
    gate.pass();
    ++done;
  };
}

TEST(WorkerPool, StartsNoThreadUntilThereIsWork) {
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool([&](int& v) { done += v; }, {.max_threads = 4});
  EXPECT_EQ(pool.threads(), 0u);
  ASSERT_TRUE(pool.push(5));
  ASSERT_TRUE(eventually([&] { return done == 5; }));
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(WorkerPool, OneIdleThreadTakesWorkThatComesOneAtATime) {
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool([&](int&) { ++done; }, {.max_threads = 8});
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(pool.push(i));
    ASSERT_TRUE(eventually([&] { return done == i; }));
  }
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(WorkerPool, GrowsToTheLimitWhenTasksBlockAndWorksOffEverything) {
  Gate gate;
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool(gated(gate, done), {.max_threads = 4});
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.push(i));
  ASSERT_TRUE(eventually([&] { return gate.count() == 4; }));
  EXPECT_EQ(pool.threads(), 4u);
  EXPECT_EQ(pool.waiting(), 6u);
  gate.release();
  ASSERT_TRUE(eventually([&] { return done == 10; }));
  EXPECT_EQ(pool.threads(), 4u);
}

TEST(WorkerPool, RefusesWorkBeyondTheBacklogLimit) {
  Gate gate;
  rto::WorkerPool<int> pool([&](int&) { gate.pass(); }, {.max_threads = 1});
  ASSERT_TRUE(pool.push(1, 2));
  ASSERT_TRUE(eventually([&] { return gate.count() == 1; }));
  EXPECT_TRUE(pool.push(2, 2));
  EXPECT_TRUE(pool.push(3, 2));
  EXPECT_FALSE(pool.push(4, 2));
  EXPECT_EQ(pool.waiting(), 2u);
  gate.release();
}

TEST(WorkerPool, IdleThreadsEndDownToTheMinimumAndComeBackForNewWork) {
  Gate gate;
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool(gated(gate, done), {.max_threads = 3, .min_threads = 1, .idle_timeout = 50ms});
  EXPECT_EQ(pool.threads(), 1u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.push(i));
  ASSERT_TRUE(eventually([&] { return gate.count() == 3; }));
  EXPECT_EQ(pool.threads(), 3u);
  gate.release();
  ASSERT_TRUE(eventually([&] { return done == 3; }));
  ASSERT_TRUE(eventually([&] { return pool.threads() == 1; }));
  ASSERT_TRUE(pool.push(9));
  ASSERT_TRUE(eventually([&] { return done == 4; }));
}

TEST(WorkerPool, WithNoThreadsAllowedItOnlyQueuesUntilTheyAre) {
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool([&](int&) { ++done; }, {.max_threads = 0});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.push(i));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(done, 0);
  EXPECT_EQ(pool.threads(), 0u);
  EXPECT_EQ(pool.waiting(), 5u);
  pool.set_max_threads(2);
  ASSERT_TRUE(eventually([&] { return done == 5; }));
  EXPECT_LE(pool.threads(), 2u);
  EXPECT_GE(pool.threads(), 1u);
}

TEST(WorkerPool, AThrowingTaskDoesNotEndItsThread) {
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool(
      [&](int& v) {
        if (v < 0) throw std::runtime_error("bad item");
        ++done;
      },
      {.max_threads = 1});
  ASSERT_TRUE(pool.push(-1));
  ASSERT_TRUE(pool.push(1));
  ASSERT_TRUE(eventually([&] { return done == 1; }));
  EXPECT_EQ(pool.threads(), 1u);
}

TEST(WorkerPool, StopLetsRunningTasksFinishAndDropsWhatWaits) {
  Gate gate;
  std::atomic<int> done{0};
  rto::WorkerPool<int> pool(gated(gate, done), {.max_threads = 2});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.push(i));
  ASSERT_TRUE(eventually([&] { return gate.count() == 2; }));
  std::thread stopper([&] { pool.stop(); });
  ASSERT_TRUE(eventually([&] { return pool.waiting() == 0; }));
  gate.release();
  stopper.join();
  EXPECT_EQ(done, 2);
  EXPECT_EQ(pool.threads(), 0u);
  EXPECT_FALSE(pool.push(7));
}

}  // namespace
