#pragma once
// The account as the service sees it, and its JSON views.
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"

namespace user_service {

struct User {
  std::string id;
  std::string phone;  // E.164
  std::optional<std::string> email;
  std::string full_name;
  std::string language = "en";  // en | sw
  std::vector<std::string> roles;
  std::string status = "active";         // active | disabled
  std::string kyc_status = "not_submitted";  // not_submitted | pending | verified | rejected
  TimePoint created_at{};
  TimePoint updated_at{};

  bool active() const noexcept { return status == "active"; }
  bool has_role(std::string_view r) const noexcept;
};

// What the account holder and staff see.
boost::json::object to_json(const User& u);

// What other services get from GET /internal/users/{id}.
boost::json::object to_internal_json(const User& u, const std::optional<std::string>& date_of_birth);

struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;  // seconds until the access token expires
};
boost::json::object to_json(const IssuedTokens& t);

}  // namespace user_service
