// user-service: the bodies of registration, login, refresh, profile, KYC and the staff routes,
// and the user list's query (handlers.cpp).
#include <chrono>
#include <rto/json.hpp>

#include "domain/inputs.hpp"
#include "domain/kyc.hpp"
#include "domain/listing.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace user_service;

std::vector<Entry> user_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"user.register", [=](std::string_view b) { parse_registration(obj(b), "UG"); }},
      {"user.login", [=](std::string_view b) { parse_login(obj(b), "KE"); }},
      {"user.refresh", [=](std::string_view b) { parse_refresh_token(obj(b)); }},
      {"user.profile", [=](std::string_view b) { parse_profile_patch(obj(b)); }},
      {"user.kyc", [=](std::string_view b) { parse_kyc(obj(b), "UG", std::chrono::system_clock::now()); }},
      {"user.kyc_rejection", [=](std::string_view b) { parse_rejection(obj(b)); }},
      {"user.roles", [=](std::string_view b) { parse_roles(obj(b)); }},
      {"user.lookup", [=](std::string_view b) { parse_lookup_ids(obj(b)); }},
  };
}

std::vector<QueryEntry> user_queries() {
  return {{"user.list", [](const Query& q) { parse_user_list_query(q); }}};
}

}  // namespace fuzz::glue
