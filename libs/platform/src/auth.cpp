// JWT with cpp-jwt: access tokens ES256, service tokens HS256. cpp-jwt is used here and nowhere
// else: it pulls in nlohmann::json, which the rest of the code base does not need.
#include "rto/auth.hpp"

#include <jwt/jwt.hpp>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <mutex>
#include <optional>
#include <stdexcept>
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
  // A token is about 600 bytes: 8,192 entries stay under ~8 MB. ES256 verification costs tens of
  // microseconds, so active users' tokens are kept; when full, the expired go first.
  static constexpr std::size_t kCapacity = 8192;
  std::shared_mutex mu;
  std::unordered_map<std::string, Entry> entries;
};

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// "kid:BASE64" → (kid, PEM with `label`).
std::pair<std::string, std::string> read_key(std::string_view text, const char* label, const char* what) {
  const auto t = trim(text);
  const auto colon = t.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == t.size())
    throw std::invalid_argument(std::string(what) + " must be kid:BASE64");
  std::string kid = t.substr(0, colon), body = trim(t.substr(colon + 1));
  for (char c : kid)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      throw std::invalid_argument(std::string(what) + ": a kid is letters, digits, '-', '_' or '.'");
  try {
    crypto::base64_decode(body);
  } catch (const std::exception&) {
    throw std::invalid_argument(std::string(what) + ": the key of kid " + kid + " is not base64");
  }
  std::string pem = std::string("-----BEGIN ") + label + "-----\n";
  for (std::size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
  pem += std::string("-----END ") + label + "-----\n";
  return {std::move(kid), std::move(pem)};
}

}  // namespace

AccessKeys AccessKeys::parse(std::string_view private_key, std::string_view public_keys) {
  AccessKeys k;
  std::string_view rest = public_keys;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (trim(item).empty()) continue;
    auto key = read_key(item, "PUBLIC KEY", "JWT_PUBLIC_KEYS");
    for (const auto& [kid, pem] : k.verifying)
      if (kid == key.first) throw std::invalid_argument("JWT_PUBLIC_KEYS: kid " + kid + " is given twice");
    k.verifying.push_back(std::move(key));
  }
  if (k.verifying.size() > 2)
    throw std::invalid_argument("JWT_PUBLIC_KEYS: at most two keys (the current one and the next, while rotating)");
  if (!trim(private_key).empty()) {
    auto [kid, pem] = read_key(private_key, "PRIVATE KEY", "JWT_PRIVATE_KEY");
    if (std::none_of(k.verifying.begin(), k.verifying.end(), [&](const auto& v) { return v.first == kid; }))
      throw std::invalid_argument("JWT_PRIVATE_KEY: its kid " + kid + " has no public key in JWT_PUBLIC_KEYS");
    k.signing_kid = std::move(kid);
    k.signing_pem = std::move(pem);
  }
  return k;
}

Tokens::Tokens(AccessKeys access, std::string service_secret, std::string issuer, std::chrono::seconds access_ttl,
               std::chrono::seconds service_ttl)
    : access_(std::move(access)),
      service_secret_(std::move(service_secret)),
      issuer_(std::move(issuer)),
      access_ttl_(access_ttl),
      service_ttl_(service_ttl),
      cache_(std::make_shared<Cache>()) {
  if (signs_access()) {  // the private key must be its kid's public key's pair
    Identity probe;
    try {
      probe = verify_access(issue_access("key-check", {}));
    } catch (const std::exception&) {
      throw std::invalid_argument("JWT_PRIVATE_KEY does not match the public key of kid " + access_.signing_kid);
    }
  }
}

namespace {

std::string sign(jwt::jwt_object& obj, const std::string& iss, std::string_view typ, std::string_view sub,
                 Clock::time_point now, std::chrono::seconds ttl) {
  obj.add_claim("iss", iss)
      .add_claim("sub", std::string(sub))
      .add_claim("typ", std::string(typ))
      .add_claim("jti", crypto::uuid_v4())
      .add_claim("iat", now)
      .add_claim("exp", now + ttl);
  return obj.signature();
}

// The `kid` of a token's header, when it names one.
std::string kid_of(std::string_view token) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot > 1024) return {};
  try {
    auto header = jwt::base64_uri_decode(token.data(), dot);
    boost::system::error_code ec;
    auto v = boost::json::parse(header, ec);
    if (ec || !v.is_object()) return {};
    if (const auto* kid = v.as_object().if_contains("kid"); kid && kid->is_string()) return std::string(kid->as_string());
  } catch (const std::exception&) {
  }
  return {};
}

// cpp-jwt reads exp, nbf and iat as unsigned integers while it validates a token, before the
// signature is known good; a number there that is not an integer (4.1e40) is converted with
// undefined behaviour. Read with the JSON library cpp-jwt reads with, so both see the same claims.
bool time_claims_are_integers(std::string_view token) {
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return true;  // not three parts: cpp-jwt refuses it
  try {
    const auto payload = jwt::base64_uri_decode(token.data() + d1 + 1, d2 - d1 - 1);
    const auto claims = nlohmann::json::parse(payload, nullptr, false);
    if (!claims.is_object()) return true;  // refused by cpp-jwt
    for (const char* k : {"exp", "nbf", "iat"})
      if (auto it = claims.find(k); it != claims.end() && it->is_number_float()) return false;
  } catch (const std::exception&) {
  }
  return true;
}

Identity check(std::string_view token, const std::string& key, const char* alg, const std::string& iss,
               std::string_view typ, std::string_view audience, Clock::time_point now, std::int64_t& exp_out) {
  using namespace jwt::params;
  try {
    std::error_code ec;
    auto dec = jwt::decode(jwt::string_view(token.data(), token.size()), algorithms({alg}), ec, secret(key),
                           issuer(iss), verify(true), leeway(0));
    if (ec) throw Unauthorized("invalid or expired token");
    const auto& p = dec.payload();
    if (!p.has_claim("exp") || !p.has_claim("sub") || !p.has_claim("typ")) throw Unauthorized("invalid token");
    if (p.get_claim_value<std::string>("typ") != typ) throw Unauthorized("wrong kind of token");
    if (typ == "service" && (!p.has_claim("aud") || (!audience.empty() && p.get_claim_value<std::string>("aud") != audience)))
      throw Unauthorized("this service token is meant for another service");
    auto exp = p.get_claim_value<std::int64_t>("exp");
    // Past 2200 is no expiry we issue, and the nanosecond time point would overflow (2262).
    if (exp > 7'258'118'400) throw Unauthorized("invalid token");
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
  if (!signs_access()) throw std::logic_error("this process holds no key to sign access tokens");
  using namespace jwt::params;
  jwt::jwt_object obj{algorithm("ES256"), secret(access_.signing_pem)};
  obj.header().add_header("kid", access_.signing_kid);
  obj.payload().add_claim("roles", roles);
  return sign(obj, issuer_, "access", user_id, now, access_ttl_);
}

std::string Tokens::issue_service(std::string_view caller, std::string_view audience, Clock::time_point now) const {
  if (service_secret_.empty()) throw std::logic_error("this process holds no service token secret");
  using namespace jwt::params;
  jwt::jwt_object obj{algorithm("HS256"), secret(service_secret_)};
  obj.add_claim("aud", std::string(audience));
  return sign(obj, issuer_, "service", caller, now, service_ttl_);
}

Identity Tokens::verify(std::string_view token, std::string_view typ, std::string_view audience,
                        Clock::time_point now) const {
  if (token.empty()) throw Unauthorized("missing bearer token");
  if (token.size() > 8192) throw Unauthorized("token too large");
  // A compact JWT is base64url and dots. cpp-jwt's base64 decoder indexes its table with each
  // byte as a (signed) char: a byte over 0x7F fails its assertion, or without assertions reads
  // outside the table; such a token never reaches it.
  if (!std::all_of(token.begin(), token.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '=';
      }))
    throw Unauthorized("invalid token");
  if (!time_claims_are_integers(token)) throw Unauthorized("invalid token");
  const bool service = typ == "service";
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // Cached by the whole token text, for a service token with the audience it was checked for.
  std::string k(token);
  if (service) k.append("|").append(audience);
  {
    std::shared_lock lk(cache_->mu);
    if (auto it = cache_->entries.find(k); it != cache_->entries.end() && it->second.service == service) {
      if (it->second.exp > now_s) return it->second.id;
      throw Unauthorized("token expired");
    }
  }
  std::int64_t exp = 0;
  Identity id;
  if (service) {
    if (service_secret_.empty()) throw Unauthorized("this service takes no service tokens");
    id = check(token, service_secret_, "HS256", issuer_, typ, audience, now, exp);
  } else {
    // The key its kid names; a token without one is tried against each (at most two).
    if (access_.verifying.empty()) throw Unauthorized("this service takes no access tokens");
    const auto kid = kid_of(token);
    const std::string* key = nullptr;
    for (const auto& [k_id, pem] : access_.verifying)
      if (k_id == kid) key = &pem;
    if (!kid.empty() && !key) throw Unauthorized("invalid token: signed with a key this service does not know");
    if (key) {
      id = check(token, *key, "ES256", issuer_, typ, audience, now, exp);
    } else {
      std::optional<Identity> found;
      for (const auto& [k_id, pem] : access_.verifying) {
        try {
          found = check(token, pem, "ES256", issuer_, typ, audience, now, exp);
          break;
        } catch (const Error&) {
        }
      }
      if (!found) throw Unauthorized("invalid or expired token");
      id = std::move(*found);
    }
  }
  std::unique_lock lk(cache_->mu);
  if (cache_->entries.size() >= Cache::kCapacity) {
    std::erase_if(cache_->entries, [&](const auto& e) { return e.second.exp <= now_s; });
    if (cache_->entries.size() >= Cache::kCapacity) cache_->entries.clear();  // still full: simple and bounded
  }
  cache_->entries.emplace(std::move(k), Cache::Entry{id, exp, service});
  return id;
}

Identity Tokens::verify_access(std::string_view token, Clock::time_point now) const {
  return verify(token, "access", {}, now);
}

Identity Tokens::verify_service(std::string_view token, std::string_view audience, Clock::time_point now) const {
  return verify(token, "service", audience, now);
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
