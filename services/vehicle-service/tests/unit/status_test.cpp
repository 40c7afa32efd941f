#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "domain/status.hpp"
#include <rto/testing/expect_error.hpp>
using rto::testing::error_of;
using rto::testing::names_field;

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
