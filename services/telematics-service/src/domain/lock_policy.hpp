#pragma once
// The immobiliser's policy: given the lock's state, what the vehicle is doing and the clock,
// may the engine-cut command go out now? Pure functions with unit tests (DOMAIN.md §10).
//
// A lock required by the ledger is *pending* at once; the command is sent only after the grace
// period and only when the vehicle is safe to stop: slower than `max_speed_kmh` for at least
// `stopped_for`, ignition off where the device reports it, a recent fix, and not inside an
// exclusion zone (a hospital). Mobilising is never held back.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace telematics {

struct LockRules {
  std::chrono::milliseconds grace{std::chrono::minutes(5)};
  std::chrono::milliseconds stopped_for{std::chrono::seconds(60)};
  double max_speed_kmh = 5;
  std::chrono::milliseconds max_fix_age{std::chrono::minutes(5)};
};

// What the pipeline knows of the vehicle now.
struct Motion {
  std::optional<TimePoint> last_fix_at;     // device time of the newest fix
  double speed_kmh = 0;                     // of the newest fix
  std::optional<bool> ignition;             // the newest report of it, if the device reports it
  std::optional<TimePoint> stopped_since;   // since when every fix was slower than max_speed_kmh
  bool in_exclusion_zone = false;
};

enum class LockAction { Wait, Send };

struct LockVerdict {
  LockAction action = LockAction::Wait;
  std::string reason;  // why it waits (for the audit and the vehicle's page)
};

LockVerdict decide_lock(const LockRules& rules, TimePoint pending_since, const Motion& m, TimePoint now);

// The new "stopped since" after a run of fixes (oldest first) that follow a state in which
// the vehicle was stopped since `previous` (nullopt: moving or unknown).
std::optional<TimePoint> stopped_since_after(std::optional<TimePoint> previous, const std::vector<Fix>& fixes,
                                             double max_speed_kmh);

// Where the lock stands. The transitions are in App; these names are stored and published.
enum class LockState { Unlocked, Pending, Locking, Locked, Unlocking, Failed };
inline constexpr LockState kLockStates[] = {LockState::Unlocked, LockState::Pending,   LockState::Locking,
                                            LockState::Locked,   LockState::Unlocking, LockState::Failed};
std::string_view to_string(LockState s) noexcept;
std::optional<LockState> lock_state_from(std::string_view s) noexcept;

}  // namespace telematics
