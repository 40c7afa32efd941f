// Real-time delivery benchmark: N WebSocket clients on the gateway's /api/v1/realtime, all
// subscribed to the public `vehicles` channel; each round makes one vehicle change and
// records, per client, the time from the change to the frame's arrival.
//
//   realtime_bench --port 8090 --clients 1000 --rounds 20 --amqp URL
//       publishes a vehicle.status.changed event to the rto.events exchange itself
//       (measures broker -> hub -> 1,000 sockets)
//   realtime_bench --port 8090 --clients 1000 --rounds 20 --api TOKEN --vehicle ID
//       changes a listing's status through the gateway (POST /api/v1/vehicles/{id}/status,
//       maintenance <-> available; measures service -> outbox -> broker -> hub -> sockets)
//
// All clients run on one io_context thread; arrival stamps are taken in the read handler.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rto/crypto.hpp"
#include "rto/events.hpp"
#include "rto/http_client.hpp"
#include "rto/mq.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bws = beast::websocket;
namespace js = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8090;
  int clients = 1000;
  int rounds = 20;
  std::string amqp;
  std::string token;
  std::string vehicle;
  std::string exchange = "rto.events";
};

std::atomic<int> g_round{-1};
std::string g_marker;  // subject the current round's event carries
std::mutex g_marker_mu;

struct Client : std::enable_shared_from_this<Client> {
  explicit Client(asio::io_context& ioc) : ws(asio::make_strand(ioc)) {}
  bws::stream<beast::tcp_stream> ws;
  beast::flat_buffer buf;
  std::vector<Clock::time_point> arrived;  // per round
  bool ready = false;
  bool failed = false;

  void read() {
    ws.async_read(buf, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->failed = true;
        return;
      }
      auto now = Clock::now();
      auto data = beast::buffers_to_string(self->buf.data());
      self->buf.consume(self->buf.size());
      if (data.find("\"subscribed\"") != std::string::npos) self->ready = true;
      int r = g_round.load();
      if (r >= 0 && data.find("\"event\"") != std::string::npos) {
        std::string marker;
        {
          std::lock_guard lk(g_marker_mu);
          marker = g_marker;
        }
        if (data.find(marker) != std::string::npos && self->arrived[static_cast<std::size_t>(r)] == Clock::time_point{})
          self->arrived[static_cast<std::size_t>(r)] = now;
      }
      self->read();
    });
  }
};

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host") o.host = v;
    else if (k == "--port") o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--clients") o.clients = std::stoi(v);
    else if (k == "--rounds") o.rounds = std::stoi(v);
    else if (k == "--amqp") o.amqp = v;
    else if (k == "--api") o.token = v;
    else if (k == "--vehicle") o.vehicle = v;
    else if (k == "--exchange") o.exchange = v;
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (o.amqp.empty() && (o.token.empty() || o.vehicle.empty())) {
    std::cerr << "usage: realtime_bench [--host H] [--port P] [--clients N] [--rounds R] (--amqp URL | --api TOKEN --vehicle ID)\n";
    return 2;
  }

  asio::io_context ioc;
  std::vector<std::shared_ptr<Client>> clients;
  tcp::resolver resolver(ioc);
  auto eps = resolver.resolve(o.host, std::to_string(o.port));
  const std::string sub = R"({"op":"subscribe","channel":"vehicles"})";
  for (int i = 0; i < o.clients; ++i) {
    auto c = std::make_shared<Client>(ioc);
    c->arrived.resize(static_cast<std::size_t>(o.rounds));
    beast::get_lowest_layer(c->ws).connect(eps);
    c->ws.handshake(o.host, "/api/v1/realtime");
    c->ws.text(true);
    c->ws.write(asio::buffer(sub));
    c->read();
    clients.push_back(std::move(c));
  }
  std::thread io([&] { ioc.run(); });
  auto wait_until = [&](auto pred, std::chrono::seconds limit) {
    auto end = Clock::now() + limit;
    while (!pred() && Clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return pred();
  };
  bool all_ready = wait_until(
      [&] { return std::all_of(clients.begin(), clients.end(), [](auto& c) { return c->ready; }); },
      std::chrono::seconds(30));
  std::fprintf(stderr, "%d clients connected and subscribed%s\n", o.clients, all_ready ? "" : " (not all!)");

  std::unique_ptr<rto::mq::Connection> mq;
  std::unique_ptr<rto::http::Client> http;
  if (!o.amqp.empty()) mq = std::make_unique<rto::mq::Connection>(o.amqp);
  else http = std::make_unique<rto::http::Client>("http://" + o.host + ":" + std::to_string(o.port));

  std::vector<double> lat_ms;
  int missing = 0;
  for (int r = 0; r < o.rounds; ++r) {
    std::string marker = o.amqp.empty() ? o.vehicle : "bench-" + rto::crypto::uuid_v4();
    std::string next_status = r % 2 == 0 ? "maintenance" : "available";
    {
      std::lock_guard lk(g_marker_mu);
      g_marker = o.amqp.empty() ? "\"new_status\":\"" + next_status + "\"" : marker;
    }
    g_round = r;
    auto t0 = Clock::now();
    if (mq) {
      auto id = rto::crypto::uuid_v4();
      rto::events::Event ev{"vehicle.status.changed", marker,
                            {{"vehicle_id", marker}, {"old_status", "available"}, {"new_status", "maintenance"}}};
      mq->publish(o.exchange, ev.type, js::serialize(rto::events::envelope(id, "bench", ev, "2026-01-01T00:00:00Z")), id);
    } else {
      rto::http::Headers h;
      h.set("Authorization", "Bearer " + o.token);
      h.set("Content-Type", "application/json");
      auto res = http->send(rto::http::Method::Post, "/api/v1/vehicles/" + o.vehicle + "/status", h,
                            js::serialize(js::object{{"status", next_status}, {"reason", "benchmark"}}));
      if (res.status >= 300) {
        std::cerr << "status change failed: " << res.status << " " << res.body << "\n";
        return 1;
      }
    }
    auto ri = static_cast<std::size_t>(r);
    wait_until([&] { return std::all_of(clients.begin(), clients.end(), [&](auto& c) { return c->arrived[ri] != Clock::time_point{}; }); },
               std::chrono::seconds(5));
    g_round = -1;
    for (auto& c : clients) {
      if (c->arrived[ri] == Clock::time_point{}) ++missing;
      else lat_ms.push_back(std::chrono::duration<double, std::milli>(c->arrived[ri] - t0).count());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto n = lat_ms.size();
  double p50 = pct(lat_ms, 50), p90 = pct(lat_ms, 90), p99 = pct(lat_ms, 99), mx = lat_ms.empty() ? 0 : lat_ms.back();
  std::printf("realtime delivery: %d clients x %d rounds (%s): %zu frames, %d missing\n", o.clients, o.rounds,
              o.amqp.empty() ? "status change through the API" : "event published to the broker", n, missing);
  std::printf("  latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  (target p99 <= 50)\n", p50, p90, p99, mx);
  ioc.stop();
  io.join();
  return missing ? 1 : 0;
}
