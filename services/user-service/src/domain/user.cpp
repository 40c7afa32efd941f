#include "domain/user.hpp"

#include <rto/clock.hpp>

namespace user_service {
namespace js = boost::json;

bool User::has_role(std::string_view r) const noexcept {
  for (const auto& x : roles)
    if (x == r) return true;
  return false;
}

static js::array roles_json(const std::vector<std::string>& roles) {
  js::array a;
  for (const auto& r : roles) a.emplace_back(r);
  return a;
}

js::object to_json(const User& u) {
  js::object o;
  o["id"] = u.id;
  o["phone"] = u.phone;
  o["email"] = u.email ? js::value(*u.email) : js::value(nullptr);
  o["full_name"] = u.full_name;
  o["language"] = u.language;
  o["roles"] = roles_json(u.roles);
  o["status"] = u.status;
  o["kyc_status"] = u.kyc_status;
  o["created_at"] = rto::to_rfc3339(u.created_at);
  o["updated_at"] = rto::to_rfc3339(u.updated_at);
  return o;
}

js::object to_internal_json(const User& u, const std::optional<std::string>& date_of_birth) {
  js::object o;
  o["id"] = u.id;
  o["phone"] = u.phone;
  o["full_name"] = u.full_name;
  o["language"] = u.language;
  o["roles"] = roles_json(u.roles);
  o["status"] = u.status;
  o["kyc_status"] = u.kyc_status;
  o["date_of_birth"] = date_of_birth ? js::value(*date_of_birth) : js::value(nullptr);
  return o;
}

js::object to_json(const IssuedTokens& t) {
  return {{"access_token", t.access_token},
          {"refresh_token", t.refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", t.expires_in}};
}

}  // namespace user_service
