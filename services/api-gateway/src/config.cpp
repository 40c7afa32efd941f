#include "config.hpp"

#include <fstream>
#include <sstream>

#include "rto/http.hpp"

namespace gateway {
namespace {

Limit read_limit(rto::config::Env& env, const char* rps, std::int64_t def_rps, const char* burst, std::int64_t def_burst) {
  Limit l;
  l.rate = static_cast<double>(env.integer(rps, def_rps, 0, 1000000));
  l.burst = static_cast<double>(env.integer(burst, def_burst, 1, 10000000));
  return l;
}

}  // namespace

Config Config::read(rto::config::Env& env) {
  Config c;
  c.common = rto::config::Common::read(env, "api-gateway", 8080, false, {.service_secret = false});

  c.routes_file = env.string("GATEWAY_ROUTES_FILE", "services/api-gateway/routes.json");
  std::ifstream in(c.routes_file);
  if (!in) {
    env.fail("GATEWAY_ROUTES_FILE", "cannot read the route table file '" + c.routes_file + "'");
  } else {
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      c.routes = RouteTable::parse(ss.str());
    } catch (const rto::ConfigError& e) {
      env.fail("GATEWAY_ROUTES_FILE", "'" + c.routes_file + "': " + e.what());
    }
  }
  for (const auto& name : c.routes.upstreams()) {
    auto var = upstream_env_var(name);
    auto url = env.string(var.c_str(), "");
    if (url.empty()) {
      env.fail(var.c_str(), "is required: the route table sends requests to upstream '" + name + "'");
      continue;
    }
    try {
      rto::http::Endpoint::parse(url);
      while (url.size() > 1 && url.back() == '/') url.pop_back();
      c.upstream_urls[name] = url;
    } catch (const rto::ConfigError& e) {
      env.fail(var.c_str(), e.what());
    }
  }

  c.upstream_timeout = env.millis("UPSTREAM_TIMEOUT_MS", 10000, 50, 600000);
  c.upstream_connect_timeout = env.millis("UPSTREAM_CONNECT_TIMEOUT_MS", 2000, 50, 60000);
  c.ready_timeout = env.millis("UPSTREAM_READY_TIMEOUT_MS", 1000, 50, 60000);
  c.upstream_pool = static_cast<std::size_t>(env.integer("UPSTREAM_POOL_SIZE", 64, 1, 4096));

  c.cors.origins = env.list("CORS_ORIGINS", "http://localhost:3000");
  for (const auto& o : c.cors.origins)
    if (o != "*" && !(o.starts_with("http://") || o.starts_with("https://")))
      env.fail("CORS_ORIGINS", "'" + o + "' is not an origin like https://app.example.com");
  c.cors.max_age_seconds = static_cast<int>(env.integer("CORS_MAX_AGE_SECONDS", 600, 0, 86400));

  try {
    c.trusted_proxies = TrustedProxies::parse(env.list("TRUSTED_PROXIES", "127.0.0.1, ::1"));
  } catch (const rto::ConfigError& e) {
    env.fail("TRUSTED_PROXIES", e.what());
  }

  c.per_ip = read_limit(env, "RATE_PER_IP_RPS", 50, "RATE_PER_IP_BURST", 200);
  c.per_user = read_limit(env, "RATE_PER_USER_RPS", 20, "RATE_PER_USER_BURST", 60);
  c.auth_per_ip = read_limit(env, "RATE_AUTH_PER_IP_RPS", 5, "RATE_AUTH_PER_IP_BURST", 30);
  c.realtime_max_sessions = static_cast<std::size_t>(env.integer("REALTIME_MAX_SESSIONS", 10000, 1, 1000000));
  c.realtime_max_queue = static_cast<std::size_t>(env.integer("REALTIME_MAX_QUEUE", 64, 1, 100000));
  c.realtime_idle_timeout = env.millis("REALTIME_IDLE_TIMEOUT_MS", 60000, 2000, 3600000);
  return c;
}

}  // namespace gateway
