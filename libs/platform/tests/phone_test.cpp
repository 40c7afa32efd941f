#include <gtest/gtest.h>

#include "rto/phone.hpp"

using namespace rto::phone;

TEST(Phone, NormalisesNationalAndInternationalForms) {
  EXPECT_EQ(normalize("0772 123456", "UG").value_or(""), "+256772123456");
  EXPECT_EQ(normalize("+256 772 123 456", "KE").value_or(""), "+256772123456");
  EXPECT_EQ(normalize("0712345678", "KE").value_or(""), "+254712345678");
  EXPECT_EQ(normalize("+2348031234567", "UG").value_or(""), "+2348031234567");
}

TEST(Phone, RejectsInvalid) {
  EXPECT_FALSE(normalize("12345", "UG"));
  EXPECT_FALSE(normalize("not a phone", "UG"));
  EXPECT_FALSE(normalize("", "UG"));
  EXPECT_FALSE(normalize("+256 1", "UG"));
}

TEST(Phone, RegionAndMask) {
  EXPECT_EQ(region_of("+256772123456"), "UG");
  EXPECT_EQ(region_of("+254712345678"), "KE");
  EXPECT_EQ(mask("+256772123456"), "+25677****456");
}
