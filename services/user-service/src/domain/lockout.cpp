#include "domain/lockout.hpp"

namespace user_service {

AttemptGate begin_attempt(const LoginThrottle& state, TimePoint now, const LockoutPolicy& policy) {
  AttemptGate g;
  if (state.locked_until && *state.locked_until > now) {
    auto left = *state.locked_until - now;
    auto secs = std::chrono::ceil<std::chrono::seconds>(left);
    g.allowed = false;
    g.retry_after = secs < std::chrono::seconds(1) ? std::chrono::seconds(1) : secs;
    g.next = state;
    return g;
  }
  LoginThrottle n = state;
  n.locked_until.reset();
  if (!n.window_start || now - *n.window_start >= policy.window || now < *n.window_start) {
    n.failures = 1;
    n.window_start = now;
  } else {
    ++n.failures;
  }
  if (n.failures >= policy.max_failures) {
    n.locked_until = now + policy.lock_for;
    n.failures = 0;
    n.window_start.reset();
  }
  g.next = n;
  return g;
}

bool throttle_expired(const LoginThrottle& state, TimePoint now, const LockoutPolicy& policy) {
  if (state.locked_until && *state.locked_until > now) return false;
  if (state.window_start && now - *state.window_start < policy.window) return false;
  return true;
}

}  // namespace user_service
