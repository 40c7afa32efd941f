#pragma once
// Which notifications a user may turn off. Every template kind is either transactional (about
// the user's own account, money, vehicle or ticket: always sent) or marketing (may be turned
// off per channel). This file is the one place that says which is which.
#include <string_view>
#include <utility>
#include <vector>

namespace support_service {

enum class Channel { InApp, Sms };
enum class MessageClass { Transactional, Marketing };

std::string_view to_string(Channel c) noexcept;      // "in_app" | "sms"
std::string_view to_string(MessageClass c) noexcept;  // "transactional" | "marketing"

// Every kind the service sends, with its class.
const std::vector<std::pair<std::string_view, MessageClass>>& message_classes();
// The class of `kind`. A kind missing from the table counts as marketing, so a user who opted
// out is never sent it (the unit tests keep every built-in kind in the table).
MessageClass message_class(std::string_view kind) noexcept;

// A user's choices; a user who never chose gets everything.
struct Preferences {
  bool marketing_in_app = true;
  bool marketing_sms = true;
};
// Whether `kind` goes to the user on `channel`: transactional kinds always do.
bool allowed(const Preferences& p, std::string_view kind, Channel channel) noexcept;

}  // namespace support_service
