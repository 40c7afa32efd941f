// OsmAnd / Traccar Client requests, as in Traccar's OsmAndProtocolDecoderTest.
#include <gtest/gtest.h>

#include <chrono>

#include "domain/osmand.hpp"

using namespace telematics;
using namespace std::chrono;

namespace {
const TimePoint kNow = sys_days{2026y / 12 / 7} + 12h;
}

TEST(OsmAnd, QueryFormWithKnotsAndUnixSeconds) {
  auto r = osmand::decode_query({{"id", "123456"}, {"timestamp", "1377177267"}, {"lat", "60.0"}, {"lon", "30.0"},
                                 {"speed", "10"}, {"bearing", "90"}, {"altitude", "100"}, {"batt", "75"}},
                                kNow);
  EXPECT_EQ(r.device_id, "123456");
  ASSERT_TRUE(r.fix);
  EXPECT_DOUBLE_EQ(r.fix->lat, 60.0);
  EXPECT_DOUBLE_EQ(r.fix->lon, 30.0);
  EXPECT_NEAR(r.fix->speed_kmh, 18.52, 1e-9);
  EXPECT_EQ(r.fix->course, 90);
  EXPECT_EQ(*r.fix->battery_percent, 75);
  EXPECT_EQ(r.fix->time, TimePoint(seconds(1377177267)));
}

TEST(OsmAnd, MillisecondsIsoAndSpaceSeparatedTimestamps) {
  EXPECT_EQ(*osmand::parse_time("1377177267000"), TimePoint(milliseconds(1377177267000)));
  EXPECT_EQ(*osmand::parse_time("2026-12-07T10:00:00Z"), sys_days{2026y / 12 / 7} + 10h);
  EXPECT_EQ(*osmand::parse_time("2026-12-07T13:00:00+03:00"), sys_days{2026y / 12 / 7} + 10h);
  EXPECT_EQ(*osmand::parse_time("2026-12-07 10:00:00"), sys_days{2026y / 12 / 7} + 10h);
  EXPECT_EQ(*osmand::parse_time("2026-12-07T10:00:00.250Z"), sys_days{2026y / 12 / 7} + 10h + 250ms);
  EXPECT_FALSE(osmand::parse_time("yesterday"));
  EXPECT_FALSE(osmand::parse_time("2026-13-07T10:00:00Z"));
}

TEST(OsmAnd, DeviceidAndLocationParameterAreAccepted) {
  auto r = osmand::decode_query({{"deviceid", "abc"}, {"location", "-1.29,36.82"}}, kNow);
  EXPECT_EQ(r.device_id, "abc");
  ASSERT_TRUE(r.fix);
  EXPECT_DOUBLE_EQ(r.fix->lat, -1.29);
  EXPECT_EQ(r.fix->time, kNow);
}

TEST(OsmAnd, NoCoordinatesIsAHeartbeat) {
  auto r = osmand::decode_query({{"id", "abc"}, {"batt", "50"}}, kNow);
  EXPECT_FALSE(r.fix);
}

TEST(OsmAnd, BadInputNamesTheParameter) {
  auto field_of = [](const osmand::Params& p) {
    try {
      osmand::decode_query(p, kNow);
    } catch (const DecodeError& e) {
      return e.field();
    }
    return std::string("<none>");
  };
  EXPECT_EQ(field_of({{"lat", "1"}, {"lon", "2"}}), "id");
  EXPECT_EQ(field_of({{"id", "a"}, {"lat", "north"}, {"lon", "2"}}), "lat");
  EXPECT_EQ(field_of({{"id", "a"}, {"lat", "91"}, {"lon", "2"}}), "lat");
  EXPECT_EQ(field_of({{"id", "a"}, {"lat", "1"}}), "lon");
  EXPECT_EQ(field_of({{"id", "a"}, {"lat", "1"}, {"lon", "2"}, {"timestamp", "soon"}}), "timestamp");
  EXPECT_EQ(field_of({{"id", "a"}, {"lat", "1"}, {"lon", "2"}, {"speed", "fast"}}), "speed");
}

TEST(OsmAnd, JsonFormWithSpeedInMetresPerSecond) {
  auto r = osmand::decode_json(R"({"device_id":"dev-9","location":{"timestamp":"2026-12-07T10:00:00.000Z",
      "coords":{"latitude":0.3476,"longitude":32.5825,"accuracy":5,"speed":10,"heading":-1,"altitude":1190},
      "is_moving":true,"odometer":1200,"battery":{"level":0.8,"is_charging":false}}})",
                               kNow);
  EXPECT_EQ(r.device_id, "dev-9");
  ASSERT_TRUE(r.fix);
  EXPECT_NEAR(r.fix->speed_kmh, 36.0, 1e-9);
  EXPECT_EQ(r.fix->course, 0);  // negative = unknown
  EXPECT_NEAR(*r.fix->battery_percent, 80, 1e-9);
  EXPECT_EQ(r.fix->time, sys_days{2026y / 12 / 7} + 10h);
}

TEST(OsmAnd, JsonErrorsNameTheMember) {
  auto field_of = [](std::string_view body) {
    try {
      osmand::decode_json(body, kNow);
    } catch (const DecodeError& e) {
      return e.field();
    }
    return std::string("<none>");
  };
  EXPECT_EQ(field_of("{"), "body");
  EXPECT_EQ(field_of("[]"), "body");
  EXPECT_EQ(field_of(R"({"location":{}})"), "device_id");
  EXPECT_EQ(field_of(R"({"device_id":"a","location":{"coords":{"longitude":1}}})"), "location.coords.latitude");
  EXPECT_EQ(field_of(R"({"device_id":"a","location":{"coords":{"latitude":"x","longitude":1}}})"), "latitude");
}

TEST(OsmAnd, FormBodiesArePercentDecoded) {
  auto p = osmand::parse_form("id=a%20b&lat=1.5&lon=2&flag");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].second, "a b");
  EXPECT_EQ(p[3].first, "flag");
}

// Found by fuzz_osmand and fuzz_json_bodies (telematics.positions): a calendar date outside what a
// device clock reads overflowed the nanosecond time point (undefined behaviour); now it is refused.
TEST(OsmAnd, TimesBeyondADeviceClockAreRefusedNotOverflowed) {
  EXPECT_FALSE(osmand::parse_time("4052-12-07T10:00:00.000Z"));
  EXPECT_FALSE(osmand::parse_time("1014-12-07T09:59:00Z"));
  EXPECT_FALSE(osmand::parse_time("999999999999999"));  // milliseconds in the year 33658
  EXPECT_TRUE(osmand::parse_time("2199-12-31T23:59:59Z"));
  EXPECT_TRUE(osmand::parse_time("1970-01-01 00:00:00"));
  try {
    osmand::decode_json(R"({"device_id":"dev-9","location":{"timestamp":"4052-12-07T10:00:00.000Z",)"
                        R"("coords":{"latitude":0.3476,"longitude":32.5825}}})",
                        std::chrono::system_clock::now());
    ADD_FAILURE() << "no DecodeError";
  } catch (const DecodeError& e) {
    EXPECT_EQ(e.field(), "location.timestamp");
  }
}

// Found by fuzz_osmand: sat=2.2e125 was converted to int with undefined behaviour; a satellite
// count outside 0..1000 now names the parameter.
TEST(OsmAnd, ASatelliteCountOutOfRangeNamesTheParameter) {
  const auto now = std::chrono::system_clock::now();
  for (const char* sat : {"2222222222222222222222222222222222222222", "-1", "1e300", "nan"}) {
    try {
      osmand::decode_query({{"id", "a"}, {"lat", "1"}, {"lon", "2"}, {"sat", sat}}, now);
      ADD_FAILURE() << sat;
    } catch (const DecodeError& e) {
      EXPECT_EQ(e.field(), "sat") << sat;
    }
  }
  EXPECT_EQ(osmand::decode_query({{"id", "a"}, {"lat", "1"}, {"lon", "2"}, {"sat", "9"}}, now).fix->satellites, 9);
}
