#pragma once
// Group commit: callers that each have one item to write wait together, and whoever finds fewer
// than `max_writers` batches being written takes everything queued (up to `max_batch`, oldest
// first) and writes it with one call of `write`, on its own thread, then wakes the callers whose
// items it wrote. Under load a round trip and a commit per item become about one per batch;
// alone, an item is a batch of one and goes straight through. Each caller is woken only for its
// own item (or to write the next batch), never all at once.
//
// `write` reports per item (in the items themselves) and must not throw.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace rto {

template <class T>
class Batcher {
 public:
  using Write = std::function<void(const std::vector<T*>&)>;

  Batcher(Write write, std::size_t max_batch, int max_writers)
      : write_(std::move(write)), max_batch_(std::max<std::size_t>(1, max_batch)), max_writers_(std::max(1, max_writers)) {}
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Returns once `item` was written, by this thread or another.
  void run(T& item) {
    Waiter mine{&item};
    std::unique_lock lk(mu_);
    queue_.push_back(&mine);
    while (!mine.done) {
      if (writers_ >= max_writers_ || queue_.empty()) {
        mine.cv.wait(lk);
        continue;
      }
      const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
      std::vector<Waiter*> taken(queue_.begin(), queue_.begin() + n);
      queue_.erase(queue_.begin(), queue_.begin() + n);
      std::vector<T*> batch;
      batch.reserve(taken.size());
      for (auto* w : taken) batch.push_back(w->item);
      ++writers_;
      lk.unlock();
      write_(batch);
      lk.lock();
      --writers_;
      for (auto* w : taken) {
        w->done = true;
        if (w != &mine) w->cv.notify_one();
      }
      // Whoever waits longest writes the next batch.
      if (!queue_.empty() && queue_.front() != &mine) queue_.front()->cv.notify_one();
    }
  }

 private:
  struct Waiter {
    T* item;
    bool done = false;            // guarded by mu_
    std::condition_variable cv;  // woken when done, or to write the next batch
  };

  Write write_;
  const std::size_t max_batch_;
  const int max_writers_;
  std::mutex mu_;
  std::deque<Waiter*> queue_;
  int writers_ = 0;
};

}  // namespace rto
