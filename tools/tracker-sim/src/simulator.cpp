// The event loop: one epoll instance, one non-blocking socket per device (OsmAnd: a keep-alive
// HTTP connection opened when there is something to send), and a heap of wake-up times, one
// live entry per device (older entries are recognised by a generation number and skipped).
#include "trackersim/simulator.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <iostream>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <thread>

namespace trackersim {

namespace {

using SysClock = std::chrono::system_clock;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::uint64_t kListener = ~0ULL;
constexpr std::uint64_t kStatusTag = 1ULL << 62;  // status clients: tag | fd

enum class Link { Idle, Connecting, Handshake, Online };

struct Unit {
  std::size_t index = 0;
  Device device;
  Vehicle vehicle;
  std::uint16_t port = 0;
  int fd = -1;
  Link link = Link::Idle;
  bool online = false;  // counted in `connected`
  std::string in, out;
  bool want_write = false;
  std::uint16_t serial = 0;
  TimePoint stepped;             // the vehicle's motion is computed up to here
  TimePoint next_report{};       // the next position
  TimePoint next_heartbeat{};    // GT06
  TimePoint reconnect_at{};      // Idle: when to connect
  TimePoint deadline{};          // Connecting/Handshake: give up then
  int failures = 0;              // in a row, for the back-off
  std::deque<std::string> requests;  // OsmAnd: waiting, the front one in flight when sent
  bool in_flight = false;
  std::uint64_t generation = 0;
  Unit(std::size_t i, Device d, const Route& r, Kind k, std::uint64_t seed) : index(i), device(std::move(d)), vehicle(r, k, seed) {}
};

struct Wake {
  TimePoint at;
  std::size_t unit;
  std::uint64_t generation;
  bool operator>(const Wake& o) const { return at > o.at; }
};

std::string trim(std::string_view s) {
  while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == '\0')) s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  return std::string(s);
}

}  // namespace

struct Simulator::Impl {
  Options opt;
  std::function<TimePoint()> clock;
  std::vector<Unit> units;
  int ep = -1;
  int listener = -1;
  sockaddr_storage server{};
  socklen_t server_len = 0;
  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes;
  std::function<void(const Sent&)> sent_hook;
  mutable std::mutex mu;  // the units, while the loop works on them
  std::atomic<bool> stopping{false};
  std::thread thread;
  std::mt19937_64 rng;
  std::map<int, std::string> status_in;
  struct Counters {
    std::atomic<std::uint64_t> connected{0}, sent{0}, acked{0}, rejected{0}, commands{0}, obeyed{0}, reconnects{0}, errors{0};
  } c;

  explicit Impl(Options o) : opt(std::move(o)), rng(opt.seed * 7919 + 17) {
    clock = opt.clock ? opt.clock : [] { return SysClock::now(); };
    const auto plan = plan_fleet(opt);
    units.reserve(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) {
      const auto& p = plan[i];
      units.emplace_back(i, p.device, routes(p.city)[p.route], p.kind, p.seed);
      auto& u = units.back();
      u.port = p.device.protocol == Protocol::Gt06 ? opt.gt06_port : p.device.protocol == Protocol::Teltonika ? opt.teltonika_port : opt.osmand_port;
    }
    resolve();
  }
  ~Impl() {
    for (auto& u : units)
      if (u.fd >= 0) ::close(u.fd);
    for (auto& [fd, _] : status_in) ::close(fd);
    if (listener >= 0) ::close(listener);
    if (ep >= 0) ::close(ep);
  }

  void resolve() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(opt.host.c_str(), nullptr, &hints, &res); rc != 0 || !res)
      throw std::runtime_error("cannot resolve " + opt.host + ": " + ::gai_strerror(rc));
    std::memcpy(&server, res->ai_addr, res->ai_addrlen);
    server_len = static_cast<socklen_t>(res->ai_addrlen);
    ::freeaddrinfo(res);
  }

  // ------------------------------------------------------------------------------ scheduling
  void schedule(Unit& u) {
    TimePoint at = TimePoint::max();
    switch (u.link) {
      case Link::Idle:
        if (u.device.protocol != Protocol::OsmAnd) at = u.reconnect_at;
        else at = u.requests.empty() ? u.next_report : std::min(u.next_report, u.reconnect_at);
        break;
      case Link::Connecting:
      case Link::Handshake:
        at = u.deadline;
        if (u.device.protocol == Protocol::OsmAnd) at = std::min(at, u.next_report);
        break;
      case Link::Online:
        at = u.next_report;
        if (u.device.protocol == Protocol::Gt06) at = std::min(at, u.next_heartbeat);
        if (u.device.protocol == Protocol::OsmAnd && u.in_flight) at = std::min(at, u.deadline);
        break;
    }
    wakes.push({at, u.index, ++u.generation});
  }

  void set_online(Unit& u, bool on) {
    if (u.online == on) return;
    u.online = on;
    if (on) c.connected++;
    else c.connected--;
  }

  milliseconds backoff(Unit& u) {
    const auto base = std::min<std::int64_t>(opt.reconnect_max.count(), opt.reconnect_min.count() << std::min(u.failures, 16));
    const double jitter = std::uniform_real_distribution<double>(0.5, 1.0)(rng);
    return milliseconds(static_cast<std::int64_t>(static_cast<double>(base) * jitter));
  }

  // ------------------------------------------------------------------------------ sockets
  void watch(Unit& u, bool write) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (write ? EPOLLOUT : 0u);
    ev.data.u64 = u.index;
    if (write != u.want_write) {
      u.want_write = write;
      ::epoll_ctl(ep, EPOLL_CTL_MOD, u.fd, &ev);
    }
  }

  void connect(Unit& u, TimePoint now) {
    u.fd = ::socket(server.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (u.fd < 0) {
      c.errors++;
      u.reconnect_at = now + backoff(u);
      return;
    }
    int one = 1;
    ::setsockopt(u.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage addr = server;
    if (addr.ss_family == AF_INET) reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(u.port);
    else reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(u.port);
    const int rc = ::connect(u.fd, reinterpret_cast<sockaddr*>(&addr), server_len);
    if (rc != 0 && errno != EINPROGRESS) {
      ::close(u.fd);
      u.fd = -1;
      c.errors++;
      u.failures++;
      u.reconnect_at = now + backoff(u);
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u64 = u.index;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, u.fd, &ev);
    u.want_write = true;
    u.link = Link::Connecting;
    u.deadline = now + opt.answer_timeout;
    u.in.clear();
    u.out.clear();
  }

  // The server closed, refused or went quiet: drop the socket and try again after a while.
  void drop(Unit& u, TimePoint now, bool refused) {
    if (u.fd >= 0) {
      ::epoll_ctl(ep, EPOLL_CTL_DEL, u.fd, nullptr);
      ::close(u.fd);
    }
    u.fd = -1;
    const Link before = u.link;
    const bool was = before != Link::Idle;
    u.link = Link::Idle;
    u.want_write = false;
    u.in.clear();
    u.out.clear();
    set_online(u, false);
    if (refused) c.rejected++;
    if (u.device.protocol == Protocol::OsmAnd) {
      const bool lost = u.in_flight;  // sent again on the next connection, as the client does
      if (lost) c.errors++;
      u.in_flight = false;
      // A close after an answer is the server's idle timeout: connect again when there is
      // something to send. A failed connect, a refusal or a lost request backs off.
      if (refused || lost || before == Link::Connecting) u.failures++;
      u.reconnect_at = u.failures > 0 ? now + backoff(u) : now;
      return;
    }
    if (was) c.reconnects++;
    u.failures++;
    u.reconnect_at = now + backoff(u);
  }

  void write(Unit& u, std::string_view bytes) {
    u.out.append(bytes);
    flush(u);
  }

  void flush(Unit& u) {
    while (!u.out.empty()) {
      const auto n = ::send(u.fd, u.out.data(), u.out.size(), MSG_NOSIGNAL);
      if (n > 0) {
        u.out.erase(0, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      u.out.clear();  // the peer is gone; the read side will tell
      break;
    }
    watch(u, !u.out.empty());
  }

  // ------------------------------------------------------------------------------ devices
  Report report_of(Unit& u, TimePoint now) {
    if (now > u.stepped) {
      u.vehicle.step(std::chrono::duration<double>(now - u.stepped).count());
      u.stepped = now;
    }
    Report r;
    r.time = u.device.protocol == Protocol::Teltonika ? std::chrono::time_point_cast<milliseconds>(now)
                                                         : std::chrono::time_point_cast<std::chrono::seconds>(now);
    const auto p = u.vehicle.position();
    r.lat = p.lat;
    r.lon = p.lon;
    r.speed_kmh = u.vehicle.speed_kmh();
    r.course = u.vehicle.course();
    r.altitude_m = u.vehicle.route().city == City::Kampala ? 1190 : 1680;
    r.ignition = u.vehicle.ignition();
    r.immobilised = u.vehicle.immobilised();
    r.external_voltage = r.ignition ? 13.8 : 12.4;
    r.battery_percent = 100;
    r.odometer_m = static_cast<std::uint32_t>(u.vehicle.odometer_m());
    r.mcc = u.vehicle.route().city == City::Kampala ? 641 : 639;
    r.mnc = u.vehicle.route().city == City::Kampala ? 1 : 2;
    r.cell_id = static_cast<std::uint32_t>(0x1000 + (static_cast<std::uint32_t>(p.lat * 1000 + p.lon * 1000) & 0x7FFF));
    return r;
  }

  void send_position(Unit& u, TimePoint now) {
    const auto r = report_of(u, now);
    switch (u.device.protocol) {
      case Protocol::Gt06: write(u, gt06::location(r, ++u.serial)); break;
      case Protocol::Teltonika: write(u, teltonika::avl(r)); break;
      case Protocol::OsmAnd:
        if (u.requests.size() >= 64) u.requests.pop_front();  // the client's buffer is full: the oldest goes
        u.requests.push_back(osmand::request(opt.host, u.device.imei, r));
        if (u.link == Link::Online && !u.in_flight) send_request(u, now);
        break;
    }
    c.sent++;
    if (sent_hook) sent_hook(Sent{u.index, u.device.imei, u.device.protocol, r, SysClock::now()});
  }

  void send_request(Unit& u, TimePoint now) {
    if (u.requests.empty()) return;
    u.in_flight = true;
    u.deadline = now + opt.answer_timeout;
    write(u, u.requests.front());
  }

  void logged_in(Unit& u, TimePoint now) {
    u.link = Link::Online;
    u.failures = 0;
    set_online(u, true);
    // Like a device: a position at once, then every interval.
    if (u.next_report == TimePoint{} || u.next_report < now) u.next_report = now;
    u.next_heartbeat = now + opt.heartbeat;
  }

  void on_connected(Unit& u, TimePoint now) {
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(u.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      c.errors++;
      drop(u, now, false);
      return;
    }
    u.deadline = now + opt.answer_timeout;
    switch (u.device.protocol) {
      case Protocol::Gt06:
        u.link = Link::Handshake;
        write(u, gt06::login(u.device.imei, ++u.serial));
        break;
      case Protocol::Teltonika:
        u.link = Link::Handshake;
        write(u, teltonika::handshake(u.device.imei));
        break;
      case Protocol::OsmAnd:
        u.link = Link::Online;
        watch(u, false);
        send_request(u, now);
        break;
    }
  }

  // An engine command: obeyed at once, answered, then a position showing the result.
  std::string obey(Unit& u, std::string_view text, TimePoint now) {
    c.commands++;
    const auto t = trim(text);
    report_of(u, now);  // the motion up to now, before the relay changes it
    std::optional<bool> cut;
    if (u.device.protocol == Protocol::Gt06) {
      if (t == gt06::kEngineStop) cut = true;
      else if (t == gt06::kEngineResume) cut = false;
    } else if (t.rfind("setdigout ", 0) == 0 && t.size() > 10) {
      if (t[10] == '1') cut = true;
      else if (t[10] == '0') cut = false;
    }
    if (!cut) {
      return u.device.protocol == Protocol::Gt06 ? "Command error: unknown command" : "Unknown command, error";
    }
    u.vehicle.immobilise(*cut);
    c.obeyed++;
    if (u.device.protocol == Protocol::Gt06) return *cut ? "Cut off the fuel supply: Success!" : "Restore fuel supply: Success!";
    return *cut ? "DOUT1:1 Timeout:INFINITY" : "DOUT1:0 Timeout:INFINITY";
  }

  void read_gt06(Unit& u, TimePoint now) {
    for (;;) {
      auto m = gt06::read(u.in);
      if (m.status == gt06::Incoming::Status::NeedMore) return;
      u.in.erase(0, m.consumed);
      if (m.status == gt06::Incoming::Status::Bad) {
        c.errors++;
        continue;
      }
      if (m.protocol == gt06::kLogin && u.link == Link::Handshake) {
        logged_in(u, now);
      } else if (m.protocol == gt06::kCommand) {
        const auto answer = obey(u, m.text, now);
        write(u, gt06::command_reply(m.server_flag, answer, ++u.serial));
        send_position(u, now);
      } else if (m.protocol == gt06::kLocation) {
        c.acked++;
      }
    }
  }

  void read_teltonika(Unit& u, TimePoint now) {
    if (u.link == Link::Handshake) {
      if (u.in.empty()) return;
      const char answer = u.in[0];
      u.in.erase(0, 1);
      if (answer != '\x01') {
        drop(u, now, true);
        return;
      }
      logged_in(u, now);
    }
    for (;;) {
      auto m = teltonika::read(u.in);
      if (m.kind == teltonika::Incoming::Kind::NeedMore) return;
      u.in.erase(0, m.consumed);
      if (m.kind == teltonika::Incoming::Kind::Bad) c.errors++;
      else if (m.kind == teltonika::Incoming::Kind::Ack) c.acked += m.records;
      else {
        const auto answer = obey(u, m.text, now);
        write(u, teltonika::codec12_response(answer));
        send_position(u, now);
      }
    }
  }

  void read_osmand(Unit& u, TimePoint now) {
    for (;;) {
      auto r = osmand::read(u.in);
      if (r.status == osmand::Response::Status::NeedMore) return;
      u.in.erase(0, r.consumed);
      if (r.status == osmand::Response::Status::Bad) {
        c.errors++;
        drop(u, now, false);
        return;
      }
      if (!u.requests.empty() && u.in_flight) u.requests.pop_front();
      u.in_flight = false;
      if (r.code == 200) {
        c.acked++;
        u.failures = 0;
        set_online(u, true);
      } else {
        c.rejected++;  // 400 malformed, 404 unknown device
        set_online(u, false);
      }
      if (r.close) {
        drop(u, now, false);
        return;
      }
      send_request(u, now);
    }
  }

  void on_readable(Unit& u, TimePoint now) {
    char buf[16 * 1024];
    for (;;) {
      const auto n = ::recv(u.fd, buf, sizeof buf, 0);
      if (n > 0) {
        u.in.append(buf, static_cast<std::size_t>(n));
        if (static_cast<std::size_t>(n) < sizeof buf) break;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      // Closed. What arrived before the close still counts (e.g. an HTTP answer with close).
      if (!u.in.empty()) dispatch(u, now);
      if (u.fd >= 0) drop(u, now, u.link == Link::Handshake);
      return;
    }
    dispatch(u, now);
  }

  void dispatch(Unit& u, TimePoint now) {
    if (u.fd < 0) return;
    switch (u.device.protocol) {
      case Protocol::Gt06: read_gt06(u, now); break;
      case Protocol::Teltonika: read_teltonika(u, now); break;
      case Protocol::OsmAnd: read_osmand(u, now); break;
    }
  }

  // Whatever is due for this device at `now`.
  void on_timer(Unit& u, TimePoint now) {
    switch (u.link) {
      case Link::Idle:
        if (u.device.protocol == Protocol::OsmAnd) {
          if (now >= u.next_report) {
            send_position(u, now);  // queued until connected
            u.next_report = std::max(u.next_report + opt.interval, now);
          }
          if (!u.requests.empty() && now >= u.reconnect_at) connect(u, now);
        } else if (now >= u.reconnect_at) {
          connect(u, now);
        }
        break;
      case Link::Connecting:
      case Link::Handshake:
        if (u.device.protocol == Protocol::OsmAnd && now >= u.next_report) {
          send_position(u, now);
          u.next_report = std::max(u.next_report + opt.interval, now);
        }
        if (now >= u.deadline) {
          c.errors++;
          drop(u, now, false);
        }
        break;
      case Link::Online:
        if (u.device.protocol == Protocol::OsmAnd && u.in_flight && now >= u.deadline) {
          c.errors++;
          drop(u, now, false);
          break;
        }
        if (now >= u.next_report) {
          send_position(u, now);
          u.next_report += opt.interval;
          if (u.next_report <= now) u.next_report = now + opt.interval;  // fell behind (a jump of the clock)
        }
        if (u.device.protocol == Protocol::Gt06 && now >= u.next_heartbeat) {
          write(u, gt06::heartbeat(report_of(u, now), ++u.serial));
          u.next_heartbeat = now + opt.heartbeat;
        }
        break;
    }
  }

  // ------------------------------------------------------------------------------ status port
  void open_listener() {
    if (opt.status_port == 0) return;
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(opt.status_port);
    if (::inet_pton(AF_INET, opt.status_host.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listener, 64) != 0)
      throw std::runtime_error("status port " + std::to_string(opt.status_port) + ": " + std::strerror(errno));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListener;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  }

  void on_status(std::uint64_t tag) {
    if (tag == kListener) {
      for (;;) {
        const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = kStatusTag | static_cast<std::uint64_t>(fd);
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        status_in[fd];
      }
    }
    const int fd = static_cast<int>(tag & ~kStatusTag);
    char buf[2048];
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    auto& in = status_in[fd];
    if (n > 0) in.append(buf, static_cast<std::size_t>(n));
    if (n > 0 && in.find("\r\n\r\n") == std::string::npos && in.size() < 8192) return;
    if (n > 0) {
      const auto body = stats_json(snapshot()) + "\n";
      const auto head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                        "\r\nConnection: close\r\n\r\n";
      const auto all = head + body;
      [[maybe_unused]] auto w = ::send(fd, all.data(), all.size(), MSG_NOSIGNAL);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    }
    ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    status_in.erase(fd);
  }

  Stats snapshot() const {
    Stats s;
    s.vehicles = units.size();
    s.connected = c.connected;
    s.sent = c.sent;
    s.acked = c.acked;
    s.rejected = c.rejected;
    s.commands = c.commands;
    s.obeyed = c.obeyed;
    s.reconnects = c.reconnects;
    s.errors = c.errors;
    return s;
  }

  // ------------------------------------------------------------------------------ the loop
  int loop() {
    ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) throw std::runtime_error(std::string("epoll: ") + std::strerror(errno));
    open_listener();
    const auto start = clock();
    const auto ramp = opt.ramp.value_or(opt.interval);
    {
      std::lock_guard lk(mu);
      for (auto& u : units) {
        // Spread over the ramp, evenly (a seed-independent order keeps runs comparable).
        const auto offset = units.size() > 1 ? ramp * static_cast<std::int64_t>(u.index) / static_cast<std::int64_t>(units.size()) : milliseconds(0);
        u.stepped = start;
        u.reconnect_at = start + offset;
        u.next_report = u.device.protocol == Protocol::OsmAnd ? start + offset : TimePoint{};
        schedule(u);
      }
    }
    const auto began = Steady::now();
    auto next_stats = began + opt.stats_every;
    std::vector<epoll_event> events(1024);
    while (!stopping.load()) {
      if (opt.duration.count() > 0 && Steady::now() - began >= opt.duration) break;
      int timeout = 50;
      if (!wakes.empty()) {
        const auto until = std::chrono::duration_cast<milliseconds>(wakes.top().at - clock()).count();
        timeout = static_cast<int>(std::clamp<std::int64_t>(until, 0, 50));
      }
      const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout);
      if (n < 0 && errno != EINTR) throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
      std::lock_guard lk(mu);
      const auto now = clock();
      for (int i = 0; i < n; ++i) {
        const auto tag = events[static_cast<std::size_t>(i)].data.u64;
        if (tag == kListener || (tag & kStatusTag)) {
          on_status(tag);
          continue;
        }
        auto& u = units[tag];
        const auto ev = events[static_cast<std::size_t>(i)].events;
        if (u.fd < 0) continue;
        if (u.link == Link::Connecting) {
          if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(u, now);
        } else {
          if (ev & EPOLLOUT) flush(u);
          if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(u, now);
        }
        schedule(u);
      }
      while (!wakes.empty() && wakes.top().at <= now) {
        const auto w = wakes.top();
        wakes.pop();
        auto& u = units[w.unit];
        if (w.generation != u.generation) continue;
        on_timer(u, now);
        schedule(u);
      }
      if (opt.stats_every.count() > 0 && Steady::now() >= next_stats) {
        std::cout << stats_line(snapshot()) << std::endl;
        next_stats += opt.stats_every;
      }
    }
    if (opt.stats_every.count() > 0) std::cout << stats_line(snapshot()) << std::endl;
    return 0;
  }
};

Simulator::Simulator(Options o) : impl_(std::make_unique<Impl>(std::move(o))) {}
Simulator::~Simulator() { stop(); }

void Simulator::on_sent(std::function<void(const Sent&)> f) { impl_->sent_hook = std::move(f); }

void Simulator::start() {
  impl_->thread = std::thread([this] {
    try {
      impl_->loop();
    } catch (const std::exception& e) {
      std::cerr << "tracker-sim: " << e.what() << std::endl;
    }
  });
}

int Simulator::run() { return impl_->loop(); }

void Simulator::stop() {
  impl_->stopping = true;
  if (impl_->thread.joinable() && impl_->thread.get_id() != std::this_thread::get_id()) impl_->thread.join();
}

Stats Simulator::stats() const { return impl_->snapshot(); }
std::size_t Simulator::size() const { return impl_->units.size(); }

VehicleState Simulator::state(std::size_t i) const {
  std::lock_guard lk(impl_->mu);
  auto& u = impl_->units.at(i);
  VehicleState s;
  s.imei = u.device.imei;
  s.protocol = u.device.protocol;
  s.position = u.vehicle.position();
  s.speed_kmh = u.vehicle.speed_kmh();
  s.ignition = u.vehicle.ignition();
  s.immobilised = u.vehicle.immobilised();
  s.held = u.vehicle.held();
  s.online = u.online;
  s.motion = u.vehicle.motion();
  return s;
}

void Simulator::hold(std::size_t i, bool on) {
  std::lock_guard lk(impl_->mu);
  auto& u = impl_->units.at(i);
  impl_->report_of(u, impl_->clock());  // the motion up to now first
  u.vehicle.hold(on);
}

}  // namespace trackersim
