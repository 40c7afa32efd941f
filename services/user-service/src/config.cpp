#include "config.hpp"

#include <rto/phone.hpp>

#include "domain/validation.hpp"

namespace user_service {

UserConfig UserConfig::read(rto::config::Env& env) {
  UserConfig c;
  c.common = rto::config::Common::read(env, "user-service", 8081, true, {.access_signing_key = true});

  c.encryption_key = env.encryption_key();

  c.default_region = env.region();
  const bool region_ok = c.default_region.size() == 2;  // env.region() reported anything else

  auto phone = env.required("ADMIN_PHONE");
  if (!phone.empty() && region_ok) {
    if (auto e164 = rto::phone::normalize(phone, c.default_region))
      c.admin_phone = *e164;
    else
      env.fail("ADMIN_PHONE", "is not a valid phone number");
  }
  c.admin_password = env.required("ADMIN_PASSWORD");
  if (!c.admin_password.empty() && !c.admin_phone.empty())
    if (auto why = password_problem(c.admin_password, c.admin_phone)) env.fail("ADMIN_PASSWORD", *why);

  c.password_hash_profile = env.string("PASSWORD_HASH_PROFILE", "interactive");
  if (c.password_hash_profile == "interactive")
    c.password_cost = rto::crypto::PasswordCost::interactive();
  else if (c.password_hash_profile == "minimal")
    c.password_cost = rto::crypto::PasswordCost::minimal();
  else
    env.fail("PASSWORD_HASH_PROFILE", "must be interactive or minimal");

  env.done();
  return c;
}

UserConfig UserConfig::from_environment() {
  rto::config::Env env;
  return read(env);
}

}  // namespace user_service
