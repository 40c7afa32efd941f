#include "proxy/gateway.hpp"

#include "domain/headers.hpp"
#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace gateway {
namespace http = rto::http;

namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// Adds `value` to a response's Vary header without dropping what the upstream put there.
void merge_vary(http::Headers& h, std::string_view value) {
  auto existing = h.get("Vary");
  if (!existing || existing->empty()) {
    h.set("Vary", std::string(value));
    return;
  }
  h.set("Vary", std::string(*existing) + ", " + std::string(value));
}

rto::Error unauthorized(std::string detail, bool invalid_token) {
  rto::Error e(rto::ErrorKind::Unauthorized, std::move(detail));
  e.with_header("WWW-Authenticate", invalid_token ? "Bearer error=\"invalid_token\"" : "Bearer");
  return e;
}

}  // namespace

Gateway::Gateway(const Config& cfg, prometheus::Registry& registry)
    : routes_(cfg.routes),
      cors_(cfg.cors),
      trusted_(cfg.trusted_proxies),
      // Public keys only: the gateway verifies access tokens and can mint none.
      tokens_(rto::auth::AccessKeys::parse("", cfg.common.jwt_public_keys), ""),
      per_ip_(cfg.per_ip),
      per_user_(cfg.per_user),
      auth_per_ip_(cfg.auth_per_ip),
      metrics_(registry),
      limited_(prometheus::BuildCounter()
                   .Name("gateway_rate_limited_total")
                   .Help("Requests refused with 429, by bucket (ip, auth_ip, user)")
                   .Register(registry)) {
  UpstreamOptions opts{cfg.upstream_timeout, cfg.upstream_connect_timeout, cfg.ready_timeout, cfg.upstream_pool};
  for (const auto& name : routes_.upstreams()) {
    auto it = cfg.upstream_urls.find(name);
    if (it == cfg.upstream_urls.end())
      throw rto::ConfigError(upstream_env_var(name) + ": is required: the route table sends requests to upstream '" +
                             name + "'");
    upstreams_.emplace(name, std::make_unique<Upstream>(name, it->second, opts, metrics_));
  }
}

http::Response Gateway::handle(http::Request& req) {
  auto cors = cors_decide(cors_, req.method, req.headers);
  http::Response r;
  try {
    auto step = pipeline(req, cors);
    if (auto* f = std::get_if<Forward>(&step))
      r = from_upstream(f->upstream->send(req.method, req.target, f->headers, req.body));
    else
      r = std::move(std::get<http::Response>(step));
  } catch (const rto::Error& e) {
    r = rto::problem(e, req);
  }
  finish(req, cors, r);
  return r;
}

void Gateway::handle_async(http::Request& req, http::IoContext& io, http::Respond respond) {
  auto cors = cors_decide(cors_, req.method, req.headers);
  http::Response r;
  try {
    auto step = pipeline(req, cors);
    if (auto* f = std::get_if<Forward>(&step)) {
      // `req` outlives the exchange: the connection waits for `respond`.
      f->upstream->send_async(
          io, req.method, req.target, f->headers, std::move(req.body),
          [this, &req, cors = std::move(cors), respond = std::move(respond)](Upstream::Outcome o) {
            rto::log::RequestScope scope(req.request_id);
            http::Response res;
            try {
              if (auto* up = std::get_if<rto::http::ClientResponse>(&o))
                res = from_upstream(std::move(*up));
              else
                res = rto::problem(std::get<rto::Error>(o), req);
              finish(req, cors, res);
            } catch (const std::exception& e) {
              rto::log::error("proxy answer failed", {{"error", e.what()}});
              res = rto::problem(500, "an unexpected error occurred; it has been logged with the request id", req);
            }
            respond(std::move(res));
          });
      return;
    }
    r = std::move(std::get<http::Response>(step));
  } catch (const rto::Error& e) {
    r = rto::problem(e, req);
  }
  finish(req, cors, r);
  respond(std::move(r));
}

http::Response Gateway::from_upstream(rto::http::ClientResponse&& up) {
  http::Response r;
  r.status = up.status;
  r.headers = filter_response_headers(up.headers);
  r.body = std::move(up.body);
  return r;
}

void Gateway::finish(const http::Request& req, const CorsDecision& cors, http::Response& r) {
  if (!cors.preflight && cors.allowed) {
    for (const auto& [k, v] : cors.headers) {
      if (http::iequals(k, "Vary")) merge_vary(r.headers, v);
      else r.headers.set(k, v);
    }
  }
  add_security_headers(r.headers, true);
  if (!req.request_id.empty()) r.headers.set("X-Request-Id", req.request_id);
}

void Gateway::limit(Limiter& l, const std::string& key, std::string_view which) {
  auto d = l.take(key);
  if (d.allowed) return;
  limited_.Add({{"bucket", std::string(which)}}).Increment();
  throw rto::TooManyRequests("too many requests; retry after the time in Retry-After", d.retry_after)
      .with_code("rate-limited");
}

Gateway::Step Gateway::pipeline(http::Request& req, const CorsDecision& cors) {
  req.route = "(unmatched)";  // metrics label until a route matches; keeps label cardinality bounded
  auto client = client_address(req.remote_addr, req.header("X-Forwarded-For"), trusted_);
  limit(per_ip_, client.limit_key, "ip");

  if (is_internal_path(req.path)) {
    req.route = "/internal/*";
    throw rto::NotFound("no such resource");
  }
  if (!req.target.starts_with('/') || !is_clean_path(req.path))
    throw rto::BadRequest("the request path is not in canonical form");
  const RouteEntry* route = routes_.match(req.path);
  if (!route) throw rto::NotFound("no such resource");
  req.route = route->label();

  if (cors.preflight) {
    if (!cors.allowed) throw rto::Forbidden("this origin may not call the API").with_code("cors-origin-not-allowed");
    http::Response r = http::Response::no_content();
    for (const auto& [k, v] : cors.headers) r.headers.set(k, v);
    return r;
  }

  if (prefix_matches(kAuthPrefix, req.path)) limit(auth_per_ip_, client.limit_key, "auth_ip");

  std::string method(http::to_string(req.method));
  if (req.method == http::Method::Other) {
    throw rto::Error(rto::ErrorKind::MethodNotAllowed, "this HTTP method is not supported")
        .with_header("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  }
  std::size_t authorizations = 0;
  for (const auto& [k, v] : req.headers) authorizations += http::iequals(k, "Authorization") ? 1 : 0;
  if (authorizations > 1) throw rto::BadRequest("send one Authorization header, not several");
  auto token = rto::auth::bearer_token(req.header("Authorization").value_or(""));
  if (!route->is_public(method)) {
    if (token.empty()) throw unauthorized("an access token is required", false);
    try {
      req.identity = verify(token);
    } catch (const rto::Error& e) {
      throw unauthorized(e.detail(), true);
    } catch (const std::exception&) {
      throw unauthorized("the access token is not valid", true);
    }
  } else if (!token.empty()) {
    // Public route: a valid token still tells the upstream who is calling; an invalid one is
    // not an error here (e.g. refresh with an expired access token), the upstream decides.
    try {
      req.identity = verify(token);
    } catch (const std::exception&) {
      req.identity.reset();
    }
  }
  if (req.identity) limit(per_user_, req.identity->subject, "user");

  return forward(req, *route, client);
}

Gateway::Forward Gateway::forward(http::Request& req, const RouteEntry& route, const ClientAddress& client) {
  auto& upstream = *upstreams_.at(route.upstream);
  http::Headers h = filter_request_headers(req.headers);
  h.set("X-Request-Id", req.request_id);
  h.set("X-Forwarded-For", join(client.chain, ", "));
  std::string proto = "http";
  if (client.via_trusted_proxy) {
    auto p = req.header("X-Forwarded-Proto");
    if (p && (*p == "https" || *p == "http")) proto = std::string(*p);
  }
  h.set("X-Forwarded-Proto", proto);
  if (req.identity) {
    h.set("X-User-Id", req.identity->subject);
    h.set("X-User-Roles", join(req.identity->roles, ","));
  }

  return Forward{&upstream, std::move(h)};
}

std::optional<http::Response> Gateway::admit_realtime(http::Request& req, std::size_t open_sessions,
                                                     std::size_t max_sessions) {
  auto rid = req.header("X-Request-Id");
  req.request_id = rid && http::valid_request_id(*rid) ? std::string(*rid) : rto::crypto::uuid_v4();
  req.route = std::string(kRealtimePath);
  try {
    auto client = client_address(req.remote_addr, req.header("X-Forwarded-For"), trusted_);
    limit(per_ip_, client.limit_key, "ip");
    // Browsers send Origin on every WebSocket upgrade; only the frontend's origins may connect.
    if (auto origin = req.header("Origin"); origin && !cors_.allows(*origin))
      throw rto::Forbidden("this origin may not open a real-time connection").with_code("cors-origin-not-allowed");
    if (open_sessions >= max_sessions)
      throw rto::Unavailable("too many real-time connections; retry shortly").with_retry_after(std::chrono::seconds(5));
    auto token = rto::auth::bearer_token(req.header("Authorization").value_or(""));
    if (!token.empty()) {
      try {
        req.identity = tokens_.verify_access(token);
      } catch (const std::exception&) {
        throw unauthorized("the access token is not valid", true);
      }
      if (disabled(req.identity->subject)) throw unauthorized("this account is disabled", true);
    }
    return std::nullopt;
  } catch (const rto::Error& e) {
    auto r = rto::problem(e, req);
    add_security_headers(r.headers, true);
    r.headers.set("X-Request-Id", req.request_id);
    return r;
  }
}

bool Gateway::upstream_ready(const std::string& name) noexcept {
  auto it = upstreams_.find(name);
  return it != upstreams_.end() && it->second->ready();
}

rto::auth::Identity Gateway::verify(std::string_view token) const {
  auto who = tokens_.verify_access(token);
  if (disabled(who.subject)) throw rto::Unauthorized("this account is disabled");
  return who;
}

bool Gateway::disabled(const std::string& subject) const {
  std::lock_guard lk(disabled_mu_);
  auto it = disabled_.find(subject);
  return it != disabled_.end() && it->second > std::chrono::steady_clock::now();
}

void Gateway::on_account_event(const rto::events::Received& ev) {
  if (ev.type != "user.account.disabled" && ev.type != "user.account.enabled") return;
  const auto* data = ev.data.if_object();
  const auto* id = data ? data->if_contains("user_id") : nullptr;
  if (!id || !id->is_string()) return;
  std::string subject(id->as_string());
  std::lock_guard lk(disabled_mu_);
  if (ev.type == "user.account.enabled") {
    disabled_.erase(subject);
  } else {
    // Access tokens live 15 minutes; a token issued before the account was disabled is dead by then.
    disabled_[subject] = std::chrono::steady_clock::now() + std::chrono::minutes(16);
  }
}

void Gateway::evict_idle_buckets() {
  {
    std::lock_guard lk(disabled_mu_);
    std::erase_if(disabled_, [now = std::chrono::steady_clock::now()](const auto& kv) { return kv.second <= now; });
  }
  auto now = SteadyClock::now();
  per_ip_.evict_idle(now);
  per_user_.evict_idle(now);
  auth_per_ip_.evict_idle(now);
}

std::size_t Gateway::bucket_count() const { return per_ip_.size() + per_user_.size() + auth_per_ip_.size(); }

std::shared_ptr<Gateway> install(rto::Service& service, const Config& cfg) {
  auto gw = std::make_shared<Gateway>(cfg, service.metrics().registry());
  service.set_fallback([gw](http::Request& req) { return gw->handle(req); });
  service.set_async_fallback([gw](http::Request& req, rto::http::IoContext& io, http::Respond respond) {
    gw->handle_async(req, io, std::move(respond));
  });
  service.set_body_limits([routes = cfg.routes, fallback = service.config().body_limit](std::string_view,
                                                                                        std::string_view target) {
    return routes.body_limit(target, fallback);
  });
  for (const auto& name : cfg.routes.upstreams())
    service.add_ready_check("upstream:" + name, [gw, name] { return gw->upstream_ready(name); });
  service.every("rate-limit-eviction", std::chrono::seconds(30), [gw] { gw->evict_idle_buckets(); });
  service.metrics().gauge_fn("gateway_rate_limit_buckets", "Rate-limit buckets currently held in memory",
                             [gw] { return static_cast<double>(gw->bucket_count()); });
  return gw;
}

std::shared_ptr<Hub> install_realtime(rto::Service& service, std::shared_ptr<Gateway> gw, const Config& cfg,
                                      bool subscribe) {
  auto hub = std::make_shared<Hub>(service.tokens(), service.metrics().registry());
  rto::ws::Endpoint ep;
  ep.path = std::string(kRealtimePath);
  ep.max_queue = cfg.realtime_max_queue;
  ep.idle_timeout = cfg.realtime_idle_timeout;
  ep.admit = [gw, hub, max = cfg.realtime_max_sessions](http::Request& req) {
    return gw->admit_realtime(req, hub->sessions(), max);
  };
  ep.on_open = [hub](const rto::ws::SessionPtr& s, const http::Request& req) { hub->open(s, req.identity); };
  ep.on_text = [hub](const rto::ws::SessionPtr& s, std::string_view text) { hub->message(s, text); };
  ep.on_close = [hub](const rto::ws::SessionPtr& s) { hub->closed(s); };
  service.use_websocket(std::move(ep));
  service.router().get(std::string(kRealtimePath), http::Access::anyone(), [](http::Request& req) {
    auto r = rto::problem(426, "this endpoint speaks WebSocket: send an upgrade request", req);
    r.headers.set("Upgrade", "websocket");
    r.headers.set("Connection", "Upgrade");
    return r;
  });
  // Tokens last 15 minutes; a signed-in session must not outlive its token by more than this.
  service.every("realtime-token-expiry", std::chrono::seconds(1),
                [hub] { hub->expire(std::chrono::system_clock::now()); });
  service.metrics().gauge_fn("realtime_sessions", "Open WebSocket sessions on the real-time hub",
                             [hub] { return static_cast<double>(hub->sessions()); });
  if (subscribe) {
    service.subscribe({.bindings = {"#"}, .name = "realtime"}, [hub, gw](const rto::events::Received& ev) {
      gw->on_account_event(ev);
      hub->publish(ev);
    });
  }
  return hub;
}

}  // namespace gateway
