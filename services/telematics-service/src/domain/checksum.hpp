#pragma once
// The two CRCs of the tracker protocols (PROTOCOLS.md §4).
#include <cstdint>
#include <string_view>

namespace telematics {

// CRC-16/X-25 (CRC-ITU): poly 0x1021 reflected, init 0xFFFF, xorout 0xFFFF. GT06.
std::uint16_t crc16_x25(std::string_view bytes) noexcept;
// CRC-16/IBM (ARC): poly 0x8005 reflected, init 0, xorout 0. Teltonika.
std::uint16_t crc16_ibm(std::string_view bytes) noexcept;

}  // namespace telematics
