#pragma once
// An application's life as a pure state machine:
//
//   submitted --score--> scored --approve--> approved --expire--> expired
//                               --decline--> declined
//                               --refer----> referred --officer approve--> approved
//                                                     --officer decline--> declined
//   withdraw: submitted, scored, referred, approved (an approval not yet used) -> withdrawn
//
// approved, declined, withdrawn and expired have no way out except approved -> expired/withdrawn.
#include <optional>
#include <string_view>

namespace credit_service {

enum class Status { Submitted, Scored, Approved, Declined, Referred, Withdrawn, Expired };
std::string_view to_string(Status s) noexcept;
std::optional<Status> status_from(std::string_view s) noexcept;

// An application that blocks another one from the same customer.
bool is_open(Status s) noexcept;

enum class Action { Score, Approve, Decline, Refer, OfficerApprove, OfficerDecline, Withdraw, Expire };
std::string_view to_string(Action a) noexcept;

// The status after `a`, or nullopt when `a` is not allowed in `s`.
std::optional<Status> transition(Status s, Action a) noexcept;

// What a decision says.
enum class Decision { Approved, Declined, Referred };
std::string_view to_string(Decision d) noexcept;
std::optional<Decision> decision_from(std::string_view s) noexcept;
// The automatic action that carries out a scorecard decision.
Action action_for(Decision d) noexcept;

}  // namespace credit_service
