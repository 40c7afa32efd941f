#include "domain/status.hpp"

namespace credit_service {

namespace {
constexpr std::string_view kStatusNames[] = {"submitted", "scored", "approved", "declined",
                                             "referred",  "withdrawn", "expired"};
constexpr std::string_view kDecisionNames[] = {"approved", "declined", "referred"};
}  // namespace

std::string_view to_string(Status s) noexcept { return kStatusNames[static_cast<int>(s)]; }

std::optional<Status> status_from(std::string_view s) noexcept {
  for (int i = 0; i < 7; ++i)
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  return std::nullopt;
}

bool is_open(Status s) noexcept {
  return s == Status::Submitted || s == Status::Scored || s == Status::Referred || s == Status::Approved;
}

std::string_view to_string(Action a) noexcept {
  switch (a) {
    case Action::Score: return "score";
    case Action::Approve: return "approve";
    case Action::Decline: return "decline";
    case Action::Refer: return "refer";
    case Action::OfficerApprove: return "officer_approve";
    case Action::OfficerDecline: return "officer_decline";
    case Action::Withdraw: return "withdraw";
    case Action::Expire: return "expire";
  }
  return "unknown";
}

std::optional<Status> transition(Status s, Action a) noexcept {
  switch (s) {
    case Status::Submitted:
      if (a == Action::Score) return Status::Scored;
      if (a == Action::Withdraw) return Status::Withdrawn;
      break;
    case Status::Scored:
      if (a == Action::Approve) return Status::Approved;
      if (a == Action::Decline) return Status::Declined;
      if (a == Action::Refer) return Status::Referred;
      if (a == Action::Withdraw) return Status::Withdrawn;
      break;
    case Status::Referred:
      if (a == Action::OfficerApprove) return Status::Approved;
      if (a == Action::OfficerDecline) return Status::Declined;
      if (a == Action::Withdraw) return Status::Withdrawn;
      break;
    case Status::Approved:
      if (a == Action::Expire) return Status::Expired;
      if (a == Action::Withdraw) return Status::Withdrawn;
      break;
    case Status::Declined:
    case Status::Withdrawn:
    case Status::Expired:
      break;
  }
  return std::nullopt;
}

std::string_view to_string(Decision d) noexcept { return kDecisionNames[static_cast<int>(d)]; }

std::optional<Decision> decision_from(std::string_view s) noexcept {
  for (int i = 0; i < 3; ++i)
    if (kDecisionNames[i] == s) return static_cast<Decision>(i);
  return std::nullopt;
}

Action action_for(Decision d) noexcept {
  switch (d) {
    case Decision::Approved: return Action::Approve;
    case Decision::Declined: return Action::Decline;
    case Decision::Referred: return Action::Refer;
  }
  return Action::Refer;
}

}  // namespace credit_service
