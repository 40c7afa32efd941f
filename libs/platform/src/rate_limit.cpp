#include "rto/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace rto::rate {

TokenBucket::TokenBucket(Limit limit, SteadyClock::time_point now) noexcept
    : limit_(limit), tokens_(limit.burst), last_(now) {}

double TokenBucket::refilled(SteadyClock::time_point now) const noexcept {
  if (now <= last_) return tokens_;  // time never runs backwards for the bucket
  double elapsed = std::chrono::duration<double>(now - last_).count();
  return std::min(limit_.burst, tokens_ + elapsed * limit_.rate);
}

double TokenBucket::tokens(SteadyClock::time_point now) const noexcept { return refilled(now); }

Decision TokenBucket::take(SteadyClock::time_point now, double cost) noexcept {
  if (!limit_.enabled()) return {};
  tokens_ = refilled(now);
  if (now > last_) last_ = now;
  if (tokens_ >= cost) {
    tokens_ -= cost;
    return {};
  }
  double wait = (cost - tokens_) / limit_.rate;
  auto secs = static_cast<long long>(std::ceil(wait - 1e-9));  // 7.9999999 s is 8 s, not 9
  return {false, std::chrono::seconds(std::max<long long>(1, secs))};
}

bool TokenBucket::full(SteadyClock::time_point now) const noexcept { return refilled(now) >= limit_.burst; }

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

}  // namespace rto::rate
