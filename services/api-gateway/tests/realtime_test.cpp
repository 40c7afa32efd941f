// The hub's pure rules: client messages, channel permissions, event audiences and projections.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/realtime.hpp"

namespace rt = gateway::realtime;
namespace js = boost::json;
using rto::auth::Identity;

namespace {
rto::events::Received event(std::string type, std::string subject, js::object data) {
  rto::events::Received ev;
  ev.id = "e1";
  ev.type = std::move(type);
  ev.subject = std::move(subject);
  ev.time = "2026-11-26T10:00:00Z";
  ev.data = std::move(data);
  return ev;
}
}  // namespace

TEST(RealtimeMessages, ParsesEachOp) {
  auto s = rt::parse_client_message(R"({"op":"subscribe","channel":"vehicles"})");
  ASSERT_TRUE(s.message);
  EXPECT_EQ(s.message->op, rt::Op::Subscribe);
  EXPECT_EQ(s.message->channel, rt::Channel::Vehicles);

  auto u = rt::parse_client_message(R"({"op":"unsubscribe","channel":"fleet"})");
  ASSERT_TRUE(u.message);
  EXPECT_EQ(u.message->op, rt::Op::Unsubscribe);
  EXPECT_EQ(u.message->channel, rt::Channel::Fleet);

  auto a = rt::parse_client_message(R"({"op":"auth","token":"abc.def.ghi"})");
  ASSERT_TRUE(a.message);
  EXPECT_EQ(a.message->op, rt::Op::Auth);
  EXPECT_EQ(a.message->token, "abc.def.ghi");

  auto p = rt::parse_client_message(R"({"op":"ping"})");
  ASSERT_TRUE(p.message);
  EXPECT_EQ(p.message->op, rt::Op::Ping);
}

TEST(RealtimeMessages, RefusesBadInputWithACode) {
  EXPECT_EQ(rt::parse_client_message("not json").error.code, "bad-message");
  EXPECT_EQ(rt::parse_client_message("[1,2]").error.code, "bad-message");
  EXPECT_EQ(rt::parse_client_message(R"({"channel":"me"})").error.code, "bad-message");
  EXPECT_EQ(rt::parse_client_message(R"({"op":42})").error.code, "bad-message");
  EXPECT_EQ(rt::parse_client_message(R"({"op":"dance"})").error.code, "unknown-op");
  EXPECT_EQ(rt::parse_client_message(R"({"op":"subscribe","channel":"everything"})").error.code, "unknown-channel");
  EXPECT_EQ(rt::parse_client_message(R"({"op":"subscribe"})").error.code, "unknown-channel");
  EXPECT_EQ(rt::parse_client_message(R"({"op":"auth"})").error.code, "missing-token");
  EXPECT_EQ(rt::parse_client_message(R"({"op":"auth","token":""})").error.code, "missing-token");
  EXPECT_FALSE(rt::parse_client_message(R"({"op":"dance"})").error.message.empty());
}

TEST(RealtimePermissions, VehiclesIsPublicMeNeedsSignInFleetIsStaff) {
  Identity customer{"u1", {"customer"}, false};
  Identity dealer{"u2", {"dealer"}, false};
  Identity officer{"u3", {"credit_officer"}, false};
  Identity agent{"u4", {"support_agent"}, false};
  Identity admin{"u5", {"admin"}, false};

  EXPECT_EQ(rt::may_subscribe(rt::Channel::Vehicles, nullptr), rt::Permission::Granted);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Me, nullptr), rt::Permission::NeedsSignIn);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Me, &customer), rt::Permission::Granted);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, nullptr), rt::Permission::NeedsSignIn);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, &customer), rt::Permission::Forbidden);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, &dealer), rt::Permission::Forbidden);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, &officer), rt::Permission::Granted);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, &agent), rt::Permission::Granted);
  EXPECT_EQ(rt::may_subscribe(rt::Channel::Fleet, &admin), rt::Permission::Granted);
}

TEST(RealtimeAudience, VehicleStatusGoesToThePublicTheFleetAndTheCustomerInvolved) {
  auto a = rt::audience_of(event("vehicle.status.changed", "v1",
                                 {{"vehicle_id", "v1"}, {"old_status", "available"}, {"new_status", "reserved"},
                                  {"customer_id", "c1"}}));
  EXPECT_TRUE(a.vehicles);
  EXPECT_TRUE(a.fleet);
  EXPECT_EQ(a.customer, "c1");
}

TEST(RealtimeAudience, CreditDecisionGoesOnlyToItsCustomer) {
  auto a = rt::audience_of(event("credit.application.decided", "app1", {{"customer_id", "c9"}, {"decision", "approved"}}));
  EXPECT_FALSE(a.vehicles);
  EXPECT_FALSE(a.fleet);
  EXPECT_EQ(a.customer, "c9");
}

TEST(RealtimeAudience, UserEventsUseTheSubjectAndOtherEventsWithoutACustomerReachNoOne) {
  EXPECT_EQ(rt::audience_of(event("user.kyc.verified", "u7", {})).customer, "u7");
  EXPECT_EQ(rt::audience_of(event("support.notification.created", "n1", {{"user_id", "u8"}})).customer, "u8");
  auto none = rt::audience_of(event("credit.model.activated", "m1", {{"version", 2}}));
  EXPECT_FALSE(none.vehicles);
  EXPECT_FALSE(none.fleet);
  EXPECT_TRUE(none.customer.empty());
  // A subject on a non-user event is not a customer id.
  EXPECT_TRUE(rt::audience_of(event("payment.plan.created", "plan1", {})).customer.empty());
  EXPECT_TRUE(rt::audience_of(event("telematics.alarm.raised", "t1", {})).fleet);
}

TEST(RealtimeProjection, PublicVehicleDataDropsCustomerAndReason) {
  js::object data{{"vehicle_id", "v1"},  {"old_status", "available"}, {"new_status", "reserved"},
                  {"customer_id", "c1"}, {"reason", "plan 123"},      {"price", {{"amount", 5000000}, {"currency", "UGX"}}},
                  {"make", "Bajaj"},     {"model", "Boxer"}};
  auto p = rt::public_vehicle_data(data);
  EXPECT_FALSE(p.contains("customer_id"));
  EXPECT_FALSE(p.contains("reason"));
  EXPECT_EQ(p.at("vehicle_id").as_string(), "v1");
  EXPECT_EQ(p.at("new_status").as_string(), "reserved");
  EXPECT_EQ(p.at("price").at("amount").as_int64(), 5000000);
  EXPECT_EQ(p.at("make").as_string(), "Bajaj");
  EXPECT_TRUE(rt::public_vehicle_data(js::value("not an object")).empty());
}

TEST(RealtimeFrames, EventFrameCarriesChannelAndEnvelope) {
  auto ev = event("vehicle.status.changed", "v1", {});
  auto f = js::parse(rt::event_frame(rt::Channel::Vehicles, ev, js::object{{"vehicle_id", "v1"}})).as_object();
  EXPECT_EQ(f.at("type").as_string(), "event");
  EXPECT_EQ(f.at("channel").as_string(), "vehicles");
  EXPECT_EQ(f.at("event").at("type").as_string(), "vehicle.status.changed");
  EXPECT_EQ(f.at("event").at("id").as_string(), "e1");
  EXPECT_EQ(f.at("event").at("data").at("vehicle_id").as_string(), "v1");

  auto e = js::parse(rt::error_frame("forbidden", "staff only", rt::Channel::Fleet)).as_object();
  EXPECT_EQ(e.at("type").as_string(), "error");
  EXPECT_EQ(e.at("code").as_string(), "forbidden");
  EXPECT_EQ(e.at("channel").as_string(), "fleet");
}
