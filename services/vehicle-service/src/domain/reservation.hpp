#pragma once
// Decisions of the plan-driven operations (reserve, release, lease, transfer, repossess) on
// the vehicle's current holding. The internal endpoints and the payment events go through
// these same functions, so they always agree. Each is idempotent: repeating an operation that
// already took effect for the same plan is "AlreadyDone", not an error. Pure: no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "domain/status.hpp"

namespace vehicle_service {

struct Holding {
  Status status = Status::Draft;
  std::optional<std::string> plan_id;      // the plan holding the vehicle
  std::optional<std::string> customer_id;  // that plan's customer
  std::optional<std::string> owner_id;     // set once owned
};

enum class Outcome { Apply, AlreadyDone };

// Each throws rto::Error 409 naming the current status when the operation cannot happen.
Outcome decide_reserve(const Holding& h, std::string_view plan_id);
Outcome decide_release(const Holding& h, std::string_view plan_id);
Outcome decide_lease(const Holding& h, std::string_view plan_id);
// Also 409 (field customer_id) when the customer is not the plan's customer.
Outcome decide_transfer(const Holding& h, std::string_view plan_id, std::string_view customer_id);
Outcome decide_repossess(const Holding& h, std::string_view plan_id);

}  // namespace vehicle_service
