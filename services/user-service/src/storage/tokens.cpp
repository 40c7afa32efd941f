#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace user_service::storage {
using namespace detail;

void insert_refresh_token(pqxx::transaction_base& tx, const NewRefreshToken& t) {
  tx.exec_prepared0(sql::kTokenInsert.name, t.id, t.family_id, t.user_id, t.token_hash, to_micros(t.created_at),
                    to_micros(t.expires_at));
}

std::optional<StoredRefreshToken> lock_refresh_token(pqxx::transaction_base& tx, const std::string& token_hash) {
  auto r = tx.exec_prepared(sql::kTokenLockByHash.name, token_hash);
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  StoredRefreshToken t;
  t.id = row[0].as<std::string>();
  t.family_id = row[1].as<std::string>();
  t.user_id = row[2].as<std::string>();
  t.expires_at = time_of(row[3]);
  t.used_at = opt_time(row[4]);
  t.revoked_at = opt_time(row[5]);
  return t;
}

void mark_refresh_token_used(pqxx::transaction_base& tx, const std::string& id, TimePoint now) {
  tx.exec_prepared0(sql::kTokenMarkUsed.name, id, to_micros(now));
}

int revoke_family(pqxx::transaction_base& tx, const std::string& family_id, TimePoint now) {
  return static_cast<int>(tx.exec_prepared(sql::kTokenRevokeFamily.name, family_id, to_micros(now)).affected_rows());
}

int revoke_family_of(pqxx::transaction_base& tx, const std::string& token_hash, const std::string& user_id,
                     TimePoint now) {
  return static_cast<int>(
      tx.exec_prepared(sql::kTokenRevokeFamilyOfUserToken.name, token_hash, user_id, to_micros(now)).affected_rows());
}

int revoke_user_tokens(pqxx::transaction_base& tx, const std::string& user_id, TimePoint now) {
  return static_cast<int>(tx.exec_prepared(sql::kTokenRevokeUser.name, user_id, to_micros(now)).affected_rows());
}

int purge_expired_tokens(pqxx::transaction_base& tx, TimePoint now) {
  return static_cast<int>(tx.exec_prepared(sql::kTokenPurgeExpired.name, to_micros(now)).affected_rows());
}

// ---- login throttling -------------------------------------------------------------------------

LoginThrottle claim_throttle(pqxx::transaction_base& tx, const std::string& phone_index, TimePoint now) {
  auto row = tx.exec_prepared1(sql::kThrottleClaim.name, phone_index, to_micros(now));
  LoginThrottle s;
  s.failures = row[0].as<int>();
  s.window_start = opt_time(row[1]);
  s.locked_until = opt_time(row[2]);
  return s;
}

void save_throttle(pqxx::transaction_base& tx, const std::string& phone_index, const LoginThrottle& s, TimePoint now) {
  tx.exec_prepared0(sql::kThrottleSave.name, phone_index, s.failures, opt_micros(s.window_start),
                    opt_micros(s.locked_until), to_micros(now));
}

void clear_throttle(pqxx::transaction_base& tx, const std::string& phone_index) {
  tx.exec_prepared0(sql::kThrottleClear.name, phone_index);
}

int purge_throttles(pqxx::transaction_base& tx, TimePoint now, const LockoutPolicy& policy) {
  return static_cast<int>(
      tx.exec_prepared(sql::kThrottlePurge.name, to_micros(now), to_micros(now - policy.window)).affected_rows());
}

}  // namespace user_service::storage
