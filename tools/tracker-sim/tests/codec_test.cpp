// The simulator's encoders against the documented examples (PROTOCOLS.md §4, the Teltonika
// wiki, Traccar's protocol tests) and the published CRC check values.
#include "trackersim/codec.hpp"

#include <gtest/gtest.h>

#include "hex.hpp"

namespace trackersim {
namespace {

using namespace std::chrono;
using testing::be;
using testing::hex;
using testing::unhex;

TimePoint at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days{year{y} / month{m} / day{d}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(Crc, CheckValuesOfBothVariants) {
  EXPECT_EQ(crc16_x25("123456789"), 0x906E);
  EXPECT_EQ(crc16_ibm("123456789"), 0xBB3D);
  EXPECT_EQ(crc16_ibm(""), 0);
}

TEST(Imei, LuhnDigitAndGeneratedImeis) {
  EXPECT_TRUE(valid_imei("490154203237518"));
  EXPECT_FALSE(valid_imei("490154203237517"));
  EXPECT_FALSE(valid_imei("49015420323751"));
  EXPECT_FALSE(valid_imei("49015420323751x"));
  EXPECT_EQ(luhn_digit("49015420323751"), '8');
  EXPECT_EQ(imei_from("49015420323751", 0), "490154203237518");
  for (std::uint64_t i = 0; i < 200; ++i) {
    const auto imei = imei_from("359", i);
    EXPECT_EQ(imei.size(), 15u);
    EXPECT_TRUE(valid_imei(imei)) << imei;
    EXPECT_EQ(imei.substr(0, 3), "359");
  }
  EXPECT_NE(imei_from("359", 1), imei_from("359", 2));
  EXPECT_THROW(imei_from("", 0), std::invalid_argument);
  EXPECT_THROW(imei_from("99999999999999", 1), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------- GT06

TEST(Gt06, LoginIsTheImeiInBcdWithTheFrameOfTraccarsTest) {
  EXPECT_EQ(hex(gt06::login("123456789012345", 1)), "78780d01012345678901234500018cdd0d0a");
}

TEST(Gt06, TheEngineStopCommandOfProtocolsMdIsReadAsACommand) {
  const auto bytes = unhex("787812800c0000000052656c61792c312300009dee0d0a");
  // Our framing of the same content gives the same bytes.
  EXPECT_EQ(gt06::frame(0x80, unhex("0c00000000") + "Relay,1#", 0), bytes);
  auto m = gt06::read(bytes + "\x78");
  ASSERT_EQ(m.status, gt06::Incoming::Status::Frame);
  EXPECT_EQ(m.consumed, bytes.size());
  EXPECT_EQ(m.protocol, gt06::kCommand);
  EXPECT_EQ(m.server_flag, 0u);
  EXPECT_EQ(m.text, "Relay,1#");
}

TEST(Gt06, ServerAcksAreReadAndBrokenOnesSkipped) {
  const auto ack = unhex("787805010001d9dc0d0a");  // the login answer for serial 1
  EXPECT_EQ(gt06::read(ack.substr(0, 6)).status, gt06::Incoming::Status::NeedMore);
  auto m = gt06::read(ack);
  ASSERT_EQ(m.status, gt06::Incoming::Status::Frame);
  EXPECT_EQ(m.protocol, 0x01);
  EXPECT_EQ(m.serial, 1);
  auto bad = ack;
  bad[7] ^= 1;
  EXPECT_EQ(gt06::read(bad).status, gt06::Incoming::Status::Bad);
  EXPECT_EQ(gt06::read(bad).consumed, bad.size());
  auto junk = gt06::read("\x01\x02" + ack);
  EXPECT_EQ(junk.status, gt06::Incoming::Status::Bad);
  EXPECT_EQ(junk.consumed, 2u);
  // A long (79 79) frame.
  const auto longf = gt06::frame(0x80, std::string(1, '\x0c') + std::string(4, '\0') + std::string(300, 'x'), 7);
  EXPECT_EQ(longf.substr(0, 2), "\x79\x79");
  auto lm = gt06::read(longf);
  ASSERT_EQ(lm.status, gt06::Incoming::Status::Frame);
  EXPECT_EQ(lm.serial, 7);
}

TEST(Gt06, LocationCarriesTimeFixSpeedCourseFlagsCellAndIgnition) {
  Report r;
  r.time = at(2026, 3, 1, 10, 20, 30) + milliseconds(700);  // whole seconds on the wire
  r.lat = 0.3476;
  r.lon = 32.5825;
  r.speed_kmh = 36.4;
  r.course = 90;
  r.satellites = 9;
  r.ignition = true;
  r.mcc = 641;
  r.mnc = 1;
  r.lac = 0x1234;
  r.cell_id = 0x005678;
  const auto f = gt06::location(r, 0x0102);
  ASSERT_EQ(f.size(), 5u + 1 + 18 + 8 + 3 + 2 + 2);  // 78 78 LEN PROTO | GPS LBS ACC mode reupload | SERIAL CRC 0D 0A
  EXPECT_EQ(hex(f.substr(0, 4)), "78782222");
  EXPECT_EQ(hex(f.substr(4, 6)), "1a03010a141e");  // 26-03-01 10:20:30
  EXPECT_EQ(static_cast<unsigned char>(f[10]), 0xC9);
  EXPECT_EQ(be(f, 11, 4), 625680u);    // 0.3476 × 1,800,000
  EXPECT_EQ(be(f, 15, 4), 58648500u);  // 32.5825 × 1,800,000
  EXPECT_EQ(static_cast<unsigned char>(f[19]), 36);
  const auto status = be(f, 20, 2);
  EXPECT_EQ(status & 0x3FF, 90u);
  EXPECT_TRUE(status & (1u << 12));   // positioned
  EXPECT_TRUE(status & (1u << 10));   // north
  EXPECT_FALSE(status & (1u << 11));  // east
  EXPECT_EQ(be(f, 22, 2), 641u);
  EXPECT_EQ(static_cast<unsigned char>(f[24]), 1);
  EXPECT_EQ(be(f, 25, 2), 0x1234u);
  EXPECT_EQ(be(f, 27, 3), 0x5678u);
  EXPECT_EQ(f[30], 1);  // ACC: ignition on
  EXPECT_EQ(be(f, 33, 2), 0x0102u);
  auto back = gt06::read(f);
  ASSERT_EQ(back.status, gt06::Incoming::Status::Frame);  // the CRC checks out
  EXPECT_EQ(back.protocol, gt06::kLocation);

  // South of the equator (Nairobi), ignition off.
  r.lat = -1.2921;
  r.lon = 36.8219;
  r.ignition = false;
  const auto s = gt06::location(r, 1);
  EXPECT_EQ(be(s, 11, 4), 2325780u);
  EXPECT_FALSE(be(s, 20, 2) & (1u << 10));
  EXPECT_EQ(s[30], 0);
}

TEST(Gt06, HeartbeatTerminalInfoAndCommandReply) {
  Report r;
  r.ignition = true;
  r.immobilised = true;
  const auto h = gt06::heartbeat(r, 5);
  EXPECT_EQ(hex(h.substr(0, 4)), "78780a13");
  const auto info = static_cast<unsigned char>(h[4]);
  EXPECT_TRUE(info & 0x02);   // ACC
  EXPECT_TRUE(info & 0x80);   // oil and electricity cut
  EXPECT_EQ(h[5], 6);          // voltage level
  EXPECT_EQ(hex(h.substr(7, 2)), "0002");

  const auto reply = gt06::command_reply(0x0000002A, "Cut off the fuel supply: Success!", 9);
  auto m = gt06::read(reply);
  ASSERT_EQ(m.status, gt06::Incoming::Status::Frame);
  EXPECT_EQ(m.protocol, gt06::kCommandReply);
  EXPECT_EQ(static_cast<unsigned char>(m.content[0]), 4 + 33);
  EXPECT_EQ(be(m.content, 1, 4), 42u);
  EXPECT_EQ(m.content.substr(5, 33), "Cut off the fuel supply: Success!");
  EXPECT_EQ(hex(m.content.substr(38)), "0002");  // language
}

// ----------------------------------------------------------------------------------- Teltonika

TEST(Teltonika, HandshakeIsTheLengthAndTheImeiInAscii) {
  EXPECT_EQ(hex(teltonika::handshake("356307042441013")), "000f333536333037303432343431303133");
}

TEST(Teltonika, Codec8ExtendedRecordOfTheWikiExampleByteForByte) {
  // Teltonika wiki, "Codec 8 Extended" example: one record, IO of every size, CRC 0x2994.
  teltonika::AvlRecord a;
  a.timestamp_ms = 0x0000016B412CEE00ULL;
  a.priority = 1;
  a.event_io = 1;
  a.io1 = {{0x0001, 0x01}};
  a.io2 = {{0x0011, 0x001D}};
  a.io4 = {{0x0010, 0x015E2C88}};
  a.io8 = {{0x000B, 0x000000003544C87AULL}, {0x000E, 0x000000001DD7E06AULL}};
  EXPECT_EQ(hex(teltonika::codec8e({a})),
            "000000000000004a8e010000016b412cee000100000000000000000000000000000000010005000100010100010011001d0001"
            "0010015e2c880002000b000000003544c87a000e000000001dd7e06a00000100002994");
}

TEST(Teltonika, AReportAsARecordWithIgnitionAndExternalVoltage) {
  Report r;
  r.time = at(2026, 3, 1, 10, 20, 30) + milliseconds(250);
  r.lat = -1.2921;
  r.lon = 36.8219;
  r.altitude_m = 1680;
  r.course = 270;
  r.satellites = 11;
  r.speed_kmh = 42;
  r.ignition = true;
  r.external_voltage = 13.8;
  r.odometer_m = 123456;
  const auto p = teltonika::avl(r);
  const auto len = be(p, 4, 4);
  ASSERT_EQ(p.size(), 12 + len);
  const std::string_view data = std::string_view(p).substr(8, len);
  EXPECT_EQ(be(p, 8 + len, 4), crc16_ibm(data));
  EXPECT_EQ(static_cast<unsigned char>(data[0]), 0x8E);
  EXPECT_EQ(data[1], 1);
  EXPECT_EQ(be(data, 2, 8), static_cast<unsigned long long>(duration_cast<milliseconds>(r.time.time_since_epoch()).count()));
  EXPECT_EQ(static_cast<std::int32_t>(be(data, 11, 4)), 368219000);    // lon first
  EXPECT_EQ(static_cast<std::int32_t>(be(data, 15, 4)), -12921000);
  EXPECT_EQ(be(data, 19, 2), 1680u);
  EXPECT_EQ(be(data, 21, 2), 270u);
  EXPECT_EQ(data[23], 11);
  EXPECT_EQ(be(data, 24, 2), 42u);
  // event IO, total 5, then three 1-byte values: 239 ignition first.
  EXPECT_EQ(hex(data.substr(26, 6)), "000000050003");
  EXPECT_EQ(be(data, 32, 2), 239u);
  EXPECT_EQ(data[34], 1);
  const auto io66 = data.find(std::string("\x00\x42", 2), 35);
  ASSERT_NE(io66, std::string_view::npos);
  EXPECT_EQ(be(data, io66 + 2, 2), 13800u);  // mV
  EXPECT_EQ(data.back(), 1);                 // N2
}

TEST(Teltonika, TheCodec12CommandOfProtocolsMdAndAcksAreRead) {
  const auto cmd = unhex("00000000000000140c01050000000c7365746469676f7574203131010000bed5");
  auto m = teltonika::read(cmd + std::string("\x00\x00\x00\x01", 4));
  ASSERT_EQ(m.kind, teltonika::Incoming::Kind::Command);
  EXPECT_EQ(m.text, "setdigout 11");
  EXPECT_EQ(m.consumed, cmd.size());
  auto ack = teltonika::read(std::string("\x00\x00\x00\x01", 4));
  EXPECT_EQ(ack.kind, teltonika::Incoming::Kind::Ack);
  EXPECT_EQ(ack.records, 1u);
  EXPECT_EQ(teltonika::read(cmd.substr(0, 20)).kind, teltonika::Incoming::Kind::NeedMore);
  auto broken = cmd;
  broken[broken.size() - 1] ^= 1;
  EXPECT_EQ(teltonika::read(broken).kind, teltonika::Incoming::Kind::Bad);
}

TEST(Teltonika, Codec12ResponseLayout) {
  const auto p = teltonika::codec12_response("DOUT1:1 Timeout:INFINITY");
  // Same layout as the command, type 0x06.
  EXPECT_EQ(hex(p.substr(0, 15)), "00000000000000200c010600000018");
  EXPECT_EQ(p.substr(15, 24), "DOUT1:1 Timeout:INFINITY");
  EXPECT_EQ(p[39], 1);
  EXPECT_EQ(be(p, 40, 4), crc16_ibm(std::string_view(p).substr(8, 32)));
}

// -------------------------------------------------------------------------------------- OsmAnd

TEST(OsmAnd, QueryFormWithSpeedInKnots) {
  Report r;
  r.time = at(2026, 3, 1, 10, 20, 30);
  r.lat = 0.3476;
  r.lon = 32.5825;
  r.speed_kmh = 37.04;  // 20 knots
  r.course = 91;
  r.altitude_m = 1190;
  r.battery_percent = 87;
  EXPECT_EQ(osmand::target("490154203237518", r),
            "/?id=490154203237518&lat=0.347600&lon=32.582500&timestamp=1772360430&speed=20.0&bearing=91&altitude=1190&batt=87");
  const auto req = osmand::request("127.0.0.1", "490154203237518", r);
  EXPECT_EQ(req.substr(0, 10), "GET /?id=4");
  EXPECT_NE(req.find(" HTTP/1.1\r\nHost: 127.0.0.1\r\n"), std::string::npos);
  EXPECT_EQ(req.substr(req.size() - 4), "\r\n\r\n");
}

TEST(OsmAnd, ResponsesWithLengthChunkedAndClose) {
  EXPECT_EQ(osmand::read("HTTP/1.1 200 OK\r\nContent-Le").status, osmand::Response::Status::NeedMore);
  auto ok = osmand::read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1");
  ASSERT_EQ(ok.status, osmand::Response::Status::Complete);
  EXPECT_EQ(ok.code, 200);
  EXPECT_FALSE(ok.close);
  EXPECT_EQ(ok.consumed, 38u);
  auto nf = osmand::read("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\nConnection: close\r\n\r\nunknown\r\n");
  ASSERT_EQ(nf.status, osmand::Response::Status::Complete);
  EXPECT_EQ(nf.code, 404);
  EXPECT_TRUE(nf.close);
  EXPECT_EQ(nf.body, "unknown\r\n");
  EXPECT_EQ(osmand::read("HTTP/1.1 400 Bad\r\nContent-Length: 5\r\n\r\nab").status, osmand::Response::Status::NeedMore);
  auto ch = osmand::read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  ASSERT_EQ(ch.status, osmand::Response::Status::Complete);
  EXPECT_EQ(ch.body, "abc");
  EXPECT_EQ(osmand::read("garbage\r\n\r\n").status, osmand::Response::Status::Bad);
}

}  // namespace
}  // namespace trackersim
