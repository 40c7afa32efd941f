#pragma once
// A token bucket: `burst` tokens at most, refilled at `rate` tokens a second by elapsed time.
// Pure: the caller passes the time, so tests drive it with a fake clock.
#include <chrono>

namespace gateway {

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

}  // namespace gateway
