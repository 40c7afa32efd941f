// Teltonika Codec 8 / 8E and Codec 12, from the documented example (PROTOCOLS.md §4c) and
// packets built here.
#include <gtest/gtest.h>

#include <chrono>

#include "domain/checksum.hpp"
#include "domain/teltonika.hpp"
#include "hex.hpp"

using namespace telematics;
using namespace std::chrono;

namespace {

std::string be(std::uint64_t v, int n) {
  std::string s;
  for (int i = n - 1; i >= 0; --i) s.push_back(static_cast<char>(v >> (8 * i)));
  return s;
}

// A Codec 8 record at Kampala with ignition (IO 239) and external voltage (IO 66).
std::string record(std::int64_t ms, int speed, bool ignition) {
  std::string r = be(static_cast<std::uint64_t>(ms), 8) + be(1, 1);
  r += be(static_cast<std::uint32_t>(325825000), 4) + be(static_cast<std::uint32_t>(3476000), 4);
  r += be(1190, 2) + be(90, 2) + be(9, 1) + be(static_cast<unsigned>(speed), 2);
  r += be(239, 1) + be(2, 1);                                          // event IO, total IO
  r += be(1, 1) + be(239, 1) + be(ignition ? 1 : 0, 1);               // 1-byte group
  r += be(1, 1) + be(66, 1) + be(12600, 2);                           // 2-byte group: 12.6 V
  r += be(0, 1) + be(0, 1);                                           // 4- and 8-byte groups
  return r;
}

std::string packet(const std::vector<std::string>& records) {
  std::string data = be(0x08, 1) + be(records.size(), 1);
  for (const auto& r : records) data += r;
  data += be(records.size(), 1);
  return be(0, 4) + be(data.size(), 4) + data + be(crc16_ibm(data), 4);
}

}  // namespace

TEST(Teltonika, EncodesTheDocumentedCodec12CommandByteForByte) {
  EXPECT_EQ(tohex(teltonika::encode_command("setdigout 11")),
            "00000000000000140c01050000000c7365746469676f7574203131010000bed5");
}

TEST(Teltonika, HandshakeGivesTheImei) {
  auto h = teltonika::parse_handshake(std::string("\x00\x0f", 2) + "356307042441013");
  EXPECT_EQ(h.status, teltonika::Status::Ok);
  EXPECT_EQ(h.imei, "356307042441013");
  EXPECT_EQ(h.consumed, 17u);
  EXPECT_EQ(teltonika::parse_handshake(std::string("\x00\x0f", 2) + "3563").status, teltonika::Status::NeedMore);
  EXPECT_EQ(teltonika::parse_handshake(std::string("\x00\x0f", 2) + "35630704244101x").status, teltonika::Status::Bad);
}

TEST(Teltonika, Codec8RecordsWithIgnitionAndExternalVoltage) {
  const std::int64_t ms = 1796637600000;  // 2026-12-07T10:00:00Z
  auto bytes = packet({record(ms, 42, true), record(ms + 10000, 0, false)});
  auto p = teltonika::parse_packet(bytes);
  ASSERT_EQ(p.status, teltonika::Status::Ok) << p.error;
  EXPECT_EQ(p.consumed, bytes.size());
  ASSERT_EQ(p.records.size(), 2u);
  const auto& f = p.records[0].fix;
  EXPECT_EQ(f.time, TimePoint(milliseconds(ms)));
  EXPECT_NEAR(f.lat, 0.3476, 1e-7);
  EXPECT_NEAR(f.lon, 32.5825, 1e-7);
  EXPECT_EQ(f.speed_kmh, 42);
  EXPECT_EQ(f.satellites, 9);
  EXPECT_TRUE(*f.ignition);
  EXPECT_NEAR(*f.external_voltage, 12.6, 1e-9);
  EXPECT_FALSE(*p.records[1].fix.ignition);
  EXPECT_EQ(tohex(teltonika::encode_ack(2)), "00000002");
}

TEST(Teltonika, ABadCrcOrCountIsRefusedAndIncompletePacketsWait) {
  auto bytes = packet({record(1796637600000, 0, false)});
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_EQ(teltonika::parse_packet(std::string_view(bytes).substr(0, n)).status, teltonika::Status::NeedMore) << n;
  auto bad = bytes;
  bad[20] ^= 0x01;
  auto p = teltonika::parse_packet(bad);
  EXPECT_EQ(p.status, teltonika::Status::Bad);
  EXPECT_EQ(p.error, "crc");
  EXPECT_EQ(p.consumed, bytes.size());
  EXPECT_EQ(teltonika::parse_packet(std::string("\x01\x02\x03\x04\x00\x00\x00\x10", 8)).status, teltonika::Status::Bad);
}

TEST(Teltonika, Codec12ResponseText) {
  std::string data = std::string("\x0c\x01\x06", 3) + be(12, 4) + "DOUT1:1 Done" + std::string("\x01", 1);
  auto bytes = be(0, 4) + be(data.size(), 4) + data + be(crc16_ibm(data), 4);
  auto p = teltonika::parse_packet(bytes);
  ASSERT_EQ(p.status, teltonika::Status::Ok) << p.error;
  EXPECT_EQ(p.codec, 0x0C);
  EXPECT_EQ(p.response, "DOUT1:1 Done");
}

TEST(Teltonika, TheEventIoOfARecordNamesItsAlarm) {
  teltonika::Record r;
  r.event_io = 252;  // unplug: the tracker lost the vehicle's power
  r.io = {{239, 0}, {252, 1}};
  EXPECT_EQ(teltonika::alarm_of(r), "power_cut");
  r.io = {{239, 0}, {252, 0}};  // plugged back in: no alarm
  EXPECT_EQ(teltonika::alarm_of(r), std::nullopt);
  r.event_io = 246;
  r.io = {{246, 1}};
  EXPECT_EQ(teltonika::alarm_of(r), "tamper");  // towing
  r.event_io = 247;
  r.io = {{247, 2}};
  EXPECT_EQ(teltonika::alarm_of(r), "accident");  // crash
  r.event_io = 255;
  r.io = {{255, 93}};
  EXPECT_EQ(teltonika::alarm_of(r), "overspeed");
  r.event_io = 239;  // an ignition change is no alarm
  r.io = {{239, 1}};
  EXPECT_EQ(teltonika::alarm_of(r), std::nullopt);
  r.event_io = 252;  // the event names an IO the record does not carry
  r.io = {{239, 1}};
  EXPECT_EQ(teltonika::alarm_of(r), std::nullopt);
}

// Found by fuzz_teltonika: a record time of 2^64 - 1729323939307149655 ms overflowed the
// nanosecond time point (undefined behaviour); a time past 2200 is now a bad record layout.
TEST(Teltonika, ARecordTimeNoClockReadsMakesThePacketBad) {
  auto p = teltonika::parse_packet(packet({record(-1729323939307149655, 0, false)}));
  EXPECT_EQ(p.status, teltonika::Status::Bad);
  EXPECT_EQ(p.error, "record layout");
  EXPECT_EQ(teltonika::parse_packet(packet({record(7258118400001, 0, false)})).status, teltonika::Status::Bad);
  EXPECT_EQ(teltonika::parse_packet(packet({record(7258118400000, 0, false)})).status, teltonika::Status::Ok);
}
