#pragma once
// Sets of IP networks, for deciding who may read what (for example /metrics).
#include <array>
#include <string_view>
#include <vector>

namespace rto::net {

class AddressSet {
 public:
  // Comma-separated CIDRs ("10.0.0.0/8, ::1/128"); a bare address is one host. Throws
  // std::invalid_argument naming the entry that is not one.
  static AddressSet parse(std::string_view list);
  // Whether `address` (IPv4, IPv6, or IPv4-mapped IPv6 as a dual-stack socket reports it) lies in
  // one of the networks; false for anything that is not an IP address.
  bool contains(std::string_view address) const;

 private:
  struct Net {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Net> nets_;
};

}  // namespace rto::net
