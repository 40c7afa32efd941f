// Options, the device list and the fleet plan.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <istream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "trackersim/simulator.hpp"

namespace trackersim {

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  for (;;) {
    const auto next = s.find(sep, at);
    out.push_back(trim(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at)));
    if (next == std::string_view::npos) break;
    at = next + 1;
  }
  return out;
}

long long integer(const std::string& name, const std::string& v, long long lo, long long hi) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty() || n < lo || n > hi)
    throw std::invalid_argument(name + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" + v + "'");
  return n;
}

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

std::string_view to_string(Protocol p) noexcept {
  switch (p) {
    case Protocol::Gt06: return "gt06";
    case Protocol::Teltonika: return "teltonika";
    case Protocol::OsmAnd: return "osmand";
  }
  return "gt06";
}

std::optional<Protocol> protocol_from(std::string_view s) noexcept {
  std::string l(s);
  for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (l == "gt06") return Protocol::Gt06;
  if (l == "teltonika") return Protocol::Teltonika;
  if (l == "osmand") return Protocol::OsmAnd;
  return std::nullopt;
}

std::vector<Device> read_devices(std::istream& in, Protocol default_protocol) {
  std::vector<Device> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const auto hash = line.find('#');
    const auto text = trim(std::string_view(line).substr(0, hash));
    if (text.empty()) continue;
    const auto fields = split(text, ',');
    const auto where = "line " + std::to_string(n) + ": ";
    Device d;
    d.imei = fields[0];
    if (!valid_imei(d.imei)) throw std::invalid_argument(where + "'" + d.imei + "' is not an IMEI (15 digits, the last a Luhn check digit)");
    d.protocol = default_protocol;
    if (fields.size() > 1 && !fields[1].empty()) {
      auto p = protocol_from(fields[1]);
      if (!p) throw std::invalid_argument(where + "unknown protocol '" + fields[1] + "' (gt06, teltonika, osmand)");
      d.protocol = *p;
    }
    if (fields.size() > 2 && !fields[2].empty()) {
      d.city = city_from(fields[2]);
      if (!d.city) throw std::invalid_argument(where + "unknown city '" + fields[2] + "' (kampala, nairobi)");
    }
    if (fields.size() > 3 && !fields[3].empty()) {
      d.kind = kind_from(fields[3]);
      if (!d.kind) throw std::invalid_argument(where + "unknown vehicle kind '" + fields[3] + "' (motorcycle, tuk-tuk, car)");
    }
    if (fields.size() > 4) throw std::invalid_argument(where + "expected IMEI[,protocol[,city[,kind]]]");
    out.push_back(std::move(d));
  }
  return out;
}

std::string usage() {
  return "usage: tracker-sim [options]   (each option also from the environment variable in brackets)\n"
         "  --host H              the telematics service's host [TRACKER_HOST, 127.0.0.1]\n"
         "  --gt06-port P         GT06 TCP port [GT06_PORT, 5023]\n"
         "  --teltonika-port P    Teltonika TCP port [TELTONIKA_PORT, 5027]\n"
         "  --osmand-port P       OsmAnd HTTP port [OSMAND_PORT, 5055]\n"
         "  --vehicles N          vehicles with generated IMEIs [SIM_VEHICLES, 10]\n"
         "  --imeis FILE          one IMEI[,protocol[,city[,kind]]] a line instead [SIM_IMEIS]\n"
         "  --imei-base DIGITS    generated IMEIs count up from it, Luhn digit added [SIM_IMEI_BASE, 35900000000]\n"
         "  --protocols LIST      the mix, e.g. gt06,teltonika,osmand or gt06:8,teltonika:1,osmand:1 [SIM_PROTOCOLS, gt06]\n"
         "  --interval-ms MS      a position every MS per vehicle [SIM_INTERVAL_MS, 10000]\n"
         "  --heartbeat-ms MS     GT06 heartbeats [SIM_HEARTBEAT_MS, 180000]\n"
         "  --ramp-ms MS          first connections spread over MS [SIM_RAMP_MS, one interval]\n"
         "  --city C              kampala, nairobi or both [SIM_CITY, both]\n"
         "  --seed N              the same fleet and routes for the same seed [SIM_SEED, 1]\n"
         "  --duration S          stop after S seconds, 0 = run until stopped [SIM_DURATION_S, 0]\n"
         "  --stats-ms MS         a stats line every MS, 0 = none [SIM_STATS_MS, 10000]\n"
         "  --status-port P       answer GET on P with the counters as JSON, 0 = off [PORT, 0]\n"
         "  --help\n";
}

Parsed parse_options(const std::vector<std::string>& args, const std::function<const char*(const char*)>& env) {
  // Flags first, the environment where a flag is absent.
  std::map<std::string, std::string> flags;
  Parsed p;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string k = args[i];
    if (k == "--help" || k == "-h") {
      p.help = true;
      return p;
    }
    if (k.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + k + "'");
    std::string v;
    if (auto eq = k.find('='); eq != std::string::npos) {
      v = k.substr(eq + 1);
      k = k.substr(0, eq);
    } else {
      if (i + 1 >= args.size()) throw std::invalid_argument(k + " needs a value");
      v = args[++i];
    }
    flags[k.substr(2)] = v;
  }
  static const std::vector<std::pair<std::string, const char*>> names = {
      {"host", "TRACKER_HOST"},          {"gt06-port", "GT06_PORT"},       {"teltonika-port", "TELTONIKA_PORT"},
      {"osmand-port", "OSMAND_PORT"},    {"vehicles", "SIM_VEHICLES"},     {"imeis", "SIM_IMEIS"},
      {"imei-base", "SIM_IMEI_BASE"},    {"protocols", "SIM_PROTOCOLS"},   {"interval-ms", "SIM_INTERVAL_MS"},
      {"heartbeat-ms", "SIM_HEARTBEAT_MS"}, {"ramp-ms", "SIM_RAMP_MS"},    {"city", "SIM_CITY"},
      {"seed", "SIM_SEED"},              {"duration", "SIM_DURATION_S"},   {"stats-ms", "SIM_STATS_MS"},
      {"status-port", "PORT"},
  };
  for (const auto& [k, _] : flags)
    if (std::none_of(names.begin(), names.end(), [&](const auto& n) { return n.first == k; }))
      throw std::invalid_argument("unknown option --" + k + "\n" + usage());
  auto value = [&](const std::string& name) -> std::optional<std::string> {
    if (auto it = flags.find(name); it != flags.end()) return it->second;
    for (const auto& [n, var] : names)
      if (n == name)
        if (const char* e = env ? env(var) : nullptr; e && *e) return std::string(e);
    return std::nullopt;
  };
  auto& o = p.options;
  auto port = [&](const std::string& name, std::uint16_t& out) {
    if (auto v = value(name)) out = static_cast<std::uint16_t>(integer("--" + name, *v, 0, 65535));
  };
  if (auto v = value("host")) o.host = *v;
  port("gt06-port", o.gt06_port);
  port("teltonika-port", o.teltonika_port);
  port("osmand-port", o.osmand_port);
  port("status-port", o.status_port);
  if (auto v = value("vehicles")) o.vehicles = static_cast<int>(integer("--vehicles", *v, 1, 1'000'000));
  if (auto v = value("imei-base")) {
    o.imei_base = *v;
    imei_from(o.imei_base, 0);  // checks it
  }
  if (auto v = value("protocols")) {
    o.protocols.clear();
    for (const auto& item : split(*v, ',')) {
      const auto colon = item.find(':');
      auto proto = protocol_from(trim(item.substr(0, colon)));
      if (!proto) throw std::invalid_argument("--protocols: unknown protocol '" + item + "' (gt06, teltonika, osmand)");
      int weight = colon == std::string::npos ? 1 : static_cast<int>(integer("--protocols weight", trim(item.substr(colon + 1)), 0, 1000000));
      o.protocols.emplace_back(*proto, weight);
    }
    if (std::all_of(o.protocols.begin(), o.protocols.end(), [](const auto& w) { return w.second == 0; }))
      throw std::invalid_argument("--protocols: give at least one protocol a weight");
  }
  if (auto v = value("imeis")) {
    std::ifstream f(*v);
    if (!f) throw std::invalid_argument("--imeis: cannot read " + *v);
    try {
      o.devices = read_devices(f, o.protocols.front().first);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("--imeis " + *v + ": " + e.what());
    }
    if (o.devices.empty()) throw std::invalid_argument("--imeis " + *v + ": no devices in it");
    o.vehicles = static_cast<int>(o.devices.size());
  }
  auto ms = [&](const std::string& name, long long lo) -> std::optional<std::chrono::milliseconds> {
    if (auto v = value(name)) return std::chrono::milliseconds(integer("--" + name, *v, lo, 86'400'000));
    return std::nullopt;
  };
  if (auto v = ms("interval-ms", 100)) o.interval = *v;
  if (auto v = ms("heartbeat-ms", 1000)) o.heartbeat = *v;
  if (auto v = ms("ramp-ms", 0)) o.ramp = *v;
  if (auto v = ms("stats-ms", 0)) o.stats_every = *v;
  if (auto v = value("city")) {
    if (*v == "both" || *v == "all") o.city.reset();
    else {
      o.city = city_from(*v);
      if (!o.city) throw std::invalid_argument("--city: kampala, nairobi or both, got '" + *v + "'");
    }
  }
  if (auto v = value("seed")) o.seed = static_cast<std::uint64_t>(integer("--seed", *v, 0, 1LL << 62));
  if (auto v = value("duration")) o.duration = std::chrono::seconds(integer("--duration", *v, 0, 365LL * 86400));
  return p;
}

std::vector<Planned> plan_fleet(const Options& o) {
  std::mt19937_64 rng(splitmix(o.seed));
  int total_weight = 0;
  for (const auto& [_, w] : o.protocols) total_weight += w;
  std::vector<Planned> out;
  const std::size_t n = o.devices.empty() ? static_cast<std::size_t>(o.vehicles) : o.devices.size();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Planned p;
    if (!o.devices.empty()) p.device = o.devices[i];
    else {
      p.device.imei = imei_from(o.imei_base, i);
      // The mix by weight, spread evenly (not by chance), so small fleets get every protocol.
      int slot = static_cast<int>(i % static_cast<std::size_t>(total_weight));
      for (const auto& [proto, w] : o.protocols) {
        if (slot < w) {
          p.device.protocol = proto;
          break;
        }
        slot -= w;
      }
    }
    p.city = p.device.city ? *p.device.city : o.city ? *o.city : (i % 2 == 0 ? City::Kampala : City::Nairobi);
    const auto roll = std::uniform_int_distribution<int>(0, 99)(rng);
    // Boda bodas most, then cars, then tuk-tuks.
    p.kind = p.device.kind ? *p.device.kind : roll < 60 ? Kind::Motorcycle : roll < 85 ? Kind::Car : Kind::TukTuk;
    p.route = std::uniform_int_distribution<std::size_t>(0, routes(p.city).size() - 1)(rng);
    p.seed = splitmix(o.seed ^ splitmix(i + 1));
    out.push_back(std::move(p));
  }
  return out;
}

std::string stats_line(const Stats& s) {
  std::ostringstream out;
  out << "tracker-sim: vehicles " << s.vehicles << " connected " << s.connected << " sent " << s.sent << " acked " << s.acked
      << " rejected " << s.rejected << " commands " << s.commands << " obeyed " << s.obeyed << " reconnects " << s.reconnects
      << " errors " << s.errors;
  return out.str();
}

std::string stats_json(const Stats& s) {
  std::ostringstream out;
  out << "{\"vehicles\":" << s.vehicles << ",\"connected\":" << s.connected << ",\"sent\":" << s.sent << ",\"acked\":" << s.acked
      << ",\"rejected\":" << s.rejected << ",\"commands\":" << s.commands << ",\"obeyed\":" << s.obeyed
      << ",\"reconnects\":" << s.reconnects << ",\"errors\":" << s.errors << "}";
  return out.str();
}

}  // namespace trackersim
