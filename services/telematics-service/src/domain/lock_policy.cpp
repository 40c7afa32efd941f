#include "domain/lock_policy.hpp"

namespace telematics {

LockVerdict decide_lock(const LockRules& rules, TimePoint pending_since, const Motion& m, TimePoint now) {
  LockVerdict v;
  if (now - pending_since < rules.grace) {
    v.reason = "grace period";
    return v;
  }
  if (!m.last_fix_at) {
    v.reason = "no position yet";
    return v;
  }
  if (now - *m.last_fix_at > rules.max_fix_age) {
    v.reason = "no recent position";
    return v;
  }
  if (m.speed_kmh >= rules.max_speed_kmh || !m.stopped_since) {
    v.reason = "moving";
    return v;
  }
  // Stopped for long enough: the newest fix (recent, see above) says it is still stopped.
  if (now - *m.stopped_since < rules.stopped_for) {
    v.reason = "not stopped long enough";
    return v;
  }
  if (m.ignition && *m.ignition) {
    v.reason = "ignition on";
    return v;
  }
  if (m.in_exclusion_zone) {
    v.reason = "inside an exclusion zone";
    return v;
  }
  v.action = LockAction::Send;
  v.reason = "stopped";
  return v;
}

std::optional<TimePoint> stopped_since_after(std::optional<TimePoint> previous, const std::vector<Fix>& fixes,
                                             double max_speed_kmh) {
  auto since = previous;
  for (const auto& f : fixes) {
    if (f.speed_kmh >= max_speed_kmh) since.reset();
    else if (!since) since = f.time;
  }
  return since;
}

std::string_view to_string(LockState s) noexcept {
  switch (s) {
    case LockState::Unlocked: return "unlocked";
    case LockState::Pending: return "pending";
    case LockState::Locking: return "locking";
    case LockState::Locked: return "locked";
    case LockState::Unlocking: return "unlocking";
    case LockState::Failed: return "failed";
  }
  return "unlocked";
}

std::optional<LockState> lock_state_from(std::string_view s) noexcept {
  for (auto st : {LockState::Unlocked, LockState::Pending, LockState::Locking, LockState::Locked, LockState::Unlocking,
                  LockState::Failed})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

}  // namespace telematics
