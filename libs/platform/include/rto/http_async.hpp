#pragma once
// Answering a request without holding a worker thread: the handler runs on the connection's
// I/O thread and answers later through `Respond`. The gateway's proxy uses it with AsyncClient,
// whose upstream exchanges run on that same I/O thread, so a proxied request costs no thread
// hop and no blocked worker while the upstream works. No Beast or Asio here either: IoContext
// is opaque outside the platform's HTTP translation units.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "rto/http.hpp"
#include "rto/http_client.hpp"

namespace rto::http {

// The I/O context a request arrived on (its threads run the asynchronous exchanges).
struct IoContext;

// Completes a request. Call it exactly once, from any thread; the response is written on the
// connection's own strand.
using Respond = std::function<void(Response)>;
// An asynchronous handler. It must not block, and must call `respond` exactly once, possibly
// before it returns. An exception it throws before responding becomes a 500.
using AsyncHandler = std::function<void(Request&, IoContext&, Respond)>;
// The server's hook for asynchronous handling: runs on the I/O thread; returns false when it
// does not take the request (which then goes to the worker pool), true when it took it and will
// call `respond`.
using FastHandler = std::function<bool(Request&, IoContext&, Respond&)>;

// A response, or why none came (the same kinds as Client::send throws).
using AsyncResult = std::variant<ClientResponse, UpstreamError>;

// An HTTP/1.1 client for plain-http neighbours with a keep-alive pool, whose exchanges run on the
// caller's IoContext, each on the strand of the upstream connection it uses. Thread-safe;
// `done` runs on that strand and must not throw.
class AsyncClient {
 public:
  // Throws ConfigError for a bad or https URL.
  explicit AsyncClient(std::string_view base_url, ClientOptions opts = {});
  ~AsyncClient();
  AsyncClient(const AsyncClient&) = delete;
  AsyncClient& operator=(const AsyncClient&) = delete;

  // A stale keep-alive connection is retried once on a fresh one for idempotent methods, as
  // Client::send does. X-Request-Id is the caller's to set.
  void send(IoContext& io, Method m, std::string_view target, const Headers& headers, std::string body,
            std::chrono::milliseconds timeout, std::function<void(AsyncResult)> done);

  std::size_t idle() const;  // pooled idle connections (for tests and gauges)

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with exchanges still in flight
};

}  // namespace rto::http
