#pragma once
// Refresh-token rotation with reuse detection. Every refresh consumes the presented token and
// issues a new one in the same family. A token presented a second time means two parties
// hold it (one of them a thief), so the whole family is revoked.
#include <chrono>
#include <optional>
#include <string>

#include "domain/time.hpp"

namespace user_service {

inline constexpr std::chrono::seconds kRefreshTokenTtl = std::chrono::hours(24 * 30);

struct StoredRefreshToken {
  std::string id;
  std::string family_id;
  std::string user_id;
  TimePoint expires_at{};
  std::optional<TimePoint> used_at;
  std::optional<TimePoint> revoked_at;
};

enum class RefreshDecision {
  Rotate,         // valid: mark used, issue the next token of the family
  ReuseDetected,  // already used: revoke the family, refuse
  Revoked,        // revoked (logout, disable, earlier reuse): refuse
  Expired,        // past its expiry: refuse
};

RefreshDecision decide_refresh(const StoredRefreshToken& t, TimePoint now);

}  // namespace user_service
