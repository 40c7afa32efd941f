#pragma once
// A small in-process cache of computed values with a time to live, single flight and
// stale-while-revalidate:
//  * within the TTL a value is served as is;
//  * when many requests miss the same key at once, one computes and the others wait for its
//    result instead of all asking the database;
//  * for a further `stale_for` after the TTL, the first caller recomputes while the others keep
//    getting the previous value, so an expiring key does not stall every request for it; at most
//    `max_refreshing` such refreshes run at once (the others keep serving the previous value),
//    so many keys expiring together cannot occupy every request thread;
//  * each entry lives its TTL ±20 %, so keys filled together do not expire together.
// Values are shared immutable objects. Thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace vehicle_service {

template <typename V>
class TtlCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Ptr = std::shared_ptr<const V>;

  // ttl 0 turns the cache off (every call computes). stale_for < 0 means "as long as ttl".
  // max_entries bounds memory: when full, old entries are dropped, and if none are, everything.
  explicit TtlCache(std::chrono::milliseconds ttl, std::chrono::milliseconds stale_for = std::chrono::milliseconds(-1),
                    std::size_t max_entries = 2048, int max_refreshing = 2)
      : ttl_(ttl),
        stale_for_(stale_for.count() < 0 ? ttl : stale_for),
        max_entries_(max_entries),
        max_refreshing_(max_refreshing) {}

  Ptr get(const std::string& key, const std::function<V()>& compute, Clock::time_point now = Clock::now()) {
    if (ttl_.count() <= 0) return std::make_shared<const V>(compute());
    std::unique_lock lk(mu_);
    if (auto it = map_.find(key); it != map_.end()) {
      Entry& e = it->second;
      const bool ready = e.value.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      if (now < e.fresh_until || !ready) {
        auto f = e.value;  // fresh, or being computed for the first time: wait for it
        lk.unlock();
        return f.get();  // rethrows the computing call's exception
      }
      if (now < e.fresh_until + stale_for_) {
        // Another caller refreshes it, or enough refreshes run already: the previous value.
        if (e.refreshing || refreshing_ >= max_refreshing_) return e.value.get();
        e.refreshing = true;
        ++refreshing_;
        lk.unlock();
        Ptr fresh;
        try {
          fresh = std::make_shared<const V>(compute());
        } catch (...) {
          lk.lock();
          --refreshing_;
          if (auto again = map_.find(key); again != map_.end()) again->second.refreshing = false;
          throw;
        }
        lk.lock();
        --refreshing_;
        map_[key] = Entry{now + lifetime(), ready_future(fresh), false};
        return fresh;
      }
    }
    if (map_.size() >= max_entries_) prune(now);
    auto mine = std::make_shared<std::promise<Ptr>>();
    map_[key] = Entry{now + lifetime(), mine->get_future().share(), false};
    lk.unlock();
    try {
      auto v = std::make_shared<const V>(compute());
      mine->set_value(v);
      return v;
    } catch (...) {
      mine->set_exception(std::current_exception());
      lk.lock();
      map_.erase(key);  // do not keep a failure
      throw;
    }
  }

  void clear() {
    std::lock_guard lk(mu_);
    map_.clear();
  }
  std::size_t size() const {
    std::lock_guard lk(mu_);
    return map_.size();
  }
  std::chrono::milliseconds ttl() const noexcept { return ttl_; }

 private:
  struct Entry {
    Clock::time_point fresh_until;
    std::shared_future<Ptr> value;
    bool refreshing = false;
  };
  // The TTL ±20 % (called with the lock held).
  Clock::duration lifetime() {
    seed_ = seed_ * 6364136223846793005ull + 1442695040888963407ull;
    const auto permille = static_cast<long>((seed_ >> 33) % 401) + 800;  // 800..1200
    return std::chrono::duration_cast<Clock::duration>(ttl_) * permille / 1000;
  }
  static std::shared_future<Ptr> ready_future(Ptr v) {
    std::promise<Ptr> p;
    p.set_value(std::move(v));
    return p.get_future().share();
  }
  void prune(Clock::time_point now) {
    for (auto it = map_.begin(); it != map_.end();)
      it = it->second.fresh_until + stale_for_ <= now && !it->second.refreshing ? map_.erase(it) : std::next(it);
    if (map_.size() >= max_entries_) map_.clear();
  }

  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds stale_for_;
  std::size_t max_entries_;
  int max_refreshing_;
  int refreshing_ = 0;
  std::uint64_t seed_ = 0x9E3779B97F4A7C15ull;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> map_;
};

}  // namespace vehicle_service
