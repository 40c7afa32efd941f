#pragma once
// A queue worked off by threads that are started on demand and let go when idle. A push starts
// a thread when more items wait than threads are idle (up to `max_threads`); a thread that found
// nothing to do for `idle_timeout` ends (keeping `min_threads`). A process at rest so keeps no
// more threads (each a stack and allocator caches) than it needs, and under a burst of slow
// tasks (calls to a provider's API) it still runs up to `max_threads` of them at once.
//
// A pool made with `max_threads` 0 only queues, until set_max_threads() lets threads start.
//
// `work` runs on the pool's threads and should not throw; if it does, the error is logged and
// the thread goes on. stop() lets running tasks finish, drops what still waits, and joins.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include "rto/log.hpp"

namespace rto {

template <class T>
class WorkerPool {
 public:
  using Work = std::function<void(T&)>;
  struct Options {
    std::size_t max_threads = 8;
    std::size_t min_threads = 0;
    std::chrono::milliseconds idle_timeout{60'000};
  };

  WorkerPool(Work work, Options opts) : work_(std::move(work)), opts_(opts) {
    opts_.min_threads = std::min(opts_.min_threads, opts_.max_threads);
    std::lock_guard lk(mu_);
    for (std::size_t i = 0; i < opts_.min_threads; ++i) start_thread();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() { stop(); }

  // Queues `item`; false (and nothing queued) when stopped or `max_waiting` items already wait.
  bool push(T item, std::size_t max_waiting = SIZE_MAX) {
    std::list<std::thread> ended;
    {
      std::lock_guard lk(mu_);
      if (stopping_ || queue_.size() >= max_waiting) return false;
      queue_.push_back(std::move(item));
      if (queue_.size() > idle_ && threads_.size() < opts_.max_threads) start_thread();
      ended.swap(ended_);
    }
    cv_.notify_one();
    for (auto& t : ended) t.join();
    return true;
  }

  // Changes the limit; starts threads for what already waits. Fewer threads than run now end as
  // they go idle.
  void set_max_threads(std::size_t n) {
    {
      std::lock_guard lk(mu_);
      if (stopping_) return;
      opts_.max_threads = n;
      opts_.min_threads = std::min(opts_.min_threads, n);
      while (queue_.size() > idle_ && threads_.size() < opts_.max_threads) start_thread();
    }
    cv_.notify_all();
  }

  std::size_t waiting() const {
    std::lock_guard lk(mu_);
    return queue_.size();
  }
  std::size_t threads() const {
    std::lock_guard lk(mu_);
    return threads_.size();
  }

  void stop() {
    std::list<std::thread> all;
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
      queue_.clear();
    }
    cv_.notify_all();
    // Threads leave the running list as they end; wait for each, then join the ended ones.
    std::unique_lock lk(mu_);
    gone_.wait(lk, [&] { return threads_.empty(); });
    all.swap(ended_);
    lk.unlock();
    for (auto& t : all) t.join();
  }

 private:
  // Called with mu_ held.
  void start_thread() {
    threads_.emplace_back();
    auto self = std::prev(threads_.end());
    *self = std::thread([this, self] { loop(self); });
  }

  void loop(std::list<std::thread>::iterator self) {
    std::unique_lock lk(mu_);
    while (!stopping_) {
      if (queue_.empty()) {
        ++idle_;
        const bool woken = cv_.wait_for(lk, opts_.idle_timeout, [&] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (!woken && threads_.size() > opts_.min_threads) break;
        continue;
      }
      if (threads_.size() > opts_.max_threads) break;  // the limit was lowered
      T item = std::move(queue_.front());
      queue_.pop_front();
      lk.unlock();
      try {
        work_(item);
      } catch (const std::exception& e) {
        log::error("worker task failed", {{"error", e.what()}});
      } catch (...) {
        log::error("worker task failed", {{"error", "unknown exception"}});
      }
      lk.lock();
    }
    // This thread's handle moves to the ended list; the next push (or stop) joins it.
    ended_.splice(ended_.end(), threads_, self);
    gone_.notify_all();
  }

  Work work_;
  Options opts_;
  mutable std::mutex mu_;
  std::condition_variable cv_;    // work queued, or stopping
  std::condition_variable gone_;  // a thread ended
  std::deque<T> queue_;
  std::list<std::thread> threads_;  // running
  std::list<std::thread> ended_;    // ended, not yet joined
  std::size_t idle_ = 0;            // threads waiting for work
  bool stopping_ = false;
};

}  // namespace rto
