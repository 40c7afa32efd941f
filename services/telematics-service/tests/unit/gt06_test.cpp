// GT06 decoding and encoding. Frames come from the documented example (PROTOCOLS.md §4b) and
// from an encoder written here, independently of the service's (its own bitwise CRC).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "domain/gt06.hpp"
#include "hex.hpp"

using namespace telematics;
using namespace std::chrono;

namespace {

std::uint16_t test_crc(std::string_view b) {
  std::uint16_t crc = 0xFFFF;
  for (unsigned char c : b) {
    for (int i = 0; i < 8; ++i) {
      const bool bit = ((crc ^ (c >> i)) & 1) != 0;
      crc = static_cast<std::uint16_t>(crc >> 1);
      if (bit) crc ^= 0x8408;
    }
  }
  return static_cast<std::uint16_t>(crc ^ 0xFFFF);
}

std::string be16(unsigned v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }
std::string be32(std::uint32_t v) { return be16(v >> 16) + be16(v & 0xFFFF); }

std::string frame(std::uint8_t proto, const std::string& content, unsigned serial) {
  std::string body;
  body.push_back(static_cast<char>(1 + content.size() + 4));
  body.push_back(static_cast<char>(proto));
  body += content + be16(serial);
  return "\x78\x78" + body + be16(test_crc(body)) + "\x0d\x0a";
}

// Lat/lon in degrees → GT06 units (minutes × 30000), with the hemisphere bits.
std::string gps_block(int yy, int mo, int dd, int h, int mi, int s, double lat, double lon, int speed, int course,
                      bool fixed, std::optional<bool> acc) {
  std::string b{static_cast<char>(yy), static_cast<char>(mo), static_cast<char>(dd),
                static_cast<char>(h),  static_cast<char>(mi), static_cast<char>(s)};
  b.push_back(static_cast<char>(0xC8));  // GPS info length 12 (high nibble), 8 satellites (low)
  b += be32(static_cast<std::uint32_t>(std::abs(lat) * 1800000.0 + 0.5));
  b += be32(static_cast<std::uint32_t>(std::abs(lon) * 1800000.0 + 0.5));
  b.push_back(static_cast<char>(speed));
  unsigned flags = static_cast<unsigned>(course) & 0x3FF;
  if (lat >= 0) flags |= 0x0400;
  if (lon < 0) flags |= 0x0800;
  if (fixed) flags |= 0x1000;
  if (acc) flags |= 0x4000 | (*acc ? 0x8000 : 0);
  return b + be16(flags);
}

std::string lbs() { return be16(641) + std::string("\x0a", 1) + be16(0x1234) + std::string("\x00\x56\x78", 3); }

gt06::Message decode_one(const std::string& bytes) {
  auto r = gt06::scan(bytes);
  EXPECT_EQ(r.status, gt06::Scan::Frame);
  EXPECT_EQ(r.consumed, bytes.size());
  return gt06::decode(*r.frame);
}

}  // namespace

TEST(Gt06, DecodesTheDocumentedEngineCutCommandAndEncodesItByteForByte) {
  auto bytes = unhex("787812800c0000000052656c61792c312300009dee0d0a");
  auto r = gt06::scan(bytes);
  ASSERT_EQ(r.status, gt06::Scan::Frame);
  EXPECT_EQ(r.frame->protocol, 0x80);
  EXPECT_EQ(tohex(gt06::encode_command("Relay,1#", 0, 0)), "787812800c0000000052656c61792c312300009dee0d0a");
}

TEST(Gt06, CommandCarriesItsServerFlag) {
  auto bytes = gt06::encode_command(gt06::kEngineResume, 0x01020304, 7);
  EXPECT_EQ(bytes, frame(0x80, std::string("\x0c", 1) + be32(0x01020304) + "Relay,0#", 7));
}

TEST(Gt06, LoginGivesTheImeiAndIsAcknowledgedWithItsSerial) {
  auto bytes = frame(0x01, unhex("0359339075016807"), 0x0001);
  auto m = decode_one(bytes);
  EXPECT_EQ(m.protocol, gt06::kLogin);
  EXPECT_EQ(m.imei, "359339075016807");
  EXPECT_TRUE(m.needs_ack);
  // 78 78 05 01 00 01 CRC 0D 0A
  EXPECT_EQ(gt06::encode_ack(0x01, 0x0001), frame(0x01, "", 0x0001));
  EXPECT_EQ(tohex(gt06::encode_ack(0x01, 0x0001)).substr(0, 12), "787805010001");
}

TEST(Gt06, GpsLocationNorthEastWithIgnition) {
  auto bytes = frame(0x12, gps_block(26, 12, 7, 10, 30, 15, 0.3476, 32.5825, 42, 181, true, true) + lbs(), 0x0022);
  auto m = decode_one(bytes);
  ASSERT_TRUE(m.fix);
  EXPECT_NEAR(m.fix->lat, 0.3476, 1e-5);
  EXPECT_NEAR(m.fix->lon, 32.5825, 1e-5);
  EXPECT_EQ(m.fix->speed_kmh, 42);
  EXPECT_EQ(m.fix->course, 181);
  EXPECT_EQ(m.fix->satellites, 8);
  EXPECT_TRUE(m.fix->valid);
  ASSERT_TRUE(m.ignition);
  EXPECT_TRUE(*m.ignition);
  EXPECT_EQ(m.fix->time, sys_days{2026y / 12 / 7} + 10h + 30min + 15s);
  EXPECT_EQ(m.serial, 0x0022);
  EXPECT_TRUE(m.needs_ack);
}

TEST(Gt06, SouthAndWestAreNegativeAndAnUnfixedPositionIsInvalid) {
  auto bytes = frame(0x12, gps_block(26, 1, 2, 3, 4, 5, -1.2921, -36.8219, 0, 0, false, std::nullopt) + lbs(), 1);
  auto m = decode_one(bytes);
  EXPECT_NEAR(m.fix->lat, -1.2921, 1e-5);
  EXPECT_NEAR(m.fix->lon, -36.8219, 1e-5);
  EXPECT_FALSE(m.fix->valid);
  EXPECT_FALSE(m.ignition.has_value());
}

TEST(Gt06, Gt06nLocationTakesIgnitionFromTheAccByte) {
  auto content = gps_block(26, 12, 7, 8, 0, 0, 0.31, 32.58, 0, 90, true, std::nullopt) + lbs() + std::string("\x00\x00\x00", 3);
  auto m = decode_one(frame(0x22, content, 5));
  ASSERT_TRUE(m.ignition);
  EXPECT_FALSE(*m.ignition);
  ASSERT_TRUE(m.fix->ignition);
  EXPECT_FALSE(*m.fix->ignition);
}

TEST(Gt06, HeartbeatCarriesIgnitionChargingAndEngineCut) {
  // terminal info: bit 1 ACC, bit 2 charging, bit 7 oil cut; voltage 4, GSM 3, alarm 0, language 2
  auto m = decode_one(frame(0x13, std::string("\x86\x04\x03\x00\x02", 5), 9));
  EXPECT_EQ(m.protocol, gt06::kStatus);
  EXPECT_TRUE(*m.ignition);
  EXPECT_TRUE(*m.charging);
  EXPECT_TRUE(*m.oil_cut);
  EXPECT_FALSE(m.alarm.has_value());
  EXPECT_TRUE(m.needs_ack);
}

TEST(Gt06, AlarmMessageNamesTheAlarm) {
  auto content = gps_block(26, 12, 7, 9, 0, 0, 0.3, 32.5, 0, 0, true, std::nullopt) + std::string("\x08", 1) + lbs() +
                 std::string("\x02\x05\x04\x01\x02", 5);
  auto m = decode_one(frame(0x16, content, 3));
  ASSERT_TRUE(m.alarm);
  EXPECT_EQ(*m.alarm, "sos");
  ASSERT_TRUE(m.fix);
  EXPECT_TRUE(*m.ignition);
  auto m26 = decode_one(frame(0x26, gps_block(26, 12, 7, 9, 0, 0, 0.3, 32.5, 0, 0, true, std::nullopt) +
                                        std::string("\x08", 1) + lbs() + std::string("\x00\x05\x04\x02\x02", 5), 4));
  EXPECT_EQ(*m26.alarm, "power_cut");
}

TEST(Gt06, CommandReplyNamesTheCommandByServerFlag) {
  const std::string text = "Cut off the fuel supply: Success!";
  auto content = std::string(1, static_cast<char>(4 + text.size())) + be32(42) + text + be16(2);
  auto m = decode_one(frame(0x15, content, 11));
  ASSERT_TRUE(m.server_flag);
  EXPECT_EQ(*m.server_flag, 42u);
  EXPECT_EQ(m.text, text);
  EXPECT_FALSE(m.needs_ack);
}

TEST(Gt06, ABadCrcIsReportedAndSkippedWhole) {
  auto good = frame(0x13, std::string("\x02\x04\x03\x00\x02", 5), 9);
  auto bad = good;
  bad[bad.size() - 3] ^= 0x01;
  auto r = gt06::scan(bad + good);
  EXPECT_EQ(r.status, gt06::Scan::BadCrc);
  EXPECT_EQ(r.consumed, good.size());
  auto next = gt06::scan(std::string_view(bad + good).substr(r.consumed));
  EXPECT_EQ(next.status, gt06::Scan::Frame);
}

TEST(Gt06, IncompleteFramesWaitAndGarbageIsSkipped) {
  auto good = frame(0x13, std::string("\x02\x04\x03\x00\x02", 5), 9);
  for (std::size_t n = 0; n < good.size(); ++n)
    EXPECT_EQ(gt06::scan(std::string_view(good).substr(0, n)).status, gt06::Scan::NeedMore) << n;
  auto r = gt06::scan("\x01\x02\x03" + good);
  EXPECT_EQ(r.status, gt06::Scan::Garbage);
  EXPECT_EQ(r.consumed, 3u);
}

TEST(Gt06, AnOversizedLengthIsRefusedWithoutWaitingForIt) {
  std::string huge = "\x79\x79\xff\xff\x12";
  auto r = gt06::scan(huge, 1024);
  EXPECT_EQ(r.status, gt06::Scan::Garbage);
  EXPECT_EQ(r.consumed, 2u);
}

TEST(Gt06, LongFramesRoundTrip) {
  std::string content(300, 'x');
  auto bytes = gt06::encode_frame(0x94, content, 77);
  EXPECT_EQ(bytes.substr(0, 2), "\x79\x79");
  auto r = gt06::scan(bytes);
  ASSERT_EQ(r.status, gt06::Scan::Frame);
  EXPECT_TRUE(r.frame->extended);
  EXPECT_EQ(r.frame->content, content);
  EXPECT_EQ(r.frame->serial, 77);
  EXPECT_FALSE(gt06::decode(*r.frame).needs_ack);
}

TEST(Gt06, ContentTooShortIsADecodeError) {
  auto r = gt06::scan(frame(0x12, "\x1a\x0c", 1));
  ASSERT_EQ(r.status, gt06::Scan::Frame);
  EXPECT_THROW(gt06::decode(*r.frame), DecodeError);
  auto bad_date = gt06::scan(frame(0x12, gps_block(26, 13, 7, 10, 0, 0, 0.3, 32.5, 0, 0, true, std::nullopt) + lbs(), 1));
  EXPECT_THROW(gt06::decode(*bad_date.frame), DecodeError);
}
