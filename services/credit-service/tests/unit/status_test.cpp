// The application state machine: every (status, action) pair.
#include <gtest/gtest.h>

#include <map>

#include "domain/status.hpp"

using namespace credit_service;

TEST(Status, TransitionTable) {
  using S = Status;
  using A = Action;
  const std::map<std::pair<S, A>, S> allowed = {
      {{S::Submitted, A::Score}, S::Scored},          {{S::Submitted, A::Withdraw}, S::Withdrawn},
      {{S::Scored, A::Approve}, S::Approved},         {{S::Scored, A::Decline}, S::Declined},
      {{S::Scored, A::Refer}, S::Referred},           {{S::Scored, A::Withdraw}, S::Withdrawn},
      {{S::Referred, A::OfficerApprove}, S::Approved}, {{S::Referred, A::OfficerDecline}, S::Declined},
      {{S::Referred, A::Withdraw}, S::Withdrawn},     {{S::Approved, A::Expire}, S::Expired},
      {{S::Approved, A::Withdraw}, S::Withdrawn},
  };
  const S all_s[] = {S::Submitted, S::Scored, S::Approved, S::Declined, S::Referred, S::Withdrawn, S::Expired};
  const A all_a[] = {A::Score,          A::Approve,        A::Decline,  A::Refer,
                     A::OfficerApprove, A::OfficerDecline, A::Withdraw, A::Expire};
  int checked = 0;
  for (auto s : all_s)
    for (auto a : all_a) {
      auto it = allowed.find({s, a});
      auto got = transition(s, a);
      if (it == allowed.end())
        EXPECT_EQ(got, std::nullopt) << to_string(s) << " + " << to_string(a);
      else
        EXPECT_EQ(got, it->second) << to_string(s) << " + " << to_string(a);
      ++checked;
    }
  EXPECT_EQ(checked, 56);
}

TEST(Status, FinalStatesHaveNoWayOut) {
  for (auto s : {Status::Declined, Status::Withdrawn, Status::Expired})
    for (auto a : {Action::Score, Action::Approve, Action::Decline, Action::Refer, Action::OfficerApprove,
                   Action::OfficerDecline, Action::Withdraw, Action::Expire})
      EXPECT_FALSE(transition(s, a)) << to_string(s);
}

TEST(Status, OfficersDecideOnlyReferredApplications) {
  EXPECT_FALSE(transition(Status::Scored, Action::OfficerApprove));
  EXPECT_FALSE(transition(Status::Approved, Action::OfficerDecline));
  EXPECT_FALSE(transition(Status::Declined, Action::OfficerApprove));
}

TEST(Status, OpenStatuses) {
  EXPECT_TRUE(is_open(Status::Submitted));
  EXPECT_TRUE(is_open(Status::Scored));
  EXPECT_TRUE(is_open(Status::Referred));
  EXPECT_TRUE(is_open(Status::Approved));
  EXPECT_FALSE(is_open(Status::Declined));
  EXPECT_FALSE(is_open(Status::Withdrawn));
  EXPECT_FALSE(is_open(Status::Expired));
}

TEST(Status, NamesRoundTrip) {
  for (auto s : {Status::Submitted, Status::Scored, Status::Approved, Status::Declined, Status::Referred,
                 Status::Withdrawn, Status::Expired})
    EXPECT_EQ(status_from(to_string(s)), s);
  EXPECT_EQ(status_from("pending"), std::nullopt);
  for (auto d : {Decision::Approved, Decision::Declined, Decision::Referred}) {
    EXPECT_EQ(decision_from(to_string(d)), d);
    EXPECT_EQ(transition(Status::Scored, action_for(d)).has_value(), true);
  }
  EXPECT_EQ(decision_from("maybe"), std::nullopt);
}
