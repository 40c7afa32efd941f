#include <gtest/gtest.h>

#include "domain/checksum.hpp"
#include "hex.hpp"

using namespace telematics;

TEST(Checksum, X25MatchesTheCatalogueCheckValue) { EXPECT_EQ(crc16_x25("123456789"), 0x906E); }

TEST(Checksum, IbmMatchesTheCatalogueCheckValue) { EXPECT_EQ(crc16_ibm("123456789"), 0xBB3D); }

TEST(Checksum, X25OfTheDocumentedGt06EngineCutFrame) {
  // PROTOCOLS.md §4b, from Traccar's Gt06ProtocolEncoderTest: the CRC covers LEN..SERIAL.
  auto frame = unhex("787812800c0000000052656c61792c312300009dee0d0a");
  EXPECT_EQ(crc16_x25(std::string_view(frame).substr(2, frame.size() - 6)), 0x9DEE);
}

TEST(Checksum, IbmOfTheDocumentedTeltonikaCodec12Frame) {
  // PROTOCOLS.md §4c: `setdigout 11`; the CRC covers codec..N2 and sits in the low 2 bytes.
  auto frame = unhex("00000000000000140c01050000000c7365746469676f7574203131010000bed5");
  EXPECT_EQ(crc16_ibm(std::string_view(frame).substr(8, frame.size() - 12)), 0xBED5);
}
