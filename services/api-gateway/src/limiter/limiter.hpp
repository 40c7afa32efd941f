#pragma once
// Token buckets by key (client IP, user id), sharded so concurrent requests rarely contend:
// one mutex per shard. A bucket that has refilled completely is the same as a new one, so
// evict_idle() drops those and memory stays proportional to recently active clients.
#include <array>
#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/token_bucket.hpp"

namespace gateway {

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

}  // namespace gateway
