#pragma once
// A small blocking HTTP/1.1 client for service-to-service calls: keep-alive connection pool per
// base URL, connect and request timeouts, X-Request-Id of the current request attached.
// Thread-safe: each call borrows one pooled connection.
#include <boost/json/fwd.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "rto/http.hpp"

namespace rto::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle = 64;             // idle keep-alive connections kept
  std::size_t response_limit = 8 << 20;  // bytes
};

struct ClientResponse {
  int status = 0;
  Headers headers;
  std::string body;
  boost::json::value json() const;  // throws rto::Error(BadGateway) when the body is not JSON
};

class UpstreamError : public std::runtime_error {
 public:
  enum class Kind { Connect, Timeout, Protocol };
  UpstreamError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
  Kind kind;
};

class Client {
 public:
  explicit Client(std::string_view base_url, ClientOptions opts = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Throws UpstreamError when the upstream cannot be reached, times out or speaks nonsense.
  // A stale keep-alive connection is retried once on a fresh one for idempotent methods.
  ClientResponse send(Method m, std::string_view target, const Headers& headers = {}, std::string_view body = {},
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  ClientResponse get(std::string_view target, const Headers& headers = {}) { return send(Method::Get, target, headers); }
  ClientResponse post_json(std::string_view target, const boost::json::value& body, Headers headers = {});

  const Endpoint& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rto::http
