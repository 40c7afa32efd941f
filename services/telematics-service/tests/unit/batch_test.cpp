// The JSON batch of positions: what is kept, what is refused with its field, and what makes the
// whole batch unreadable.
#include <gtest/gtest.h>

#include "domain/batch.hpp"

using namespace telematics;
using namespace std::chrono;

namespace {
const TimePoint kNow = sys_days{year{2026} / December / 7} + hours(10);
}

TEST(Batch, KeepsGoodPositionsAndNamesEachRefusedOne) {
  auto p = batch::parse(R"({"positions":[
      {"time":"2026-12-07T09:59:00Z","lat":0.3476,"lon":32.5825,"speed_kmh":31.5,"course":90,"ignition":true,
       "battery_percent":80,"external_voltage":12.6,"satellites":9,"altitude":1190},
      {"time":1796637540,"lat":-1.2921,"lon":36.8219},
      {"time":"2026-12-07T09:59:00Z","lat":95,"lon":32},
      {"time":"2026-12-07T11:00:00Z","lat":0,"lon":1},
      {"time":"2026-12-07T09:00:00Z","lat":0.3,"lon":32.5,"colour":"red"},
      {"time":"2026-12-07T09:00:00Z","lat":"north","lon":32.5},
      [1,2]
    ]})", kNow, 1000);
  EXPECT_EQ(p.received, 7u);
  ASSERT_EQ(p.fixes.size(), 2u);
  EXPECT_EQ(p.fixes[0].time, kNow - minutes(1));
  EXPECT_DOUBLE_EQ(p.fixes[0].speed_kmh, 31.5);
  EXPECT_EQ(p.fixes[0].ignition, true);
  EXPECT_EQ(p.fixes[0].satellites, 9);
  EXPECT_EQ(p.fixes[0].external_voltage, 12.6);
  EXPECT_TRUE(p.fixes[0].valid);
  EXPECT_EQ(p.fixes[1].time, TimePoint(seconds(1796637540)));
  EXPECT_FALSE(p.fixes[1].ignition.has_value());
  ASSERT_EQ(p.refused.size(), 5u);
  EXPECT_EQ(p.refused[0].field, "positions[2].lat");
  EXPECT_EQ(p.refused[1].field, "positions[3].time");  // an hour ahead of the server
  EXPECT_EQ(p.refused[1].reason, "is in the future");
  EXPECT_EQ(p.refused[2].field, "positions[4].colour");
  EXPECT_EQ(p.refused[3].field, "positions[5].lat");
  EXPECT_EQ(p.refused[4].field, "positions[6]");
  EXPECT_EQ(p.refused[4].index, 6u);
}

TEST(Batch, AWholeBodyThatIsNotABatchIsADecodeErrorNamingWhy) {
  auto field_of = [](std::string_view body, std::size_t max = 1000) {
    try {
      batch::parse(body, kNow, max);
    } catch (const DecodeError& e) {
      return e.field();
    }
    return std::string("none");
  };
  EXPECT_EQ(field_of("not json"), "body");
  EXPECT_EQ(field_of("[1,2]"), "body");
  EXPECT_EQ(field_of(R"({"positions":{}})"), "positions");
  EXPECT_EQ(field_of(R"({"positions":[]})"), "positions");
  EXPECT_EQ(field_of(R"({"positions":[{"time":1796637540,"lat":1,"lon":2}],"device":"x"})"), "device");
  EXPECT_EQ(field_of(R"({"positions":[{},{},{}]})", 2), "positions");
  EXPECT_EQ(field_of(R"({"positions":[{}]})"), "none");  // read, and the one position refused
}

TEST(Batch, UnixTimesOutsideThisCenturyAndNonFiniteNumbersAreRefused) {
  auto p = batch::parse(R"({"positions":[{"time":12,"lat":1,"lon":2},{"time":1796637540,"lat":1,"lon":2,"speed_kmh":-3},
                                         {"time":1796637540,"lat":1,"lon":2,"valid":"yes"}]})",
                        kNow, 10);
  ASSERT_EQ(p.refused.size(), 3u);
  EXPECT_EQ(p.refused[0].field, "positions[0].time");
  EXPECT_EQ(p.refused[1].field, "positions[1].speed_kmh");
  EXPECT_EQ(p.refused[2].field, "positions[2].valid");
}

// Found by fuzz_json_bodies (telematics.positions): an RFC 3339 time in the year 1014 overflowed
// the nanosecond time point (undefined behaviour) in osmand::parse_time; it is refused now.
TEST(Batch, CalendarTimesNoDeviceClockReadsAreRefused) {
  auto p = batch::parse(R"({"positions":[{"time":"1014-12-07T09:59:00Z","lat":0.3476,"lon":32.5825},
                                         {"time":"4052-12-07T10:00:00.000Z","lat":0.3476,"lon":32.5825}]})",
                        kNow, 10);
  ASSERT_EQ(p.refused.size(), 2u);
  EXPECT_EQ(p.refused[0].field, "positions[0].time");
  EXPECT_EQ(p.refused[1].field, "positions[1].time");
}
