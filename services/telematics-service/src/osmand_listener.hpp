#pragma once
// OsmAnd devices (Traccar Client and the integrations that speak its protocol) over HTTP on their
// own port (OSMAND_PORT, Traccar's 5055), any path: the query-string form (speed in knots), the
// same as a form body, and the JSON form (speed in m/s). Answers as Traccar does: 200 when kept,
// 400 for a malformed request, 404 for a device that is not registered and installed.
#include <memory>
#include <rto/http.hpp>
#include <thread>

namespace rto::http {
class Server;
}

namespace telematics {

class App;

// One OsmAnd request through the pipeline (also what tests call without a socket).
rto::http::Response handle_osmand(App& app, rto::http::Request& req);

class OsmandListener {
 public:
  OsmandListener(std::shared_ptr<App> app, std::string host, std::uint16_t port);
  ~OsmandListener();
  std::uint16_t start();  // binds and serves on a thread; returns the bound port
  void stop();

 private:
  std::shared_ptr<App> app_;
  std::unique_ptr<rto::http::Server> server_;
  std::thread thread_;
};

}  // namespace telematics
