// The plan-driven decisions on a vehicle's holding (domain/reservation.hpp).
#include <gtest/gtest.h>

#include <rto/testing/expect_error.hpp>
#include <string>

#include "domain/reservation.hpp"

using namespace vehicle_service;
using rto::testing::error_of;
using rto::testing::names_field;

namespace {

const std::string kPlan = "11111111-1111-4111-8111-111111111111";
const std::string kOther = "22222222-2222-4222-8222-222222222222";
const std::string kCustomer = "33333333-3333-4333-8333-333333333333";

Holding held(Status s, const std::string& plan = kPlan) { return {s, plan, kCustomer, std::nullopt}; }

}  // namespace

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
