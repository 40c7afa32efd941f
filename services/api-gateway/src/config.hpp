#pragma once
// The gateway's typed configuration, read once from the environment at start-up.
//
//   GATEWAY_ROUTES_FILE [services/api-gateway/routes.json]  route table (see domain/routes.hpp)
//   UPSTREAM_<NAME>_URL (required for every upstream named in the route table), e.g. UPSTREAM_USER_URL
//   UPSTREAM_TIMEOUT_MS [10000]  UPSTREAM_CONNECT_TIMEOUT_MS [2000]  UPSTREAM_POOL_SIZE [64]
//   UPSTREAM_READY_TIMEOUT_MS [1000]  per upstream /ready probe made by the gateway's /ready
//   CORS_ORIGINS [http://localhost:3000]  comma-separated origins allowed to call from a browser ("*" = any)
//   CORS_MAX_AGE_SECONDS [600]
//   TRUSTED_PROXIES [127.0.0.1, ::1]  addresses/CIDR blocks whose X-Forwarded-For is believed
//   RATE_PER_IP_RPS [50]  RATE_PER_IP_BURST [200]          every /api request, by client IP
//   RATE_PER_USER_RPS [20]  RATE_PER_USER_BURST [60]       signed-in requests, by user id
//   RATE_AUTH_PER_IP_RPS [5]  RATE_AUTH_PER_IP_BURST [30]  /api/v1/auth/*, by client IP
//   (a rate of 0 turns that limit off)
//   REALTIME_MAX_SESSIONS [10000]  WebSocket sessions at once (more are refused with 503)
//   REALTIME_MAX_QUEUE [64]        frames waiting per session before a slow client is closed (1013)
//   REALTIME_IDLE_TIMEOUT_MS [60000]  pings at half of it; a silent client is closed after it
// plus everything in rto::config::Common (HOST, PORT [8080], BODY_LIMIT_BYTES, JWT_PUBLIC_KEYS, ...;
// never JWT_PRIVATE_KEY or SERVICE_TOKEN_SECRET: the gateway holds no signing key).
#include <chrono>
#include <map>
#include <string>

#include "domain/client_ip.hpp"
#include "domain/cors.hpp"
#include "domain/routes.hpp"
#include "rto/config.hpp"
#include "rto/rate_limit.hpp"

namespace gateway {

using rto::rate::Decision;
using rto::rate::Limit;
using rto::rate::Limiter;
using SteadyClock = rto::rate::SteadyClock;

struct Config {
  rto::config::Common common;
  std::string routes_file;
  RouteTable routes;
  std::map<std::string, std::string> upstream_urls;  // upstream name -> base URL
  std::chrono::milliseconds upstream_timeout{10000};
  std::chrono::milliseconds upstream_connect_timeout{2000};
  std::chrono::milliseconds ready_timeout{1000};
  std::size_t upstream_pool = 64;
  CorsPolicy cors;
  TrustedProxies trusted_proxies;
  Limit per_ip{50, 200};
  Limit per_user{20, 60};
  Limit auth_per_ip{5, 30};
  std::size_t realtime_max_sessions = 10000;
  std::size_t realtime_max_queue = 64;
  std::chrono::milliseconds realtime_idle_timeout{60000};

  // Reads and validates; problems are recorded on `env` (call env.done() afterwards).
  static Config read(rto::config::Env& env);
};

}  // namespace gateway
