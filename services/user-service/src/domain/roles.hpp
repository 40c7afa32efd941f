#pragma once
// Who may change what about an account. Pure checks that throw rto::Error.
#include <string>
#include <string_view>
#include <vector>

namespace user_service {

// Roles that count as staff for reading other users' accounts.
inline constexpr std::string_view kStaffRoles[] = {"admin", "credit_officer", "support_agent"};
// Roles that may review KYC profiles.
inline constexpr std::string_view kKycReviewerRoles[] = {"admin", "credit_officer"};

bool has_any(const std::vector<std::string>& roles, std::initializer_list<std::string_view> wanted) noexcept;

// An admin changing roles: refuses (409, field "roles") an admin removing their own admin
// role, which could leave the platform without an administrator.
void check_role_change(std::string_view actor_id, std::string_view target_id, const std::vector<std::string>& new_roles);

// An admin disabling an account: refuses (409) disabling oneself.
void check_disable(std::string_view actor_id, std::string_view target_id);

// A reviewer deciding a KYC profile: refuses (403) reviewing one's own.
void check_kyc_reviewer(std::string_view actor_id, std::string_view target_id);

}  // namespace user_service
