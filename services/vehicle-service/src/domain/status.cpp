#include "domain/status.hpp"

#include <rto/errors.hpp>

namespace vehicle_service {

namespace {

struct Move {
  Status from;
  Status to;
  Cause cause;
};

// Every allowed move. Nothing else is.
constexpr Move kMoves[] = {
    {Status::Draft, Status::PendingReview, Cause::Submit},
    {Status::PendingReview, Status::Available, Cause::Approve},
    {Status::PendingReview, Status::Draft, Cause::Reject},
    {Status::Available, Status::Reserved, Cause::Reserve},
    {Status::Reserved, Status::Available, Cause::Release},
    {Status::Reserved, Status::Available, Cause::Expire},
    {Status::Reserved, Status::Leased, Cause::Lease},
    {Status::Leased, Status::Owned, Cause::Transfer},
    {Status::Leased, Status::Repossessed, Cause::Repossess},
    {Status::Repossessed, Status::Maintenance, Cause::Staff},
    {Status::Maintenance, Status::Available, Cause::Staff},
    {Status::Available, Status::Maintenance, Cause::Staff},
    {Status::Draft, Status::Retired, Cause::Staff},
    {Status::PendingReview, Status::Retired, Cause::Staff},
    {Status::Available, Status::Retired, Cause::Staff},
    {Status::Maintenance, Status::Retired, Cause::Staff},
    {Status::Repossessed, Status::Retired, Cause::Staff},
};

}  // namespace

std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::Draft: return "draft";
    case Status::PendingReview: return "pending_review";
    case Status::Available: return "available";
    case Status::Reserved: return "reserved";
    case Status::Leased: return "leased";
    case Status::Owned: return "owned";
    case Status::Maintenance: return "maintenance";
    case Status::Repossessed: return "repossessed";
    case Status::Retired: return "retired";
  }
  return "draft";
}

std::optional<Status> status_from(std::string_view s) noexcept {
  for (auto st : kAllStatuses)
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::string_view to_string(Cause c) noexcept {
  switch (c) {
    case Cause::Submit: return "submit";
    case Cause::Approve: return "approve";
    case Cause::Reject: return "reject";
    case Cause::Reserve: return "reserve";
    case Cause::Release: return "release";
    case Cause::Expire: return "expire";
    case Cause::Lease: return "lease";
    case Cause::Transfer: return "transfer";
    case Cause::Repossess: return "repossess";
    case Cause::Staff: return "staff";
  }
  return "staff";
}

bool transition_allowed(Status from, Status to, Cause cause) noexcept {
  for (const auto& m : kMoves)
    if (m.from == from && m.to == to && m.cause == cause) return true;
  return false;
}

void refuse(Status current, std::string_view wanted) {
  std::string cur(to_string(current));
  throw rto::Conflict("the vehicle is " + cur + "; it cannot become " + std::string(wanted),
                      {{"status", "is " + cur}})
      .with_code("status-conflict");
}

void require_transition(Status from, Status to, Cause cause) {
  if (!transition_allowed(from, to, cause)) refuse(from, to_string(to));
}

bool staff_settable(Status to) noexcept {
  return to == Status::Available || to == Status::Maintenance || to == Status::Retired;
}

bool publicly_visible(Status s) noexcept {
  return s == Status::Available || s == Status::Reserved || s == Status::Leased;
}

}  // namespace vehicle_service
