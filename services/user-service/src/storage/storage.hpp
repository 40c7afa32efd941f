#pragma once
// Storage functions of the user service. Each takes the caller's transaction, so a handler
// decides what commits together (a change and its outbox event, for instance). SQL is in
// queries.hpp.
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/listing.hpp"
#include "domain/lockout.hpp"
#include "domain/inputs.hpp"
#include "domain/refresh.hpp"
#include "domain/user.hpp"

namespace user_service::storage {

// ---- users ----------------------------------------------------------------------------------

struct NewUser {
  std::string id;
  std::string phone;
  std::optional<std::string> email;
  std::string full_name;
  std::string password_hash;
  std::string language = "en";
  std::vector<std::string> roles{"customer"};
  TimePoint now{};
};

// Throws rto::Error 409 (field "phone") when the phone number is already registered: the
// unique constraint decides, so two concurrent registrations cannot both succeed.
User insert_user(pqxx::transaction_base& tx, const NewUser& u);
// Inserts unless the phone is taken; true when this call created the account.
bool insert_user_if_absent(pqxx::transaction_base& tx, const NewUser& u);
bool phone_registered(pqxx::transaction_base& tx, const std::string& phone);

std::optional<User> find_user(pqxx::transaction_base& tx, const std::string& id);
// The users among `ids` that exist (any order), each with their KYC date of birth if any.
std::vector<std::pair<User, std::optional<std::string>>> find_users(pqxx::transaction_base& tx,
                                                                    const std::vector<std::string>& ids);

struct UserWithCredentials {
  User user;
  std::string password_hash;
};
std::optional<UserWithCredentials> find_by_phone(pqxx::transaction_base& tx, const std::string& phone);

void update_profile(pqxx::transaction_base& tx, const std::string& id, const ProfilePatch& p, TimePoint now);
void set_roles(pqxx::transaction_base& tx, const std::string& id, const std::vector<std::string>& roles, TimePoint now);
// True when the status changed (false: it already had that status).
bool set_status(pqxx::transaction_base& tx, const std::string& id, const std::string& status, TimePoint now);

// One page plus, when there are more rows, the cursor of the next page.
struct UserPage {
  std::vector<User> items;
  std::optional<PageCursor> next;
};
UserPage list_users(pqxx::transaction_base& tx, const UserListQuery& q);

// ---- refresh tokens ---------------------------------------------------------------------------

struct NewRefreshToken {
  std::string id;
  std::string family_id;
  std::string user_id;
  std::string token_hash;  // sha256 hex of the token; the token itself is never stored
  TimePoint created_at{};
  TimePoint expires_at{};
};
void insert_refresh_token(pqxx::transaction_base& tx, const NewRefreshToken& t);
std::optional<StoredRefreshToken> lock_refresh_token(pqxx::transaction_base& tx, const std::string& token_hash);
void mark_refresh_token_used(pqxx::transaction_base& tx, const std::string& id, TimePoint now);
int revoke_family(pqxx::transaction_base& tx, const std::string& family_id, TimePoint now);
int revoke_family_of(pqxx::transaction_base& tx, const std::string& token_hash, const std::string& user_id, TimePoint now);
int revoke_user_tokens(pqxx::transaction_base& tx, const std::string& user_id, TimePoint now);
int purge_expired_tokens(pqxx::transaction_base& tx, TimePoint now);

// ---- login throttling -------------------------------------------------------------------------

// Creates the row if needed and locks it for the rest of the transaction.
LoginThrottle claim_throttle(pqxx::transaction_base& tx, const std::string& phone_index, TimePoint now);
void save_throttle(pqxx::transaction_base& tx, const std::string& phone_index, const LoginThrottle& s, TimePoint now);
void clear_throttle(pqxx::transaction_base& tx, const std::string& phone_index);
int purge_throttles(pqxx::transaction_base& tx, TimePoint now, const LockoutPolicy& policy);

// ---- KYC --------------------------------------------------------------------------------------

// A profile as stored: personal fields are ciphertext.
struct KycRecord {
  std::string user_id;
  std::string national_id_sealed;
  std::string national_id_index;
  std::string national_id_last4;
  std::string date_of_birth;  // YYYY-MM-DD
  std::string address_sealed;
  std::string next_of_kin_sealed;
  std::string status = "pending";
  std::optional<std::string> reviewed_by;
  std::optional<TimePoint> reviewed_at;
  std::optional<std::string> rejection_reason;
  TimePoint created_at{};
  TimePoint updated_at{};
};
std::optional<KycRecord> find_kyc(pqxx::transaction_base& tx, const std::string& user_id, bool for_update = false);
// Throws rto::Error 409 (field "national_id") when another account holds the same national id.
void upsert_kyc(pqxx::transaction_base& tx, const KycRecord& k, TimePoint now);
// Other accounts with a KYC profile under the same national id.
struct KycClash {
  std::string user_id, status;
};
std::vector<KycClash> kyc_clashes(pqxx::transaction_base& tx, const std::string& user_id);
void review_kyc(pqxx::transaction_base& tx, const std::string& user_id, std::string_view status,
                const std::string& reviewer, const std::optional<std::string>& reason, TimePoint now);

}  // namespace user_service::storage
