#pragma once
// A small blocking WebSocket client for tests (Beast stays in ws_client.cpp).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rto/http.hpp"

namespace rto::testing {

class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Opens ws://host:port/target. Returns the HTTP status of the handshake answer: 101 when
  // upgraded, otherwise the refusal (401, 403, 429, …) whose body is in refusal_body().
  int connect(const std::string& host, std::uint16_t port, const std::string& target, const http::Headers& headers = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(5));
  const std::string& refusal_body() const noexcept;
  // Before connect(): a small socket receive buffer (bytes) makes a client that does not read
  // look slow to the server quickly, whatever the kernel's auto-tuning would allow.
  void set_receive_buffer(int bytes) noexcept;

  void send(std::string_view text);
  // The next text frame, or nullopt after `timeout` or when the server closed the connection.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  bool is_open() const noexcept;
  // Close code the server sent (0 when none yet).
  std::uint16_t close_code() const noexcept;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rto::testing
