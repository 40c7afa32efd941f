// JWT with cpp-jwt (HS256 only). cpp-jwt is used here and nowhere else: it pulls in
// nlohmann::json, which the rest of the code base does not need.
#include "rto/auth.hpp"

#include <jwt/jwt.hpp>

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "rto/crypto.hpp"
#include "rto/errors.hpp"

namespace rto::auth {

bool is_known_role(std::string_view role) noexcept {
  for (auto r : kRoles)
    if (r == role) return true;
  return false;
}

bool Identity::has_role(std::string_view r) const noexcept {
  for (const auto& x : roles)
    if (x == r) return true;
  return false;
}

bool Identity::has_any_role(std::initializer_list<std::string_view> rs) const noexcept {
  for (auto r : rs)
    if (has_role(r)) return true;
  return false;
}

bool Identity::is_staff() const noexcept { return has_any_role({"admin", "credit_officer", "support_agent"}); }

struct Tokens::Cache {
  struct Entry {
    Identity id;
    std::int64_t exp;  // seconds since the epoch
    bool service;
  };
  static constexpr std::size_t kCapacity = 1024;
  std::shared_mutex mu;
  std::unordered_map<std::string, Entry> entries;
};

Tokens::Tokens(std::string user_secret, std::string service_secret, std::string issuer, std::chrono::seconds access_ttl,
               std::chrono::seconds service_ttl)
    : user_secret_(std::move(user_secret)),
      service_secret_(std::move(service_secret)),
      issuer_(std::move(issuer)),
      access_ttl_(access_ttl),
      service_ttl_(service_ttl),
      cache_(std::make_shared<Cache>()) {}

namespace {

std::string sign(const std::string& key, const std::string& iss, std::string_view typ, std::string_view sub,
                 const std::vector<std::string>* roles, Clock::time_point now, std::chrono::seconds ttl) {
  using namespace jwt::params;
  jwt::jwt_object obj{algorithm("HS256"), secret(key)};
  obj.add_claim("iss", iss)
      .add_claim("sub", std::string(sub))
      .add_claim("typ", std::string(typ))
      .add_claim("jti", crypto::uuid_v4())
      .add_claim("iat", now)
      .add_claim("exp", now + ttl);
  if (roles) obj.payload().add_claim("roles", *roles);
  return obj.signature();
}

Identity check(std::string_view token, const std::string& key, const std::string& iss, std::string_view typ,
               Clock::time_point now, std::int64_t& exp_out) {
  using namespace jwt::params;
  if (token.empty()) throw Unauthorized("missing bearer token");
  if (token.size() > 8192) throw Unauthorized("token too large");
  try {
    std::error_code ec;
    auto dec = jwt::decode(jwt::string_view(token.data(), token.size()), algorithms({"HS256"}), ec, secret(key),
                           issuer(iss), verify(true), leeway(0));
    if (ec) throw Unauthorized("invalid or expired token");
    const auto& p = dec.payload();
    if (!p.has_claim("exp") || !p.has_claim("sub") || !p.has_claim("typ")) throw Unauthorized("invalid token");
    if (p.get_claim_value<std::string>("typ") != typ) throw Unauthorized("wrong kind of token");
    auto exp = p.get_claim_value<std::int64_t>("exp");
    if (exp <= std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())
      throw Unauthorized("token expired");
    Identity id;
    id.subject = p.get_claim_value<std::string>("sub");
    if (p.has_claim("roles")) id.roles = p.get_claim_value<std::vector<std::string>>("roles");
    id.service = typ == "service";
    id.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(exp));
    if (id.subject.empty()) throw Unauthorized("invalid token");
    exp_out = exp;
    return id;
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {
    // Malformed base64, JSON, or claim types: the token is simply not valid.
    throw Unauthorized("invalid token");
  }
}

}  // namespace

std::string Tokens::issue_access(std::string_view user_id, const std::vector<std::string>& roles,
                                 Clock::time_point now) const {
  return sign(user_secret_, issuer_, "access", user_id, &roles, now, access_ttl_);
}

std::string Tokens::issue_service(std::string_view service_name, Clock::time_point now) const {
  return sign(service_secret_, issuer_, "service", service_name, nullptr, now, service_ttl_);
}

Identity Tokens::verify(std::string_view token, const std::string& key, std::string_view typ,
                        Clock::time_point now) const {
  const bool service = typ == "service";
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string k(token);
  {
    std::shared_lock lk(cache_->mu);
    if (auto it = cache_->entries.find(k); it != cache_->entries.end() && it->second.service == service) {
      if (it->second.exp > now_s) return it->second.id;
      throw Unauthorized("token expired");
    }
  }
  std::int64_t exp = 0;
  auto id = check(token, key, issuer_, typ, now, exp);
  std::unique_lock lk(cache_->mu);
  if (cache_->entries.size() >= Cache::kCapacity) cache_->entries.clear();  // simple and bounded
  cache_->entries.emplace(std::move(k), Cache::Entry{id, exp, service});
  return id;
}

Identity Tokens::verify_access(std::string_view token, Clock::time_point now) const {
  return verify(token, user_secret_, "access", now);
}

Identity Tokens::verify_service(std::string_view token, Clock::time_point now) const {
  return verify(token, service_secret_, "service", now);
}

std::string_view bearer_token(std::string_view h) noexcept {
  if (h.size() < 7) return {};
  if (!(h[0] == 'B' || h[0] == 'b') || h.substr(1, 6) != "earer ") return {};
  auto t = h.substr(7);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

}  // namespace rto::auth
