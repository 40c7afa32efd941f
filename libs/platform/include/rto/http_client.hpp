#pragma once
// A small blocking HTTP/1.1 client for service-to-service calls and for third-party APIs such as
// the mobile-money providers: keep-alive connection pool per base URL, connect and request
// timeouts, X-Request-Id of the current request attached. Base URLs are http://host:port or
// https://host[:port]; over https the server's certificate chain (TLS 1.2 or later) and host name
// are verified against the system's trusted CAs, or ClientOptions::ca_file when set.
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
  std::chrono::milliseconds connect_timeout{2000};  // the TCP connect, and the TLS handshake again
  std::chrono::milliseconds request_timeout{10000};
  std::size_t max_idle = 64;             // idle keep-alive connections kept
  std::size_t response_limit = 8 << 20;  // bytes
  std::string ca_file;  // https only: PEM file of the CAs to trust instead of the system's
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
  // Throws ConfigError for a bad URL or an unreadable ca_file.
  explicit Client(std::string_view base_url, ClientOptions opts = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Throws UpstreamError when the upstream cannot be reached, times out or speaks nonsense; a
  // failed TLS handshake or certificate check is Kind::Connect.
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
