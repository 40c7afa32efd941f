#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/preferences.hpp"
#include "domain/templates.hpp"

using namespace support_service;

TEST(Preferences, EveryKindTheServiceSendsIsClassifiedOnce) {
  std::set<std::string> classified;
  for (const auto& [kind, cls] : message_classes()) EXPECT_TRUE(classified.insert(std::string(kind)).second) << kind;
  std::set<std::string> kinds;
  for (const auto& t : builtin_templates()) kinds.insert(t.kind);
  EXPECT_EQ(classified, kinds);
}

TEST(Preferences, ReceiptsLockWarningsDecisionsAndRemindersCannotBeTurnedOff) {
  const Preferences nothing{false, false};
  for (auto kind : {"receipt", "lock_warning", "lock_pending", "lock_released", "credit_approved", "credit_declined",
                    "credit_referred", "reminder_due_tomorrow", "reminder_due_today", "reminder_overdue",
                    "plan_created", "plan_defaulted", "payment_failed", "ticket_answered"}) {
    EXPECT_EQ(message_class(kind), MessageClass::Transactional) << kind;
    EXPECT_TRUE(allowed(nothing, kind, Channel::InApp)) << kind;
    EXPECT_TRUE(allowed(nothing, kind, Channel::Sms)) << kind;
  }
}

TEST(Preferences, MarketingIsTurnedOffPerChannel) {
  EXPECT_EQ(message_class("welcome"), MessageClass::Marketing);
  EXPECT_TRUE(allowed(Preferences{}, "welcome", Channel::InApp));
  EXPECT_TRUE(allowed(Preferences{}, "welcome", Channel::Sms));
  const Preferences no_sms{true, false};
  EXPECT_TRUE(allowed(no_sms, "welcome", Channel::InApp));
  EXPECT_FALSE(allowed(no_sms, "welcome", Channel::Sms));
  const Preferences no_inbox{false, true};
  EXPECT_FALSE(allowed(no_inbox, "welcome", Channel::InApp));
  EXPECT_TRUE(allowed(no_inbox, "welcome", Channel::Sms));
  // A kind nobody classified is treated as marketing: an opt-out is never overridden.
  EXPECT_EQ(message_class("spring_offer"), MessageClass::Marketing);
  EXPECT_FALSE(allowed(no_sms, "spring_offer", Channel::Sms));
  EXPECT_EQ(to_string(Channel::InApp), "in_app");
  EXPECT_EQ(to_string(MessageClass::Transactional), "transactional");
}
