#pragma once
// Rate limits: a token bucket (`burst` tokens at most, refilled at `rate` tokens a second by
// elapsed time; pure — the caller passes the time, so tests drive it with a fake clock), and
// token buckets by key (client IP, user id, plan), sharded so concurrent callers rarely
// contend: one mutex per shard. A bucket that has refilled completely is the same as a new one,
// so evict_idle() drops those and memory stays proportional to recently active keys.
#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rto::rate {

using SteadyClock = std::chrono::steady_clock;

struct Limit {
  double rate = 0;   // tokens per second; 0 disables the limit
  double burst = 0;  // bucket capacity
  bool enabled() const noexcept { return rate > 0 && burst > 0; }
};

struct Decision {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused: whole seconds until a token is back (>= 1)
};

class TokenBucket {
 public:
  TokenBucket(Limit limit, SteadyClock::time_point now) noexcept;

  Decision take(SteadyClock::time_point now, double cost = 1.0) noexcept;
  // True when the bucket has refilled completely: it then behaves like a new one and can be dropped.
  bool full(SteadyClock::time_point now) const noexcept;
  double tokens(SteadyClock::time_point now) const noexcept;

 private:
  double refilled(SteadyClock::time_point now) const noexcept;
  Limit limit_;
  double tokens_;
  SteadyClock::time_point last_;
};

class Limiter {
 public:
  explicit Limiter(Limit limit) : limit_(limit) {}
  Limiter(const Limiter&) = delete;
  Limiter& operator=(const Limiter&) = delete;

  // Takes one token from the key's bucket (created full on first use).
  Decision take(std::string_view key, SteadyClock::time_point now = SteadyClock::now());
  // Removes buckets that are full again; returns how many were removed.
  std::size_t evict_idle(SteadyClock::time_point now = SteadyClock::now());
  std::size_t size() const;
  const Limit& limit() const noexcept { return limit_; }

 private:
  static constexpr std::size_t kShards = 32;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, TokenBucket, Hash, std::equal_to<>> buckets;
  };
  Shard& shard_for(std::string_view key) noexcept { return shards_[Hash{}(key) % kShards]; }

  Limit limit_;
  std::array<Shard, kShards> shards_;
};

}  // namespace rto::rate
