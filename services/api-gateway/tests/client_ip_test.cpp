#include <gtest/gtest.h>

#include "domain/client_ip.hpp"
#include "rto/errors.hpp"

using gateway::client_address;
using gateway::IpAddress;
using gateway::TrustedProxies;

TEST(IpAddress, Parses) {
  EXPECT_EQ(IpAddress::parse("1.2.3.4")->to_string(), "1.2.3.4");
  EXPECT_EQ(IpAddress::parse(" 1.2.3.4:5678 ")->to_string(), "1.2.3.4");
  EXPECT_EQ(IpAddress::parse("::1")->to_string(), "::1");
  EXPECT_EQ(IpAddress::parse("[2001:db8::1]:443")->to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddress::parse("::ffff:10.1.2.3")->to_string(), "10.1.2.3");
  EXPECT_FALSE(IpAddress::parse(""));
  EXPECT_FALSE(IpAddress::parse("unknown"));
  EXPECT_FALSE(IpAddress::parse("1.2.3"));
  EXPECT_FALSE(IpAddress::parse("300.1.1.1"));
}

TEST(TrustedProxies, AddressesAndCidrs) {
  auto t = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "192.168.1.0/25", "fd00::/8", "::1"});
  EXPECT_TRUE(t.contains(*IpAddress::parse("127.0.0.1")));
  EXPECT_FALSE(t.contains(*IpAddress::parse("127.0.0.2")));
  EXPECT_TRUE(t.contains(*IpAddress::parse("10.200.3.4")));
  EXPECT_TRUE(t.contains(*IpAddress::parse("192.168.1.127")));
  EXPECT_FALSE(t.contains(*IpAddress::parse("192.168.1.128")));
  EXPECT_TRUE(t.contains(*IpAddress::parse("fd12::5")));
  EXPECT_FALSE(t.contains(*IpAddress::parse("fe80::1")));
  EXPECT_TRUE(t.contains(*IpAddress::parse("::ffff:127.0.0.1")));
  EXPECT_TRUE(t.contains(*IpAddress::parse("::1")));
}

TEST(TrustedProxies, RefusesBadEntries) {
  EXPECT_THROW(TrustedProxies::parse({"localhost"}), rto::ConfigError);
  EXPECT_THROW(TrustedProxies::parse({"10.0.0.0/33"}), rto::ConfigError);
  EXPECT_THROW(TrustedProxies::parse({"10.0.0.0/x"}), rto::ConfigError);
  EXPECT_THROW(TrustedProxies::parse({"10.0.0.1:80"}), rto::ConfigError);
  EXPECT_NO_THROW(TrustedProxies::parse({}));
}

TEST(ClientAddress, UntrustedPeerIsTheClientWhateverItClaims) {
  auto t = TrustedProxies::parse({"127.0.0.1"});
  auto c = client_address("203.0.113.9", "1.1.1.1", t);
  EXPECT_EQ(c.ip, "203.0.113.9");
  EXPECT_FALSE(c.via_trusted_proxy);
  EXPECT_EQ(c.chain, (std::vector<std::string>{"203.0.113.9"}));
}

TEST(ClientAddress, TrustedPeerWithoutHeader) {
  auto t = TrustedProxies::parse({"127.0.0.1"});
  EXPECT_EQ(client_address("127.0.0.1", std::nullopt, t).ip, "127.0.0.1");
}

TEST(ClientAddress, RightmostUntrustedHopWins) {
  auto t = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8"});
  // The client forged "6.6.6.6"; the edge proxy (10.0.0.5) appended the real address.
  auto c = client_address("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.5", t);
  EXPECT_EQ(c.ip, "198.51.100.7");
  EXPECT_TRUE(c.via_trusted_proxy);
  EXPECT_EQ(c.chain, (std::vector<std::string>{"198.51.100.7", "10.0.0.5", "127.0.0.1"}));
}

TEST(ClientAddress, AllTrustedTakesLeftmost) {
  auto t = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(client_address("127.0.0.1", "10.1.1.1, 10.0.0.5", t).ip, "10.1.1.1");
}

TEST(ClientAddress, GarbageHopStopsTheWalk) {
  auto t = TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.7, nonsense, 10.0.0.5", t).ip, "10.0.0.5");
  EXPECT_EQ(client_address("127.0.0.1", "", t).ip, "127.0.0.1");
}

TEST(ClientAddress, MappedPeerAddress) {
  auto t = TrustedProxies::parse({"127.0.0.1"});
  auto c = client_address("::ffff:127.0.0.1", "198.51.100.7", t);
  EXPECT_EQ(c.ip, "198.51.100.7");
}

TEST(ClientAddress, RateLimitKeyIsTheIpv6Slash64) {
  auto t = TrustedProxies::parse({"127.0.0.1"});
  auto a = client_address("127.0.0.1", "2001:db8:1:2:aaaa::1", t);
  auto b = client_address("127.0.0.1", "2001:db8:1:2:bbbb::7", t);
  EXPECT_EQ(a.ip, "2001:db8:1:2:aaaa::1");
  EXPECT_EQ(a.limit_key, "2001:db8:1:2::/64");
  EXPECT_EQ(a.limit_key, b.limit_key);
  EXPECT_NE(a.limit_key, client_address("127.0.0.1", "2001:db8:1:3::1", t).limit_key);
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.7", t).limit_key, "198.51.100.7");
  EXPECT_EQ(client_address("203.0.113.9", std::nullopt, t).limit_key, "203.0.113.9");
}
