#include "gt06_listener.hpp"

#include <rto/log.hpp>

#include "app.hpp"
#include "domain/gt06.hpp"

namespace telematics {

namespace {
std::string key_of(const std::string& imei) { return "gt06:" + imei; }
}  // namespace

Gt06Listener::Gt06Listener(std::shared_ptr<App> app, std::string host, std::uint16_t port, std::size_t max_connections,
                           std::chrono::milliseconds idle_timeout)
    : app_(std::move(app)) {
  rto::tcp::Options o;
  o.name = "gt06";
  o.host = std::move(host);
  o.port = port;
  o.max_connections = max_connections;
  o.idle_timeout = idle_timeout;
  o.max_buffered = 4096;  // a GT06 frame is under 1 KB
  rto::tcp::Callbacks cb;
  cb.on_data = [this](rto::tcp::Connection& c, std::string_view in) { return on_data(c, in); };
  cb.on_close = [this](rto::tcp::Connection& c) {
    std::lock_guard lk(mu_);
    devices_.erase(c.id());
  };
  server_ = std::make_unique<rto::tcp::Server>(std::move(o), std::move(cb));

  CommandSender sender;
  auto* server = server_.get();
  sender.connected = [server](const storage::Tracker& t) { return server->connected(key_of(t.imei)); };
  sender.send = [server](const storage::Tracker& t, std::int64_t id, std::string_view kind) {
    const auto text = kind == "lock" ? gt06::kEngineStop : gt06::kEngineResume;
    return server->send_to(key_of(t.imei), gt06::encode_command(text, static_cast<std::uint32_t>(id)));
  };
  app_->set_sender("gt06", std::move(sender));
}

Gt06Listener::~Gt06Listener() {
  stop();
  app_->set_sender("gt06", CommandSender{});  // the server it wrote to is gone
}

std::uint16_t Gt06Listener::start() { return server_->start(); }

void Gt06Listener::stop() {
  if (server_) server_->stop();
}

std::size_t Gt06Listener::on_data(rto::tcp::Connection& c, std::string_view in) {
  std::size_t used = 0;
  while (used < in.size()) {
    auto r = gt06::scan(in.substr(used));
    if (r.status == gt06::Scan::NeedMore) break;
    used += r.consumed;
    if (r.status == gt06::Scan::BadCrc) {
      bad_crc_.fetch_add(1);
      rto::log::debug("gt06 frame with a bad CRC dropped", {{"connection", c.id()}});
      continue;
    }
    if (r.status != gt06::Scan::Frame) continue;
    gt06::Message m;
    try {
      m = gt06::decode(*r.frame);
    } catch (const DecodeError& e) {
      rto::log::info("gt06 frame not decoded", {{"connection", c.id()}, {"error", e.what()}});
      continue;
    }
    std::optional<Device> device;
    {
      std::lock_guard lk(mu_);
      if (auto it = devices_.find(c.id()); it != devices_.end()) device = it->second;
    }
    if (m.protocol == gt06::kLogin) {
      auto tracker = app_->identify(m.imei, "gt06");
      if (!tracker) {
        refused_.fetch_add(1);
        rto::log::info("gt06 login refused: unknown or uninstalled tracker", {{"connection", c.id()}});
        c.close();
        return used;
      }
      {
        std::lock_guard lk(mu_);
        devices_[c.id()] = Device{tracker->id, tracker->imei};
      }
      c.set_key(key_of(tracker->imei));
      // Queued before the acknowledgement goes out, so a device that got its ack has been heard.
      Report rep;
      rep.tracker_id = tracker->id;
      rep.protocol = "gt06";
      rep.reconnected = true;
      app_->enqueue(std::move(rep));
      c.send(gt06::encode_ack(m.protocol, m.serial));
      continue;
    }
    if (!device) {  // data before a login: the device is not identified
      refused_.fetch_add(1);
      c.close();
      return used;
    }
    Report rep;
    rep.tracker_id = device->tracker_id;
    rep.protocol = "gt06";
    if (m.fix) rep.fixes.push_back(*m.fix);
    rep.ignition = m.ignition;
    rep.oil_cut = m.oil_cut;
    rep.alarm = m.alarm;
    if (m.protocol == gt06::kCommandReply && m.server_flag) {
      rep.reply_to = static_cast<std::int64_t>(*m.server_flag);
      rep.reply_text = m.text;
    }
    app_->enqueue(std::move(rep));
    if (m.needs_ack) c.send(gt06::encode_ack(m.protocol, m.serial));
  }
  return used;
}

}  // namespace telematics
