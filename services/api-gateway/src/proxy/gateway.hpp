#pragma once
// The gateway's request pipeline, installed as the rto::Service fallback (the service itself
// keeps /health, /ready and /metrics):
//   /internal/* -> 404; unclean path -> 400; route table lookup (404 when no prefix matches);
//   per-IP rate limit; CORS preflight; stricter per-IP limit on /api/v1/auth/*; JWT check for
//   non-public routes (401); per-user rate limit; proxy to the upstream with filtered headers
//   and the caller's identity; security and CORS headers on every answer.
// The WebSocket real-time hub (realtime/hub.hpp) sits beside this pipeline: admit_realtime()
// applies the same edge rules (per-IP limit, browser origin, access token) to upgrade requests.
#include <map>
#include <mutex>
#include <unordered_map>
#include <memory>
#include <string>
#include <variant>

#include "config.hpp"
#include "proxy/upstream.hpp"
#include "realtime/hub.hpp"
#include "rto/auth.hpp"
#include "rto/http.hpp"
#include "rto/http_async.hpp"
#include "rto/service.hpp"

namespace gateway {

inline constexpr std::string_view kAuthPrefix = "/api/v1/auth";
inline constexpr std::string_view kRealtimePath = "/api/v1/realtime";

class Gateway {
 public:
  Gateway(const Config& cfg, prometheus::Registry& registry);

  // The pipeline with a blocking upstream call (Service::dispatch, tests).
  rto::http::Response handle(rto::http::Request& req);
  // The pipeline as served: on the I/O thread, the upstream exchange asynchronous.
  void handle_async(rto::http::Request& req, rto::http::IoContext& io, rto::http::Respond respond);
  // A WebSocket upgrade to kRealtimePath: nullopt admits it (with req.identity set when an
  // Authorization header carried a valid token); otherwise the refusal to send.
  std::optional<rto::http::Response> admit_realtime(rto::http::Request& req, std::size_t open_sessions,
                                                    std::size_t max_sessions);
  bool upstream_ready(const std::string& name) noexcept;
  // user.account.disabled / user.account.enabled: a disabled account's tokens are refused with
  // 401 at once, not when they expire (15 minutes at most; the entry is kept that long).
  void on_account_event(const rto::events::Received& ev);
  bool disabled(const std::string& subject) const;
  void evict_idle_buckets();
  std::size_t bucket_count() const;

 private:
  // Where a request that passed the edge checks goes, with the headers to send.
  struct Forward {
    Upstream* upstream;
    rto::http::Headers headers;
  };
  // The answer at the edge (a preflight) or the request to forward; refusals are thrown.
  using Step = std::variant<rto::http::Response, Forward>;
  Step pipeline(rto::http::Request& req, const CorsDecision& cors);
  Forward forward(rto::http::Request& req, const RouteEntry& route, const ClientAddress& client);
  static rto::http::Response from_upstream(rto::http::ClientResponse&& up);
  // CORS, security headers and X-Request-Id on every answer.
  void finish(const rto::http::Request& req, const CorsDecision& cors, rto::http::Response& r);
  void limit(Limiter& l, const std::string& key, std::string_view which);

  RouteTable routes_;
  CorsPolicy cors_;
  TrustedProxies trusted_;
  rto::auth::Tokens tokens_;
  Limiter per_ip_, per_user_, auth_per_ip_;
  UpstreamMetrics metrics_;
  prometheus::Family<prometheus::Counter>& limited_;
  std::map<std::string, std::unique_ptr<Upstream>> upstreams_;
  // Accounts disabled lately, until their last token has expired.
  mutable std::mutex disabled_mu_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> disabled_;
  // Verifies an access token and refuses a disabled account's (throws rto::Error).
  rto::auth::Identity verify(std::string_view token) const;
};

// Builds the gateway from its config and plugs it into the service: fallback handler, one
// ready check per upstream, periodic eviction of idle rate-limit buckets.
std::shared_ptr<Gateway> install(rto::Service& service, const Config& cfg);

// Adds the real-time hub: the WebSocket endpoint at kRealtimePath (a plain GET there gets 426)
// and, with `subscribe`, a broker subscription feeding it every event on the exchange.
std::shared_ptr<Hub> install_realtime(rto::Service& service, std::shared_ptr<Gateway> gw, const Config& cfg,
                                      bool subscribe = true);

}  // namespace gateway
