#pragma once
// The device side of the three tracker protocols (PROTOCOLS.md §4): what a GT06, a Teltonika
// FMB (Codec 8 Extended) and the Traccar Client (OsmAnd) send, and how they read what the
// server sends back. An implementation of its own, written from the protocol documents and not
// from the telematics service's code, so the two can catch each other's mistakes. Pure functions.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trackersim {

using TimePoint = std::chrono::system_clock::time_point;

// CRC-16/X-25 (GT06): poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF. "123456789" → 0x906E.
std::uint16_t crc16_x25(std::string_view bytes) noexcept;
// CRC-16/IBM, also called ARC (Teltonika): poly 0x8005 reflected, init 0. "123456789" → 0xBB3D.
std::uint16_t crc16_ibm(std::string_view bytes) noexcept;

// The Luhn check digit of a 14-digit IMEI body.
char luhn_digit(std::string_view body14);
// True for 15 digits whose last one is the Luhn digit of the first 14.
bool valid_imei(std::string_view imei);
// The n-th IMEI after `base` (up to 14 digits, the body counted from it), with its check digit.
std::string imei_from(std::string_view base, std::uint64_t n);

// What a device reports once: a fix and the state of the vehicle.
struct Report {
  TimePoint time;            // device time (GT06 keeps whole seconds)
  double lat = 0, lon = 0;   // degrees
  double speed_kmh = 0;
  double course = 0;         // degrees clockwise from north
  double altitude_m = 0;
  int satellites = 9;
  bool ignition = false;
  bool immobilised = false;  // the engine cut relay is on
  double external_voltage = 12.6;
  int battery_percent = 100;
  std::uint32_t odometer_m = 0;
  int mcc = 641, mnc = 1;    // mobile network of the cell (641 Uganda, 639 Kenya)
  std::uint16_t lac = 0x1F40;
  std::uint32_t cell_id = 0x2A31;
};

namespace gt06 {

inline constexpr std::uint8_t kLogin = 0x01;
inline constexpr std::uint8_t kStatus = 0x13;
inline constexpr std::uint8_t kCommandReply = 0x15;
inline constexpr std::uint8_t kLocation = 0x22;
inline constexpr std::uint8_t kCommand = 0x80;

// 78 78 | LEN | PROTO | content | SERIAL | CRC | 0D 0A; 79 79 with a 2-byte LEN for long bodies.
std::string frame(std::uint8_t protocol, std::string_view content, std::uint16_t serial);
// Login 0x01: the IMEI as 8 bytes of BCD (a leading 0 nibble, then the 15 digits).
std::string login(std::string_view imei, std::uint16_t serial);
// Location 0x22: GPS (time, satellites, lat, lon, speed, course and status) + LBS + ACC byte
// (the ignition) + upload mode + re-upload flag.
std::string location(const Report& r, std::uint16_t serial);
// Heartbeat 0x13: terminal info (ignition, charging, oil cut), voltage level, GSM signal, language.
std::string heartbeat(const Report& r, std::uint16_t serial);
// The answer 0x15 to command `server_flag`: length, server flag, text, language (0x0002).
std::string command_reply(std::uint32_t server_flag, std::string_view text, std::uint16_t serial);

// One frame from the server, read from the front of a buffer.
struct Incoming {
  enum class Status { Frame, NeedMore, Bad } status = Status::NeedMore;
  std::size_t consumed = 0;  // bytes to drop (Frame, Bad)
  std::uint8_t protocol = 0;
  std::uint16_t serial = 0;
  std::string content;
  // 0x80 only: the command's server flag and text.
  std::uint32_t server_flag = 0;
  std::string text;
};
Incoming read(std::string_view in);

inline constexpr std::string_view kEngineStop = "Relay,1#";
inline constexpr std::string_view kEngineResume = "Relay,0#";

}  // namespace gt06

namespace teltonika {

// The opening: 2-byte length + the IMEI in ASCII. The server answers one byte, 01 to accept.
std::string handshake(std::string_view imei);

// One AVL record as Codec 8 Extended writes it (2-byte IO ids and counts).
struct AvlRecord {
  std::uint64_t timestamp_ms = 0;
  std::uint8_t priority = 0;
  std::int32_t lon = 0, lat = 0;  // degrees × 1e7
  std::int16_t altitude = 0;      // m
  std::uint16_t angle = 0;
  std::uint8_t satellites = 0;
  std::uint16_t speed = 0;        // km/h
  std::uint16_t event_io = 0;
  std::vector<std::pair<std::uint16_t, std::uint64_t>> io1, io2, io4, io8;  // (id, value) by value size
};
// 00000000 | length | 8E | N1 | records | N2 | CRC-16/IBM as 4 bytes.
std::string codec8e(const std::vector<AvlRecord>& records);
// A report as a periodic record: IO 239 ignition, 240 movement, 21 GSM signal, 66 external
// voltage (mV), 16 odometer (m).
AvlRecord record_of(const Report& r);
// One packet with that one record.
std::string avl(const Report& r);
// A Codec 12 response (type 0x06) carrying `text`.
std::string codec12_response(std::string_view text);

// What the server sends after the handshake: 4-byte acknowledgements (the record count) and
// Codec 12 commands. (A count is never 0, so 4 zero bytes start a packet.)
struct Incoming {
  enum class Kind { Ack, Command, NeedMore, Bad } kind = Kind::NeedMore;
  std::size_t consumed = 0;
  std::uint32_t records = 0;  // Ack
  std::string text;           // Command
};
Incoming read(std::string_view in);

inline constexpr std::string_view kEngineStop = "setdigout 1";
inline constexpr std::string_view kEngineResume = "setdigout 0";

}  // namespace teltonika

namespace osmand {

// GET /?id=<IMEI>&lat=..&lon=..&timestamp=<unix s>&speed=<knots>&bearing=..&altitude=..&batt=..
std::string target(std::string_view imei, const Report& r);
std::string request(std::string_view host, std::string_view imei, const Report& r);

// An HTTP/1.1 response read from the front of a buffer.
struct Response {
  enum class Status { Complete, NeedMore, Bad } status = Status::NeedMore;
  std::size_t consumed = 0;
  int code = 0;
  bool close = false;  // the server will close the connection after it
  std::string body;
};
Response read(std::string_view in);

inline constexpr double kKmhPerKnot = 1.852;

}  // namespace osmand

}  // namespace trackersim
