#pragma once
// Tickets as pure logic: categories, priorities, the status machine and the SLA clock. No I/O;
// time comes in as arguments so tests can pin it.
#include <chrono>
#include <optional>
#include <rto/errors.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace support_service {

using TimePoint = std::chrono::system_clock::time_point;
using Hours = std::chrono::hours;

enum class Status { Open, InProgress, WaitingCustomer, Resolved, Closed };
enum class Priority { Low, Normal, High, Urgent };

std::string_view to_string(Status s) noexcept;
std::string_view to_string(Priority p) noexcept;
std::optional<Status> status_from(std::string_view s) noexcept;
std::optional<Priority> priority_from(std::string_view s) noexcept;

inline constexpr std::string_view kCategories[] = {"breakdown",        "accident", "theft",  "payment_dispute",
                                                   "account",          "vehicle_handover", "other"};
bool is_category(std::string_view c) noexcept;

// A ticket may be reopened within this long after it was resolved.
inline constexpr auto kReopenWindow = std::chrono::hours(24 * 7);

// Who asks for a status change: staff move tickets along; the customer who owns the ticket
// may only reopen or close a resolved one.
enum class Actor { Customer, Staff };

enum class Verdict { Allowed, Illegal, Forbidden, ReopenWindowPassed, Unchanged };

// The status machine:
//   open → in_progress | waiting_customer | resolved
//   in_progress → waiting_customer | resolved
//   waiting_customer → in_progress | resolved
//   resolved → closed | open (reopen, within 7 days of resolved_at)
//   closed → (nothing)
Verdict check_transition(Status from, Status to, Actor who, std::optional<TimePoint> resolved_at, TimePoint now) noexcept;
std::string_view explain(Verdict v) noexcept;

// Hours allowed per priority for the first staff response and for resolution.
struct SlaTargets {
  Hours first_response[4] = {Hours(24), Hours(8), Hours(4), Hours(1)};  // low, normal, high, urgent
  Hours resolution[4] = {Hours(120), Hours(72), Hours(24), Hours(8)};
};

struct SlaDue {
  TimePoint first_response;
  TimePoint resolution;
};
SlaDue sla_due(Priority p, TimePoint created_at, const SlaTargets& t) noexcept;

// What the SLA looks like for a ticket at `now`: a first response is late when there was none
// by its due time (or it came after); resolution is late when the ticket was not resolved by
// its due time (a resolved or closed ticket stops that clock at resolved_at).
struct SlaState {
  bool first_response_breached = false;
  bool resolution_breached = false;
  bool breached() const noexcept { return first_response_breached || resolution_breached; }
};
SlaState sla_state(const SlaDue& due, std::optional<TimePoint> first_response_at, std::optional<TimePoint> resolved_at,
                   TimePoint now) noexcept;

}  // namespace support_service

#include <boost/json/value.hpp>

namespace support_service {

// One of the customer's plans as the payment service reports it (/internal/customers/{id}/plans).
struct CustomerPlan {
  std::string id;
  std::string status;      // pending_deposit | active | completed | defaulted | repossessed | cancelled
  std::string vehicle_id;
};
// Whether a ticket's plan and vehicle are the customer's own. `plan_id` must be one of their
// plans (in any status: a dispute may be about a cancelled one). `vehicle_id` must be the vehicle
// of one of their plans that still gives them the vehicle (pending_deposit, active, defaulted or
// completed: owned); a cancelled or repossessed plan's vehicle is not theirs. With both, the
// vehicle must be that plan's. Each problem names its field; empty when all is well.
std::vector<rto::FieldError> ownership_problems(const std::vector<CustomerPlan>& plans,
                                                const std::optional<std::string>& plan_id,
                                                const std::optional<std::string>& vehicle_id);

// A ticket opened by the platform itself from an event, once per `key`.
struct AutoTicket {
  std::string key;          // unique: the same situation never opens two tickets
  std::string customer_id;
  std::string category;
  Priority priority = Priority::High;
  std::string subject;
  std::string description;
  std::string plan_id;      // empty when none
  std::string vehicle_id;   // empty when none
};
// telematics.alarm.raised (theft, tamper, power cut: urgent), payment.delinquency.changed into
// 31–60 days past due (collections follow-up), telematics.lock.failed. nullopt otherwise.
std::optional<AutoTicket> auto_ticket_for(std::string_view type, std::string_view subject, const boost::json::value& data);

}  // namespace support_service
