#pragma once
// HTTP handlers: parse the request (domain/inputs), call storage inside a transaction,
// return a response. Errors are thrown as rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/router.hpp>

namespace user_service {

class App;

class Handlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  // Authentication (public except logout)
  Response register_user(Request& req);
  Response login(Request& req);
  Response refresh(Request& req);
  Response logout(Request& req);

  // The signed-in user
  Response get_me(Request& req);
  Response patch_me(Request& req);
  Response put_my_kyc(Request& req);
  Response get_my_kyc(Request& req);

  // Staff and admin
  Response list_users(Request& req);
  Response get_user(Request& req);
  Response get_user_kyc(Request& req);
  Response verify_kyc(Request& req);
  Response reject_kyc(Request& req);
  Response set_roles(Request& req);
  Response disable_user(Request& req);
  Response enable_user(Request& req);

  // Service to service
  Response internal_user(Request& req);
  Response internal_users(Request& req);

 private:
  Response review_kyc(Request& req, bool verify);
  Response change_status(Request& req, bool enable);
};

}  // namespace user_service
