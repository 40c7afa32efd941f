#include "domain/reservation.hpp"

#include <rto/errors.hpp>

namespace vehicle_service {

namespace {

bool held_by(const Holding& h, std::string_view plan_id) { return h.plan_id && *h.plan_id == plan_id; }

[[noreturn]] void held_by_another(const Holding& h) {
  std::string cur(to_string(h.status));
  throw rto::Conflict("the vehicle is " + cur + " under another plan", {{"plan_id", "does not hold this vehicle"}})
      .with_code("status-conflict");
}

}  // namespace

Outcome decide_reserve(const Holding& h, std::string_view plan_id) {
  if (h.status == Status::Reserved && held_by(h, plan_id)) return Outcome::AlreadyDone;
  require_transition(h.status, Status::Reserved, Cause::Reserve);
  return Outcome::Apply;
}

Outcome decide_release(const Holding& h, std::string_view plan_id) {
  if (h.status == Status::Available) return Outcome::AlreadyDone;
  if (h.status == Status::Reserved) {
    if (!held_by(h, plan_id)) held_by_another(h);
    return Outcome::Apply;
  }
  require_transition(h.status, Status::Available, Cause::Release);  // throws
  return Outcome::Apply;
}

Outcome decide_lease(const Holding& h, std::string_view plan_id) {
  if ((h.status == Status::Leased || h.status == Status::Owned) && held_by(h, plan_id)) return Outcome::AlreadyDone;
  if (h.status == Status::Reserved && !held_by(h, plan_id)) held_by_another(h);
  require_transition(h.status, Status::Leased, Cause::Lease);
  return Outcome::Apply;
}

Outcome decide_transfer(const Holding& h, std::string_view plan_id, std::string_view customer_id) {
  const bool mine = held_by(h, plan_id);
  if ((h.status == Status::Owned || h.status == Status::Leased) && !mine) held_by_another(h);
  if (mine && h.customer_id && *h.customer_id != customer_id)
    throw rto::Conflict("customer_id is not the customer of this plan", {{"customer_id", "is not the plan's customer"}})
        .with_code("customer-mismatch");
  if (h.status == Status::Owned) return Outcome::AlreadyDone;
  require_transition(h.status, Status::Owned, Cause::Transfer);
  return Outcome::Apply;
}

Outcome decide_repossess(const Holding& h, std::string_view plan_id) {
  const bool mine = held_by(h, plan_id);
  if ((h.status == Status::Repossessed || h.status == Status::Leased) && !mine) held_by_another(h);
  if (h.status == Status::Repossessed) return Outcome::AlreadyDone;
  require_transition(h.status, Status::Repossessed, Cause::Repossess);
  return Outcome::Apply;
}

}  // namespace vehicle_service
