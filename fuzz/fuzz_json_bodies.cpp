// The JSON request bodies of every service, through the parsing functions their handlers call
// (fuzz_common.hpp, glue/). Input: one byte choosing the handler (its index in the table below,
// modulo its size), then the body.
#include "fuzz_common.hpp"

namespace {
const std::vector<fuzz::Entry>& table() {
  static const auto t = [] {
    std::vector<fuzz::Entry> all;
    for (auto part : {fuzz::glue::user_bodies, fuzz::glue::vehicle_bodies, fuzz::glue::credit_bodies,
                      fuzz::glue::payment_bodies, fuzz::glue::support_bodies, fuzz::glue::telematics_bodies})
      for (auto& e : part()) all.push_back(std::move(e));
    return all;
  }();
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto& e = table()[data[0] % table().size()];
  const auto body = fuzz::as_text(data + 1, size - 1);
  fuzz::parse(e.name, [&] { e.run(body); });
  return 0;
}
