#include "rto/net.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

namespace rto::net {
namespace {

struct Parsed {
  bool v6;
  std::array<unsigned char, 16> bytes;
};

std::optional<Parsed> parse_address(std::string_view text) {
  std::string s(text);
  Parsed p{false, {}};
  if (inet_pton(AF_INET, s.c_str(), p.bytes.data()) == 1) return p;
  if (inet_pton(AF_INET6, s.c_str(), p.bytes.data()) == 1) {
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(std::begin(kMapped), std::end(kMapped), p.bytes.begin())) {  // ::ffff:a.b.c.d
      std::array<unsigned char, 16> v4{};
      std::copy(p.bytes.begin() + 12, p.bytes.end(), v4.begin());
      return Parsed{false, v4};
    }
    p.v6 = true;
    return p;
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

AddressSet AddressSet::parse(std::string_view list) {
  AddressSet set;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto entry = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (entry.empty()) continue;
    auto slash = entry.find('/');
    auto addr = parse_address(entry.substr(0, slash));
    if (!addr) throw std::invalid_argument("not an IP network: " + std::string(entry));
    Net n{addr->v6, addr->bytes, addr->v6 ? 128 : 32};
    if (slash != std::string_view::npos) {
      auto bits = entry.substr(slash + 1);
      int prefix = -1;
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
      if (ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > n.prefix)
        throw std::invalid_argument("not an IP network: " + std::string(entry));
      n.prefix = prefix;
    }
    set.nets_.push_back(n);
  }
  return set;
}

bool AddressSet::contains(std::string_view address) const {
  auto a = parse_address(address);
  if (!a) return false;
  for (const auto& n : nets_) {
    if (n.v6 != a->v6) continue;
    int full = n.prefix / 8, rest = n.prefix % 8;
    if (!std::equal(n.bytes.begin(), n.bytes.begin() + full, a->bytes.begin())) continue;
    if (rest) {
      const unsigned mask = (0xFFu << (8 - rest)) & 0xFFu;
      if ((n.bytes[static_cast<std::size_t>(full)] & mask) != (a->bytes[static_cast<std::size_t>(full)] & mask)) continue;
    }
    return true;
  }
  return false;
}

}  // namespace rto::net
