#include "teltonika_listener.hpp"

#include <rto/log.hpp>

#include "app.hpp"
#include "domain/teltonika.hpp"

namespace telematics {

namespace {
std::string key_of(const std::string& imei) { return "teltonika:" + imei; }
// The largest AVL packet accepted: Codec 8 Extended packets from FMB devices stay far below.
constexpr std::size_t kMaxPacket = 16 * 1024;
}  // namespace

TeltonikaListener::TeltonikaListener(std::shared_ptr<App> app, std::string host, std::uint16_t port,
                                     std::size_t max_connections, std::chrono::milliseconds idle_timeout)
    : app_(std::move(app)) {
  rto::tcp::Options o;
  o.name = "teltonika";
  o.host = std::move(host);
  o.port = port;
  o.max_connections = max_connections;
  o.idle_timeout = idle_timeout;
  o.max_buffered = kMaxPacket + 16;
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
  sender.send = [server](const storage::Tracker& t, std::int64_t, std::string_view kind) {
    const auto text = kind == "lock" ? teltonika::kEngineStop : teltonika::kEngineResume;
    return server->send_to(key_of(t.imei), teltonika::encode_command(text));
  };
  app_->set_sender("teltonika", std::move(sender));
}

TeltonikaListener::~TeltonikaListener() {
  stop();
  app_->set_sender("teltonika", CommandSender{});
}

std::uint16_t TeltonikaListener::start() { return server_->start(); }

void TeltonikaListener::stop() {
  if (server_) server_->stop();
}

std::size_t TeltonikaListener::on_data(rto::tcp::Connection& c, std::string_view in) {
  std::optional<std::string> tracker_id;
  {
    std::lock_guard lk(mu_);
    if (auto it = devices_.find(c.id()); it != devices_.end()) tracker_id = it->second;
  }
  std::size_t used = 0;
  if (!tracker_id) {
    auto h = teltonika::parse_handshake(in);
    if (h.status == teltonika::Status::NeedMore) return 0;
    auto tracker = h.status == teltonika::Status::Ok ? app_->identify(h.imei, "teltonika") : std::nullopt;
    if (!tracker) {
      refused_.fetch_add(1);
      rto::log::info("teltonika handshake refused: unknown or uninstalled tracker", {{"connection", c.id()}});
      c.send(std::string(1, teltonika::kReject));
      c.close();
      return in.size();
    }
    {
      std::lock_guard lk(mu_);
      devices_[c.id()] = tracker->id;
    }
    c.set_key(key_of(tracker->imei));
    tracker_id = tracker->id;
    Report rep;
    rep.tracker_id = tracker->id;
    rep.protocol = "teltonika";
    rep.reconnected = true;
    app_->enqueue(std::move(rep));
    c.send(std::string(1, teltonika::kAccept));
    used = h.consumed;
  }
  while (used < in.size()) {
    auto p = teltonika::parse_packet(in.substr(used), kMaxPacket);
    if (p.status == teltonika::Status::NeedMore) break;
    used += p.consumed;
    if (p.status == teltonika::Status::Bad) {
      // Not acknowledged: the device sends the records again.
      bad_packets_.fetch_add(1);
      rto::log::debug("teltonika packet dropped", {{"connection", c.id()}, {"error", p.error}});
      continue;
    }
    Report rep;
    rep.tracker_id = *tracker_id;
    rep.protocol = "teltonika";
    if (p.codec == 0x0C) {
      rep.reply_to_oldest = true;
      rep.reply_text = std::move(p.response);
      app_->enqueue(std::move(rep));
      continue;
    }
    rep.fixes.reserve(p.records.size());
    for (auto& r : p.records) {
      if (auto alarm = teltonika::alarm_of(r)) {  // its own report: a packet may carry several
        Report a;
        a.tracker_id = *tracker_id;
        a.protocol = "teltonika";
        a.alarm = std::move(alarm);
        app_->enqueue(std::move(a));
      }
      rep.fixes.push_back(std::move(r.fix));
    }
    const auto count = static_cast<std::uint32_t>(rep.fixes.size());
    app_->enqueue(std::move(rep));
    c.send(teltonika::encode_ack(count));  // after queueing: an acknowledged record has been heard
  }
  return used;
}

}  // namespace telematics
