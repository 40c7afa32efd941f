#pragma once
// The tracker simulator: N vehicles (route.hpp) with a tracker each, speaking GT06, Teltonika
// Codec 8 Extended or OsmAnd (codec.hpp) to the telematics service over plain POSIX sockets,
// all of them driven by one thread with epoll. Devices log in, report every interval (GT06 also
// sends heartbeats), obey engine-cut commands (GT06 `Relay,1#`/`Relay,0#`, Teltonika
// `setdigout 1`/`setdigout 0`) and answer them, and reconnect with back-off when the server
// closes. An optional status port answers any GET with the counters as JSON.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trackersim/codec.hpp"
#include "trackersim/route.hpp"

namespace trackersim {

enum class Protocol { Gt06, Teltonika, OsmAnd };
std::string_view to_string(Protocol p) noexcept;
std::optional<Protocol> protocol_from(std::string_view s) noexcept;  // gt06, teltonika, osmand

// One simulated tracker: its IMEI and protocol, and where and on what it rides (unset: chosen).
struct Device {
  std::string imei;
  Protocol protocol = Protocol::Gt06;
  std::optional<City> city;
  std::optional<Kind> kind;
};
// Lines `IMEI[,protocol[,city[,kind]]]`; blank lines and `#` comments skipped. Throws
// std::invalid_argument naming the line for a bad IMEI (not 15 digits with a Luhn digit) or field.
std::vector<Device> read_devices(std::istream& in, Protocol default_protocol = Protocol::Gt06);

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t gt06_port = 5023;
  std::uint16_t teltonika_port = 5027;
  std::uint16_t osmand_port = 5055;
  int vehicles = 10;                  // with generated IMEIs; a device list sets the count itself
  std::vector<Device> devices;        // from --imeis (or given by a program)
  std::string imei_base = "35900000000";  // generated IMEIs: base + i, then the Luhn digit
  std::vector<std::pair<Protocol, int>> protocols{{Protocol::Gt06, 1}};  // the mix, with weights
  std::optional<City> city;           // unset: both cities, alternately
  std::uint64_t seed = 1;
  std::chrono::milliseconds interval{10'000};
  std::chrono::milliseconds heartbeat{180'000};  // GT06 status messages between positions
  std::optional<std::chrono::milliseconds> ramp;  // first connections spread over it (default: one interval)
  std::chrono::seconds duration{0};               // 0: until stop()
  std::chrono::milliseconds stats_every{10'000};  // the stats line on stdout (0: never)
  std::uint16_t status_port = 0;                  // 0: no status endpoint
  std::string status_host = "127.0.0.1";
  std::chrono::milliseconds reconnect_min{1'000}, reconnect_max{60'000};
  std::chrono::milliseconds answer_timeout{15'000};  // connect and login answers
  // Device time and the schedule (default: the system clock). A test may pass a manual clock.
  std::function<TimePoint()> clock;
};

// Flags over environment variables over defaults; throws std::invalid_argument with a message
// for the user. `env` looks a variable up (nullptr when unset). --help sets `help`.
struct Parsed {
  Options options;
  bool help = false;
};
Parsed parse_options(const std::vector<std::string>& args, const std::function<const char*(const char*)>& env);
std::string usage();

// The fleet the options describe: devices (from the list or generated), each with a city, a
// kind and a route, deterministic for the seed.
struct Planned {
  Device device;
  City city;
  Kind kind;
  std::size_t route = 0;  // index into routes(city)
  std::uint64_t seed = 0;
};
std::vector<Planned> plan_fleet(const Options& o);

struct Stats {
  std::uint64_t vehicles = 0, connected = 0, sent = 0, acked = 0, rejected = 0, commands = 0, obeyed = 0,
                reconnects = 0, errors = 0;
};
std::string stats_line(const Stats& s);
std::string stats_json(const Stats& s);

// A position just written to the server's socket (for benchmarks and tests).
struct Sent {
  std::size_t vehicle = 0;
  std::string_view imei;
  Protocol protocol = Protocol::Gt06;
  Report report;
  std::chrono::system_clock::time_point at;  // wall clock, when written
};

struct VehicleState {
  std::string imei;
  Protocol protocol = Protocol::Gt06;
  LatLon position;
  double speed_kmh = 0;
  bool ignition = false;
  bool immobilised = false;
  bool held = false;
  bool online = false;
  Motion motion = Motion::Driving;
};

class Simulator {
 public:
  explicit Simulator(Options o);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Before start()/run(): called on the loop thread for every position written.
  void on_sent(std::function<void(const Sent&)> f);

  void start();  // the loop on a thread of its own
  int run();     // the loop on this thread, until stop() or the duration; 0 when it ended well
  void stop();   // from any thread (or a signal handler: only sets a flag)

  Stats stats() const;
  std::size_t size() const;
  // Thread-safe views and controls of one vehicle.
  VehicleState state(std::size_t i) const;
  void hold(std::size_t i, bool on);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trackersim
