#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/ticket.hpp"

using namespace support_service;
using namespace std::chrono_literals;

namespace {
const TimePoint t0 = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 12 / 7)) + 9h;
}

TEST(TicketStatus, RoundTripsNames) {
  for (auto s : {Status::Open, Status::InProgress, Status::WaitingCustomer, Status::Resolved, Status::Closed})
    EXPECT_EQ(status_from(to_string(s)), s);
  EXPECT_FALSE(status_from("reopened"));
  EXPECT_EQ(priority_from("urgent"), Priority::Urgent);
  EXPECT_FALSE(priority_from("critical"));
  EXPECT_TRUE(is_category("payment_dispute"));
  EXPECT_FALSE(is_category("collections"));
}

TEST(TicketStatus, StaffMovesAlongTheMachine) {
  auto staff = [](Status a, Status b) { return check_transition(a, b, Actor::Staff, std::nullopt, t0); };
  EXPECT_EQ(staff(Status::Open, Status::InProgress), Verdict::Allowed);
  EXPECT_EQ(staff(Status::InProgress, Status::WaitingCustomer), Verdict::Allowed);
  EXPECT_EQ(staff(Status::WaitingCustomer, Status::InProgress), Verdict::Allowed);
  EXPECT_EQ(staff(Status::InProgress, Status::Resolved), Verdict::Allowed);
  EXPECT_EQ(check_transition(Status::Resolved, Status::Closed, Actor::Staff, t0, t0), Verdict::Allowed);
}

TEST(TicketStatus, IllegalMovesAreRefused) {
  auto staff = [](Status a, Status b) { return check_transition(a, b, Actor::Staff, t0, t0 + 1h); };
  EXPECT_EQ(staff(Status::Open, Status::Closed), Verdict::Illegal);
  EXPECT_EQ(staff(Status::Closed, Status::Open), Verdict::Illegal);
  EXPECT_EQ(staff(Status::Closed, Status::InProgress), Verdict::Illegal);
  EXPECT_EQ(staff(Status::InProgress, Status::Open), Verdict::Illegal);
  EXPECT_EQ(staff(Status::Resolved, Status::InProgress), Verdict::Illegal);
  EXPECT_EQ(staff(Status::Open, Status::Open), Verdict::Unchanged);
}

TEST(TicketStatus, ReopenOnlyWithinSevenDaysOfResolution) {
  EXPECT_EQ(check_transition(Status::Resolved, Status::Open, Actor::Customer, t0, t0 + 24h * 7), Verdict::Allowed);
  EXPECT_EQ(check_transition(Status::Resolved, Status::Open, Actor::Customer, t0, t0 + 24h * 7 + 1s),
            Verdict::ReopenWindowPassed);
  EXPECT_EQ(check_transition(Status::Resolved, Status::Open, Actor::Staff, std::nullopt, t0), Verdict::ReopenWindowPassed);
}

TEST(TicketStatus, CustomersOnlyReopenOrCloseResolvedTickets) {
  EXPECT_EQ(check_transition(Status::Open, Status::Resolved, Actor::Customer, std::nullopt, t0), Verdict::Forbidden);
  EXPECT_EQ(check_transition(Status::InProgress, Status::WaitingCustomer, Actor::Customer, std::nullopt, t0),
            Verdict::Forbidden);
  EXPECT_EQ(check_transition(Status::Resolved, Status::Closed, Actor::Customer, t0, t0), Verdict::Allowed);
}

TEST(Sla, DueTimesFollowPriority) {
  SlaTargets t;
  auto urgent = sla_due(Priority::Urgent, t0, t);
  EXPECT_EQ(urgent.first_response, t0 + 1h);
  EXPECT_EQ(urgent.resolution, t0 + 8h);
  auto low = sla_due(Priority::Low, t0, t);
  EXPECT_EQ(low.first_response, t0 + 24h);
  EXPECT_EQ(low.resolution, t0 + 120h);
  t.first_response[static_cast<int>(Priority::Normal)] = Hours(2);
  EXPECT_EQ(sla_due(Priority::Normal, t0, t).first_response, t0 + 2h);
}

TEST(Sla, BreachesWithAnInjectedClock) {
  auto due = sla_due(Priority::High, t0, SlaTargets{});  // 4 h, 24 h
  EXPECT_FALSE(sla_state(due, std::nullopt, std::nullopt, t0 + 4h).breached());
  auto late = sla_state(due, std::nullopt, std::nullopt, t0 + 4h + 1s);
  EXPECT_TRUE(late.first_response_breached);
  EXPECT_FALSE(late.resolution_breached);
  // Answered in time: no first-response breach, however late it is now.
  auto answered = sla_state(due, t0 + 1h, std::nullopt, t0 + 10h);
  EXPECT_FALSE(answered.first_response_breached);
  // Answered late stays a breach.
  EXPECT_TRUE(sla_state(due, t0 + 5h, std::nullopt, t0 + 6h).first_response_breached);
  // Resolution: the clock stops at resolved_at.
  EXPECT_FALSE(sla_state(due, t0 + 1h, t0 + 20h, t0 + 100h).resolution_breached);
  EXPECT_TRUE(sla_state(due, t0 + 1h, std::nullopt, t0 + 25h).resolution_breached);
}

TEST(AutoTickets, AlarmsAreUrgentAndKeyedOnce) {
  boost::json::value data = {{"customer_id", "c1"}, {"vehicle_id", "v1"}, {"alarm", "theft"}, {"alarm_id", "a1"}};
  auto t = auto_ticket_for("telematics.alarm.raised", "dev1", data);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->priority, Priority::Urgent);
  EXPECT_EQ(t->category, "theft");
  EXPECT_EQ(t->key, "alarm:a1");
  EXPECT_EQ(auto_ticket_for("telematics.alarm.raised", "dev1", data)->key, t->key);
}

TEST(AutoTickets, CollectionsOnlyForThirtyOneToSixty) {
  boost::json::value into = {{"customer_id", "c1"}, {"plan_id", "p1"}, {"old_bucket", "8-30"}, {"new_bucket", "31-60"}};
  auto t = auto_ticket_for("payment.delinquency.changed", "p1", into);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->key, "collections:p1:31-60");
  boost::json::value other = {{"customer_id", "c1"}, {"plan_id", "p1"}, {"old_bucket", "1-7"}, {"new_bucket", "8-30"}};
  EXPECT_FALSE(auto_ticket_for("payment.delinquency.changed", "p1", other));
  EXPECT_TRUE(auto_ticket_for("telematics.lock.failed", "cmd1", boost::json::value{{"customer_id", "c1"}}));
  EXPECT_FALSE(auto_ticket_for("telematics.lock.failed", "cmd1", boost::json::value{{"plan_id", "p"}}));
  EXPECT_FALSE(auto_ticket_for("payment.collection.received", "x", into));
}

namespace {
bool names(const std::vector<rto::FieldError>& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return true;
  return false;
}
}  // namespace

TEST(Ownership, APlanOrVehicleMustBeTheCustomersOwn) {
  const std::vector<CustomerPlan> plans = {{"p-active", "active", "v-1"},
                                           {"p-cancelled", "cancelled", "v-2"},
                                           {"p-owned", "completed", "v-3"}};
  EXPECT_TRUE(ownership_problems(plans, std::nullopt, std::nullopt).empty());
  EXPECT_TRUE(ownership_problems(plans, std::string("p-active"), std::nullopt).empty());
  EXPECT_TRUE(ownership_problems(plans, std::string("p-cancelled"), std::nullopt).empty());  // disputes about it
  EXPECT_TRUE(ownership_problems(plans, std::nullopt, std::string("v-3")).empty());          // owned
  EXPECT_TRUE(ownership_problems(plans, std::string("p-active"), std::string("v-1")).empty());

  auto unknown = ownership_problems(plans, std::string("p-other"), std::nullopt);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].field, "plan_id");
  // A cancelled plan's vehicle went back to the dealer.
  EXPECT_TRUE(names(ownership_problems(plans, std::nullopt, std::string("v-2")), "vehicle_id"));
  EXPECT_TRUE(names(ownership_problems(plans, std::nullopt, std::string("v-9")), "vehicle_id"));
  // Both theirs, but not the same plan's.
  auto mismatch = ownership_problems(plans, std::string("p-active"), std::string("v-3"));
  ASSERT_EQ(mismatch.size(), 1u);
  EXPECT_EQ(mismatch[0].field, "vehicle_id");
  // No plans at all: neither is theirs.
  auto none = ownership_problems({}, std::string("p-active"), std::string("v-1"));
  EXPECT_TRUE(names(none, "plan_id"));
  EXPECT_TRUE(names(none, "vehicle_id"));
}
