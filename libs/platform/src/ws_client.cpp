// Test WebSocket client: Beast with a private io_context; each blocking call runs the context
// until its operation completes or the timeout passes (then the operation is cancelled).
#include "rto/ws_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>

namespace rto::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bws = beast::websocket;
using tcp = asio::ip::tcp;

struct WsClient::Impl {
  asio::io_context ioc;
  std::optional<bws::stream<beast::tcp_stream>> ws;
  beast::flat_buffer buf;
  std::string refusal;
  bool open = false;
  std::uint16_t close_code = 0;
  int receive_buffer = 0;
  // A read that timed out stays outstanding (cancelling it would break the stream); the next
  // receive() waits for that same read.
  bool reading = false;
  bool read_done = false;
  beast::error_code read_ec;

  // Runs the context until `done` or the timeout; on timeout cancels and drains.
  bool run(bool& done, std::chrono::milliseconds timeout) {
    ioc.restart();
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc.run_one_until(deadline);
    }
    if (!done) {
      beast::get_lowest_layer(*ws).cancel();
      ioc.restart();
      while (!done) ioc.run_one();
      return false;
    }
    return true;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}
WsClient::~WsClient() {
  try {
    close();
  } catch (...) {
  }
}

int WsClient::connect(const std::string& host, std::uint16_t port, const std::string& target,
                      const http::Headers& headers, std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  i.ws.emplace(i.ioc);
  tcp::resolver resolver(i.ioc);
  auto eps = resolver.resolve(host, std::to_string(port));
  beast::get_lowest_layer(*i.ws).expires_after(timeout);
  auto& sock = beast::get_lowest_layer(*i.ws).socket();
  const tcp::endpoint ep = *eps.begin();
  sock.open(ep.protocol());
  if (i.receive_buffer > 0) sock.set_option(asio::socket_base::receive_buffer_size(i.receive_buffer));
  sock.connect(ep);
  beast::get_lowest_layer(*i.ws).expires_never();
  i.ws->set_option(bws::stream_base::decorator([headers](bws::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  bws::response_type res;
  bool done = false;
  beast::error_code ec;
  i.ws->async_handshake(res, host + ":" + std::to_string(port), target, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!i.run(done, timeout)) throw std::runtime_error("websocket handshake timed out");
  if (ec) {
    i.refusal = res.body();
    if (res.result_int() == 0) throw std::runtime_error("websocket handshake failed: " + ec.message());
    return static_cast<int>(res.result_int());
  }
  i.open = true;
  return static_cast<int>(res.result_int());
}

const std::string& WsClient::refusal_body() const noexcept { return impl_->refusal; }
void WsClient::set_receive_buffer(int bytes) noexcept { impl_->receive_buffer = bytes; }

void WsClient::send(std::string_view text) {
  auto& i = *impl_;
  if (!i.open) throw std::runtime_error("websocket is not open");
  i.ws->text(true);
  bool done = false;
  beast::error_code ec;
  i.ws->async_write(asio::buffer(text.data(), text.size()), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!i.run(done, std::chrono::seconds(5)) || ec) throw std::runtime_error("websocket write failed");
}

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
  auto& i = *impl_;
  if (!i.open) return std::nullopt;
  if (!i.reading) {
    i.reading = true;
    i.read_done = false;
    i.ws->async_read(i.buf, [&i](beast::error_code e, std::size_t) {
      i.read_ec = e;
      i.read_done = true;
    });
  }
  i.ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!i.read_done && std::chrono::steady_clock::now() < deadline) i.ioc.run_one_until(deadline);
  if (!i.read_done) return std::nullopt;  // still waiting; the read stays outstanding
  i.reading = false;
  auto ec = i.read_ec;
  if (ec) {
    i.open = false;
    if (ec == bws::error::closed) i.close_code = i.ws->reason().code;
    return std::nullopt;
  }
  std::string out = beast::buffers_to_string(i.buf.data());
  i.buf.consume(i.buf.size());
  return out;
}

bool WsClient::is_open() const noexcept { return impl_->open; }
std::uint16_t WsClient::close_code() const noexcept { return impl_->close_code; }

void WsClient::close() {
  auto& i = *impl_;
  if (!i.open || !i.ws) return;
  i.open = false;
  bool done = false;
  i.ws->async_close(bws::close_code::normal, [&](beast::error_code) { done = true; });
  i.run(done, std::chrono::seconds(2));
  if (i.reading) {  // the outstanding read ends with the close
    i.ioc.restart();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!i.read_done && std::chrono::steady_clock::now() < deadline) i.ioc.run_one_until(deadline);
    if (!i.read_done) {
      beast::get_lowest_layer(*i.ws).close();
      i.ioc.restart();
      while (!i.read_done) i.ioc.run_one();
    }
    i.reading = false;
  }
}

}  // namespace rto::testing
