#include "domain/ticket.hpp"

namespace support_service {

std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::Open: return "open";
    case Status::InProgress: return "in_progress";
    case Status::WaitingCustomer: return "waiting_customer";
    case Status::Resolved: return "resolved";
    case Status::Closed: return "closed";
  }
  return "open";
}

std::string_view to_string(Priority p) noexcept {
  switch (p) {
    case Priority::Low: return "low";
    case Priority::Normal: return "normal";
    case Priority::High: return "high";
    case Priority::Urgent: return "urgent";
  }
  return "normal";
}

std::optional<Status> status_from(std::string_view s) noexcept {
  for (auto v : {Status::Open, Status::InProgress, Status::WaitingCustomer, Status::Resolved, Status::Closed})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::optional<Priority> priority_from(std::string_view s) noexcept {
  for (auto v : {Priority::Low, Priority::Normal, Priority::High, Priority::Urgent})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

bool is_category(std::string_view c) noexcept {
  for (auto k : kCategories)
    if (k == c) return true;
  return false;
}

namespace {
bool edge(Status from, Status to) noexcept {
  using S = Status;
  switch (from) {
    case S::Open: return to == S::InProgress || to == S::WaitingCustomer || to == S::Resolved;
    case S::InProgress: return to == S::WaitingCustomer || to == S::Resolved;
    case S::WaitingCustomer: return to == S::InProgress || to == S::Resolved;
    case S::Resolved: return to == S::Closed || to == S::Open;
    case S::Closed: return false;
  }
  return false;
}
}  // namespace

Verdict check_transition(Status from, Status to, Actor who, std::optional<TimePoint> resolved_at,
                         TimePoint now) noexcept {
  if (from == to) return Verdict::Unchanged;
  if (!edge(from, to)) return Verdict::Illegal;
  if (who == Actor::Customer && from != Status::Resolved) return Verdict::Forbidden;
  if (from == Status::Resolved && to == Status::Open) {
    if (!resolved_at || now - *resolved_at > kReopenWindow) return Verdict::ReopenWindowPassed;
  }
  return Verdict::Allowed;
}

std::string_view explain(Verdict v) noexcept {
  switch (v) {
    case Verdict::Allowed: return "allowed";
    case Verdict::Illegal: return "this status change is not allowed from the ticket's current status";
    case Verdict::Forbidden: return "only support staff may make this status change";
    case Verdict::ReopenWindowPassed: return "a resolved ticket can be reopened only within 7 days";
    case Verdict::Unchanged: return "the ticket already has this status";
  }
  return "";
}

SlaDue sla_due(Priority p, TimePoint created_at, const SlaTargets& t) noexcept {
  auto i = static_cast<int>(p);
  return {created_at + t.first_response[i], created_at + t.resolution[i]};
}

SlaState sla_state(const SlaDue& due, std::optional<TimePoint> first_response_at, std::optional<TimePoint> resolved_at,
                   TimePoint now) noexcept {
  SlaState s;
  const TimePoint responded = first_response_at.value_or(now);
  s.first_response_breached = responded > due.first_response;
  const TimePoint resolved = resolved_at.value_or(now);
  s.resolution_breached = resolved > due.resolution;
  return s;
}

}  // namespace support_service

#include <boost/json.hpp>

namespace support_service {

namespace {
std::string member(const boost::json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}
}  // namespace

std::optional<AutoTicket> auto_ticket_for(std::string_view type, std::string_view subject,
                                          const boost::json::value& data) {
  if (!data.is_object()) return std::nullopt;
  const auto& d = data.as_object();
  AutoTicket t;
  t.customer_id = member(d, "customer_id");
  t.plan_id = member(d, "plan_id");
  t.vehicle_id = member(d, "vehicle_id");
  if (t.customer_id.empty()) return std::nullopt;
  const std::string id(subject);
  if (type == "telematics.alarm.raised") {
    auto kind = member(d, "alarm");
    if (kind.empty()) kind = member(d, "kind");
    if (kind.empty()) kind = "alarm";
    auto alarm_id = member(d, "alarm_id");
    t.key = "alarm:" + (alarm_id.empty() ? id : alarm_id);
    const bool serious = kind == "theft" || kind == "tamper" || kind == "power_cut" || kind == "sos";
    t.priority = serious ? Priority::Urgent : Priority::High;
    t.category = kind == "theft" || kind == "tamper" ? "theft" : kind == "accident" || kind == "crash" ? "accident" : "breakdown";
    t.subject = "Tracker alarm: " + kind;
    t.description = "The vehicle's tracker raised a '" + kind + "' alarm. Call the rider and check the vehicle.";
  } else if (type == "payment.delinquency.changed") {
    if (member(d, "new_bucket") != "31-60" || t.plan_id.empty()) return std::nullopt;
    t.key = "collections:" + t.plan_id + ":31-60";
    t.priority = Priority::High;
    t.category = "other";
    t.subject = "Collections follow-up";
    t.description = "The plan is 31 to 60 days past due. Call the rider and agree how the arrears will be paid.";
  } else if (type == "telematics.lock.failed") {
    auto command = member(d, "command_id");
    t.key = "lock_failed:" + (command.empty() ? id : command);
    t.priority = Priority::High;
    t.category = "other";
    t.subject = "Vehicle lock command failed";
    auto reason = member(d, "reason");
    t.description = "A lock command for the vehicle failed" + (reason.empty() ? std::string(".") : ": " + reason + ".");
  } else {
    return std::nullopt;
  }
  return t;
}

std::vector<rto::FieldError> ownership_problems(const std::vector<CustomerPlan>& plans,
                                                const std::optional<std::string>& plan_id,
                                                const std::optional<std::string>& vehicle_id) {
  std::vector<rto::FieldError> out;
  const CustomerPlan* plan = nullptr;
  if (plan_id) {
    for (const auto& p : plans)
      if (p.id == *plan_id) plan = &p;
    if (!plan) out.push_back({"plan_id", "is not one of the customer's plans"});
  }
  if (vehicle_id) {
    auto holds = [](const CustomerPlan& p) { return p.status != "cancelled" && p.status != "repossessed"; };
    bool theirs = false;
    for (const auto& p : plans) theirs = theirs || (p.vehicle_id == *vehicle_id && holds(p));
    if (!theirs)
      out.push_back({"vehicle_id", "is not a vehicle the customer has on a plan"});
    else if (plan && plan->vehicle_id != *vehicle_id)
      out.push_back({"vehicle_id", "is not the vehicle of the plan named in plan_id"});
  }
  return out;
}

}  // namespace support_service
