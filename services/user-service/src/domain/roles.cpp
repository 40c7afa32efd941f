#include "domain/roles.hpp"

#include <rto/errors.hpp>

namespace user_service {

bool has_any(const std::vector<std::string>& roles, std::initializer_list<std::string_view> wanted) noexcept {
  for (const auto& r : roles)
    for (auto w : wanted)
      if (r == w) return true;
  return false;
}

void check_role_change(std::string_view actor_id, std::string_view target_id, const std::vector<std::string>& new_roles) {
  if (actor_id != target_id) return;
  for (const auto& r : new_roles)
    if (r == "admin") return;
  throw rto::Conflict("an administrator cannot remove their own admin role",
                      {{"roles", "must keep 'admin' when changing your own roles"}})
      .with_code("own-admin-role");
}

void check_disable(std::string_view actor_id, std::string_view target_id) {
  if (actor_id == target_id)
    throw rto::Conflict("an administrator cannot disable their own account").with_code("own-account");
}

void check_kyc_reviewer(std::string_view actor_id, std::string_view target_id) {
  if (actor_id == target_id) throw rto::Forbidden("you cannot review your own KYC profile");
}

}  // namespace user_service
