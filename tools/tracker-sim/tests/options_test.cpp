// Options from flags and the environment, the device list, and the fleet plan.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "trackersim/simulator.hpp"

namespace trackersim {
namespace {

Parsed parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return parse_options(args, [env](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

TEST(Options, FlagsOverTheEnvironmentOverDefaults) {
  auto d = parse({}).options;
  EXPECT_EQ(d.gt06_port, 5023);
  EXPECT_EQ(d.teltonika_port, 5027);
  EXPECT_EQ(d.osmand_port, 5055);
  EXPECT_EQ(d.vehicles, 10);
  auto o = parse({"--gt06-port", "6023", "--vehicles=25", "--protocols", "gt06:2,teltonika:1,osmand:1", "--city", "nairobi",
                  "--interval-ms", "30000", "--seed", "9", "--duration", "60"},
                 {{"GT06_PORT", "7023"}, {"TELTONIKA_PORT", "7027"}, {"TRACKER_HOST", "10.0.0.5"}, {"PORT", "8096"}})
               .options;
  EXPECT_EQ(o.gt06_port, 6023);
  EXPECT_EQ(o.teltonika_port, 7027);
  EXPECT_EQ(o.host, "10.0.0.5");
  EXPECT_EQ(o.status_port, 8096);
  EXPECT_EQ(o.vehicles, 25);
  ASSERT_EQ(o.protocols.size(), 3u);
  EXPECT_EQ(o.protocols[0], (std::pair{Protocol::Gt06, 2}));
  EXPECT_EQ(o.city, City::Nairobi);
  EXPECT_EQ(o.interval, std::chrono::milliseconds(30000));
  EXPECT_EQ(o.seed, 9u);
  EXPECT_EQ(o.duration, std::chrono::seconds(60));
  EXPECT_TRUE(parse({"--help"}).help);
}

TEST(Options, MistakesAreNamed) {
  auto message = [](std::vector<std::string> args) {
    try {
      parse(args);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({"--vehicles", "0"}).find("--vehicles"), std::string::npos);
  EXPECT_NE(message({"--protocols", "gt06,tk103"}).find("tk103"), std::string::npos);
  EXPECT_NE(message({"--city", "mombasa"}).find("--city"), std::string::npos);
  EXPECT_NE(message({"--bogus", "1"}).find("--bogus"), std::string::npos);
  EXPECT_NE(message({"--gt06-port"}).find("needs a value"), std::string::npos);
  EXPECT_NE(message({"--imei-base", "12x"}).find("IMEI base"), std::string::npos);
  EXPECT_NE(message({"--imeis", "/nonexistent/imeis.txt"}).find("cannot read"), std::string::npos);
}

TEST(Devices, OneImeiALineWithOptionalProtocolCityAndKind) {
  std::istringstream in(
      "# demo trackers\n"
      "490154203237518\n"
      "\n"
      "359000000000015,teltonika  # the FMB on the tuk-tuk\n"
      "359000000000023,osmand,nairobi,car\n");
  auto d = read_devices(in);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].protocol, Protocol::Gt06);
  EXPECT_FALSE(d[0].city);
  EXPECT_EQ(d[1].imei, "359000000000015");
  EXPECT_EQ(d[1].protocol, Protocol::Teltonika);
  EXPECT_EQ(d[2].protocol, Protocol::OsmAnd);
  EXPECT_EQ(d[2].city, City::Nairobi);
  EXPECT_EQ(d[2].kind, Kind::Car);
  std::istringstream bad("490154203237518\n490154203237517\n");
  try {
    read_devices(bad);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos);
  }
}

TEST(Fleet, GeneratedImeisTheMixByWeightAndTheSameFleetForTheSameSeed) {
  Options o;
  o.vehicles = 40;
  o.imei_base = "35900000001";
  o.protocols = {{Protocol::Gt06, 2}, {Protocol::Teltonika, 1}, {Protocol::OsmAnd, 1}};
  const auto a = plan_fleet(o), b = plan_fleet(o);
  ASSERT_EQ(a.size(), 40u);
  std::map<Protocol, int> count;
  std::map<City, int> cities;
  std::set<std::string> imeis;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(valid_imei(a[i].device.imei));
    imeis.insert(a[i].device.imei);
    count[a[i].device.protocol]++;
    cities[a[i].city]++;
    EXPECT_EQ(a[i].device.imei, b[i].device.imei);
    EXPECT_EQ(a[i].route, b[i].route);
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].seed, b[i].seed);
    EXPECT_LT(a[i].route, routes(a[i].city).size());
  }
  EXPECT_EQ(imeis.size(), 40u);
  EXPECT_EQ(count[Protocol::Gt06], 20);
  EXPECT_EQ(count[Protocol::Teltonika], 10);
  EXPECT_EQ(count[Protocol::OsmAnd], 10);
  EXPECT_EQ(cities[City::Kampala], 20);
  o.seed = 2;
  const auto c = plan_fleet(o);
  int differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += a[i].seed != c[i].seed;
  EXPECT_EQ(differ, 40);
  // A device list fixes IMEI, protocol and city.
  o.devices = {{"490154203237518", Protocol::Teltonika, City::Nairobi, Kind::TukTuk}};
  const auto l = plan_fleet(o);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].city, City::Nairobi);
  EXPECT_EQ(l[0].kind, Kind::TukTuk);
  EXPECT_EQ(l[0].device.protocol, Protocol::Teltonika);
}

TEST(Stats, LineAndJson) {
  Stats s;
  s.vehicles = 5;
  s.connected = 4;
  s.sent = 100;
  s.acked = 99;
  s.obeyed = 1;
  EXPECT_EQ(stats_line(s), "tracker-sim: vehicles 5 connected 4 sent 100 acked 99 rejected 0 commands 0 obeyed 1 reconnects 0 errors 0");
  EXPECT_EQ(stats_json(s).substr(0, 28), "{\"vehicles\":5,\"connected\":4,");
}

}  // namespace
}  // namespace trackersim
