#include "domain/settlement.hpp"

namespace payment_service {

std::string_view to_string(Settlement s) noexcept {
  switch (s) {
    case Settlement::Pending: return "pending";
    case Settlement::Succeeded: return "succeeded";
    case Settlement::Failed: return "failed";
    case Settlement::Expired: return "expired";
    case Settlement::Held: return "held";
    case Settlement::Late: return "late";
    case Settlement::Duplicate: return "duplicate";
  }
  return "unknown";
}

std::string_view to_string(CallbackStatus s) noexcept {
  switch (s) {
    case CallbackStatus::Processed: return "processed";
    case CallbackStatus::Held: return "held";
    case CallbackStatus::Duplicate: return "duplicate";
    case CallbackStatus::Unmatched: return "unmatched";
    case CallbackStatus::Rejected: return "rejected";
    case CallbackStatus::Verifying: return "verifying";
  }
  return "unknown";
}

CallbackOutcome callback_outcome(Settlement s) {
  switch (s) {
    case Settlement::Duplicate: return {CallbackStatus::Duplicate, "settled meanwhile by another path"};
    case Settlement::Late:
      return {CallbackStatus::Held, "the provider confirmed a payment as the request was closed"};
    case Settlement::Held: return {CallbackStatus::Held, "request held"};
    default: return {CallbackStatus::Processed, "request " + std::string(to_string(s))};
  }
}

}  // namespace payment_service
