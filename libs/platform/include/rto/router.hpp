#pragma once
// Route table: method + path pattern ("/api/v1/users/{id}") + who may call it.
// Every route states its access explicitly; there is no default.
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rto/http.hpp"

namespace rto::http {

struct Access {
  enum class Kind { Public, User, Service };
  Kind kind = Kind::User;
  std::vector<std::string> roles;  // Kind::User: any of these roles (empty = any signed-in user);
                                   // Kind::Service: the calling services accepted (empty = any)

  static Access anyone() { return {Kind::Public, {}}; }
  static Access signed_in() { return {Kind::User, {}}; }
  static Access roles_any(std::initializer_list<std::string> r) { return {Kind::User, std::vector<std::string>(r)}; }
  // /internal/* routes: a service token meant for this service, from one of `callers`.
  static Access services(std::initializer_list<std::string> callers) {
    return {Kind::Service, std::vector<std::string>(callers)};
  }
  // Any service's token for any audience: only for tests' stand-ins of another service. A
  // check in tests/deploy/check.sh keeps it out of the services.
  static Access service() { return {Kind::Service, {}}; }
  // The operator's staff: admins, credit officers and support agents (not customers, dealers or
  // field agents).
  static Access staff() { return roles_any({"admin", "credit_officer", "support_agent"}); }
  static Access admin() { return roles_any({"admin"}); }
};

// Base of a service's handler class: the use cases its handlers call.
//   class Handlers : public rto::http::HandlerSet<App> { public: using HandlerSet::HandlerSet; ... };
template <class App>
class HandlerSet {
 public:
  using Request = rto::http::Request;
  using Response = rto::http::Response;
  explicit HandlerSet(std::shared_ptr<App> app) : app_(std::move(app)) {}

 protected:
  std::shared_ptr<App> app_;
};

// Binds handler members of one object to routes:
//   const auto to = bind(handlers);  r.get("/x", Access::anyone(), to(&Handlers::x));
template <class H>
auto bind(std::shared_ptr<H> h) {
  return [h = std::move(h)](Response (H::*m)(Request&)) -> Handler {
    return [h, m](Request& req) { return ((*h).*m)(req); };
  };
}

struct Route {
  Method method;
  std::string pattern;
  Access access;
  Handler handler;
  std::vector<std::string> segments;  // split pattern; "{x}" marks a parameter
};

class Router {
 public:
  Router& add(Method m, std::string pattern, Access access, Handler h);
  Router& get(std::string p, Access a, Handler h) { return add(Method::Get, std::move(p), std::move(a), std::move(h)); }
  Router& post(std::string p, Access a, Handler h) { return add(Method::Post, std::move(p), std::move(a), std::move(h)); }
  Router& put(std::string p, Access a, Handler h) { return add(Method::Put, std::move(p), std::move(a), std::move(h)); }
  Router& patch(std::string p, Access a, Handler h) { return add(Method::Patch, std::move(p), std::move(a), std::move(h)); }
  Router& del(std::string p, Access a, Handler h) { return add(Method::Delete, std::move(p), std::move(a), std::move(h)); }

  struct Match {
    const Route* route = nullptr;                 // null when nothing matched
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<Method> allowed;                  // non-empty: path matched, method did not (405)
  };
  // Literal segments win over parameters at the same position. HEAD matches GET routes.
  Match match(Method m, std::string_view path) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace rto::http
