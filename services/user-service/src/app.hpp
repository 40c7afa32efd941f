#pragma once
// The user service's shared state and the operations several handlers need: issuing a
// session (access + refresh token), sealing and opening KYC profiles, and the bootstrap
// admin account. install() wires it all into an rto::Service.
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/service.hpp>
#include <string>
#include <vector>

#include "config.hpp"
#include "domain/kyc.hpp"
#include "domain/lockout.hpp"
#include "domain/user.hpp"
#include "storage/storage.hpp"

namespace user_service {

class App {
 public:
  App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, UserConfig cfg);

  rto::db::Pool& db() const noexcept { return db_; }
  const rto::auth::Tokens& tokens() const noexcept { return tokens_; }
  const UserConfig& config() const noexcept { return cfg_; }
  const LockoutPolicy& lockout() const noexcept { return lockout_; }
  const std::string& source() const noexcept { return cfg_.common.service; }
  TimePoint now() const { return clock_->now(); }

  std::string hash_password(std::string_view password) const;
  // Runs a password check against a fixed hash so that an unknown phone costs as much time
  // as a known one.
  void burn_password_check(std::string_view password) const;

  // Keyed blind index of an E.164 number for login throttling (no phone stored in clear).
  std::string phone_index(std::string_view e164) const;

  // A new access token and a new refresh token. Without `family` a new family starts (login,
  // registration); with it the token continues that family (rotation).
  IssuedTokens start_session(pqxx::transaction_base& tx, const User& u, TimePoint now,
                             const std::optional<std::string>& family = std::nullopt) const;

  storage::KycRecord seal(const std::string& user_id, const KycInput& in) const;
  KycInput open(const storage::KycRecord& r) const;
  KycView view(const storage::KycRecord& r) const;

  // Creates the ADMIN_PHONE account with the admin role when no account has that phone.
  // Safe when several replicas start at once. Returns true when it created the account.
  bool ensure_admin() const;

  // Housekeeping: expired refresh tokens and stale login-throttle rows.
  void purge_expired() const;

 private:
  rto::db::Pool& db_;
  const rto::auth::Tokens& tokens_;
  std::shared_ptr<const rto::Clock> clock_;
  UserConfig cfg_;
  rto::crypto::FieldCipher cipher_;
  LockoutPolicy lockout_;
  std::string dummy_hash_;
};

struct InstallOptions {
  bool background_jobs = true;  // hourly purge of expired tokens and throttle rows
};

// Opens the database (platform and service migrations, prepared statements), creates the
// admin account when absent, and adds the routes. The returned App is also kept alive by the
// routes and jobs that use it.
std::shared_ptr<App> install(rto::Service& service, UserConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

}  // namespace user_service
