#include <gtest/gtest.h>

#include "domain/validation.hpp"

using namespace user_service;

namespace {
constexpr const char* kPhone = "+256772123456";
}

TEST(PasswordPolicy, AcceptsAReasonablePassword) {
  EXPECT_EQ(password_problem("boda-rider-42", kPhone), std::nullopt);
  EXPECT_EQ(password_problem("12345678a", kPhone), std::nullopt);
}

TEST(PasswordPolicy, RefusesShortPasswords) {
  EXPECT_NE(password_problem("", kPhone), std::nullopt);
  EXPECT_NE(password_problem("abc1234", kPhone), std::nullopt);  // 7
  EXPECT_EQ(password_problem("abc12345", kPhone), std::nullopt);  // 8
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  // Seven characters of two bytes each are still seven characters.
  EXPECT_NE(password_problem("ééééééé", kPhone), std::nullopt);
  EXPECT_EQ(password_problem("éééééééé", kPhone), std::nullopt);
}

TEST(PasswordPolicy, RefusesOverlongPasswords) {
  EXPECT_EQ(password_problem(std::string(128, 'a'), kPhone), std::nullopt);
  EXPECT_NE(password_problem(std::string(129, 'a'), kPhone), std::nullopt);
}

TEST(PasswordPolicy, RefusesAllDigits) {
  auto p = password_problem("9876543210", kPhone);
  ASSERT_TRUE(p);
  EXPECT_NE(p->find("digits"), std::string::npos);
}

TEST(PasswordPolicy, RefusesThePhoneNumberInAnyForm) {
  for (const char* pw : {"+256772123456", "0772123456x", "x772123456", "pass772123456!", "256772123456abc",
                         "772-123-456-ab"}) {
    auto p = password_problem(pw, kPhone);
    ASSERT_TRUE(p) << pw;
    EXPECT_NE(p->find("phone"), std::string::npos) << pw;
  }
  // Part of the number is fine.
  EXPECT_EQ(password_problem("rider772123", kPhone), std::nullopt);
}

TEST(PasswordPolicy, WorksWithoutAPhone) { EXPECT_EQ(password_problem("boda-rider-42", ""), std::nullopt); }

TEST(FullName, Rules) {
  EXPECT_EQ(full_name_problem("Amina Nakato"), std::nullopt);
  EXPECT_EQ(full_name_problem("Jo"), std::nullopt);
  EXPECT_EQ(full_name_problem("Ñandú Ōta"), std::nullopt);
  EXPECT_NE(full_name_problem("J"), std::nullopt);
  EXPECT_NE(full_name_problem(std::string(101, 'a')), std::nullopt);
  EXPECT_NE(full_name_problem("12"), std::nullopt);
  EXPECT_NE(full_name_problem("Amina\nNakato"), std::nullopt);
}

TEST(Email, LooseCheck) {
  EXPECT_EQ(email_problem("amina@example.ug"), std::nullopt);
  EXPECT_EQ(email_problem("a.b+c@mail.example.co.ke"), std::nullopt);
  for (const char* bad : {"amina", "@example.com", "amina@", "amina@example", "a b@example.com", "a@b@example.com",
                          "amina@example.", "amina@.com", "amina@exa..mple.com"})
    EXPECT_NE(email_problem(bad), std::nullopt) << bad;
}
