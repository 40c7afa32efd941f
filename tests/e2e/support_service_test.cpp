// End to end through the gateway: the support service. A customer who registers finds a
// welcome in the in-app inbox (user.account.registered → support-service → inbox) and an SMS in
// the development outbox; a ticket a customer opens is seen by support staff and not by
// another customer.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <rto/crypto.hpp>

#include "support.hpp"

namespace js = boost::json;
using e2e::Api;
using e2e::Reply;

namespace {
std::string text(const js::value& v) { return v.is_string() ? std::string(v.as_string()) : js::serialize(v); }

template <typename F>
Reply poll(F f) {
  Reply r;
  for (int i = 0; i < 100; ++i) {
    r = f();
    if (r.status == 200 && r.json.is_object() && !r.json.as_object().at("items").as_array().empty()) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return r;
}
}  // namespace

TEST(SupportService, RegistrationBringsAWelcomeToTheInboxAndTheSmsOutbox) {
  Api api;
  auto rider = e2e::register_customer(api);
  auto inbox = poll([&] { return api.get("/api/v1/support/notifications", rider.access_token); });
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  const auto& items = inbox.json.as_object().at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << inbox.body;
  EXPECT_EQ(text(items[0].at("kind")), "welcome");
  EXPECT_EQ(inbox.json.as_object().at("unread_count").as_int64(), 1);

  auto admin = e2e::admin_token(api);
  auto outbox = poll([&] { return api.get("/api/v1/support/sms?user_id=" + rider.id, admin); });
  ASSERT_EQ(outbox.status, 200) << outbox.body;
  const auto& sms = outbox.json.as_object().at("items").as_array();
  ASSERT_EQ(sms.size(), 1u);
  EXPECT_EQ(text(sms[0].at("body")), text(items[0].at("body")));
  // The customer cannot read the outbox.
  EXPECT_EQ(api.get("/api/v1/support/sms", rider.access_token).status, 403);
}

TEST(SupportService, TicketsAreSeenByStaffNotByOtherCustomers) {
  Api api;
  auto amina = e2e::register_customer(api);
  auto other = e2e::register_customer(api);
  auto opened = api.post("/api/v1/support/tickets",
                         js::object{{"category", "breakdown"}, {"subject", "Chain keeps slipping"},
                                    {"description", "Since Monday the chain slips on hills."}},
                         amina.access_token);
  ASSERT_EQ(opened.status, 201) << opened.body;
  auto id = text(opened.json.as_object().at("id"));
  EXPECT_EQ(api.get("/api/v1/support/tickets/" + id, amina.access_token).status, 200);
  auto foreign = api.get("/api/v1/support/tickets/" + id, other.access_token);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_TRUE(foreign.content_type().starts_with("application/problem+json"));

  auto admin = e2e::admin_token(api);
  auto staff = e2e::account_with_role(api, admin, "support_agent");
  auto seen = api.get("/api/v1/support/tickets/" + id, staff.access_token);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(text(seen.json.as_object().at("customer_id")), amina.id);
  EXPECT_EQ(api.post("/api/v1/support/tickets/" + id + "/status", js::object{{"status", "in_progress"}},
                     staff.access_token)
                .status,
            200);
  EXPECT_EQ(api.get("/api/v1/support/tickets", "").status, 401);
}

// What a rider is told, live and by SMS: a payment brings a receipt on the `me` channel (pushed
// by the hub from support.notification.created) and in the SMS outbox; the day an instalment is
// due, a reminder; falling behind, the warning before the vehicle is immobilised.
TEST(SupportService, APaymentBringsAReceiptLiveAndBySmsTheDueDayAReminderAndArrearsTheLockWarning) {
  Api api;
  auto p = e2e::pending_plan(api);
  rto::testing::WsClient ws;
  ASSERT_EQ(e2e::realtime_connect(ws, p.customer.access_token), 101);
  ASSERT_TRUE(e2e::subscribed(ws, "me"));
  auto notice_of = [&](const std::string& kind) {
    return e2e::wait_event(ws, [&](const js::object& e) {
      if (e.at("type").as_string() != "support.notification.created") return false;
      const auto& d = e.at("data").as_object();
      return text(d.at("kind")) == kind && text(d.at("user_id")) == p.customer.id;
    });
  };

  ASSERT_LT(e2e::internal_payment(p.reference, p.deposit, "MP" + rto::crypto::uuid_v4().substr(0, 12)).status, 300);
  auto receipt = notice_of("receipt");
  ASSERT_FALSE(receipt.empty()) << "no receipt on the me channel";
  const auto body = text(receipt.at("event").at("data").at("body"));
  auto admin = e2e::admin_token(api);
  bool texted = false;
  for (int i = 0; i < 100 && !texted; ++i) {
    auto outbox = api.get("/api/v1/support/sms?user_id=" + p.customer.id, admin);
    ASSERT_EQ(outbox.status, 200) << outbox.body;
    for (const auto& m : outbox.json.as_object().at("items").as_array()) texted |= text(m.at("body")) == body;
    if (!texted) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(texted) << "the receipt was not sent by SMS: " << body;

  // The day the first instalment falls due, the payment service's reminder run tells the rider.
  auto plan = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  ASSERT_EQ(plan.status, 200) << plan.body;
  const auto due = text(plan.json.as_object().at("next_due").at("due_date"));
  ASSERT_LT(e2e::run_reminders(due).status, 300);
  ASSERT_FALSE(notice_of("reminder_due_today").empty()) << "no reminder on " << due;

  // Ten days on, nothing paid since the deposit: past the template's lock_after_days.
  ASSERT_LT(e2e::run_delinquency(e2e::local_date_in(10)).status, 300);
  auto warning = notice_of("lock_warning");
  ASSERT_FALSE(warning.empty()) << "no lock warning on the me channel";
}
