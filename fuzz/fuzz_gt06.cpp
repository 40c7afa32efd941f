// GT06 (Concox) frames, as the TCP listener reads a connection's bytes (gt06_listener.cpp):
// scan frames off the front, drop bad CRCs and garbage, decode each good frame.
// Input: one byte choosing the mode, then
//   even: the raw bytes a device sends (any number of frames, or none);
//   odd:  PROTO, SERIAL (2 bytes), then the content, wrapped in a frame with a good CRC
//         (encode_frame), so that the decoder sees far more than the CRC check lets through.
#include "domain/gt06.hpp"
#include "fuzz_common.hpp"

using namespace telematics;

namespace {
void read_stream(std::string_view in) {
  std::size_t used = 0;
  while (used < in.size()) {
    auto r = gt06::scan(in.substr(used));
    if (r.status == gt06::Scan::NeedMore) break;
    // The listener loops on `consumed`: nothing consumed would spin it for ever.
    if (r.consumed == 0 || r.consumed > in.size() - used) fuzz::finding("gt06::scan", "consumed", "out of range");
    used += r.consumed;
    if (r.status != gt06::Scan::Frame) continue;
    if (!r.frame) fuzz::finding("gt06::scan", "frame", "status Frame without a frame");
    fuzz::parse<DecodeError>("gt06::decode", [&] { gt06::decode(*r.frame); });
    fuzz::parse<DecodeError>("gt06::decode(+03:00)", [&] { gt06::decode(*r.frame, 180); });
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  if ((data[0] & 1) == 0) {
    read_stream(fuzz::as_text(data + 1, size - 1));
    return 0;
  }
  if (size < 4) return 0;
  const auto serial = static_cast<std::uint16_t>(data[2] << 8 | data[3]);
  const auto content = fuzz::as_text(data + 4, size - 4);
  std::string frame;
  fuzz::parse("gt06::encode_frame", [&] { frame = gt06::encode_frame(data[1], content, serial); });
  read_stream(frame);
  return 0;
}
