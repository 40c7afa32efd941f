#include "app.hpp"

#include <rto/log.hpp>

#include "storage/queries.hpp"

namespace user_service {
namespace js = boost::json;

App::App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, UserConfig cfg)
    : db_(db),
      tokens_(tokens),
      clock_(std::move(clock)),
      cfg_(std::move(cfg)),
      cipher_(cfg_.encryption_key),
      dummy_hash_(rto::crypto::hash_password(rto::crypto::random_token(16), cfg_.password_cost)) {}

std::string App::hash_password(std::string_view password) const {
  return rto::crypto::hash_password(password, cfg_.password_cost);
}

void App::burn_password_check(std::string_view password) const {
  (void)rto::crypto::verify_password(dummy_hash_, password);
}

std::string App::phone_index(std::string_view e164) const { return cipher_.blind_index("login-phone", e164); }

IssuedTokens App::start_session(pqxx::transaction_base& tx, const User& u, TimePoint now,
                                const std::optional<std::string>& family) const {
  IssuedTokens out;
  out.refresh_token = rto::crypto::random_token(32);
  storage::NewRefreshToken t;
  t.id = rto::crypto::uuid_v4();
  t.family_id = family.value_or(rto::crypto::uuid_v4());
  t.user_id = u.id;
  t.token_hash = rto::crypto::sha256_hex(out.refresh_token);
  t.created_at = now;
  t.expires_at = now + kRefreshTokenTtl;
  storage::insert_refresh_token(tx, t);
  out.access_token = tokens_.issue_access(u.id, u.roles, now);
  out.expires_in = tokens_.access_ttl().count();
  return out;
}

// Associated data binds each ciphertext to its row and field, so sealed values cannot be
// moved between users or columns without failing authentication.
static std::string ad(std::string_view user_id, std::string_view field) {
  return "kyc:" + std::string(user_id) + ":" + std::string(field);
}

storage::KycRecord App::seal(const std::string& user_id, const KycInput& in) const {
  storage::KycRecord r;
  r.user_id = user_id;
  r.national_id_sealed = cipher_.encrypt(in.national_id, ad(user_id, "national_id"));
  r.national_id_index = cipher_.blind_index("national-id", in.national_id);
  r.national_id_last4 = in.national_id.substr(in.national_id.size() - 4);
  r.date_of_birth = in.date_of_birth;
  r.address_sealed = cipher_.encrypt(in.address, ad(user_id, "address"));
  r.next_of_kin_sealed = cipher_.encrypt(js::serialize(to_json(in.next_of_kin)), ad(user_id, "next_of_kin"));
  return r;
}

KycInput App::open(const storage::KycRecord& r) const {
  KycInput in;
  in.national_id = cipher_.decrypt(r.national_id_sealed, ad(r.user_id, "national_id"));
  in.date_of_birth = r.date_of_birth;
  in.address = cipher_.decrypt(r.address_sealed, ad(r.user_id, "address"));
  in.next_of_kin = next_of_kin_from_json(cipher_.decrypt(r.next_of_kin_sealed, ad(r.user_id, "next_of_kin")));
  return in;
}

KycView App::view(const storage::KycRecord& r) const {
  auto in = open(r);
  KycView v;
  v.user_id = r.user_id;
  v.national_id_masked = mask_national_id(in.national_id);
  v.date_of_birth = in.date_of_birth;
  v.address = std::move(in.address);
  v.next_of_kin = std::move(in.next_of_kin);
  v.status = r.status;
  v.rejection_reason = r.rejection_reason;
  v.reviewed_at = r.reviewed_at;
  v.submitted_at = r.created_at;
  v.updated_at = r.updated_at;
  return v;
}

bool App::ensure_admin() const {
  if (db_.read([&](pqxx::read_transaction& tx) { return storage::phone_registered(tx, cfg_.admin_phone); })) {
    rto::log::info("admin account present");
    return false;
  }
  storage::NewUser u;
  u.id = rto::crypto::uuid_v4();
  u.phone = cfg_.admin_phone;
  u.full_name = "Administrator";
  u.password_hash = hash_password(cfg_.admin_password);
  u.roles = {"admin"};
  u.now = now();
  bool created = db_.transact([&](pqxx::work& tx) { return storage::insert_user_if_absent(tx, u); });
  if (created) rto::log::info("admin account created", {{"user_id", u.id}});
  return created;
}

void App::purge_expired() const {
  auto t = now();
  auto [tokens, throttles] = db_.transact([&](pqxx::work& tx) {
    return std::pair{storage::purge_expired_tokens(tx, t), storage::purge_throttles(tx, t, lockout_)};
  });
  if (tokens + throttles > 0)
    rto::log::info("expired rows purged", {{"refresh_tokens", tokens}, {"login_throttles", throttles}});
}

}  // namespace user_service
