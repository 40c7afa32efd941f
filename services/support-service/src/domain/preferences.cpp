#include "domain/preferences.hpp"

namespace support_service {

std::string_view to_string(Channel c) noexcept { return c == Channel::InApp ? "in_app" : "sms"; }
std::string_view to_string(MessageClass c) noexcept {
  return c == MessageClass::Transactional ? "transactional" : "marketing";
}

const std::vector<std::pair<std::string_view, MessageClass>>& message_classes() {
  using enum MessageClass;
  static const std::vector<std::pair<std::string_view, MessageClass>> k = {
      // An invitation to browse and apply: the user may do without it.
      {"welcome", Marketing},
      // Decisions, contracts, money, reminders, the vehicle's lock and the user's tickets:
      // what a customer must hear about their own account, whatever they chose.
      {"credit_approved", Transactional},
      {"credit_declined", Transactional},
      {"credit_referred", Transactional},
      {"plan_created", Transactional},
      {"plan_activated", Transactional},
      {"plan_completed", Transactional},
      {"plan_defaulted", Transactional},
      {"receipt", Transactional},
      {"payment_failed", Transactional},
      {"reminder_due_tomorrow", Transactional},
      {"reminder_due_today", Transactional},
      {"reminder_overdue", Transactional},
      {"delinquency", Transactional},
      {"lock_warning", Transactional},
      {"lock_pending", Transactional},
      {"lock_released", Transactional},
      {"ticket_answered", Transactional},
  };
  return k;
}

MessageClass message_class(std::string_view kind) noexcept {
  for (const auto& [k, c] : message_classes())
    if (k == kind) return c;
  return MessageClass::Marketing;
}

bool allowed(const Preferences& p, std::string_view kind, Channel channel) noexcept {
  if (message_class(kind) == MessageClass::Transactional) return true;
  return channel == Channel::InApp ? p.marketing_in_app : p.marketing_sms;
}

}  // namespace support_service
