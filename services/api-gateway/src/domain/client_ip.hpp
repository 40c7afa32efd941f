#pragma once
// The client's address behind reverse proxies. X-Forwarded-For is only believed as far as it
// was written by proxies we trust (TRUSTED_PROXIES: addresses or CIDR blocks): walking the
// chain from the right, the first hop that is not a trusted proxy is the client. Anything to
// its left was written by the client itself and is ignored.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway {

// An IPv4 or IPv6 address; IPv4-mapped IPv6 (::ffff:a.b.c.d) is read as IPv4.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // Accepts "1.2.3.4", "1.2.3.4:5678", "::1", "[::1]", "[::1]:443". nullopt otherwise.
  static std::optional<IpAddress> parse(std::string_view text);
  std::string to_string() const;
  // The address itself for IPv4; the /64 network for IPv6, since one subscriber (one phone on a
  // mobile network) gets a whole /64 and could otherwise rotate addresses to dodge rate limits.
  std::string subscriber_key() const;
  bool operator==(const IpAddress&) const = default;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Entries like "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8". Throws rto::ConfigError on a bad one.
  static TrustedProxies parse(const std::vector<std::string>& entries);
  bool contains(const IpAddress& ip) const noexcept;
  bool empty() const noexcept { return nets_.empty(); }

 private:
  struct Net {
    IpAddress base;
    int bits;
  };
  std::vector<Net> nets_;
};

struct ClientAddress {
  std::string ip;                  // the client's address
  std::string limit_key;           // rate-limit key: the IPv4 address, or the IPv6 /64 (one subscriber)
  std::vector<std::string> chain;  // client first, then every trusted hop, ending with the peer
  bool via_trusted_proxy = false;  // the TCP peer is a trusted proxy
};

ClientAddress client_address(std::string_view remote_addr, std::optional<std::string_view> x_forwarded_for,
                             const TrustedProxies& trusted);

}  // namespace gateway
