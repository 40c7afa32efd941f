#pragma once
// Every SQL statement of the user service, by name, in one place. They are prepared on each
// pooled connection and always called with parameters (never built from request text).
//
// Time crosses the boundary as int8 microseconds since the Unix epoch (see domain/time.hpp):
// TS(n) turns parameter $n into a timestamptz and US(col) reads one back.
#include <rto/db.hpp>
#include <string>
#include <vector>

namespace user_service::sql {

inline std::string TS(int n) {
  return "('epoch'::timestamptz + $" + std::to_string(n) + "::int8 * interval '1 microsecond')";
}
inline std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }

// Columns read by storage::read_user, in this order.
inline const std::string kUserColumns =
    "u.id::text, u.phone, u.email, u.full_name, u.language, array_to_json(u.roles)::text, u.status, "
    "COALESCE(k.status, 'not_submitted'), " + US("u.created_at") + ", " + US("u.updated_at");
inline const std::string kUserFrom = " FROM users u LEFT JOIN kyc_profiles k ON k.user_id = u.id ";
// Roles travel as a JSON array parameter.
inline std::string ROLES(int n) { return "ARRAY(SELECT jsonb_array_elements_text($" + std::to_string(n) + "::jsonb))"; }

// ---- users ----------------------------------------------------------------------------------

inline const rto::db::Statement kUserInsert{"user_insert",
    "INSERT INTO users (id, phone, email, full_name, password_hash, language, roles, status, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6, " + ROLES(7) + ", 'active', " + TS(8) + ", " + TS(8) + ")"};

// The bootstrap admin: replicas starting together race here, and exactly one row wins.
inline const rto::db::Statement kUserInsertIfAbsent{"user_insert_if_absent",
    "INSERT INTO users (id, phone, email, full_name, password_hash, language, roles, status, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6, " + ROLES(7) + ", 'active', " + TS(8) + ", " + TS(8) + ") "
    "ON CONFLICT (phone) DO NOTHING RETURNING id::text"};

inline const rto::db::Statement kUserById{"user_by_id",
    "SELECT " + kUserColumns + kUserFrom + "WHERE u.id = $1::uuid"};

// Several users by id (a JSON array of UUIDs), each with the date of birth of their KYC profile.
inline const rto::db::Statement kUsersByIds{"users_by_ids",
    "SELECT " + kUserColumns + ", to_char(k.date_of_birth, 'YYYY-MM-DD')" + kUserFrom +
    "WHERE u.id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))"};

inline const rto::db::Statement kUserByPhoneWithHash{"user_by_phone_with_hash",
    "SELECT " + kUserColumns + ", u.password_hash" + kUserFrom + "WHERE u.phone = $1"};

inline const rto::db::Statement kUserExistsByPhone{"user_exists_by_phone",
    "SELECT id::text FROM users WHERE phone = $1"};

inline const rto::db::Statement kUserUpdateProfile{"user_update_profile",
    "UPDATE users SET full_name = COALESCE($2, full_name), "
    "email = CASE WHEN $3::bool THEN $4 ELSE email END, "
    "language = COALESCE($5, language), updated_at = " + TS(6) + " WHERE id = $1::uuid"};

inline const rto::db::Statement kUserSetRoles{"user_set_roles",
    "UPDATE users SET roles = " + ROLES(2) + ", updated_at = " + TS(3) + " WHERE id = $1::uuid"};

// Returns a row only when the status actually changed.
inline const rto::db::Statement kUserSetStatus{"user_set_status",
    "UPDATE users SET status = $2, updated_at = " + TS(3) + " WHERE id = $1::uuid AND status <> $2 RETURNING id::text"};

// Admin list, newest first. $1 status, $2 role, $3 name/email ILIKE pattern, $4 phone LIKE
// pattern, $5 limit; the "after" form adds the keyset bound ($6 created_at µs, $7 id).
// $kyc: the KYC status filter (its number differs between the first and the next pages).
inline std::string user_list_where(int kyc) {
  const auto k = "$" + std::to_string(kyc) + "::text";
  return "WHERE ($1::text IS NULL OR u.status = $1) "
         "AND ($2::text IS NULL OR u.roles @> ARRAY[$2::text]) "
         "AND ($3::text IS NULL OR u.full_name ILIKE $3 OR u.email ILIKE $3 OR ($4::text IS NOT NULL AND u.phone LIKE $4)) "
         "AND (" + k + " IS NULL OR COALESCE(k.status, 'not_submitted') = " + k + ") ";
}
inline const rto::db::Statement kUserListFirst{"user_list_first",
    "SELECT " + kUserColumns + kUserFrom + user_list_where(6) + "ORDER BY u.created_at DESC, u.id DESC LIMIT $5"};
inline const rto::db::Statement kUserListAfter{"user_list_after",
    "SELECT " + kUserColumns + kUserFrom + user_list_where(8) + "AND (u.created_at, u.id) < (" + TS(6) +
    ", $7::uuid) ORDER BY u.created_at DESC, u.id DESC LIMIT $5"};

// ---- refresh tokens ---------------------------------------------------------------------------

inline const rto::db::Statement kTokenInsert{"refresh_token_insert",
    "INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, created_at, expires_at) "
    "VALUES ($1::uuid, $2::uuid, $3::uuid, $4, " + TS(5) + ", " + TS(6) + ")"};

// Locks the row so two concurrent refreshes with one token cannot both rotate it.
inline const rto::db::Statement kTokenLockByHash{"refresh_token_lock_by_hash",
    "SELECT id::text, family_id::text, user_id::text, " + US("expires_at") + ", " + US("used_at") + ", " +
    US("revoked_at") + " FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE"};

inline const rto::db::Statement kTokenMarkUsed{"refresh_token_mark_used",
    "UPDATE refresh_tokens SET used_at = " + TS(2) + " WHERE id = $1::uuid"};

inline const rto::db::Statement kTokenRevokeFamily{"refresh_token_revoke_family",
    "UPDATE refresh_tokens SET revoked_at = " + TS(2) + " WHERE family_id = $1::uuid AND revoked_at IS NULL"};

// Logout: the family of the presented token, only if it belongs to the caller.
inline const rto::db::Statement kTokenRevokeFamilyOfUserToken{"refresh_token_revoke_family_of_user_token",
    "UPDATE refresh_tokens SET revoked_at = " + TS(3) +
    " WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2::uuid) "
    "AND revoked_at IS NULL"};

inline const rto::db::Statement kTokenRevokeUser{"refresh_token_revoke_user",
    "UPDATE refresh_tokens SET revoked_at = " + TS(2) + " WHERE user_id = $1::uuid AND revoked_at IS NULL"};

inline const rto::db::Statement kTokenPurgeExpired{"refresh_token_purge_expired",
    "DELETE FROM refresh_tokens WHERE expires_at < " + TS(1)};

// ---- login throttling -------------------------------------------------------------------------

// Creates the row when absent and locks it either way; returns the state.
inline const rto::db::Statement kThrottleClaim{"login_throttle_claim",
    "INSERT INTO login_failures (phone_index, failures, updated_at) VALUES ($1, 0, " + TS(2) + ") "
    "ON CONFLICT (phone_index) DO UPDATE SET updated_at = login_failures.updated_at "
    "RETURNING failures, " + US("window_start") + ", " + US("locked_until")};

inline const rto::db::Statement kThrottleSave{"login_throttle_save",
    "UPDATE login_failures SET failures = $2, window_start = " + TS(3) + ", locked_until = " + TS(4) +
    ", updated_at = " + TS(5) + " WHERE phone_index = $1"};

inline const rto::db::Statement kThrottleClear{"login_throttle_clear",
    "DELETE FROM login_failures WHERE phone_index = $1"};

// $1 now, $2 now - window: rows with no lock in force and no open window.
inline const rto::db::Statement kThrottlePurge{"login_throttle_purge",
    "DELETE FROM login_failures WHERE (locked_until IS NULL OR locked_until <= " + TS(1) + ") "
    "AND (window_start IS NULL OR window_start <= " + TS(2) + ")"};

// ---- KYC --------------------------------------------------------------------------------------

inline const std::string kKycColumns =
    "user_id::text, national_id, national_id_index, national_id_last4, to_char(date_of_birth, 'YYYY-MM-DD'), "
    "address, next_of_kin, status, reviewed_by::text, " + US("reviewed_at") + ", rejection_reason, " +
    US("created_at") + ", " + US("updated_at");

inline const rto::db::Statement kKycByUser{"kyc_by_user",
    "SELECT " + kKycColumns + " FROM kyc_profiles WHERE user_id = $1::uuid"};

inline const rto::db::Statement kKycByUserForUpdate{"kyc_by_user_for_update",
    "SELECT " + kKycColumns + " FROM kyc_profiles WHERE user_id = $1::uuid FOR UPDATE"};

// A new or changed submission always goes (back) to pending review.
inline const rto::db::Statement kKycUpsert{"kyc_upsert",
    "INSERT INTO kyc_profiles (user_id, national_id, national_id_index, national_id_last4, date_of_birth, address, "
    "next_of_kin, status, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5::date, $6, $7, 'pending', " + TS(8) + ", " + TS(8) + ") "
    "ON CONFLICT (user_id) DO UPDATE SET national_id = EXCLUDED.national_id, "
    "national_id_index = EXCLUDED.national_id_index, national_id_last4 = EXCLUDED.national_id_last4, "
    "date_of_birth = EXCLUDED.date_of_birth, address = EXCLUDED.address, next_of_kin = EXCLUDED.next_of_kin, "
    "status = 'pending', reviewed_by = NULL, reviewed_at = NULL, rejection_reason = NULL, "
    "updated_at = EXCLUDED.updated_at"};

inline const rto::db::Statement kKycReview{"kyc_review",
    "UPDATE kyc_profiles SET status = $2, reviewed_by = $3::uuid, reviewed_at = " + TS(4) +
    ", rejection_reason = $5, updated_at = " + TS(4) + " WHERE user_id = $1::uuid"};

// Other accounts whose KYC profile carries the same national id (the same blind index), with
// their KYC status, for the reviewer.
inline const rto::db::Statement kKycClashes{"kyc_clashes",
    "SELECT o.user_id::text, o.status FROM kyc_profiles o "
    "JOIN kyc_profiles k ON k.national_id_index = o.national_id_index AND k.user_id <> o.user_id "
    "WHERE k.user_id = $1::uuid ORDER BY o.user_id"};

inline std::vector<rto::db::Statement> all() {
  return {kUserInsert,          kUserInsertIfAbsent,   kUserById,          kUsersByIds,          kUserByPhoneWithHash,
          kUserExistsByPhone,   kUserUpdateProfile,    kUserSetRoles,      kUserSetStatus,
          kUserListFirst,       kUserListAfter,        kTokenInsert,       kTokenLockByHash,
          kTokenMarkUsed,       kTokenRevokeFamily,    kTokenRevokeFamilyOfUserToken,
          kTokenRevokeUser,     kTokenPurgeExpired,    kThrottleClaim,     kThrottleSave,
          kThrottleClear,       kThrottlePurge,        kKycByUser,         kKycByUserForUpdate,
          kKycUpsert,           kKycReview,            kKycClashes};
}

}  // namespace user_service::sql
