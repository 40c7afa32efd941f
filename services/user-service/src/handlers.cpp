#include "handlers.hpp"

#include <rto/request_body.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/inputs.hpp"
#include "domain/kyc.hpp"
#include "domain/listing.hpp"
#include "domain/lockout.hpp"
#include "domain/roles.hpp"
#include "storage/storage.hpp"

namespace user_service {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;
using Tx = pqxx::transaction_base;

namespace {

constexpr const char* kBadCredentials = "the phone number or password is incorrect";
constexpr const char* kBadRefreshToken = "the refresh token is not valid; sign in again";

rto::Error account_disabled() {
  rto::Error e = rto::Forbidden("this account is disabled");
  e.with_code("account-disabled");
  return e;
}

// The {id} of a path, or 404 for anything that is not a UUID (never a database error).
std::string path_id(const Request& req) {
  std::string id(req.param("id"));
  if (!rto::crypto::is_uuid(id)) throw rto::NotFound("no user with this id");
  for (auto& c : id)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return id;
}

// The caller's own account: gone → 401, disabled → 403.
User require_self(Tx& tx, const Request& req) {
  const auto& subject = req.user().subject;
  if (!rto::crypto::is_uuid(subject)) throw rto::Unauthorized("this token does not name an account");
  auto u = storage::find_user(tx, subject);
  if (!u) throw rto::Unauthorized("this account no longer exists");
  if (!u->active()) throw account_disabled();
  return *u;
}

// A staff caller, checked against the database too: a disabled or demoted account loses its
// powers at once, not when its access token expires.
User require_actor(Tx& tx, const Request& req, std::initializer_list<std::string_view> roles) {
  auto u = require_self(tx, req);
  for (auto r : roles)
    if (u.has_role(r)) return u;
  throw rto::Forbidden("your role does not allow this action");
}

User require_user(Tx& tx, const std::string& id) {
  auto u = storage::find_user(tx, id);
  if (!u) throw rto::NotFound("no user with this id");
  return *u;
}

Response tokens_json(int status, const IssuedTokens& t) { return Response::json(status, to_json(t)); }

}  // namespace

// ---- authentication ---------------------------------------------------------------------------

Response Handlers::register_user(Request& req) {
  auto in = parse_registration(rto::http::json_body(req), app_->config().default_region);
  storage::NewUser u;
  u.id = rto::crypto::uuid_v4();
  u.phone = in.phone;
  u.email = in.email;
  u.full_name = in.full_name;
  u.password_hash = app_->hash_password(in.password);  // slow: outside the transaction
  u.now = app_->now();
  auto [user, tokens] = app_->db().transact([&](pqxx::work& tx) {
    auto created = storage::insert_user(tx, u);
    rto::events::enqueue(tx, app_->source(),
                         {"user.account.registered", created.id, {{"user_id", created.id}, {"language", created.language}}});
    auto issued = app_->start_session(tx, created, u.now);
    return std::pair{created, issued};
  });
  rto::log::info("account registered", {{"user_id", user.id}});
  return Response::json(201, js::object{{"user", to_json(user)}, {"tokens", to_json(tokens)}});
}

Response Handlers::login(Request& req) {
  auto creds = parse_login(rto::http::json_body(req), app_->config().default_region);
  const auto index = app_->phone_index(creds.phone);
  const auto now = app_->now();

  // 1. Count the attempt (or refuse it while locked) before any password is checked.
  auto gate = app_->db().transact([&](pqxx::work& tx) {
    auto g = begin_attempt(storage::claim_throttle(tx, index, now), now, app_->lockout());
    if (g.allowed) storage::save_throttle(tx, index, g.next, now);
    return g;
  });
  if (!gate.allowed) {
    rto::log::info("login refused: locked");
    rto::Error e(rto::ErrorKind::Locked, "too many failed sign-in attempts; try again later");
    e.with_code("account-locked").with_retry_after(gate.retry_after);
    throw e;
  }

  // 2. Check the password; an unknown phone costs the same time as a known one.
  auto found = app_->db().read([&](pqxx::read_transaction& tx) { return storage::find_by_phone(tx, creds.phone); });
  bool ok = false;
  if (found) {
    ok = rto::crypto::verify_password(found->password_hash, creds.password);
  } else {
    app_->burn_password_check(creds.password);
  }
  if (!ok) {
    rto::log::info("login refused: bad credentials", {{"user_id", found ? js::value(found->user.id) : js::value(nullptr)}});
    throw rto::Unauthorized(kBadCredentials);
  }

  // 3. Correct password: clear the failures; a disabled account learns it only now.
  const User& user = found->user;
  auto issued = app_->db().transact([&](pqxx::work& tx) -> std::optional<IssuedTokens> {
    storage::clear_throttle(tx, index);
    if (!user.active()) return std::nullopt;
    return app_->start_session(tx, user, now);
  });
  if (!issued) {
    rto::log::info("login refused: account disabled", {{"user_id", user.id}});
    throw account_disabled();
  }
  rto::log::info("signed in", {{"user_id", user.id}});
  return tokens_json(200, *issued);
}

Response Handlers::refresh(Request& req) {
  auto token = parse_refresh_token(rto::http::json_body(req));
  const auto hash = rto::crypto::sha256_hex(token);
  const auto now = app_->now();

  enum class Outcome { Rotated, Invalid, Reused, Disabled };
  struct Result {
    Outcome outcome = Outcome::Invalid;
    IssuedTokens tokens;
    std::string user_id;
  };
  // Reuse and disabled outcomes commit their revocation before the refusal is sent.
  auto res = app_->db().transact([&](pqxx::work& tx) {
    Result r;
    auto stored = storage::lock_refresh_token(tx, hash);
    if (!stored) return r;
    r.user_id = stored->user_id;
    switch (decide_refresh(*stored, now)) {
      case RefreshDecision::ReuseDetected:
        storage::revoke_family(tx, stored->family_id, now);
        r.outcome = Outcome::Reused;
        return r;
      case RefreshDecision::Revoked:
      case RefreshDecision::Expired:
        return r;
      case RefreshDecision::Rotate:
        break;
    }
    auto user = storage::find_user(tx, stored->user_id);
    if (!user || !user->active()) {
      storage::revoke_family(tx, stored->family_id, now);
      r.outcome = Outcome::Disabled;
      return r;
    }
    storage::mark_refresh_token_used(tx, stored->id, now);
    r.tokens = app_->start_session(tx, *user, now, stored->family_id);
    r.outcome = Outcome::Rotated;
    return r;
  });
  switch (res.outcome) {
    case Outcome::Rotated:
      return tokens_json(200, res.tokens);
    case Outcome::Reused:
      rto::log::warn("refresh token reused; token family revoked", {{"user_id", res.user_id}});
      throw rto::Unauthorized(kBadRefreshToken);
    case Outcome::Disabled:
      throw account_disabled();
    case Outcome::Invalid:
      break;
  }
  throw rto::Unauthorized(kBadRefreshToken);
}

Response Handlers::logout(Request& req) {
  auto token = parse_refresh_token(rto::http::json_body(req));
  const auto hash = rto::crypto::sha256_hex(token);
  const auto& me = req.user().subject;
  auto revoked = app_->db().transact(
      [&](pqxx::work& tx) { return storage::revoke_family_of(tx, hash, me, app_->now()); });
  rto::log::info("signed out", {{"user_id", me}, {"revoked_tokens", revoked}});
  return Response::no_content();
}

// ---- the signed-in user ---------------------------------------------------------------------

Response Handlers::get_me(Request& req) {
  // One statement: read without a transaction block (one round trip on the hottest route).
  auto me = app_->db().query([&](pqxx::nontransaction& tx) { return require_self(tx, req); });
  return Response::json(to_json(me));
}

Response Handlers::patch_me(Request& req) {
  auto patch = parse_profile_patch(rto::http::json_body(req));
  auto me = app_->db().transact([&](pqxx::work& tx) {
    auto u = require_self(tx, req);
    if (patch.empty()) return u;
    storage::update_profile(tx, u.id, patch, app_->now());
    return require_user(tx, u.id);
  });
  return Response::json(to_json(me));
}

Response Handlers::put_my_kyc(Request& req) {
  auto in = parse_kyc(rto::http::json_body(req), app_->config().default_region, app_->now());
  auto view = app_->db().transact([&](pqxx::work& tx) {
    auto me = require_self(tx, req);
    auto existing = storage::find_kyc(tx, me.id, true);
    // The same submission again changes nothing, so a verified profile stays verified.
    if (existing && app_->open(*existing) == in) return app_->view(*existing);
    auto sealed = app_->seal(me.id, in);
    storage::upsert_kyc(tx, sealed, app_->now());
    return app_->view(*storage::find_kyc(tx, me.id));
  });
  rto::log::info("kyc submitted", {{"user_id", view.user_id}, {"status", view.status}});
  return Response::json(to_json(view));
}

Response Handlers::get_my_kyc(Request& req) {
  auto view = app_->db().read([&](pqxx::read_transaction& tx) {
    auto me = require_self(tx, req);
    auto k = storage::find_kyc(tx, me.id);
    if (!k) throw rto::NotFound("no KYC profile has been submitted yet");
    return app_->view(*k);
  });
  return Response::json(to_json(view));
}

// ---- staff and admin --------------------------------------------------------------------------

Response Handlers::list_users(Request& req) {
  auto q = parse_user_list_query(req.query);
  auto page = app_->db().read([&](pqxx::read_transaction& tx) {
    require_actor(tx, req, {"admin", "credit_officer"});
    return storage::list_users(tx, q);
  });
  js::array items;
  for (const auto& u : page.items) items.push_back(to_json(u));
  return Response::json(js::object{{"items", std::move(items)},
                                   {"next_cursor", page.next ? js::value(encode_cursor(*page.next)) : js::value(nullptr)},
                                   {"limit", q.limit}});
}

Response Handlers::get_user(Request& req) {
  auto id = path_id(req);
  auto u = app_->db().read([&](pqxx::read_transaction& tx) {
    require_actor(tx, req, {"admin", "credit_officer", "support_agent"});
    return require_user(tx, id);
  });
  return Response::json(to_json(u));
}

Response Handlers::get_user_kyc(Request& req) {
  auto id = path_id(req);
  auto view = app_->db().read([&](pqxx::read_transaction& tx) {
    require_actor(tx, req, {"admin", "credit_officer"});
    require_user(tx, id);
    auto k = storage::find_kyc(tx, id);
    if (!k) throw rto::NotFound("this user has not submitted a KYC profile");
    return std::pair{app_->view(*k), storage::kyc_clashes(tx, id)};
  });
  auto body = to_json(view.first);
  js::array clashes;
  for (const auto& c : view.second) clashes.push_back(js::object{{"user_id", c.user_id}, {"kyc_status", c.status}});
  body["national_id_clashes_with"] = std::move(clashes);  // for the reviewer only
  return Response::json(std::move(body));
}

Response Handlers::verify_kyc(Request& req) { return review_kyc(req, true); }
Response Handlers::reject_kyc(Request& req) { return review_kyc(req, false); }

Response Handlers::review_kyc(Request& req, bool verify) {
  auto id = path_id(req);
  std::optional<std::string> reason;
  if (!verify) reason = parse_rejection(rto::http::json_body(req));
  const auto decided = verify ? KycStatus::Verified : KycStatus::Rejected;
  auto view = app_->db().transact([&](pqxx::work& tx) {
    auto actor = require_actor(tx, req, {"admin", "credit_officer"});
    check_kyc_reviewer(actor.id, id);
    require_user(tx, id);
    auto k = storage::find_kyc(tx, id, true);
    if (!k) throw rto::NotFound("this user has not submitted a KYC profile");
    auto current = kyc_status_from(k->status).value_or(KycStatus::Pending);
    if (verify && review_changes(current, decided))
      for (const auto& c : storage::kyc_clashes(tx, id))
        if (c.status == "verified")
          throw rto::Conflict("another account is verified under this national id; resolve that first")
              .with_code("national-id-clash");
    if (review_changes(current, decided)) {
      auto now = app_->now();
      storage::review_kyc(tx, id, to_string(decided), actor.id, reason, now);
      if (verify) rto::events::enqueue(tx, app_->source(), {"user.kyc.verified", id, {{"user_id", id}}});
      rto::log::info("kyc reviewed", {{"user_id", id}, {"reviewer_id", actor.id}, {"status", to_string(decided)}});
      k = storage::find_kyc(tx, id);
    }
    return app_->view(*k);
  });
  return Response::json(to_json(view));
}

Response Handlers::set_roles(Request& req) {
  auto id = path_id(req);
  auto roles = parse_roles(rto::http::json_body(req));
  auto u = app_->db().transact([&](pqxx::work& tx) {
    auto actor = require_actor(tx, req, {"admin"});
    check_role_change(actor.id, id, roles);
    require_user(tx, id);
    storage::set_roles(tx, id, roles, app_->now());
    return require_user(tx, id);
  });
  js::array logged;
  for (const auto& r : roles) logged.emplace_back(r);
  rto::log::info("roles changed", {{"user_id", id}, {"by", req.user().subject}, {"roles", std::move(logged)}});
  return Response::json(to_json(u));
}

Response Handlers::disable_user(Request& req) { return change_status(req, false); }
Response Handlers::enable_user(Request& req) { return change_status(req, true); }

Response Handlers::change_status(Request& req, bool enable) {
  auto id = path_id(req);
  auto u = app_->db().transact([&](pqxx::work& tx) {
    auto actor = require_actor(tx, req, {"admin"});
    if (!enable) check_disable(actor.id, id);
    require_user(tx, id);
    auto now = app_->now();
    if (storage::set_status(tx, id, enable ? "active" : "disabled", now)) {
      if (!enable) storage::revoke_user_tokens(tx, id, now);
      // The gateway refuses a disabled account's tokens from this event on, until the next.
      rto::events::enqueue(tx, app_->source(),
                           {enable ? "user.account.enabled" : "user.account.disabled", id, {{"user_id", id}}});
      rto::log::info(enable ? "account enabled" : "account disabled", {{"user_id", id}, {"by", actor.id}});
    }
    return require_user(tx, id);
  });
  return Response::json(to_json(u));
}

// ---- service to service -----------------------------------------------------------------------

Response Handlers::internal_users(Request& req) {
  auto ids = parse_lookup_ids(rto::http::json_body(req));
  auto found = app_->db().read([&](pqxx::read_transaction& tx) { return storage::find_users(tx, ids); });
  js::array items;
  items.reserve(found.size());
  for (const auto& [u, dob] : found) items.push_back(to_internal_json(u, dob));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::internal_user(Request& req) {
  auto id = path_id(req);
  auto body = app_->db().read([&](pqxx::read_transaction& tx) {
    auto u = require_user(tx, id);
    auto k = storage::find_kyc(tx, id);
    return to_internal_json(u, k ? std::optional<std::string>(k->date_of_birth) : std::nullopt);
  });
  return Response::json(body);
}

}  // namespace user_service
