#include "limiter/limiter.hpp"

namespace gateway {

Decision Limiter::take(std::string_view key, SteadyClock::time_point now) {
  if (!limit_.enabled()) return {};
  auto& s = shard_for(key);
  std::lock_guard lock(s.mu);
  auto it = s.buckets.find(key);
  if (it == s.buckets.end()) it = s.buckets.emplace(std::string(key), TokenBucket(limit_, now)).first;
  return it->second.take(now);
}

std::size_t Limiter::evict_idle(SteadyClock::time_point now) {
  std::size_t removed = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mu);
    removed += std::erase_if(s.buckets, [&](const auto& kv) { return kv.second.full(now); });
  }
  return removed;
}

std::size_t Limiter::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace gateway
