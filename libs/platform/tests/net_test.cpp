#include <gtest/gtest.h>

#include <stdexcept>

#include "rto/net.hpp"

using rto::net::AddressSet;

TEST(AddressSet, MatchesIPv4AndIPv6NetworksAndMappedAddresses) {
  auto s = AddressSet::parse("127.0.0.0/8, ::1/128,10.0.0.0/8 ,172.16.0.0/12,192.168.1.7");
  EXPECT_TRUE(s.contains("127.0.0.1"));
  EXPECT_TRUE(s.contains("10.244.3.17"));
  EXPECT_TRUE(s.contains("172.31.255.255"));
  EXPECT_FALSE(s.contains("172.32.0.1"));
  EXPECT_TRUE(s.contains("192.168.1.7"));
  EXPECT_FALSE(s.contains("192.168.1.8"));
  EXPECT_TRUE(s.contains("::1"));
  EXPECT_FALSE(s.contains("::2"));
  EXPECT_TRUE(s.contains("::ffff:10.1.2.3"));  // as a dual-stack socket reports an IPv4 peer
  EXPECT_FALSE(s.contains("203.0.113.9"));
  EXPECT_FALSE(s.contains(""));
  EXPECT_FALSE(s.contains("not-an-address"));
}

TEST(AddressSet, AnEmptyListMatchesNothingAndBadEntriesAreNamed) {
  EXPECT_FALSE(AddressSet::parse("").contains("127.0.0.1"));
  try {
    AddressSet::parse("10.0.0.0/8,10.0.0.0/33");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.0/33"), std::string::npos);
  }
  EXPECT_THROW(AddressSet::parse("example.org"), std::invalid_argument);
  EXPECT_THROW(AddressSet::parse("10.0.0.0/x"), std::invalid_argument);
}
