#pragma once
// Private to the platform's Beast translation units (http_server.cpp, http_client.cpp,
// async_client.cpp): what the server and both clients share.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "rto/http.hpp"
#include "rto/http_async.hpp"
#include "rto/http_client.hpp"

namespace rto::http {

// The io_context a request arrived on. Pooled upstream connections keep `owner` so the
// io_context outlives every socket registered with it.
struct IoContext {
  std::shared_ptr<boost::asio::io_context> owner;
};

namespace detail {

boost::beast::http::verb to_verb(Method m);
bool idempotent(Method m);
// An idle keep-alive socket the server has closed shows as EOF on a non-blocking peek; bytes
// nobody asked for mean the connection is out of step. Either way it is not worth reusing.
bool still_open(int fd);
// Whether a pooled idle connection is worth reusing: not idle for long (servers close idle
// keep-alive connections) and still open.
bool reusable(std::chrono::steady_clock::time_point last_used, int fd);
// Errors that mean "the server closed this keep-alive connection before our request".
bool closed_by_peer(const boost::beast::error_code& ec);
// The UpstreamError for a failed exchange (timeout, closed, refused, or protocol).
UpstreamError exchange_error(const boost::beast::error_code& ec, bool stale, const Endpoint& ep);
ClientResponse to_client_response(boost::beast::http::response<boost::beast::http::string_body>&& res);
// The Host header for a request to `ep`.
std::string host_header(const Endpoint& ep);

}  // namespace detail
}  // namespace rto::http
