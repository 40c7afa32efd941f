// The HTTP server. Beast and Asio are confined to this file and http_client.cpp.
// Model: one io_context (io_threads threads) runs a coroutine per connection on its own strand;
// each request's handler runs on a worker pool (co_spawn onto the pool, result awaited back on
// the connection's strand), in the style of Beast's advanced server examples. A request that
// ServerOptions::fast takes is answered asynchronously instead, with no worker involved.
// WebSocket: an upgrade request to the configured endpoint's path becomes a WsConn on the same
// strand (chat-multi style: a bounded queue of shared immutable frames, one write in flight).
#include "rto/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <limits>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "http_beast.hpp"
#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace rto::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace bws = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Open connections per client address, for ServerOptions::max_connections_per_ip.
class IpCounts {
 public:
  bool take(const std::string& addr, std::size_t cap) {
    if (cap == 0 || addr.empty()) return true;
    std::lock_guard lk(mu_);
    auto& n = counts_[addr];
    if (n >= cap) return false;
    ++n;
    return true;
  }
  void give(const std::string& addr) noexcept {
    std::lock_guard lk(mu_);
    auto it = counts_.find(addr);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::size_t> counts_;
};

struct Conn {
  Conn(tcp::socket s, std::shared_ptr<IpCounts> c, std::string a)
      : stream(std::move(s)), counts(std::move(c)), addr(std::move(a)) {}
  ~Conn() {
    if (counts) counts->give(addr);
  }
  beast::tcp_stream stream;
  std::shared_ptr<IpCounts> counts;  // set when this connection was counted
  std::string addr;
  bool busy = false;  // touched only on the connection's strand
};

// Copies the head and moves the body out; `in` keeps its headers (a WebSocket upgrade needs them).
bool fill_request(bhttp::request<bhttp::string_body>& in, Request& out) {
  out.method_text = std::string(in.method_string());
  out.method = method_from_string(out.method_text);
  out.target = std::string(in.target());
  auto u = boost::urls::parse_origin_form(out.target);
  if (!u) return false;
  out.path = u->path();
  for (auto p : u->params()) out.query.emplace_back(p.key, p.value);
  out.headers.reserve(16);
  for (const auto& f : in) out.headers.add(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(in.body());
  return true;
}

// One upgraded connection. Every member is touched only on the connection's strand: send()
// and close() post there, the read loop and write completions run there.
struct WsConn final : ws::Session, std::enable_shared_from_this<WsConn> {
  WsConn(beast::tcp_stream&& s, std::uint64_t id, std::shared_ptr<const ws::Endpoint> ep)
      : stream(std::move(s)), id_(id), ep_(std::move(ep)), teardown(stream.get_executor()) {}

  bws::stream<beast::tcp_stream> stream;
  std::uint64_t id_;
  std::shared_ptr<const ws::Endpoint> ep_;
  std::deque<std::shared_ptr<const std::string>> queue;  // front() is in flight while writing
  bool writing = false;
  bool closing = false;
  bws::close_reason close_with;
  asio::steady_timer teardown;  // ends a connection whose close frame cannot get out

  std::uint64_t id() const noexcept override { return id_; }

  void send(std::shared_ptr<const std::string> text) override {
    asio::post(stream.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      self->enqueue(std::move(t));
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(stream.get_executor(), [self = shared_from_this(), code, r = std::move(reason)]() mutable {
      self->begin_close(code, r);
    });
  }

  void enqueue(std::shared_ptr<const std::string> t) {
    if (closing) return;
    if (queue.size() >= ep_->max_queue) {
      // Its socket is probably full, so the close frame may never get out: give it two
      // seconds, then close the socket (the pending operations fail and the session ends).
      begin_close(ws::kCloseTryAgainLater, "client too slow; reconnect");
      teardown.expires_after(std::chrono::seconds(2));
      teardown.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec) return;
        beast::error_code ignore;
        beast::get_lowest_layer(self->stream).socket().shutdown(tcp::socket::shutdown_both, ignore);
        beast::get_lowest_layer(self->stream).socket().close(ignore);
      });
      return;
    }
    queue.push_back(std::move(t));
    if (!writing) write_next();
  }

  void write_next() {
    writing = true;
    stream.text(true);
    stream.async_write(asio::buffer(*queue.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->queue.pop_front();
      self->writing = false;
      if (ec) {  // the connection is gone; the read loop ends and cleans up
        self->closing = true;
        self->queue.clear();
        return;
      }
      if (self->closing) {
        self->send_close();
      } else if (!self->queue.empty()) {
        self->write_next();
      }
    });
  }

  void begin_close(std::uint16_t code, std::string_view reason) {
    if (closing) return;
    closing = true;
    while (queue.size() > (writing ? 1u : 0u)) queue.pop_back();  // keep the frame in flight
    close_with = bws::close_reason(static_cast<bws::close_code>(code), reason);
    if (!writing) send_close();
  }

  void send_close() {
    stream.async_close(close_with, [self = shared_from_this()](beast::error_code) {});
  }
};

}  // namespace

struct Server::Impl {
  ServerOptions opts;
  Handler handler;
  ErrorResponder on_error;
  std::shared_ptr<asio::io_context> ioc_owner;  // shared with pooled upstream connections (AsyncClient)
  asio::io_context& ioc;
  asio::thread_pool workers;
  tcp::acceptor acceptor;
  std::shared_ptr<IpCounts> ip_counts = std::make_shared<IpCounts>();
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  mutable std::mutex conns_mu;
  std::unordered_set<std::shared_ptr<Conn>> conns;
  std::unordered_set<std::shared_ptr<WsConn>> ws_conns;
  std::atomic<std::uint64_t> ws_ids{0};
  bool listening = false;

  Impl(ServerOptions o, Handler h, ErrorResponder e)
      : opts(std::move(o)),
        handler(std::move(h)),
        on_error(std::move(e)),
        ioc_owner(std::make_shared<asio::io_context>(opts.io_threads)),
        ioc(*ioc_owner),
        workers(static_cast<std::size_t>(opts.workers)),
        acceptor(ioc),
        signals(ioc) {}

  Response error_response(int status, std::string_view detail, const Request* partial) {
    Request r;
    if (partial) {
      r.method = partial->method;
      r.path = partial->path;
    }
    return on_error(status, detail, r);
  }

  static bhttp::response<bhttp::string_body> to_beast(Response&& res, unsigned version, bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> r{static_cast<bhttp::status>(res.status), version};
    for (const auto& [k, v] : res.headers) r.insert(k, v);
    auto size = res.body.size();
    // A proxied HEAD answer has no body but carries the upstream's Content-Length.
    auto declared = head && size == 0 ? res.headers.get("Content-Length") : std::nullopt;
    r.body() = std::move(res.body);
    r.keep_alive(keep_alive);
    r.prepare_payload();
    if (head) {
      r.body().clear();
      std::uint64_t n = size;
      if (declared) std::from_chars(declared->data(), declared->data() + declared->size(), n);
      r.content_length(n);
    }
    return r;
  }

  asio::awaitable<void> session(std::shared_ptr<Conn> c) {
    beast::flat_buffer buffer;
    const std::string remote = c->addr;
    bool first = true;
    while (!stopping) {
      bhttp::request_parser<bhttp::string_body> parser;
      // With per-route limits the route's is set once the header has been read.
      parser.body_limit(opts.body_limit_for ? std::numeric_limits<std::uint64_t>::max() : opts.body_limit);
      parser.header_limit(32 * 1024);
      c->stream.expires_after(first ? opts.header_timeout : opts.idle_timeout);
      first = false;
      auto [ec, n] = co_await bhttp::async_read_header(c->stream, buffer, parser, use_tuple);
      std::size_t limit = opts.body_limit;
      if (!ec && opts.body_limit_for) {
        const auto& h = parser.get();
        limit = opts.body_limit_for(std::string_view(h.method_string().data(), h.method_string().size()),
                                    std::string_view(h.target().data(), h.target().size()));
        auto declared = parser.content_length();
        if (declared && *declared > limit) ec = bhttp::error::body_limit;
        else parser.body_limit(limit);
      }
      if (!ec && !parser.is_done()) {
        // The body's time grows with its size: header_timeout, plus what min_body_rate needs.
        auto expected = parser.content_length().value_or(limit);
        auto allowance = std::chrono::milliseconds(opts.min_body_rate ? expected * 1000 / opts.min_body_rate : 0);
        c->stream.expires_after(opts.header_timeout + allowance);
        std::tie(ec, n) = co_await bhttp::async_read(c->stream, buffer, parser, use_tuple);
      }
      if (ec) {
        int status = 0;
        std::string detail;
        if (ec == bhttp::error::body_limit) {
          status = 413;
          detail = "request body exceeds " + std::to_string(limit) + " bytes";
        } else if (ec == bhttp::error::header_limit) {
          status = 431;
          detail = "request headers are too large";
        } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                   ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
          status = 400;
          detail = "malformed HTTP request";
        }
        if (status) {
          c->busy = true;
          auto res = error_response(status, detail, nullptr);
          auto out = to_beast(std::move(res), 11, false, false);
          c->stream.expires_after(std::chrono::seconds(10));
          co_await bhttp::async_write(c->stream, out, use_tuple);
          if (status == 413) co_await linger(*c);
        }
        break;
      }

      c->busy = true;
      auto in = parser.release();
      unsigned version = in.version();
      bool keep_alive = in.keep_alive();
      Request req;
      req.remote_addr = remote;
      Response res;
      bool head = in.method() == bhttp::verb::head;
      bool filled = fill_request(in, req);
      if (filled && opts.websocket && bws::is_upgrade(in) && req.path == opts.websocket->path) {
        std::optional<Response> refusal;
        try {
          if (stopping) refusal = error_response(503, "the server is shutting down", &req);
          else if (opts.websocket->admit) refusal = opts.websocket->admit(req);
        } catch (const std::exception& e) {
          log::error("websocket admission threw", {{"error", e.what()}});
          refusal = error_response(500, "an unexpected error occurred", &req);
        }
        if (!refusal) {
          {
            std::lock_guard lk(conns_mu);
            conns.erase(c);
          }
          co_await websocket(std::move(c->stream), std::move(in), std::move(req));
          co_return;
        }
        res = std::move(*refusal);
        keep_alive = false;
      } else if (!filled) {
        res = error_response(400, "malformed request target", nullptr);
        keep_alive = false;
      } else {
        ++in_flight;
        try {
          std::optional<Response> fast;
          if (opts.immediate) fast = opts.immediate(req);
          if (!fast && opts.fast) fast = co_await offer_fast(c->stream.get_executor(), req);
          if (fast) {
            res = std::move(*fast);
          } else {
            res = co_await asio::co_spawn(
                workers, [&]() -> asio::awaitable<Response> { co_return handler(req); }, asio::use_awaitable);
          }
        } catch (const std::exception& e) {
          log::error("request handler threw", {{"error", e.what()}});
          res = error_response(500, "an unexpected error occurred", &req);
        }
        --in_flight;
      }
      keep_alive = keep_alive && !stopping;
      auto out = to_beast(std::move(res), version, keep_alive, head);
      c->stream.expires_after(std::chrono::seconds(30));
      auto [wec, wn] = co_await bhttp::async_write(c->stream, out, use_tuple);
      c->busy = false;
      if (wec || !keep_alive) break;
    }
    beast::error_code ignore;
    c->stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
    c->stream.close();
    std::lock_guard lk(conns_mu);
    conns.erase(c);
  }

  // A lingering close after refusing a body: the client may still be sending it, and closing
  // with its bytes unread would reset the connection before it reads the 413. Reads and drops
  // what comes (at most 16 MiB, for at most 5 s) until it stops.
  asio::awaitable<void> linger(Conn& c) {
    beast::error_code ignore;
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ignore);
    c.stream.expires_after(std::chrono::seconds(5));
    std::array<char, 16 * 1024> sink;
    std::size_t total = 0;
    while (total < (std::size_t{16} << 20)) {
      auto [ec, n] = co_await c.stream.async_read_some(asio::buffer(sink), use_tuple);
      if (ec) break;
      total += n;
    }
  }

  // Offers the request to opts.fast on this strand. Its answer, or nullopt when it declined,
  // comes back through a timer used as an event: `respond` (from any thread) posts the answer
  // to the strand and cancels the timer the session waits on.
  asio::awaitable<std::optional<Response>> offer_fast(asio::any_io_executor ex, Request& req) {
    struct Pending {
      explicit Pending(const asio::any_io_executor& e) : wake(e, asio::steady_timer::time_point::max()) {}
      std::optional<Response> answer;
      asio::steady_timer wake;
    };
    auto p = std::make_shared<Pending>(ex);
    Respond respond = [p, ex](Response r) {
      asio::post(ex, [p, r = std::move(r)]() mutable {
        p->answer = std::move(r);
        p->wake.cancel();
      });
    };
    IoContext io{ioc_owner};
    try {
      if (!opts.fast(req, io, respond)) co_return std::nullopt;
    } catch (const std::exception& e) {
      log::error("request handler threw", {{"error", e.what()}});
      co_return error_response(500, "an unexpected error occurred", &req);
    }
    while (!p->answer) co_await p->wake.async_wait(use_tuple);
    co_return std::move(p->answer);
  }

  // Runs an upgraded connection to its end on the connection's strand.
  asio::awaitable<void> websocket(beast::tcp_stream stream, bhttp::request<bhttp::string_body> upgrade, Request req) {
    const auto ep = opts.websocket;
    auto w = std::make_shared<WsConn>(std::move(stream), ++ws_ids, ep);
    beast::get_lowest_layer(w->stream).expires_never();  // the websocket's own timeouts take over
    bws::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::seconds(10);
    t.idle_timeout = ep->idle_timeout;
    t.keep_alive_pings = true;
    w->stream.set_option(t);
    w->stream.read_message_max(ep->max_message);
    w->stream.set_option(bws::stream_base::decorator([rid = req.request_id](bws::response_type& r) {
      if (!rid.empty()) r.set("X-Request-Id", rid);
    }));
    auto [aec] = co_await w->stream.async_accept(upgrade, use_tuple);
    if (aec) co_return;
    {
      std::lock_guard lk(conns_mu);
      ws_conns.insert(w);
    }
    if (stopping) w->begin_close(ws::kCloseGoingAway, "server shutting down");
    try {
      if (ep->on_open) ep->on_open(w, req);
    } catch (const std::exception& e) {
      log::error("websocket open handler threw", {{"error", e.what()}});
      w->begin_close(ws::kClosePolicy, "internal error");
    }
    beast::flat_buffer buf;
    for (;;) {
      auto [rec, n] = co_await w->stream.async_read(buf, use_tuple);
      if (rec) break;
      if (!w->stream.got_text()) {
        w->begin_close(static_cast<std::uint16_t>(bws::close_code::unknown_data), "text frames only");
      } else if (!w->closing && ep->on_text) {
        auto data = buf.cdata();
        try {
          ep->on_text(w, std::string_view(static_cast<const char*>(data.data()), data.size()));
        } catch (const std::exception& e) {
          log::error("websocket message handler threw", {{"error", e.what()}});
          w->begin_close(ws::kClosePolicy, "internal error");
        }
      }
      buf.consume(buf.size());
    }
    w->teardown.cancel();
    try {
      if (ep->on_close) ep->on_close(w);
    } catch (const std::exception& e) {
      log::error("websocket close handler threw", {{"error", e.what()}});
    }
    beast::error_code ignore;
    beast::get_lowest_layer(w->stream).socket().shutdown(tcp::socket::shutdown_both, ignore);
    beast::get_lowest_layer(w->stream).close();
    std::lock_guard lk(conns_mu);
    ws_conns.erase(w);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(asio::make_strand(ioc), use_tuple);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors (or another accept error): keep serving the connections we
        // have and try again shortly, instead of spinning on an accept that fails at once.
        log::warn("accept failed; pausing new connections", {{"error", ec.message()}});
        asio::steady_timer pause(ioc, std::chrono::milliseconds(100));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      beast::error_code ignore;
      sock.set_option(tcp::no_delay(true), ignore);
      std::string addr;
      {
        auto ep = sock.remote_endpoint(ignore);
        if (!ignore) addr = ep.address().to_string();
      }
      const bool counted = opts.max_connections_per_ip > 0 && !addr.empty();
      if (counted && !ip_counts->take(addr, opts.max_connections_per_ip)) {
        sock.close(ignore);  // too many open connections from this address
        continue;
      }
      auto c = std::make_shared<Conn>(std::move(sock), counted ? ip_counts : nullptr, std::move(addr));
      {
        std::lock_guard lk(conns_mu);
        conns.insert(c);
      }
      auto ex = c->stream.get_executor();
      asio::co_spawn(ex, session(std::move(c)), asio::detached);
    }
  }

  void begin_shutdown() {
    if (stopping.exchange(true)) return;
    log::info("shutting down: no new connections; draining in-flight requests", {{"in_flight", in_flight.load()}});
    beast::error_code ignore;
    acceptor.close(ignore);
    signals.cancel(ignore);
    {
      std::lock_guard lk(conns_mu);
      for (const auto& c : conns) {
        asio::post(c->stream.get_executor(), [c] {
          // An idle keep-alive connection: close it now. Its session may have ended meanwhile
          // and closed the socket, so the error is ignored rather than thrown.
          beast::error_code ec;
          if (!c->busy) c->stream.socket().cancel(ec);
        });
      }
      for (const auto& w : ws_conns) w->close(ws::kCloseGoingAway, "server shutting down");
    }
    asio::co_spawn(ioc, drain(), asio::detached);
  }

  asio::awaitable<void> drain() {
    auto deadline = std::chrono::steady_clock::now() + opts.shutdown_grace;
    asio::steady_timer t(ioc);
    for (;;) {
      std::size_t open;
      {
        std::lock_guard lk(conns_mu);
        open = conns.size() + ws_conns.size();
      }
      if (open == 0 || std::chrono::steady_clock::now() >= deadline) break;
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(use_tuple);
    }
    ioc.stop();
  }
};

Server::Server(ServerOptions opts, Handler handler, ErrorResponder on_error)
    : impl_(std::make_unique<Impl>(std::move(opts), std::move(handler), std::move(on_error))) {}

Server::~Server() {
  impl_->ioc.stop();
  impl_->workers.join();
}

void Server::listen() {
  auto& i = *impl_;
  if (i.listening) return;
  auto addr = asio::ip::make_address(i.opts.host);
  tcp::endpoint ep{addr, i.opts.port};
  i.acceptor.open(ep.protocol());
  i.acceptor.set_option(asio::socket_base::reuse_address(true));
  i.acceptor.bind(ep);
  i.acceptor.listen(asio::socket_base::max_listen_connections);
  i.listening = true;
}

void Server::run() {
  auto& i = *impl_;
  listen();
  asio::co_spawn(i.ioc, i.accept_loop(), asio::detached);
  if (i.opts.handle_signals) {
    i.signals.add(SIGINT);
    i.signals.add(SIGTERM);
    i.signals.async_wait([&i](const beast::error_code& ec, int) {
      if (!ec) i.begin_shutdown();
    });
  }
  std::vector<std::thread> extra;
  for (int n = 1; n < i.opts.io_threads; ++n) extra.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : extra) t.join();
  i.workers.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_shutdown(); });
}

std::uint16_t Server::port() const noexcept {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

int Server::in_flight() const noexcept { return impl_->in_flight.load(); }

std::size_t Server::websocket_sessions() const noexcept {
  std::lock_guard lk(impl_->conns_mu);
  return impl_->ws_conns.size();
}

}  // namespace rto::http
