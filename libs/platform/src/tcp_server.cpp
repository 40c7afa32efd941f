// The generic TCP server (see rto/tcp_server.hpp). Asio is confined to this file: one
// io_context run by `io_threads` threads, each connection's handlers on its own strand, plain
// completion handlers (no coroutines: a connection at rest costs its socket, a 1 KB read buffer
// and its unconsumed bytes).
#include "rto/tcp_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rto/log.hpp"

namespace rto::tcp {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {
class Session;
}

struct Server::Impl {
  Options opts;
  Callbacks cb;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer retry{io};
  std::vector<std::thread> threads;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::weak_ptr<Session>> by_key;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> all;
  std::atomic<std::uint64_t> next_id{1};
  std::atomic<std::size_t> count{0};
  bool started = false;
  bool stopped = false;

  void accept();
};

namespace {

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(Server::Impl* impl, tcp::socket s, std::uint64_t id)
      : impl_(impl), socket_(std::move(s)), timer_(socket_.get_executor()), id_(id) {
    error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  std::uint64_t id() const noexcept override { return id_; }
  const std::string& remote() const noexcept override { return remote_; }
  const std::string& key() const noexcept override { return key_; }
  auto executor() { return socket_.get_executor(); }
  bool closed() const noexcept { return closed_.load(); }

  void start() {
    arm_timer();
    read();
  }

  void send(std::string bytes) override {
    if (closed_) return;
    queued_ += bytes.size();
    if (queued_ > impl_->opts.max_queued_output) {
      log::warn("tcp connection closed: peer does not read", {{"server", impl_->opts.name}, {"connection", id_}});
      do_close();
      return;
    }
    out_.push_back(std::move(bytes));
    if (!writing_) write_next();
  }

  void close() override { closing_ = true; }

  void set_key(std::string key) override {
    std::lock_guard lk(impl_->mu);
    if (!key_.empty() && key_ != key) {
      auto it = impl_->by_key.find(key_);
      if (it != impl_->by_key.end() && it->second.lock().get() == this) impl_->by_key.erase(it);
    }
    key_ = std::move(key);
    impl_->by_key[key_] = weak_from_this();
  }

  void do_close() {
    if (closed_.exchange(true)) return;
    error_code ec;
    timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    {
      std::lock_guard lk(impl_->mu);
      if (!key_.empty()) {
        auto it = impl_->by_key.find(key_);
        if (it != impl_->by_key.end() && it->second.lock().get() == this) impl_->by_key.erase(it);
      }
      impl_->all.erase(id_);
    }
    impl_->count.fetch_sub(1);
    if (impl_->cb.on_close) {
      try {
        impl_->cb.on_close(*this);
      } catch (const std::exception& e) {
        log::error("tcp on_close failed", {{"server", impl_->opts.name}, {"error", e.what()}});
      }
    }
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(error_code ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      do_close();
      return;
    }
    arm_timer();
    in_.append(buf_.data(), n);
    try {
      std::size_t used = impl_->cb.on_data(*this, in_);
      in_.erase(0, std::min(used, in_.size()));
    } catch (const std::exception& e) {
      log::warn("tcp connection closed: handler failed",
                {{"server", impl_->opts.name}, {"connection", id_}, {"error", e.what()}});
      do_close();
      return;
    }
    if (closed_) return;
    if (closing_) {
      if (!writing_) do_close();
      return;
    }
    if (in_.size() > impl_->opts.max_buffered) {
      log::warn("tcp connection closed: too many unconsumed bytes",
                {{"server", impl_->opts.name}, {"connection", id_}, {"bytes", in_.size()}});
      do_close();
      return;
    }
    read();
  }

  void arm_timer() {
    timer_.expires_after(impl_->opts.idle_timeout);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->closed_) return;
      log::info("tcp connection closed: idle", {{"server", self->impl_->opts.name}, {"connection", self->id_}});
      self->do_close();
    });
  }

  void write_next() {
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
      self->queued_ -= self->out_.front().size();
      self->out_.pop_front();
      if (ec) {
        self->do_close();
        return;
      }
      if (self->out_.empty()) {
        self->writing_ = false;
        if (self->closing_) self->do_close();
      } else {
        self->write_next();
      }
    });
  }

  Server::Impl* impl_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  std::uint64_t id_;
  std::string remote_;
  std::string key_;
  std::array<char, 1024> buf_{};
  std::string in_;
  std::deque<std::string> out_;
  std::size_t queued_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  std::atomic<bool> closed_{false};
};

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket s) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      // E.g. out of file descriptors: wait a little instead of spinning.
      log::warn("tcp accept failed", {{"server", opts.name}, {"error", ec.message()}});
      retry.expires_after(std::chrono::milliseconds(100));
      retry.async_wait([this](error_code e) {
        if (!e && acceptor.is_open()) accept();
      });
      return;
    }
    if (count.load() >= opts.max_connections) {
      error_code e;
      s.close(e);
    } else {
      auto id = next_id.fetch_add(1);
      auto session = std::make_shared<Session>(this, std::move(s), id);
      {
        std::lock_guard lk(mu);
        all[id] = session;
      }
      count.fetch_add(1);
      asio::dispatch(session->executor(), [session] { session->start(); });
    }
    accept();
  });
}

Server::Server(Options opts, Callbacks callbacks) : impl_(std::make_shared<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->cb = std::move(callbacks);
}

Server::~Server() { stop(); }

std::uint16_t Server::start() {
  auto& im = *impl_;
  tcp::endpoint ep(asio::ip::make_address(im.opts.host), im.opts.port);
  im.acceptor.open(ep.protocol());
  im.acceptor.set_option(asio::socket_base::reuse_address(true));
  im.acceptor.bind(ep);
  im.acceptor.listen(asio::socket_base::max_listen_connections);
  const auto port = im.acceptor.local_endpoint().port();
  im.accept();
  im.started = true;
  for (int i = 0; i < std::max(1, im.opts.io_threads); ++i) im.threads.emplace_back([&im] { im.io.run(); });
  log::info("tcp server listening", {{"server", im.opts.name}, {"port", port}});
  return port;
}

void Server::stop() {
  auto& im = *impl_;
  if (!im.started || im.stopped) return;
  im.stopped = true;
  asio::post(im.io, [&im] {
    error_code ec;
    im.acceptor.close(ec);
    im.retry.cancel();
  });
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lk(im.mu);
    for (auto& [id, w] : im.all)
      if (auto s = w.lock()) sessions.push_back(std::move(s));
  }
  for (auto& s : sessions) asio::post(s->executor(), [s] { s->do_close(); });
  sessions.clear();
  for (int i = 0; i < 200 && im.count.load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  im.io.stop();
  for (auto& t : im.threads)
    if (t.joinable()) t.join();
  im.threads.clear();
}

bool Server::send_to(const std::string& key, std::string bytes) {
  std::shared_ptr<Session> s;
  {
    std::lock_guard lk(impl_->mu);
    auto it = impl_->by_key.find(key);
    if (it == impl_->by_key.end()) return false;
    s = it->second.lock();
  }
  if (!s || s->closed()) return false;
  asio::post(s->executor(), [s, b = std::move(bytes)]() mutable { s->send(std::move(b)); });
  return true;
}

bool Server::connected(const std::string& key) const {
  std::lock_guard lk(impl_->mu);
  auto it = impl_->by_key.find(key);
  if (it == impl_->by_key.end()) return false;
  auto s = it->second.lock();
  return s && !s->closed();
}

std::size_t Server::connections() const noexcept { return impl_->count.load(); }

}  // namespace rto::tcp
