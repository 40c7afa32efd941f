// AsyncClient: each upstream connection has a strand of its own on the caller's io_context, and
// an exchange is a coroutine on the strand of the connection it uses (Beast's tcp_stream wants
// every operation and its timer on one strand when the io_context has several threads). Idle
// keep-alive connections are pooled per client; the caller's `done` runs on the connection's
// strand and hands the answer back to the caller's own strand (Respond posts there).
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <deque>
#include <mutex>

#include "http_beast.hpp"
#include "rto/errors.hpp"

namespace rto::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

struct Conn {
  Conn(std::shared_ptr<asio::io_context> o, const asio::any_io_executor& ex) : owner(std::move(o)), stream(ex) {}
  std::shared_ptr<asio::io_context> owner;  // declared first: destroyed after the socket
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;
};

using OutRequest = bhttp::request<bhttp::string_body>;

}  // namespace

struct AsyncClient::Impl {
  Endpoint ep;
  ClientOptions opts;
  mutable std::mutex mu;
  std::deque<std::unique_ptr<Conn>> idle;
  tcp::resolver::results_type resolved;

  std::unique_ptr<Conn> take() {
    std::lock_guard lk(mu);
    while (!idle.empty()) {
      auto c = std::move(idle.back());
      idle.pop_back();
      if (detail::reusable(c->last_used, c->stream.socket().native_handle())) return c;
    }
    return nullptr;
  }

  void give(std::unique_ptr<Conn> c) {
    c->last_used = std::chrono::steady_clock::now();
    c->stream.expires_never();
    std::lock_guard lk(mu);
    if (idle.size() < opts.max_idle) idle.push_back(std::move(c));
  }

  asio::awaitable<std::unique_ptr<Conn>> open(std::shared_ptr<asio::io_context> owner) {
    auto ex = co_await asio::this_coro::executor;
    auto c = std::make_unique<Conn>(std::move(owner), ex);
    tcp::resolver::results_type results;
    {
      std::lock_guard lk(mu);
      results = resolved;
    }
    if (results.empty()) {
      tcp::resolver r(ex);
      auto [ec, found] = co_await r.async_resolve(ep.host, ep.port, use_tuple);
      if (ec) throw UpstreamError(UpstreamError::Kind::Connect, "cannot resolve " + ep.host + ": " + ec.message());
      results = found;
      std::lock_guard lk(mu);
      resolved = found;
    }
    c->stream.expires_after(opts.connect_timeout);
    auto [ec, where] = co_await c->stream.async_connect(results, use_tuple);
    if (ec) {
      std::lock_guard lk(mu);
      resolved = {};  // the name may point elsewhere now (a restarted container)
      throw UpstreamError(UpstreamError::Kind::Connect,
                          "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message());
    }
    beast::error_code ignore;
    c->stream.socket().set_option(tcp::no_delay(true), ignore);
    co_return c;
  }

  // Runs on c's strand, or on a new strand when there is no pooled connection to use.
  asio::awaitable<AsyncResult> exchange(std::shared_ptr<asio::io_context> owner, std::unique_ptr<Conn> c,
                                        std::shared_ptr<OutRequest> req, Method m, std::chrono::milliseconds timeout) {
    try {
      for (int attempt = 0;; ++attempt) {
        bool fresh = !c;
        if (!c) c = co_await open(owner);
        c->stream.expires_after(timeout);
        auto [ec, n] = co_await bhttp::async_write(c->stream, *req, use_tuple);
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(opts.response_limit);
        if (!ec) {
          if (m == Method::Head) parser.skip(true);
          std::tie(ec, n) = co_await bhttp::async_read(c->stream, c->buffer, parser, use_tuple);
        }
        if (ec) {
          bool stale = !fresh && detail::closed_by_peer(ec);
          if (stale && attempt == 0 && detail::idempotent(m)) {
            c.reset();  // the server closed an idle connection: once more on a fresh one
            continue;
          }
          co_return detail::exchange_error(ec, stale, ep);
        }
        auto res = parser.release();
        bool keep = res.keep_alive();
        auto out = detail::to_client_response(std::move(res));
        if (keep) give(std::move(c));
        co_return out;
      }
    } catch (const UpstreamError& e) {
      co_return e;
    } catch (const std::exception& e) {
      co_return UpstreamError(UpstreamError::Kind::Protocol, std::string("upstream error: ") + e.what());
    }
  }
};

AsyncClient::AsyncClient(std::string_view base_url, ClientOptions opts) : impl_(std::make_shared<Impl>()) {
  impl_->ep = Endpoint::parse(base_url, Endpoint::Schemes::Http);
  impl_->opts = opts;
}

AsyncClient::~AsyncClient() = default;

std::size_t AsyncClient::idle() const {
  std::lock_guard lk(impl_->mu);
  return impl_->idle.size();
}

void AsyncClient::send(IoContext& io, Method m, std::string_view target, const Headers& headers, std::string body,
                       std::chrono::milliseconds timeout, std::function<void(AsyncResult)> done) {
  auto verb = detail::to_verb(m);
  if (verb == bhttp::verb::unknown) {
    done(UpstreamError(UpstreamError::Kind::Protocol, "unsupported method"));
    return;
  }
  auto req = std::make_shared<OutRequest>(verb, beast::string_view(target.data(), target.size()), 11);
  req->set(bhttp::field::host, detail::host_header(impl_->ep));
  for (const auto& [k, v] : headers) req->insert(k, v);
  req->body() = std::move(body);
  req->keep_alive(true);
  req->prepare_payload();
  auto c = impl_->take();
  asio::any_io_executor ex = c ? c->stream.get_executor() : asio::any_io_executor(asio::make_strand(*io.owner));
  // The completion keeps impl_ alive, so a client destroyed mid-exchange is safe.
  asio::co_spawn(ex, impl_->exchange(io.owner, std::move(c), std::move(req), m, timeout),
                 [keep = impl_, done = std::move(done)](std::exception_ptr e, AsyncResult r) {
                   if (e) r = UpstreamError(UpstreamError::Kind::Protocol, "upstream exchange failed");
                   done(std::move(r));
                 });
}

}  // namespace rto::http
