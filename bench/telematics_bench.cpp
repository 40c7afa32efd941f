// GT06 at scale: N simulated trackers (tools/tracker-sim, one epoll thread) each hold a TCP
// connection to the telematics service and report a position every interval; one staff client
// on the gateway's `fleet` WebSocket channel receives the `telematics.position.updated` events.
// Records, over a measuring window once every tracker is connected, the service's CPU (from
// /proc/<pid>/stat) and RSS, and the latency from a position's write on the tracker's socket to
// its event's arrival on the WebSocket (p50/p90/p99/max). Started by bench/telematics.sh, which
// runs the service and a gateway on the test infrastructure.
//
//   telematics_bench --service-url http://127.0.0.1:P --gateway-port P --gt06-port P --vehicle-port P
//                    --service-pid PID [--gateway-pid PID] [--vehicles 10000] [--interval-ms 30000]
//                    [--measure-s 120] [--imei-base 35711000000] [--register-threads 4]
// Environment: JWT_PRIVATE_KEY, JWT_PUBLIC_KEYS, SERVICE_TOKEN_SECRET (the test secrets): the
// bench signs its own staff token, as the user service would.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "rto/auth.hpp"
#include "rto/clock.hpp"
#include "rto/http_client.hpp"
#include "rto/service.hpp"
#include "rto/ws_client.hpp"
#include "trackersim/simulator.hpp"

namespace js = boost::json;
using namespace std::chrono;

namespace {

struct Options {
  std::string service_url;
  std::uint16_t gateway_port = 0, gt06_port = 0;
  std::uint16_t vehicle_port = 0;  // the vehicle service's stand-in, asked on every install
  int service_pid = 0, gateway_pid = 0;
  int vehicles = 10000;
  milliseconds interval{30000};
  seconds measure{120};
  std::string imei_base = "35711000000";
  int register_threads = 4;
};

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) throw std::runtime_error(std::string(name) + " is not set");
  return v;
}

// user + system CPU of a process, in seconds; and its resident set in MB.
double cpu_seconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), {});
  const auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}
double rss_mb(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// "2026-12-08T00:53:07.123Z" (rto::to_rfc3339) as a time point.
system_clock::time_point parse_time(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &ms) < 6) return {};
  return sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} + hours{h} + minutes{mi} +
         seconds{sec} + milliseconds{ms};
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string vehicle_id(int i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "b3c0a000-0000-4000-8000-%012d", i);
  return buf;
}

// Registers and installs the trackers on the service directly (no rate limits in the way).
void register_trackers(const Options& o, const std::vector<std::string>& imeis, const std::string& token) {
  std::atomic<int> next{0}, failed{0};
  auto worker = [&] {
    rto::http::Client http(o.service_url);
    rto::http::Headers h;
    h.set("Authorization", "Bearer " + token);
    h.set("Content-Type", "application/json");
    for (int i = next++; i < static_cast<int>(imeis.size()); i = next++) {
      auto r = http.send(rto::http::Method::Post, "/api/v1/telematics/trackers", h,
                         js::serialize(js::object{{"imei", imeis[static_cast<std::size_t>(i)]}, {"protocol", "gt06"},
                                                  {"phone", "+256772123456"}, {"model", "GT06N"}}));
      if (r.status != 201) {
        if (failed++ < 3) std::cerr << "register " << imeis[static_cast<std::size_t>(i)] << ": " << r.status << " " << r.body << "\n";
        continue;
      }
      const auto id = js::parse(r.body).as_object().at("id").as_string();
      auto in = http.send(rto::http::Method::Post, "/api/v1/telematics/trackers/" + std::string(id) + "/install", h,
                          js::serialize(js::object{{"vehicle_id", vehicle_id(i)}}));
      if (in.status != 200 && failed++ < 3) std::cerr << "install: " << in.status << " " << in.body << "\n";
    }
  };
  std::vector<std::thread> ts;
  for (int t = 0; t < o.register_threads; ++t) ts.emplace_back(worker);
  for (auto& t : ts) t.join();
  if (failed > 0) throw std::runtime_error(std::to_string(failed.load()) + " trackers not registered or installed");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--service-url") o.service_url = v;
    else if (k == "--gateway-port") o.gateway_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--gt06-port") o.gt06_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--vehicle-port") o.vehicle_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--service-pid") o.service_pid = std::stoi(v);
    else if (k == "--gateway-pid") o.gateway_pid = std::stoi(v);
    else if (k == "--vehicles") o.vehicles = std::stoi(v);
    else if (k == "--interval-ms") o.interval = milliseconds(std::stoll(v));
    else if (k == "--measure-s") o.measure = seconds(std::stoll(v));
    else if (k == "--imei-base") o.imei_base = v;
    else if (k == "--register-threads") o.register_threads = std::stoi(v);
    else {
      std::cerr << "unknown option " << k << "\n";
      return 2;
    }
  }
  if (o.service_url.empty() || !o.gateway_port || !o.gt06_port || !o.service_pid || !o.vehicle_port) {
    std::cerr << "usage: telematics_bench --service-url URL --gateway-port P --gt06-port P --vehicle-port P --service-pid PID\n"
                 "                        [--gateway-pid PID]\n"
                 "                        [--vehicles N] [--interval-ms MS] [--measure-s S] [--imei-base DIGITS]\n";
    return 2;
  }
  try {
    rto::auth::Tokens tokens(rto::auth::AccessKeys::parse(env("JWT_PRIVATE_KEY"), env("JWT_PUBLIC_KEYS")),
                             env("SERVICE_TOKEN_SECRET"), "rto", hours(6));
    const auto token = tokens.issue_access("00000000-0000-4000-8000-0000000be4c4", {"admin"});

    // The vehicle service's stand-in: the service asks it whether each vehicle exists on install.
    rto::config::Common vc;
    vc.service = "vehicle-service";
    vc.host = "127.0.0.1";
    vc.port = o.vehicle_port;
    vc.jwt_public_keys = env("JWT_PUBLIC_KEYS");
    vc.service_token_secret = env("SERVICE_TOKEN_SECRET");
    vc.log_level = "warn";
    rto::Service vehicle_service(vc);
    vehicle_service.router().get("/internal/vehicles/{id}", rto::http::Access::service(), [](rto::http::Request& req) {
      return rto::http::Response::json(js::object{{"id", std::string(req.param("id"))}, {"status", "leased"}});
    });
    vehicle_service.start_in_background();

    std::vector<std::string> imeis, vehicles;
    for (int i = 0; i < o.vehicles; ++i) {
      imeis.push_back(trackersim::imei_from(o.imei_base, static_cast<std::uint64_t>(i)));
      vehicles.push_back(vehicle_id(i));
    }
    const auto r0 = steady_clock::now();
    register_trackers(o, imeis, token);
    std::fprintf(stderr, "%d trackers registered and installed in %.1f s\n", o.vehicles,
                 duration<double>(steady_clock::now() - r0).count());

    // The staff client on the fleet channel.
    rto::testing::WsClient ws;
    if (int st = ws.connect("127.0.0.1", o.gateway_port, "/api/v1/realtime"); st != 101)
      throw std::runtime_error("WebSocket handshake answered " + std::to_string(st));
    ws.send(js::serialize(js::object{{"op", "auth"}, {"token", token}}));
    ws.send(R"({"op":"subscribe","channel":"fleet"})");
    for (;;) {
      auto f = ws.receive(seconds(5));
      if (!f) throw std::runtime_error("no answer to the fleet subscription");
      if (f->find("\"subscribed\"") != std::string::npos) break;
      if (f->find("\"error\"") != std::string::npos) throw std::runtime_error("subscription refused: " + *f);
    }

    // Positions written, by vehicle and device time; matched by the WebSocket reader.
    std::mutex mu;
    std::unordered_map<std::string, system_clock::time_point> pending;
    std::vector<double> latencies_ms, ingest_ms, delivery_ms;  // whole way; write -> event made; event made -> WebSocket
    std::atomic<bool> measuring{false}, done{false};
    std::atomic<std::uint64_t> sent_in_window{0}, events{0}, unmatched{0};

    trackersim::Options so;
    so.host = "127.0.0.1";
    so.gt06_port = o.gt06_port;
    so.vehicles = o.vehicles;
    so.imei_base = o.imei_base;
    so.protocols = {{trackersim::Protocol::Gt06, 1}};
    so.interval = o.interval;
    so.ramp = o.interval;
    so.heartbeat = minutes(3);
    so.stats_every = seconds(10);
    so.seed = 2026;
    trackersim::Simulator sim(so);
    sim.on_sent([&](const trackersim::Sent& s) {
      if (!measuring) return;
      sent_in_window++;
      std::lock_guard lk(mu);
      pending[vehicles[s.vehicle] + "|" + rto::to_rfc3339(s.report.time)] = s.at;
    });

    std::thread reader([&] {
      while (!done) {
        auto f = ws.receive(milliseconds(200));
        if (!f) {
          if (!ws.is_open()) {
            std::cerr << "the WebSocket closed (code " << ws.close_code() << ")\n";
            return;
          }
          continue;
        }
        const auto arrived = system_clock::now();
        if (f->find("telematics.position.updated") == std::string::npos) continue;
        events++;
        auto v = js::parse(*f);
        const auto& data = v.as_object().at("event").as_object().at("data").as_object();
        const auto key = std::string(data.at("vehicle_id").as_string()) + "|" + std::string(data.at("device_time").as_string());
        std::lock_guard lk(mu);
        auto it = pending.find(key);
        if (it == pending.end()) {
          if (measuring) unmatched++;
          continue;
        }
        latencies_ms.push_back(duration<double, std::milli>(arrived - it->second).count());
        // The event's time is when the service wrote the position and its event (one transaction).
        if (const auto made = parse_time(std::string(v.as_object().at("event").as_object().at("time").as_string()));
            made != system_clock::time_point{}) {
          ingest_ms.push_back(duration<double, std::milli>(made - it->second).count());
          delivery_ms.push_back(duration<double, std::milli>(arrived - made).count());
        }
        pending.erase(it);
      }
    });

    sim.start();
    const auto c0 = steady_clock::now();
    while (sim.stats().connected < static_cast<std::uint64_t>(o.vehicles) && steady_clock::now() - c0 < o.interval + seconds(60))
      std::this_thread::sleep_for(milliseconds(200));
    const auto connected = sim.stats().connected;
    std::fprintf(stderr, "%llu of %d trackers connected after %.1f s\n", static_cast<unsigned long long>(connected), o.vehicles,
                 duration<double>(steady_clock::now() - c0).count());
    // One more interval so that every tracker is past its login burst, then measure.
    std::this_thread::sleep_for(o.interval / 2);

    const auto load_before = loadavg();
    const auto before = sim.stats();
    const double cpu0 = cpu_seconds(o.service_pid), gcpu0 = o.gateway_pid ? cpu_seconds(o.gateway_pid) : 0,
                 self0 = cpu_seconds(static_cast<int>(::getpid()));
    const auto t0 = steady_clock::now();
    measuring = true;
    double rss_max = 0, rss_sum = 0;
    int rss_n = 0;
    while (steady_clock::now() - t0 < o.measure) {
      std::this_thread::sleep_for(seconds(1));
      const double r = rss_mb(o.service_pid);
      rss_max = std::max(rss_max, r);
      rss_sum += r;
      ++rss_n;
    }
    measuring = false;
    const double wall = duration<double>(steady_clock::now() - t0).count();
    const double cpu = cpu_seconds(o.service_pid) - cpu0;
    const double gcpu = o.gateway_pid ? cpu_seconds(o.gateway_pid) - gcpu0 : 0;
    const double self = cpu_seconds(static_cast<int>(::getpid())) - self0;
    const auto after = sim.stats();
    // The last events of the window still on their way.
    std::this_thread::sleep_for(seconds(5));
    done = true;
    reader.join();
    sim.stop();

    std::lock_guard lk(mu);
    const auto missing = pending.size();
    auto lat = latencies_ms;
    const double p50 = pct(lat, 50), p90 = pct(lat, 90), p99 = pct(lat, 99), mx = lat.empty() ? 0 : lat.back();
    const double rate = static_cast<double>(after.sent - before.sent) / wall;
    std::printf("GT06 at scale: %d trackers, a position every %lld ms each; %llu connected; measured %.0f s\n", o.vehicles,
                static_cast<long long>(o.interval.count()), static_cast<unsigned long long>(connected), wall);
    std::printf("  positions: %.1f/s written, %llu acknowledged of %llu in the window; reconnects %llu, errors %llu\n", rate,
                static_cast<unsigned long long>(after.acked - before.acked), static_cast<unsigned long long>(after.sent - before.sent),
                static_cast<unsigned long long>(after.reconnects), static_cast<unsigned long long>(after.errors));
    std::printf("  telematics-service: CPU %.1f%% of one core (%.2f ms a position), RSS avg %.1f MB, max %.1f MB\n",
                100.0 * cpu / wall, rate > 0 ? 1000.0 * cpu / wall / rate : 0.0, rss_n ? rss_sum / rss_n : 0.0, rss_max);
    if (o.gateway_pid) std::printf("  api-gateway: CPU %.1f%% of one core\n", 100.0 * gcpu / wall);
    std::printf("  this process (the simulator's epoll thread and the WebSocket reader): CPU %.1f%% of one core\n", 100.0 * self / wall);
    std::printf("  position -> fleet WebSocket: %zu events matched, %zu missing, %llu others; latency ms p50 %.0f  p90 %.0f  p99 %.0f  max %.0f  (target p99 <= 1000)\n",
                lat.size(), missing, static_cast<unsigned long long>(unmatched.load()), p50, p90, p99, mx);
    std::printf("    of which: position written -> event made (the service's ingest) p50 %.0f  p99 %.0f;"
                " event made -> WebSocket (outbox relay, broker, gateway) p50 %.0f  p99 %.0f\n",
                pct(ingest_ms, 50), pct(ingest_ms, 99), pct(delivery_ms, 50), pct(delivery_ms, 99));
    std::printf("  load average: %s at the start of the window, %s at its end (2 cores)\n", load_before.c_str(), loadavg().c_str());
    std::printf("{\"trackers\":%d,\"connected\":%llu,\"interval_ms\":%lld,\"positions_per_s\":%.1f,\"service_cpu_percent\":%.1f,"
                "\"service_rss_max_mb\":%.1f,\"gateway_cpu_percent\":%.1f,\"events\":%zu,\"missing\":%zu,\"p50_ms\":%.0f,"
                "\"p90_ms\":%.0f,\"p99_ms\":%.0f,\"max_ms\":%.0f}\n",
                o.vehicles, static_cast<unsigned long long>(connected), static_cast<long long>(o.interval.count()), rate,
                100.0 * cpu / wall, rss_max, 100.0 * gcpu / wall, lat.size(), missing, p50, p90, p99, mx);
    return connected == static_cast<std::uint64_t>(o.vehicles) && missing == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "telematics_bench: " << e.what() << "\n";
    return 1;
  }
}
