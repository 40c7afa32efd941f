#pragma once
// rto::Service wires what every service has: config, logs, metrics, the HTTP server, the
// router with per-route access checks, the problem+json error mapping, /health, /ready,
// /metrics, the database pool and migrations, the outbox relay, event consumers, periodic
// jobs, and clients for other services. A service's main.cpp only wires these together.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "rto/auth.hpp"
#include "rto/config.hpp"
#include "rto/db.hpp"
#include "rto/events.hpp"
#include "rto/http.hpp"
#include "rto/http_async.hpp"
#include "rto/http_client.hpp"
#include "rto/http_server.hpp"
#include "rto/metrics.hpp"
#include "rto/net.hpp"
#include "rto/router.hpp"
#include "rto/websocket.hpp"

namespace rto {

// Calls another service (`audience`) with a service token naming this one (`self`) and it, and
// the current request id attached.
class ServiceClient {
 public:
  ServiceClient(std::string_view base_url, const auth::Tokens& tokens, std::string self, std::string audience,
                http::ClientOptions opts = {});
  http::ClientResponse send(http::Method m, std::string_view target, std::string_view body = {},
                            http::Headers headers = {});
  http::ClientResponse get(std::string_view target) { return send(http::Method::Get, target); }
  // send, with a failure to reach the service logged and turned into Unavailable (503: "the
  // user service cannot be reached; try again shortly"). Any answer is returned as it is.
  http::ClientResponse call(http::Method m, std::string_view target, std::string_view body = {});
  // GET an internal resource: its JSON, nullopt for a 404. Unavailable (503) when the service
  // cannot be reached or answers anything else; BadGateway (502) when the answer is not JSON.
  std::optional<boost::json::value> get_json(std::string_view target);
  // "the user service", for messages.
  const std::string& display_name() const noexcept { return display_; }
  http::Client& raw() noexcept { return client_; }

 private:
  http::Client client_;
  const auth::Tokens& tokens_;
  std::string self_, audience_, display_;
};

class Service {
 public:
  explicit Service(config::Common cfg);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const config::Common& config() const noexcept { return cfg_; }
  http::Router& router() noexcept { return router_; }
  const auth::Tokens& tokens() const noexcept { return tokens_; }
  metrics::Metrics& metrics() noexcept { return metrics_; }

  // Opens the pool and applies the platform's and then the service's migrations.
  db::Pool& use_database(std::vector<db::Statement> statements, std::vector<db::Migration> migrations);
  db::Pool& db();
  // Starts the outbox relay (needs use_database first).
  void use_outbox();
  void consume(events::ConsumerOptions opts, events::EventHandler handler);
  void consume(events::ConsumerOptions opts, events::BatchHandler handler);
  // Receives events without a database (best effort, e.g. for real-time push); see Subscriber.
  void subscribe(events::SubscriberOptions opts, events::SubscriberHandler handler);
  // Serves a WebSocket endpoint beside the HTTP routes (call before run()).
  void use_websocket(ws::Endpoint endpoint);
  std::size_t websocket_sessions() const noexcept;
  // Runs f every `period` on a background thread until shutdown. Exceptions are logged.
  void every(std::string name, std::chrono::milliseconds period, std::function<void()> f);
  // A readiness check, run every two seconds off the request path; /ready answers from the last
  // run at once. A failing required check (the database) makes /ready 503; a failing optional one
  // (the broker: writes still go to the outbox) leaves it 200 with "status": "degraded". Each
  // check's state is also the gauge ready_check_ok{check}.
  enum class Need { Required, Optional };
  void add_ready_check(std::string name, std::function<bool()> check, Need need = Need::Required);
  // The largest body a request may send, by method and target (the gateway's photo uploads take
  // more than JSON); config().body_limit when unset.
  void set_body_limits(std::function<std::size_t(std::string_view method, std::string_view target)> limit_for);
  // Handles requests that match no route (the gateway's proxy). It sets req.route itself.
  void set_fallback(http::Handler h);
  // The same, answered asynchronously on the I/O thread (no worker held while it waits): the
  // gateway's proxy. Requests it gets still pass through the request pipeline below (request
  // id, errors, metrics, logs). With both set, the served requests go here; set_fallback's
  // handler is what dispatch() (and tests calling it) use.
  void set_async_fallback(http::AsyncHandler h);

  // The full request pipeline (request id, routing, access, errors, metrics, logs). run()
  // serves it; tests may call it directly.
  http::Response dispatch(http::Request& req);

  // Serves until SIGTERM/SIGINT; then drains and stops background work. Returns the exit code.
  int run();
  // For tests: bind (port 0 allowed), serve on a thread, stop.
  std::uint16_t start_in_background();
  void stop();

 private:
  void authorize(const http::Route& r, http::Request& req) const;
  http::Response builtin(http::Request& req, bool& handled);
  http::ServerOptions server_options(bool handle_signals);
  bool dispatch_async(http::Request& req, http::IoContext& io, http::Respond& respond);
  // The end of every request: X-Request-Id, baseline headers, metrics, access log.
  void finish(const http::Request& req, http::Response& res, std::chrono::steady_clock::time_point started);
  http::Response error_to_problem(std::exception_ptr e, http::Request& req);

  config::Common cfg_;
  auth::Tokens tokens_;
  metrics::Metrics metrics_;
  http::Router router_;
  std::optional<http::Handler> fallback_;
  std::unique_ptr<db::Pool> pool_;
  std::vector<db::Migration> migrations_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::vector<std::unique_ptr<events::Consumer>> consumers_;
  std::vector<std::unique_ptr<events::Subscriber>> subscribers_;
  std::shared_ptr<const ws::Endpoint> websocket_;
  struct ReadyCheck {
    std::string name;
    std::function<bool()> check;
    Need need;
  };
  std::vector<ReadyCheck> ready_checks_;
  // The last readiness run (probe_ready), served by /ready without running the checks.
  struct Readiness {
    std::mutex mu;
    std::optional<http::Response> answer;
    std::chrono::steady_clock::time_point at{};
    std::vector<std::shared_ptr<std::atomic<int>>> gauges;  // one per check: 1 passing, 0 failing
  };
  std::shared_ptr<Readiness> readiness_ = std::make_shared<Readiness>();
  http::Response probe_ready();  // runs every check now; stores and returns the answer
  std::optional<http::Response> immediate(http::Request& req);  // /health and /ready on the I/O thread
  void start_ready_probe();
  std::function<std::size_t(std::string_view, std::string_view)> body_limit_for_;
  net::AddressSet metrics_from_;
  struct Job;
  std::vector<std::unique_ptr<Job>> jobs_;
  std::unique_ptr<class ServerHolder> server_;
  std::thread server_thread_;
  // Declared after server_ so that it is destroyed first, while the I/O context its pooled
  // upstream connections belong to still exists.
  std::optional<http::AsyncHandler> async_fallback_;
};

// Problem+json for an rto::Error (the one place errors become responses).
http::Response problem(const Error& e, const http::Request& req);
http::Response problem(int status, std::string_view detail, const http::Request& req);

}  // namespace rto
