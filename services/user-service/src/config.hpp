#pragma once
// The user service's configuration, read once at start-up from environment variables.
#include <rto/config.hpp>
#include <rto/crypto.hpp>
#include <string>

namespace user_service {

struct UserConfig {
  rto::config::Common common;
  std::string encryption_key;   // ENCRYPTION_KEY: base64 of 32 bytes (field encryption, blind indexes)
  std::string admin_phone;      // ADMIN_PHONE, normalised to E.164
  std::string admin_password;   // ADMIN_PASSWORD
  std::string default_region;   // DEFAULT_REGION [UG]: how national-form phone numbers are read
  std::string password_hash_profile;  // PASSWORD_HASH_PROFILE [interactive] | minimal (tests only)
  rto::crypto::PasswordCost password_cost = rto::crypto::PasswordCost::interactive();

  // Reads everything and throws rto::ConfigError naming every missing or invalid variable.
  static UserConfig read(rto::config::Env& env);
  static UserConfig from_environment();
};

}  // namespace user_service
