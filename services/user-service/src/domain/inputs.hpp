#pragma once
// Request bodies of the account endpoints, parsed and validated without I/O. Each parser
// throws rto::Error (400) naming every bad field at once; unknown fields are refused so a
// client cannot slip in roles, status or ids (mass assignment).
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace user_service {

struct Registration {
  std::string phone;  // E.164
  std::string password;
  std::string full_name;
  std::optional<std::string> email;
};
Registration parse_registration(const boost::json::object& body, std::string_view default_region);

struct Credentials {
  std::string phone;  // E.164
  std::string password;
};
Credentials parse_login(const boost::json::object& body, std::string_view default_region);

// {refresh_token}
std::string parse_refresh_token(const boost::json::object& body);

// PATCH /users/me: only full_name, email (null clears it) and language may change.
struct ProfilePatch {
  std::optional<std::string> full_name;
  std::optional<std::optional<std::string>> email;  // set: new value or null to clear
  std::optional<std::string> language;
  bool empty() const noexcept { return !full_name && !email && !language; }
};
ProfilePatch parse_profile_patch(const boost::json::object& body);

// {roles: [...]}: known roles only, at least one, duplicates dropped, canonical order.
std::vector<std::string> parse_roles(const boost::json::object& body);
// {"ids": [...]} of POST /internal/users/lookup: 1 to kMaxLookupIds user ids (UUIDs), each once
// in the answer however often it is named.
inline constexpr std::size_t kMaxLookupIds = 200;
std::vector<std::string> parse_lookup_ids(const boost::json::object& body);

// {reason}
std::string parse_rejection(const boost::json::object& body);

}  // namespace user_service
