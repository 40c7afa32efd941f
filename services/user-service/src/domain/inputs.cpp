#include "domain/inputs.hpp"
#include <algorithm>
#include <rto/crypto.hpp>

#include <rto/auth.hpp>
#include <rto/json.hpp>
#include <rto/phone.hpp>

#include "domain/validation.hpp"

namespace user_service {
namespace js = boost::json;

namespace {

std::optional<std::string> read_phone(rto::json::Reader& r, std::string_view key, std::string_view region) {
  auto raw = r.string(key, true, 1, 32);
  if (!raw) return std::nullopt;
  auto e164 = rto::phone::normalize(*raw, region);
  if (!e164) r.fail(key, "must be a valid phone number (international +256… or national form)");
  return e164;
}

}  // namespace

Registration parse_registration(const js::object& body, std::string_view default_region) {
  rto::json::Reader r(body);
  r.reject_unknown({"phone", "password", "full_name", "email"});
  auto phone = read_phone(r, "phone", default_region);
  // Passwords are not trimmed by intent: a space is part of a password.
  auto password = r.raw_string("password", true);
  if (password)
    if (auto p = password_problem(*password, phone.value_or(""))) r.fail("password", *p);
  auto name = r.string("full_name", true, 0, 1000);
  if (name)
    if (auto p = full_name_problem(*name)) r.fail("full_name", *p);
  auto email = r.string("email", false, 0, 1000);
  if (email && email->empty()) email.reset();
  if (email)
    if (auto p = email_problem(*email)) r.fail("email", *p);
  r.finish();
  return {*phone, *password, *name, email};
}

Credentials parse_login(const js::object& body, std::string_view default_region) {
  rto::json::Reader r(body);
  r.reject_unknown({"phone", "password"});
  auto phone = read_phone(r, "phone", default_region);
  auto password = r.raw_string("password", true, 1, 1024);
  r.finish();
  return {*phone, *password};
}

std::string parse_refresh_token(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"refresh_token"});
  auto t = r.string("refresh_token", true, 1, 512);
  r.finish();
  return *t;
}

ProfilePatch parse_profile_patch(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"full_name", "email", "language"});
  ProfilePatch p;
  if (body.contains("full_name")) {
    p.full_name = r.string("full_name", true, 0, 1000);
    if (p.full_name)
      if (auto e = full_name_problem(*p.full_name)) r.fail("full_name", *e);
  }
  if (auto it = body.find("email"); it != body.end()) {
    if (it->value().is_null()) {
      p.email.emplace();  // present, and null: clear it
    } else if (auto e = r.string("email", true, 0, 1000)) {
      if (e->empty()) {
        p.email.emplace();  // an empty string clears it too
      } else if (auto why = email_problem(*e)) {
        r.fail("email", *why);
      } else {
        p.email.emplace(std::move(*e));
      }
    }
  }
  if (body.contains("language")) p.language = r.one_of("language", true, {"en", "sw"});
  r.finish();
  return p;
}

std::vector<std::string> parse_lookup_ids(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"ids"});
  const auto* arr = r.array("ids", true);
  std::vector<std::string> ids;
  if (arr) {
    if (arr->empty()) r.fail("ids", "must name at least one user");
    if (arr->size() > kMaxLookupIds) r.fail("ids", "at most " + std::to_string(kMaxLookupIds) + " ids at a time");
    for (std::size_t i = 0; i < arr->size() && i < kMaxLookupIds; ++i) {
      const auto& v = (*arr)[i];
      if (!v.is_string() || !rto::crypto::is_uuid(v.as_string())) {
        r.errors().push_back({"ids[" + std::to_string(i) + "]", "must be a user id (UUID)"});
        continue;
      }
      ids.emplace_back(v.as_string());
    }
  }
  r.finish();
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> parse_roles(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"roles"});
  const auto* arr = r.array("roles", true);
  std::vector<std::string> wanted;
  if (arr) {
    if (arr->empty()) r.fail("roles", "must name at least one role");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& v = (*arr)[i];
      std::string field = "roles[" + std::to_string(i) + "]";
      if (!v.is_string()) {
        r.errors().push_back({field, "must be a string"});
      } else if (!rto::auth::is_known_role(v.as_string())) {
        r.errors().push_back({field, "unknown role '" + std::string(v.as_string()) + "'"});
      } else {
        wanted.emplace_back(v.as_string());
      }
    }
  }
  r.finish();
  // Canonical order (the order of rto::auth::kRoles), no duplicates.
  std::vector<std::string> out;
  for (auto known : rto::auth::kRoles)
    for (const auto& w : wanted)
      if (w == known) {
        out.emplace_back(known);
        break;
      }
  return out;
}

std::string parse_rejection(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"reason"});
  auto reason = r.string("reason", true, 3, 500);
  r.finish();
  return *reason;
}

}  // namespace user_service
