#include <gtest/gtest.h>

#include "domain/settlement.hpp"

using namespace payment_service;

TEST(Settlement, CallbackOutcomeOfEachSettlement) {
  auto dup = callback_outcome(Settlement::Duplicate);
  EXPECT_EQ(dup.status, CallbackStatus::Duplicate);
  EXPECT_EQ(dup.note, "settled meanwhile by another path");
  auto late = callback_outcome(Settlement::Late);
  EXPECT_EQ(late.status, CallbackStatus::Held);
  EXPECT_EQ(late.note, "the provider confirmed a payment as the request was closed");
  EXPECT_EQ(callback_outcome(Settlement::Held).status, CallbackStatus::Held);
  EXPECT_EQ(callback_outcome(Settlement::Held).note, "request held");
  for (auto s : {Settlement::Succeeded, Settlement::Failed, Settlement::Expired, Settlement::Pending}) {
    auto o = callback_outcome(s);
    EXPECT_EQ(o.status, CallbackStatus::Processed);
    EXPECT_EQ(o.note, "request " + std::string(to_string(s)));
    EXPECT_FALSE(o.finished);
    EXPECT_FALSE(o.request_id);
  }
}

TEST(Settlement, StatusNamesAreTheStoredOnes) {
  EXPECT_EQ(to_string(CallbackStatus::Processed), "processed");
  EXPECT_EQ(to_string(CallbackStatus::Verifying), "verifying");
  EXPECT_EQ(to_string(CallbackStatus::Unmatched), "unmatched");
  EXPECT_EQ(to_string(Settlement::Succeeded), "succeeded");
}
