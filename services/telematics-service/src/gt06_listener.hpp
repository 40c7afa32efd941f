#pragma once
// GT06 trackers over TCP: frames from the platform's TCP server are decoded (domain/gt06),
// acknowledged as the device expects, and handed to the ingest pipeline. Engine-cut and restore
// commands go to the connection that logged in with the tracker's IMEI.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <rto/tcp_server.hpp>
#include <string>
#include <unordered_map>

namespace telematics {

class App;

class Gt06Listener {
 public:
  Gt06Listener(std::shared_ptr<App> app, std::string host, std::uint16_t port, std::size_t max_connections,
               std::chrono::milliseconds idle_timeout);
  ~Gt06Listener();
  std::uint16_t start();  // returns the bound port
  void stop();

  std::int64_t bad_crc() const noexcept { return bad_crc_.load(); }
  std::int64_t refused() const noexcept { return refused_.load(); }
  std::size_t connections() const noexcept { return server_->connections(); }

 private:
  struct Device {
    std::string tracker_id;
    std::string imei;
  };
  std::size_t on_data(rto::tcp::Connection& c, std::string_view in);

  std::shared_ptr<App> app_;
  std::unique_ptr<rto::tcp::Server> server_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, Device> devices_;  // by connection id, after login
  std::atomic<std::int64_t> bad_crc_{0};
  std::atomic<std::int64_t> refused_{0};
};

}  // namespace telematics
