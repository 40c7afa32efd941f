#include <gtest/gtest.h>

#include <random>
#include <set>

#include "domain/reference.hpp"

using namespace payment_service;

TEST(Reference, ShapeAndRoundTrip) {
  std::mt19937 rng(5);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto r = make_reference(rng());
    ASSERT_EQ(r.size(), 10u);
    EXPECT_EQ(r.substr(0, 4), "RTO-");
    for (char c : r.substr(4)) EXPECT_EQ(std::string("ILOU").find(c), std::string::npos) << r;
    EXPECT_EQ(normalize_reference(r), r);
    seen.insert(r);
  }
  EXPECT_GT(seen.size(), 1990u);
}

TEST(Reference, AcceptsWhatPeopleType) {
  auto r = make_reference(0x1234567);
  std::string lower = r;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(normalize_reference(lower), r);
  EXPECT_EQ(normalize_reference(r.substr(4)), r);                  // without the prefix
  EXPECT_EQ(normalize_reference("RTO " + r.substr(4)), r);         // a space
  EXPECT_EQ(normalize_reference("RT0-" + r.substr(4)), r);         // zero for O
  auto zero = make_reference(0);                                   // RTO-000000
  EXPECT_EQ(zero, "RTO-000000");
  EXPECT_EQ(normalize_reference("rto-oooooo"), zero);              // O for zero
  EXPECT_FALSE(normalize_reference("RTO-12345"));
  EXPECT_FALSE(normalize_reference("ABC-" + r.substr(4)));
  EXPECT_FALSE(normalize_reference("RTO-U" + r.substr(5)));
}

TEST(Reference, CheckSymbolCatchesSingleSlipsAndNeighbourSwaps) {
  const std::string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::mt19937 rng(11);
  int undetected = 0;
  for (int n = 0; n < 200; ++n) {
    auto r = make_reference(rng());
    for (std::size_t pos = 4; pos < 10; ++pos) {
      for (char c : alphabet) {
        if (c == r[pos]) continue;
        std::string typo = r;
        typo[pos] = c;
        if (normalize_reference(typo)) {
          bool zero_z = (c == '0' && r[pos] == 'Z') || (c == 'Z' && r[pos] == '0');
          EXPECT_TRUE(zero_z) << r << " → " << typo;
          ++undetected;
        }
      }
    }
    for (std::size_t pos = 4; pos + 1 < 9; ++pos) {  // neighbouring data symbols
      if (r[pos] == r[pos + 1]) continue;
      std::string swapped = r;
      std::swap(swapped[pos], swapped[pos + 1]);
      bool zero_z = (r[pos] == '0' && r[pos + 1] == 'Z') || (r[pos] == 'Z' && r[pos + 1] == '0');
      if (!zero_z) {
        EXPECT_FALSE(normalize_reference(swapped)) << r << " → " << swapped;
      }
    }
  }
  EXPECT_LT(undetected, 200);
}
