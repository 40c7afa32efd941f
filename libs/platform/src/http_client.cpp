// Blocking HTTP/1.1 client with a keep-alive pool. Each pooled connection owns a small
// io_context so a call can use Beast's timeouts (tcp_stream::expires_after) and still block.
#include "rto/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <deque>
#include <mutex>

#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace rto::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

boost::json::value ClientResponse::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) throw Error(ErrorKind::BadGateway, "an upstream service answered with invalid JSON");
  return v;
}

namespace {

struct Conn {
  asio::io_context ioc{1};
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;
  bool reused = false;
};

bhttp::verb to_verb(Method m) {
  switch (m) {
    case Method::Get: return bhttp::verb::get;
    case Method::Head: return bhttp::verb::head;
    case Method::Post: return bhttp::verb::post;
    case Method::Put: return bhttp::verb::put;
    case Method::Patch: return bhttp::verb::patch;
    case Method::Delete: return bhttp::verb::delete_;
    case Method::Options: return bhttp::verb::options;
    default: return bhttp::verb::unknown;
  }
}

bool idempotent(Method m) { return m == Method::Get || m == Method::Head || m == Method::Put || m == Method::Delete || m == Method::Options; }

// An idle keep-alive connection the server has closed (restart, idle timeout) shows as EOF
// on a non-blocking peek. Checking before reuse avoids sending a POST into a dead socket,
// which could not be retried safely.
bool still_open(Conn& c) {
  char b;
  auto n = ::recv(c.stream.socket().native_handle(), &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;                            // orderly close by the server
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;  // nothing to read: healthy
  return false;                                        // unsolicited bytes: protocol out of step
}

// Runs the posted operation to completion on the connection's private io_context.
void run(Conn& c) {
  c.ioc.restart();
  c.ioc.run();
}

}  // namespace

struct Client::Impl {
  Endpoint ep;
  ClientOptions opts;
  std::mutex mu;
  std::deque<std::unique_ptr<Conn>> idle;
  tcp::resolver::results_type resolved;
  bool have_resolved = false;

  std::unique_ptr<Conn> take() {
    std::lock_guard lk(mu);
    auto now = std::chrono::steady_clock::now();
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      // Servers close idle keep-alive connections; do not reuse one that sat too long.
      if (now - c->last_used < std::chrono::seconds(20) && still_open(*c)) return c;
    }
    return nullptr;
  }

  void give(std::unique_ptr<Conn> c) {
    c->last_used = std::chrono::steady_clock::now();
    c->reused = true;
    std::lock_guard lk(mu);
    if (idle.size() < opts.max_idle) idle.push_back(std::move(c));
  }

  std::unique_ptr<Conn> open() {
    auto c = std::make_unique<Conn>();
    beast::error_code ec;
    tcp::resolver::results_type results;
    {
      std::lock_guard lk(mu);
      if (have_resolved) results = resolved;
    }
    if (results.empty()) {
      tcp::resolver r(c->ioc);
      results = r.resolve(ep.host, ep.port, ec);
      if (ec) throw UpstreamError(UpstreamError::Kind::Connect, "cannot resolve " + ep.host + ": " + ec.message());
      std::lock_guard lk(mu);
      resolved = results;
      have_resolved = true;
    }
    c->stream.expires_after(opts.connect_timeout);
    c->stream.async_connect(results, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run(*c);
    if (ec) {
      auto kind = ec == beast::error::timeout ? UpstreamError::Kind::Connect : UpstreamError::Kind::Connect;
      throw UpstreamError(kind, "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message());
    }
    c->stream.socket().set_option(tcp::no_delay(true), ec);
    return c;
  }
};

Client::Client(std::string_view base_url, ClientOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->ep = Endpoint::parse(base_url);
  impl_->opts = opts;
}

Client::~Client() = default;

const Endpoint& Client::endpoint() const noexcept { return impl_->ep; }

ClientResponse Client::send(Method m, std::string_view target, const Headers& headers, std::string_view body,
                            std::optional<std::chrono::milliseconds> timeout) {
  auto verb = to_verb(m);
  if (verb == bhttp::verb::unknown) throw UpstreamError(UpstreamError::Kind::Protocol, "unsupported method");
  bhttp::request<bhttp::string_body> req{verb, beast::string_view(target.data(), target.size()), 11};
  req.set(bhttp::field::host, impl_->ep.host + ":" + impl_->ep.port);
  for (const auto& [k, v] : headers) req.insert(k, v);
  if (!headers.contains("X-Request-Id") && !log::request_id().empty()) req.set("X-Request-Id", log::request_id());
  req.body() = std::string(body);
  req.keep_alive(true);
  req.prepare_payload();
  auto limit = timeout.value_or(impl_->opts.request_timeout);

  for (int attempt = 0;; ++attempt) {
    auto c = impl_->take();
    bool fresh = !c;
    if (!c) c = impl_->open();
    beast::error_code ec;
    c->stream.expires_after(limit);
    bhttp::async_write(c->stream, req, [&](const beast::error_code& e, std::size_t) { ec = e; });
    run(*c);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(impl_->opts.response_limit);
    if (!ec) {
      if (m == Method::Head) parser.skip(true);
      bhttp::async_read(c->stream, c->buffer, parser, [&](const beast::error_code& e, std::size_t) { ec = e; });
      run(*c);
    }
    if (ec) {
      bool stale = !fresh && (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
                              ec == asio::error::broken_pipe || ec == asio::error::eof);
      if (stale && attempt == 0 && idempotent(m)) continue;  // the server closed an idle connection
      if (ec == beast::error::timeout)
        throw UpstreamError(UpstreamError::Kind::Timeout, "upstream " + impl_->ep.host + ":" + impl_->ep.port + " timed out");
      if (stale || ec == asio::error::connection_refused)
        throw UpstreamError(UpstreamError::Kind::Connect, "upstream closed the connection: " + ec.message());
      throw UpstreamError(UpstreamError::Kind::Protocol, "upstream error: " + ec.message());
    }
    auto res = parser.release();
    ClientResponse out;
    out.status = static_cast<int>(res.result_int());
    out.headers.reserve(16);
    for (const auto& f : res) out.headers.add(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (res.keep_alive()) impl_->give(std::move(c));
    return out;
  }
}

ClientResponse Client::post_json(std::string_view target, const boost::json::value& body, Headers headers) {
  headers.set("Content-Type", "application/json");
  return send(Method::Post, target, headers, boost::json::serialize(body));
}

}  // namespace rto::http
