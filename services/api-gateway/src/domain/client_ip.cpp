#include "domain/client_ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "rto/errors.hpp"

namespace gateway {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    auto j = s.find(',', i);
    if (j == std::string_view::npos) j = s.size();
    auto item = trim(s.substr(i, j - i));
    if (!item.empty()) out.push_back(item);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  text = trim(text);
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string host;
  if (text.front() == '[') {  // [v6] or [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = std::string(text.substr(1, close - 1));
  } else if (text.find(':') != std::string_view::npos && text.find(':') == text.rfind(':')) {
    host = std::string(text.substr(0, text.find(':')));  // v4:port
  } else {
    host = std::string(text);
  }
  IpAddress ip;
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    std::memcpy(ip.bytes.data(), &a4, 4);
    return ip;
  }
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(&a6, mapped, 12) == 0) {
      std::memcpy(ip.bytes.data(), reinterpret_cast<const std::uint8_t*>(&a6) + 12, 4);
      return ip;
    }
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &a6, 16);
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpAddress::subscriber_key() const {
  if (!v6) return to_string();
  IpAddress net = *this;
  std::fill(net.bytes.begin() + 8, net.bytes.end(), std::uint8_t{0});
  return net.to_string() + "/64";
}

TrustedProxies TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies t;
  for (const auto& raw : entries) {
    std::string_view e = trim(raw);
    auto slash = e.find('/');
    auto ip = IpAddress::parse(e.substr(0, slash));
    int max_bits = ip && ip->v6 ? 128 : 32;
    int bits = max_bits;
    if (ip && slash != std::string_view::npos) {
      auto b = e.substr(slash + 1);
      auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
      if (ec != std::errc() || p != b.data() + b.size() || bits < 0 || bits > max_bits) ip.reset();
    }
    // "host:port" forms are accepted by IpAddress::parse for peers, not for configuration.
    if (!ip || (slash == std::string_view::npos && !ip->v6 && e.find(':') != std::string_view::npos))
      throw rto::ConfigError("'" + std::string(e) + "' is not an IP address or CIDR block");
    t.nets_.push_back({*ip, bits});
  }
  return t;
}

bool TrustedProxies::contains(const IpAddress& ip) const noexcept {
  for (const auto& n : nets_) {
    if (n.base.v6 != ip.v6) continue;
    int full = n.bits / 8, rest = n.bits % 8;
    if (std::memcmp(n.base.bytes.data(), ip.bytes.data(), static_cast<std::size_t>(full)) != 0) continue;
    if (rest) {
      auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
      if ((n.base.bytes[static_cast<std::size_t>(full)] & mask) != (ip.bytes[static_cast<std::size_t>(full)] & mask)) continue;
    }
    return true;
  }
  return false;
}

ClientAddress client_address(std::string_view remote_addr, std::optional<std::string_view> xff,
                             const TrustedProxies& trusted) {
  ClientAddress out;
  auto peer = IpAddress::parse(remote_addr);
  std::string peer_text = peer ? peer->to_string() : std::string(remote_addr);
  out.chain.push_back(peer_text);
  out.ip = peer_text;
  out.limit_key = peer ? peer->subscriber_key() : peer_text;
  if (!peer || !trusted.contains(*peer) || !xff) return out;
  out.via_trusted_proxy = true;

  auto hops = split_commas(*xff);
  // Walk right to left while the hops are trusted proxies; the first other hop is the client.
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    auto hop = IpAddress::parse(*it);
    if (!hop) break;  // garbage written by someone we do not trust: stop at the last good hop
    out.chain.insert(out.chain.begin(), hop->to_string());
    out.ip = hop->to_string();
    out.limit_key = hop->subscriber_key();
    if (!trusted.contains(*hop)) break;
  }
  return out;
}

}  // namespace gateway
