#pragma once
// Brute-force protection per account (per phone number, known or not). Each login attempt is
// counted before the password is checked, so parallel guesses cannot outrun the counter:
// the attempt that makes `max_failures` within `window` locks the phone for `lock_for`.
// While locked no password is checked at all. A successful login clears the state.
#include <chrono>
#include <optional>

#include "domain/time.hpp"

namespace user_service {

struct LockoutPolicy {
  int max_failures = 5;
  std::chrono::seconds window = std::chrono::minutes(15);
  std::chrono::seconds lock_for = std::chrono::minutes(15);
};

struct LoginThrottle {
  int failures = 0;                        // attempts counted in the current window
  std::optional<TimePoint> window_start;   // first attempt of the window
  std::optional<TimePoint> locked_until;
  bool operator==(const LoginThrottle&) const = default;
};

struct AttemptGate {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // when refused: whole seconds until the lock ends (≥ 1)
  LoginThrottle next;                    // state to store (unchanged when refused)
};

// Decides whether an attempt may go ahead at `now` and counts it.
AttemptGate begin_attempt(const LoginThrottle& state, TimePoint now, const LockoutPolicy& policy = {});

// True when the stored state no longer matters (no lock in force, window over): it may be purged.
bool throttle_expired(const LoginThrottle& state, TimePoint now, const LockoutPolicy& policy = {});

}  // namespace user_service
