#pragma once
// WebSocket endpoints without Beast in sight: the server (http_server.cpp) upgrades matching
// requests and drives each connection; the application sees a Session it can send text frames
// to, and callbacks for open, text and close. Pattern of Beast's chat-multi example: one
// immutable shared message fanned out to many sessions, a bounded queue per session with one
// write in flight; a client that falls too far behind is closed rather than slowing the others.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rto/http.hpp"

namespace rto::ws {

// RFC 6455 close codes the platform uses.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;     // server shutting down
inline constexpr std::uint16_t kClosePolicy = 1008;        // the client broke the protocol's rules
inline constexpr std::uint16_t kCloseTooBig = 1009;        // a client frame over the size limit
inline constexpr std::uint16_t kCloseTryAgainLater = 1013; // the client is too slow to keep up

class Session {
 public:
  virtual ~Session() = default;
  virtual std::uint64_t id() const noexcept = 0;
  // Queues a text frame (thread-safe, never blocks). When `max_queue` frames are already
  // waiting the client is too slow: the session is closed with 1013 and the frame dropped.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  // Closes the connection with a close frame (thread-safe; once).
  virtual void close(std::uint16_t code, std::string reason) = 0;
};
using SessionPtr = std::shared_ptr<Session>;

struct Endpoint {
  std::string path;                            // exact request path, e.g. "/api/v1/realtime"
  std::size_t max_queue = 64;                  // frames waiting per session before it is closed
  std::size_t max_message = 4096;              // largest accepted client frame (bytes)
  std::chrono::milliseconds idle_timeout{60000};  // pings go out at half of it; no answer = closed

  // Before the upgrade (on an I/O thread; keep it quick). Return a response to refuse the
  // upgrade (401, 403, 429, …) or nullopt to accept it. May fill req.identity.
  std::function<std::optional<http::Response>(http::Request&)> admit;
  // After the handshake. `req` is the upgrade request as admit() left it.
  std::function<void(const SessionPtr&, const http::Request&)> on_open;
  // Each text frame from the client. Binary frames close the session (1003).
  std::function<void(const SessionPtr&, std::string_view)> on_text;
  // Once, when the connection has ended for any reason.
  std::function<void(const SessionPtr&)> on_close;
};

}  // namespace rto::ws
