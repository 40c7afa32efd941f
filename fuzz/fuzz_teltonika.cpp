// Teltonika (Codec 8, 8 Extended, 12) over TCP, as the listener reads a connection
// (teltonika_listener.cpp): the IMEI handshake, then AVL packets off the front.
// Input: one byte choosing the mode, then
//   0: the raw bytes after an accepted handshake (any number of packets);
//   1: the raw bytes of a new connection (handshake first, then packets);
//   2: a packet's data field (codec, N1, records, N2), framed with its length and a good
//      CRC-16/IBM, so that the record decoder sees more than the CRC check lets through.
#include "domain/checksum.hpp"
#include "domain/teltonika.hpp"
#include "fuzz_common.hpp"

using namespace telematics;

namespace {
void read_packets(std::string_view in, std::size_t used) {
  while (used < in.size()) {
    teltonika::Packet p;
    fuzz::parse("teltonika::parse_packet", [&] { p = teltonika::parse_packet(in.substr(used), 64 * 1024); });
    if (p.status == teltonika::Status::NeedMore) break;
    if (p.consumed == 0 || p.consumed > in.size() - used)
      fuzz::finding("teltonika::parse_packet", "consumed", "out of range");
    used += p.consumed;
  }
}

void put_u32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xFF));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto rest = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      read_packets(rest, 0);
      break;
    case 1: {
      teltonika::Handshake h;
      fuzz::parse("teltonika::parse_handshake", [&] { h = teltonika::parse_handshake(rest); });
      if (h.status == teltonika::Status::Ok) {
        if (h.consumed == 0 || h.consumed > rest.size()) fuzz::finding("teltonika::parse_handshake", "consumed", "out of range");
        read_packets(rest, h.consumed);
      }
      break;
    }
    default: {
      std::string packet(4, '\0');
      put_u32(packet, static_cast<std::uint32_t>(rest.size()));
      packet.append(rest);
      put_u32(packet, crc16_ibm(rest));
      read_packets(packet, 0);
      break;
    }
  }
  return 0;
}
