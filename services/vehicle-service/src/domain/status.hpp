#pragma once
// The vehicle status machine, in one place:
//
//   draft → pending_review → available → reserved → leased → owned
//   pending_review → draft              (rejected by an admin, with a reason)
//   reserved → available                (reservation released, or expired)
//   leased → repossessed → maintenance → available
//   available → maintenance             (staff)
//   draft | pending_review | available | maintenance | repossessed → retired   (staff)
//
// Each move also names what causes it, so that, for instance, staff cannot hand a reserved
// vehicle back to the market behind the payment plan that holds it. Anything else is refused
// with 409 naming the current status. Pure: no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace vehicle_service {

enum class Status { Draft, PendingReview, Available, Reserved, Leased, Owned, Maintenance, Repossessed, Retired };

inline constexpr Status kAllStatuses[] = {Status::Draft,  Status::PendingReview, Status::Available,
                                          Status::Reserved, Status::Leased,     Status::Owned,
                                          Status::Maintenance, Status::Repossessed, Status::Retired};

std::string_view to_string(Status s) noexcept;
std::optional<Status> status_from(std::string_view s) noexcept;

// What moves a vehicle.
enum class Cause {
  Submit,     // the dealer submits a draft for review
  Approve,    // an admin approves it
  Reject,     // an admin rejects it (back to draft)
  Reserve,    // a payment plan reserves it (internal)
  Release,    // the plan releases it (internal or payment.plan.cancelled)
  Expire,     // the reservation ran out (periodic sweep)
  Lease,      // the plan became active (internal or payment.plan.activated)
  Transfer,   // the plan was paid off (internal or payment.plan.completed)
  Repossess,  // the plan defaulted and the vehicle was taken back (internal)
  Staff,      // staff: maintenance, back to available, retired
};

inline constexpr Cause kAllCauses[] = {Cause::Submit,  Cause::Approve, Cause::Reject,   Cause::Reserve,   Cause::Release,
                                       Cause::Expire,  Cause::Lease,   Cause::Transfer, Cause::Repossess, Cause::Staff};

std::string_view to_string(Cause c) noexcept;

// True when `cause` may move a vehicle from `from` to `to`.
bool transition_allowed(Status from, Status to, Cause cause) noexcept;

// Throws rto::Error 409 (code "status-conflict", field "status") naming the current status
// when the move is not allowed.
void require_transition(Status from, Status to, Cause cause);

// The error require_transition throws; also used when an operation needs a status it does not
// find (e.g. releasing a vehicle that another plan holds).
[[noreturn]] void refuse(Status current, std::string_view wanted);

// Statuses staff may set directly through POST /api/v1/vehicles/{id}/status.
bool staff_settable(Status to) noexcept;

// Listings anyone may see (search and detail); the rest only their dealer and staff.
bool publicly_visible(Status s) noexcept;

}  // namespace vehicle_service
