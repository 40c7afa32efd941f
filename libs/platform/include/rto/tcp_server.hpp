#pragma once
// A small, generic TCP server for device protocols (GPS trackers): one I/O context, a strand
// per connection, a byte callback per read, and writes to a connection by the key a protocol
// handler gave it (e.g. the IMEI after a login). Asio stays in tcp_server.cpp; service code sees
// only these types.
//
// It protects itself: a cap on connections, on unconsumed input per connection (a frame that
// never completes), on queued output per connection (a peer that does not read), and an idle
// timeout. A slow peer holds only its own buffers; nothing blocks the other connections.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace rto::tcp {

struct Options {
  std::string name = "tcp";  // for logs and metrics
  std::string host = "0.0.0.0";
  std::uint16_t port = 0;  // 0: any free port (tests)
  int io_threads = 1;
  std::size_t max_connections = 20000;
  std::size_t max_buffered = 16 * 1024;      // unconsumed input bytes per connection; above → closed
  std::size_t max_queued_output = 64 * 1024;  // unsent output bytes per connection; above → closed
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  // no input for this long → closed
};

// One connection, as a protocol handler sees it inside a callback (on the connection's strand).
class Connection {
 public:
  virtual ~Connection() = default;
  virtual std::uint64_t id() const noexcept = 0;
  virtual const std::string& remote() const noexcept = 0;
  // Queues bytes to write, in order.
  virtual void send(std::string bytes) = 0;
  // Closes the connection once the queued bytes are written.
  virtual void close() = 0;
  // Makes the connection reachable through Server::send_to(key). A later connection that takes
  // the same key replaces this one there (a device that reconnects).
  virtual void set_key(std::string key) = 0;
  virtual const std::string& key() const noexcept = 0;
};

struct Callbacks {
  // The bytes received and not yet consumed, oldest first. Returns how many bytes from the front
  // were consumed; the rest is kept and offered again with the next bytes. Runs on an I/O thread,
  // so it must not wait long. An exception closes the connection.
  std::function<std::size_t(Connection&, std::string_view)> on_data;
  // Optional: the connection is gone (peer closed, timeout, limit, stop).
  std::function<void(Connection&)> on_close;
};

class Server {
 public:
  Server(Options opts, Callbacks callbacks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens, starts the I/O threads; returns the bound port. Throws on a bind failure.
  std::uint16_t start();
  // Closes the listener and every connection; joins the I/O threads. Idempotent.
  void stop();

  // Queues bytes to the connection registered under `key`; false when none is connected.
  bool send_to(const std::string& key, std::string bytes);
  bool connected(const std::string& key) const;
  std::size_t connections() const noexcept;

  struct Impl;  // defined in tcp_server.cpp (named there by the per-connection code)

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace rto::tcp
