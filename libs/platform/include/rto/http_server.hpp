#pragma once
// The HTTP server (Beast + C++20 coroutines inside http_server.cpp only). Connections are
// served on I/O threads; each request's handler runs on a worker pool so slow handlers never
// block I/O. Keep-alive, header and idle timeouts, a body limit, and graceful shutdown on
// SIGTERM/SIGINT: stop accepting, finish in-flight requests (up to the grace period), exit.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rto/http.hpp"
#include "rto/http_async.hpp"
#include "rto/websocket.hpp"

namespace rto::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 = any free port (see Server::port())
  int io_threads = 1;
  int workers = 8;
  std::size_t body_limit = 1 << 20;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds shutdown_grace{10000};
  bool handle_signals = true;
  // Optional WebSocket endpoint: upgrade requests to its path are handed to it.
  std::shared_ptr<const ws::Endpoint> websocket;
  // Optional: offered every request first, on the I/O thread (see FastHandler).
  FastHandler fast;
  // Optional: answered on the I/O thread before anything else, so it never waits behind busy
  // workers (readiness probes). Must not block; nullopt passes the request on.
  std::function<std::optional<Response>(Request&)> immediate;
  // Optional: the largest body one request may send, from its method and target (photo uploads
  // more than JSON); body_limit when unset. A declared Content-Length above it is refused with
  // 413 before any of the body is read.
  std::function<std::size_t(std::string_view method, std::string_view target)> body_limit_for;
  // A body must keep arriving at this many bytes a second (after header_timeout's allowance), so
  // a 5 MB photo over a slow mobile link gets the time it needs and a stalled upload does not.
  std::size_t min_body_rate = 8 * 1024;
  // Open connections allowed from one client address (0: no cap); beyond it new ones are closed.
  std::size_t max_connections_per_ip = 256;
};

// Called for requests the server itself refuses (body too large, malformed HTTP) so the
// response is problem+json like every other error.
using ErrorResponder = std::function<Response(int status, std::string_view detail, const Request&)>;

class Server {
 public:
  Server(ServerOptions opts, Handler handler, ErrorResponder on_error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void listen();                       // bind now (port() is valid afterwards)
  void run();                          // serve until stop() or a signal; returns after draining
  void stop();                         // thread-safe
  std::uint16_t port() const noexcept;
  int in_flight() const noexcept;
  std::size_t websocket_sessions() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rto::http
