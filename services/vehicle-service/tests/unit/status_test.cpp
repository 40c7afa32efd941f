#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "domain/reservation.hpp"
#include "domain/status.hpp"
#include "expect_error.hpp"

using namespace vehicle_service;

namespace {

using Move = std::tuple<Status, Status, Cause>;

// The status machine as the issue describes it; the test states it independently of the code.
const std::set<Move>& expected_moves() {
  static const std::set<Move> m = {
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
  return m;
}

const std::string kPlan = "11111111-1111-4111-8111-111111111111";
const std::string kOther = "22222222-2222-4222-8222-222222222222";
const std::string kCustomer = "33333333-3333-4333-8333-333333333333";

Holding held(Status s, const std::string& plan = kPlan) { return {s, plan, kCustomer, std::nullopt}; }

}  // namespace

TEST(StatusMachine, NamesRoundTrip) {
  for (auto s : kAllStatuses) EXPECT_EQ(status_from(to_string(s)), s);
  EXPECT_EQ(status_from("sold"), std::nullopt);
  EXPECT_EQ(status_from(""), std::nullopt);
  EXPECT_EQ(to_string(Status::PendingReview), "pending_review");
}

TEST(StatusMachine, EveryAllowedMoveIsAllowed) {
  for (const auto& [from, to, cause] : expected_moves()) {
    EXPECT_TRUE(transition_allowed(from, to, cause))
        << to_string(from) << " -> " << to_string(to) << " by " << to_string(cause);
    EXPECT_NO_THROW(require_transition(from, to, cause));
  }
}

TEST(StatusMachine, EveryOtherMoveIsRefusedWith409NamingTheCurrentStatus) {
  int refused = 0;
  for (auto from : kAllStatuses)
    for (auto to : kAllStatuses)
      for (auto cause : kAllCauses) {
        if (expected_moves().count({from, to, cause})) continue;
        ++refused;
        EXPECT_FALSE(transition_allowed(from, to, cause))
            << to_string(from) << " -> " << to_string(to) << " by " << to_string(cause);
        auto e = error_of([&] { require_transition(from, to, cause); });
        EXPECT_EQ(e.status(), 409);
        EXPECT_EQ(e.code(), "status-conflict");
        EXPECT_NE(e.detail().find(std::string(to_string(from))), std::string::npos) << e.detail();
        ASSERT_EQ(e.fields().size(), 1u);
        EXPECT_EQ(e.fields()[0].field, "status");
        EXPECT_EQ(e.fields()[0].message, "is " + std::string(to_string(from)));
      }
  EXPECT_EQ(refused, 9 * 9 * 10 - static_cast<int>(expected_moves().size()));
}

TEST(StatusMachine, SameMoveByTheWrongCauseIsRefused) {
  // Staff cannot hand a reserved vehicle back to the market behind its plan.
  EXPECT_FALSE(transition_allowed(Status::Reserved, Status::Available, Cause::Staff));
  // Approval is not a reservation, nor the other way round.
  EXPECT_FALSE(transition_allowed(Status::Available, Status::Reserved, Cause::Staff));
  EXPECT_FALSE(transition_allowed(Status::Draft, Status::Available, Cause::Approve));
  // Owned and retired are final.
  for (auto to : kAllStatuses)
    for (auto cause : kAllCauses) {
      EXPECT_FALSE(transition_allowed(Status::Owned, to, cause));
      EXPECT_FALSE(transition_allowed(Status::Retired, to, cause));
    }
}

TEST(StatusMachine, StaffTargetsAndPublicVisibility) {
  std::set<Status> settable, visible;
  for (auto s : kAllStatuses) {
    if (staff_settable(s)) settable.insert(s);
    if (publicly_visible(s)) visible.insert(s);
  }
  EXPECT_EQ(settable, (std::set<Status>{Status::Available, Status::Maintenance, Status::Retired}));
  EXPECT_EQ(visible, (std::set<Status>{Status::Available, Status::Reserved, Status::Leased}));
}

TEST(PlanDecisions, Reserve) {
  EXPECT_EQ(decide_reserve({Status::Available, {}, {}, {}}, kPlan), Outcome::Apply);
  EXPECT_EQ(decide_reserve(held(Status::Reserved), kPlan), Outcome::AlreadyDone);  // same plan again
  EXPECT_EQ(error_of([] { decide_reserve(held(Status::Reserved, kOther), kPlan); }).status(), 409);
  for (auto s : {Status::Draft, Status::PendingReview, Status::Leased, Status::Owned, Status::Maintenance,
                 Status::Repossessed, Status::Retired}) {
    auto e = error_of([&] { decide_reserve({s, {}, {}, {}}, kPlan); });
    EXPECT_EQ(e.status(), 409);
    EXPECT_NE(e.detail().find(std::string(to_string(s))), std::string::npos);
  }
}

TEST(PlanDecisions, Release) {
  EXPECT_EQ(decide_release(held(Status::Reserved), kPlan), Outcome::Apply);
  EXPECT_EQ(decide_release({Status::Available, {}, {}, {}}, kPlan), Outcome::AlreadyDone);
  auto other = error_of([] { decide_release(held(Status::Reserved, kOther), kPlan); });
  EXPECT_EQ(other.status(), 409);
  EXPECT_EQ(other.fields()[0].field, "plan_id");
  EXPECT_EQ(error_of([] { decide_release(held(Status::Leased), kPlan); }).status(), 409);
  EXPECT_EQ(error_of([] { decide_release({Status::Draft, {}, {}, {}}, kPlan); }).status(), 409);
}

TEST(PlanDecisions, Lease) {
  EXPECT_EQ(decide_lease(held(Status::Reserved), kPlan), Outcome::Apply);
  EXPECT_EQ(decide_lease(held(Status::Leased), kPlan), Outcome::AlreadyDone);
  EXPECT_EQ(decide_lease(held(Status::Owned), kPlan), Outcome::AlreadyDone);  // a late repeat
  EXPECT_EQ(error_of([] { decide_lease(held(Status::Reserved, kOther), kPlan); }).status(), 409);
  EXPECT_EQ(error_of([] { decide_lease(held(Status::Leased, kOther), kPlan); }).status(), 409);
  // The reservation expired before the plan became active: the vehicle is no longer held.
  EXPECT_EQ(error_of([] { decide_lease({Status::Available, {}, {}, {}}, kPlan); }).status(), 409);
}

TEST(PlanDecisions, Transfer) {
  EXPECT_EQ(decide_transfer(held(Status::Leased), kPlan, kCustomer), Outcome::Apply);
  Holding owned = held(Status::Owned);
  owned.owner_id = kCustomer;
  EXPECT_EQ(decide_transfer(owned, kPlan, kCustomer), Outcome::AlreadyDone);
  auto mismatch = error_of([] { decide_transfer(held(Status::Leased), kPlan, kOther); });
  EXPECT_EQ(mismatch.status(), 409);
  EXPECT_EQ(mismatch.fields()[0].field, "customer_id");
  EXPECT_EQ(error_of([] { decide_transfer(held(Status::Leased, kOther), kPlan, kCustomer); }).status(), 409);
  EXPECT_EQ(error_of([] { decide_transfer(held(Status::Reserved), kPlan, kCustomer); }).status(), 409);
}

TEST(PlanDecisions, Repossess) {
  EXPECT_EQ(decide_repossess(held(Status::Leased), kPlan), Outcome::Apply);
  EXPECT_EQ(decide_repossess(held(Status::Repossessed), kPlan), Outcome::AlreadyDone);
  EXPECT_EQ(error_of([] { decide_repossess(held(Status::Leased, kOther), kPlan); }).status(), 409);
  EXPECT_EQ(error_of([] { decide_repossess(held(Status::Owned), kPlan); }).status(), 409);
  EXPECT_EQ(error_of([] { decide_repossess({Status::Available, {}, {}, {}}, kPlan); }).status(), 409);
}
