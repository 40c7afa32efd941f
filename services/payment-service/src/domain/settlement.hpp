#pragma once
// What became of a mobile-money request and of a provider callback, as values rather than
// strings: settle() answers a Settlement, a callback's handling a CallbackOutcome, and the
// mapping between the two is here. Pure.
#include <optional>
#include <string>
#include <string_view>

namespace payment_service {

// What settling a request with the provider's answer did.
enum class Settlement {
  Pending,    // the provider still reports it pending and the request has not expired
  Succeeded,  // credited to the ledger
  Failed,     // closed as failed
  Expired,    // closed as expired
  Held,       // left for staff (amount mismatch, ambiguous at expiry, ledger conflict)
  Late,       // the provider confirmed money for a request already closed: held for staff
  Duplicate,  // settled meanwhile by another path; nothing changed
};
std::string_view to_string(Settlement s) noexcept;

// The status a provider callback is finished with (provider_callbacks.status).
enum class CallbackStatus { Processed, Held, Duplicate, Unmatched, Rejected, Verifying };
std::string_view to_string(CallbackStatus s) noexcept;

struct CallbackOutcome {
  CallbackStatus status = CallbackStatus::Processed;
  std::string note;                       // provider_callbacks.outcome
  std::optional<std::string> request_id;  // the request it named, once found
  bool finished = false;                  // already finished by the transaction that credited it
};

// A callback's outcome once its request was settled (`note` is the request's text otherwise).
CallbackOutcome callback_outcome(Settlement s);

}  // namespace payment_service
