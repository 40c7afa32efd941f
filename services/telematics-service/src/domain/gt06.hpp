#pragma once
// GT06 (Concox) framing, decoding and encoding, after Traccar's Gt06FrameDecoder,
// Gt06ProtocolDecoder and Gt06ProtocolEncoder (PROTOCOLS.md §4b). Pure functions.
//
// Frame: 78 78 | LEN(1) | PROTO | CONTENT | SERIAL(2) | CRC(2) | 0D 0A, or 79 79 with LEN(2).
// LEN counts PROTO..CRC; the CRC (CRC-16/X-25) covers LEN..SERIAL.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace telematics::gt06 {

inline constexpr std::uint8_t kLogin = 0x01;
inline constexpr std::uint8_t kGps = 0x12;
inline constexpr std::uint8_t kStatus = 0x13;
inline constexpr std::uint8_t kCommandReply = 0x15;
inline constexpr std::uint8_t kAlarm = 0x16;
inline constexpr std::uint8_t kGpsN = 0x22;
inline constexpr std::uint8_t kHeartbeatGk310 = 0x23;
inline constexpr std::uint8_t kAlarmN = 0x26;
inline constexpr std::uint8_t kCommand = 0x80;

struct Frame {
  std::uint8_t protocol = 0;
  std::string content;  // between PROTO and SERIAL
  std::uint16_t serial = 0;
  bool extended = false;  // 79 79 with a 2-byte length
};

enum class Scan {
  Frame,     // a complete frame with a good CRC: `frame` is set
  BadCrc,    // a complete frame whose CRC is wrong: drop `consumed` bytes, count it, go on
  Garbage,   // bytes that start no frame (or a frame over the size limit): drop `consumed` bytes
  NeedMore,  // an incomplete frame: wait for more bytes
};

struct ScanResult {
  Scan status = Scan::NeedMore;
  std::size_t consumed = 0;
  std::optional<Frame> frame;
};

// Looks at the front of `in` (bytes buffered from the device).
ScanResult scan(std::string_view in, std::size_t max_frame = 1024);

struct Message {
  std::uint8_t protocol = 0;
  std::uint16_t serial = 0;
  std::string imei;                      // login
  std::optional<Fix> fix;                // 0x12, 0x22, 0x16, 0x26
  std::optional<bool> ignition;          // from the fix's status bits, 0x22's ACC byte or terminal info
  std::optional<bool> charging;          // terminal info
  std::optional<bool> oil_cut;           // terminal info bit 7 (Traccar's `blocked`)
  std::optional<std::string> alarm;      // sos, power_cut, vibration, geofence_enter, geofence_exit, overspeed, low_battery, tamper
  std::optional<std::uint32_t> server_flag;  // 0x15: the command this replies to
  std::string text;                      // 0x15: the device's reply text
  bool needs_ack = false;                // every standard message but the command family is acknowledged
};

// Decodes a frame's content; throws DecodeError for content too short or out of range.
// Unknown protocol numbers decode to a Message with only protocol, serial and needs_ack.
Message decode(const Frame& f, int tz_offset_minutes = 0);

// A whole frame (header, length, CRC, trailer) around protocol, content and serial. Uses the
// long form (79 79) when the body does not fit one length byte.
std::string encode_frame(std::uint8_t protocol, std::string_view content, std::uint16_t serial);
// The server's acknowledgement: 78 78 05 PROTO SERIAL CRC 0D 0A.
std::string encode_ack(std::uint8_t protocol, std::uint16_t serial);
// Online command 0x80: cmdLen (4 + text), server flag, ASCII text, serial.
std::string encode_command(std::string_view text, std::uint32_t server_flag, std::uint16_t serial = 0);

inline constexpr std::string_view kEngineStop = "Relay,1#";
inline constexpr std::string_view kEngineResume = "Relay,0#";

}  // namespace telematics::gt06
