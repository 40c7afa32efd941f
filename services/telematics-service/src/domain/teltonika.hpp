#pragma once
// Teltonika Codec 8 / 8 Extended over TCP and Codec 12 commands (PROTOCOLS.md §4c), after the
// Teltonika wiki and Traccar's TeltonikaProtocolDecoder. Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace telematics::teltonika {

enum class Status { Ok, NeedMore, Bad };

// The IMEI handshake: 00 0F + 15 ASCII digits. `consumed` is set when Ok or Bad.
struct Handshake {
  Status status = Status::NeedMore;
  std::size_t consumed = 0;
  std::string imei;
};
Handshake parse_handshake(std::string_view in);
inline constexpr char kAccept = '\x01';
inline constexpr char kReject = '\x00';

struct Record {
  Fix fix;
  int priority = 0;
  int event_io = 0;
  std::vector<std::pair<int, std::uint64_t>> io;  // id, value (variable-length values left out)
};

// One AVL data packet: 00000000 | length u32 | codec | N1 | records | N2 | CRC u32.
struct Packet {
  Status status = Status::NeedMore;
  std::size_t consumed = 0;  // when Ok or Bad (a bad CRC or layout: drop it, the device resends)
  int codec = 0;             // 0x08, 0x8E, or 0x0C (a command response)
  std::vector<Record> records;
  std::string response;      // codec 12 response text
  std::string error;         // why Bad
};
Packet parse_packet(std::string_view in, std::size_t max_packet = 64 * 1024);

// The server's acknowledgement of an AVL packet: the record count as 4 bytes.
std::string encode_ack(std::uint32_t records);
// A Codec 12 command (type 0x05), e.g. "setdigout 1".
std::string encode_command(std::string_view text);

inline constexpr std::string_view kEngineStop = "setdigout 1";
inline constexpr std::string_view kEngineResume = "setdigout 0";
inline constexpr int kIoIgnition = 239;
inline constexpr int kIoExternalVoltage = 66;

}  // namespace telematics::teltonika
