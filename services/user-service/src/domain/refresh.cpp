#include "domain/refresh.hpp"

namespace user_service {

RefreshDecision decide_refresh(const StoredRefreshToken& t, TimePoint now) {
  // Reuse is checked first: a rotated token presented again is the theft signal even when
  // its family has been revoked since or it has expired.
  if (t.used_at) return RefreshDecision::ReuseDetected;
  if (t.revoked_at) return RefreshDecision::Revoked;
  if (t.expires_at <= now) return RefreshDecision::Expired;
  return RefreshDecision::Rotate;
}

}  // namespace user_service
