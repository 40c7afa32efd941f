// Blocking HTTP/1.1 client with a keep-alive pool. Each pooled connection owns a small
// io_context so a call can use Beast's timeouts (tcp_stream::expires_after) and still block.
// An https connection puts Beast's ssl_stream over the same tcp_stream, so timeouts, the pool
// and the stale-connection check work alike for both schemes.
#include "rto/http_client.hpp"

#include "http_beast.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <deque>
#include <mutex>
#include <optional>
#include <variant>

#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace rto::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

boost::json::value ClientResponse::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) throw Error(ErrorKind::BadGateway, "an upstream service answered with invalid JSON");
  return v;
}

namespace {

struct Conn {
  using Stream = std::variant<PlainStream, TlsStream>;
  explicit Conn(ssl::context* tls)
      : stream(tls ? Stream(std::in_place_type<TlsStream>, ioc, *tls) : Stream(std::in_place_type<PlainStream>, ioc)) {}

  // The TCP layer under either stream: the socket and Beast's timeouts live there.
  beast::tcp_stream& tcp() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream);
  }

  asio::io_context ioc{1};  // declared before stream, which is built on it
  Stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;
  bool reused = false;
};

// Runs the posted operation to completion on the connection's private io_context.
void run(Conn& c) {
  c.ioc.restart();
  c.ioc.run();
}

// Starts one read or write on whichever stream the connection has and runs it to completion.
template <class Start>
beast::error_code transfer(Conn& c, Start&& start) {
  beast::error_code ec;
  std::visit([&](auto& s) { start(s, [&](const beast::error_code& e, std::size_t) { ec = e; }); }, c.stream);
  run(c);
  return ec;
}

// One context per client, so the CA store is loaded once and shared by its connections.
ssl::context tls_context(const ClientOptions& opts) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);  // older versions are broken
  ctx.set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (opts.ca_file.empty())
    ctx.set_default_verify_paths(ec);
  else
    ctx.load_verify_file(opts.ca_file, ec);
  if (ec) {
    auto store = opts.ca_file.empty() ? std::string("the system's trusted CAs") : "CA file '" + opts.ca_file + "'";
    throw ConfigError("cannot load " + store + ": " + ec.message());
  }
  return ctx;
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// SNI lets a server behind a shared front end pick the certificate for this host; RFC 6066
// forbids it for IP literals. The verify callback adds the host-name check to OpenSSL's chain
// check and records a mismatch as such, so that the error can say why the handshake failed.
void expect_host(TlsStream& s, const std::string& host) {
  bool ip = is_ip_address(host);
  if (!ip && !SSL_set_tlsext_host_name(s.native_handle(), host.c_str()))
    throw UpstreamError(UpstreamError::Kind::Connect, "cannot set the TLS server name " + host);
  s.set_verify_callback([ip, check = ssl::host_name_verification(host)](bool preverified, ssl::verify_context& ctx) {
    if (check(preverified, ctx)) return true;
    if (preverified)
      X509_STORE_CTX_set_error(ctx.native_handle(), ip ? X509_V_ERR_IP_ADDRESS_MISMATCH : X509_V_ERR_HOSTNAME_MISMATCH);
    return false;
  });
}

std::string handshake_failure(const Endpoint& ep, TlsStream& s, const beast::error_code& ec) {
  auto peer = ep.host + ":" + ep.port;
  if (ec == beast::error::timeout) return "TLS handshake with " + peer + " timed out";
  auto verdict = SSL_get_verify_result(s.native_handle());
  if (verdict != X509_V_OK) return "TLS certificate of " + peer + " rejected: " + X509_verify_cert_error_string(verdict);
  return "TLS handshake with " + peer + " failed: " + ec.message();
}

}  // namespace

namespace detail {

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

bool idempotent(Method m) {
  return m == Method::Get || m == Method::Head || m == Method::Put || m == Method::Delete || m == Method::Options;
}

bool still_open(int fd) {
  char b;
  auto n = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;                                   // orderly close by the server
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;  // nothing to read: healthy
  return false;                                               // unsolicited bytes: out of step
}

bool reusable(std::chrono::steady_clock::time_point last_used, int fd) {
  return std::chrono::steady_clock::now() - last_used < std::chrono::seconds(20) && still_open(fd);
}

// stream_truncated: a TLS server that dropped the connection without close_notify.
bool closed_by_peer(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::eof || ec == ssl::error::stream_truncated;
}

UpstreamError exchange_error(const beast::error_code& ec, bool stale, const Endpoint& ep) {
  if (ec == beast::error::timeout)
    return UpstreamError(UpstreamError::Kind::Timeout, "upstream " + ep.host + ":" + ep.port + " timed out");
  if (stale || ec == asio::error::connection_refused)
    return UpstreamError(UpstreamError::Kind::Connect, "upstream closed the connection: " + ec.message());
  return UpstreamError(UpstreamError::Kind::Protocol, "upstream error: " + ec.message());
}

ClientResponse to_client_response(bhttp::response<bhttp::string_body>&& res) {
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  out.headers.reserve(16);
  for (const auto& f : res) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

// The Host header must match the URL's authority, which for https://host has no port; http
// keeps host:port as it always has.
std::string host_header(const Endpoint& ep) { return ep.tls && ep.port == "443" ? ep.host : ep.host + ":" + ep.port; }

}  // namespace detail

struct Client::Impl {
  Endpoint ep;
  ClientOptions opts;
  std::optional<ssl::context> tls;  // https only
  std::mutex mu;
  std::deque<std::unique_ptr<Conn>> idle;
  tcp::resolver::results_type resolved;
  bool have_resolved = false;

  std::unique_ptr<Conn> take() {
    std::lock_guard lk(mu);
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (detail::reusable(c->last_used, c->tcp().socket().native_handle())) return c;
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
    auto c = std::make_unique<Conn>(tls ? &*tls : nullptr);
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
    c->tcp().expires_after(opts.connect_timeout);
    c->tcp().async_connect(results, [&](const beast::error_code& e, const tcp::endpoint&) { ec = e; });
    run(*c);
    if (ec) {
      auto kind = ec == beast::error::timeout ? UpstreamError::Kind::Connect : UpstreamError::Kind::Connect;
      throw UpstreamError(kind, "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message());
    }
    c->tcp().socket().set_option(tcp::no_delay(true), ec);
    if (auto* s = std::get_if<TlsStream>(&c->stream)) handshake(*c, *s);
    return c;
  }

  // The handshake gets a connect timeout of its own: with a distant provider it costs one or
  // two round trips more than the TCP connect did.
  void handshake(Conn& c, TlsStream& s) {
    expect_host(s, ep.host);
    beast::error_code ec;
    c.tcp().expires_after(opts.connect_timeout);
    s.async_handshake(ssl::stream_base::client, [&](const beast::error_code& e) { ec = e; });
    run(c);
    if (ec) throw UpstreamError(UpstreamError::Kind::Connect, handshake_failure(ep, s, ec));
  }
};

Client::Client(std::string_view base_url, ClientOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->ep = Endpoint::parse(base_url, Endpoint::Schemes::HttpOrHttps);
  impl_->opts = opts;
  if (impl_->ep.tls) impl_->tls.emplace(tls_context(impl_->opts));
}

Client::~Client() = default;

const Endpoint& Client::endpoint() const noexcept { return impl_->ep; }

ClientResponse Client::send(Method m, std::string_view target, const Headers& headers, std::string_view body,
                            std::optional<std::chrono::milliseconds> timeout) {
  auto verb = detail::to_verb(m);
  if (verb == bhttp::verb::unknown) throw UpstreamError(UpstreamError::Kind::Protocol, "unsupported method");
  bhttp::request<bhttp::string_body> req{verb, beast::string_view(target.data(), target.size()), 11};
  req.set(bhttp::field::host, detail::host_header(impl_->ep));
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
    c->tcp().expires_after(limit);
    auto ec = transfer(*c, [&](auto& s, auto done) { bhttp::async_write(s, req, done); });
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(impl_->opts.response_limit);
    if (!ec) {
      if (m == Method::Head) parser.skip(true);
      ec = transfer(*c, [&](auto& s, auto done) { bhttp::async_read(s, c->buffer, parser, done); });
    }
    if (ec) {
      bool stale = !fresh && detail::closed_by_peer(ec);
      if (stale && attempt == 0 && detail::idempotent(m)) continue;  // the server closed an idle connection
      throw detail::exchange_error(ec, stale, impl_->ep);
    }
    auto res = parser.release();
    bool keep = res.keep_alive();
    auto out = detail::to_client_response(std::move(res));
    if (keep) impl_->give(std::move(c));
    return out;
  }
}

ClientResponse Client::post_json(std::string_view target, const boost::json::value& body, Headers headers) {
  headers.set("Content-Type", "application/json");
  return send(Method::Post, target, headers, boost::json::serialize(body));
}

}  // namespace rto::http
