#include <gtest/gtest.h>

#include "domain/tracker.hpp"

using namespace telematics;

TEST(Tracker, ImeiNeedsFifteenDigitsAndAValidLuhnDigit) {
  EXPECT_TRUE(valid_imei("490154203237518"));   // the textbook example
  EXPECT_TRUE(valid_imei("359339075016807"));
  EXPECT_FALSE(valid_imei("490154203237517"));  // wrong check digit
  EXPECT_FALSE(valid_imei("49015420323751"));   // 14 digits
  EXPECT_FALSE(valid_imei("4901542032375180"));
  EXPECT_FALSE(valid_imei("49015420323751a"));
  EXPECT_FALSE(valid_imei(""));
}

TEST(Tracker, KnownProtocols) {
  EXPECT_TRUE(known_protocol("gt06"));
  EXPECT_TRUE(known_protocol("osmand"));
  EXPECT_FALSE(known_protocol("GT06"));
  EXPECT_FALSE(known_protocol("tk103"));
}
