#pragma once
// Teltonika trackers over TCP (Codec 8 / 8 Extended): the IMEI handshake (accepted with 0x01
// only for a registered, installed tracker), AVL packets decoded by domain/teltonika and handed
// to the ingest pipeline, each acknowledged with its record count once queued. Engine-cut and
// restore go out as Codec 12 commands; the device's Codec 12 response answers the oldest command
// sent to it (Codec 12 carries no command id).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <rto/tcp_server.hpp>
#include <string>
#include <unordered_map>

namespace telematics {

class App;

class TeltonikaListener {
 public:
  TeltonikaListener(std::shared_ptr<App> app, std::string host, std::uint16_t port, std::size_t max_connections,
                    std::chrono::milliseconds idle_timeout);
  ~TeltonikaListener();
  std::uint16_t start();  // returns the bound port
  void stop();

  std::int64_t bad_packets() const noexcept { return bad_packets_.load(); }
  std::int64_t refused() const noexcept { return refused_.load(); }
  std::size_t connections() const noexcept { return server_->connections(); }

 private:
  std::size_t on_data(rto::tcp::Connection& c, std::string_view in);

  std::shared_ptr<App> app_;
  std::unique_ptr<rto::tcp::Server> server_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::string> devices_;  // connection id → tracker id, after the handshake
  std::atomic<std::int64_t> bad_packets_{0};
  std::atomic<std::int64_t> refused_{0};
};

}  // namespace telematics
