#include "osmand_listener.hpp"

#include <rto/errors.hpp>
#include <rto/http_server.hpp>
#include <rto/log.hpp>
#include <rto/service.hpp>

#include "app.hpp"
#include "domain/osmand.hpp"

namespace telematics {

using rto::http::Request;
using rto::http::Response;

Response handle_osmand(App& app, Request& req) {
  if (req.method != rto::http::Method::Get && req.method != rto::http::Method::Post)
    throw rto::Error(rto::ErrorKind::MethodNotAllowed, "send positions with GET or POST").with_header("Allow", "GET, POST");
  const bool json_form = req.header("Content-Type").value_or("").find("application/json") != std::string_view::npos;
  osmand::Report report;
  try {
    if (json_form) {
      report = osmand::decode_json(req.body, app.now());
    } else {
      auto params = req.query.empty() ? osmand::parse_form(req.body) : req.query;
      report = osmand::decode_query(params, app.now());
    }
  } catch (const DecodeError& e) {
    throw rto::BadField(e.field(), e.message());
  }
  auto tracker = app.identify(report.device_id, "osmand");
  if (!tracker) throw rto::NotFound("unknown device: register the tracker and install it on a vehicle");
  Report r;
  r.tracker_id = tracker->id;
  r.protocol = "osmand";
  if (report.fix) {
    r.fixes.push_back(*report.fix);
    r.ignition = report.fix->ignition;
  }
  app.ingest({std::move(r)});
  return Response::text(200, "");
}

OsmandListener::OsmandListener(std::shared_ptr<App> app, std::string host, std::uint16_t port) : app_(std::move(app)) {
  rto::http::ServerOptions o;
  o.host = std::move(host);
  o.port = port;
  o.workers = 4;
  o.body_limit = 64 * 1024;  // one report; the batch API takes bulk
  o.handle_signals = false;  // the service's own server handles them and stops this one
  auto handler = [app = app_](Request& req) -> Response {
    try {
      return handle_osmand(*app, req);
    } catch (const rto::Error& e) {
      return rto::problem(e, req);
    } catch (const std::exception& e) {
      rto::log::error("osmand request failed", {{"error", e.what()}});
      return rto::problem(500, "the position could not be kept; send it again", req);
    }
  };
  server_ = std::make_unique<rto::http::Server>(
      std::move(o), std::move(handler),
      [](int status, std::string_view detail, const Request& req) { return rto::problem(status, detail, req); });
}

OsmandListener::~OsmandListener() { stop(); }

std::uint16_t OsmandListener::start() {
  server_->listen();
  thread_ = std::thread([this] { server_->run(); });
  return server_->port();
}

void OsmandListener::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace telematics
