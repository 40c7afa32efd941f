// End to end through the gateway: the support service. A customer who registers finds a
// welcome in the in-app inbox (user.account.registered → support-service → inbox) and an SMS in
// the development outbox; a ticket a customer opens is seen by support staff and not by
// another customer.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

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

namespace {
// YYYY-MM-DD plus `days`.
std::string date_plus(const std::string& ymd, int days) {
  using namespace std::chrono;
  const year_month_day d{year{std::stoi(ymd.substr(0, 4))}, month{static_cast<unsigned>(std::stoi(ymd.substr(5, 2)))},
                         day{static_cast<unsigned>(std::stoi(ymd.substr(8, 2)))}};
  const year_month_day r{sys_days{d} + std::chrono::days{days}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(r.year()), static_cast<unsigned>(r.month()),
                static_cast<unsigned>(r.day()));
  return buf;
}

rto::http::Headers bearer(const std::string& token, const std::string& content_type = "") {
  rto::http::Headers h;
  h.set("Authorization", "Bearer " + token);
  if (!content_type.empty()) h.set("Content-Type", content_type);
  return h;
}

// Undoes a staff edit of a template however the test ends.
struct TemplateEdit {
  Api& api;
  std::string admin, path;
  ~TemplateEdit() { api.call(rto::http::Method::Delete, path, {}, bearer(admin)); }
};
}  // namespace

// The overdue reminders reach the rider on day 1, 3 and 7, each once, rendered from the template as
// staff edited it (and back to the built-in text when the edit is removed).
TEST(SupportService, OverdueRemindersOnDaysOneThreeAndSevenFollowTheTemplateStaffEdited) {
  Api api;
  auto p = e2e::pending_plan(api);
  const auto admin = e2e::admin_token(api);
  const std::string path = "/api/v1/support/templates/reminder_overdue/en";
  auto edit = api.put(path,
                      js::object{{"title", "Overdue"},
                                 {"text", "E2E-MARK plan {{reference}} is {{days}} day(s) late: pay {{amount}}. {{pay_instructions}}"}},
                      admin);
  ASSERT_EQ(edit.status, 200) << edit.body;
  TemplateEdit undo{api, admin, path};
  auto bad = api.put(path, js::object{{"title", "x"}, {"text", "{{no_such_variable}}"}}, admin);
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(api.put(path, js::object{{"title", "x"}, {"text", "hello"}}, p.customer.access_token).status, 403);

  ASSERT_LT(e2e::internal_payment(p.reference, p.deposit, "MP" + rto::crypto::uuid_v4().substr(0, 12)).status, 300);
  auto plan = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  ASSERT_EQ(plan.status, 200) << plan.body;
  const auto due = text(plan.json.as_object().at("next_due").at("due_date"));

  auto overdue_bodies = [&] {
    std::vector<std::string> out;
    auto inbox = api.get("/api/v1/support/notifications?limit=100", p.customer.access_token);
    if (inbox.status != 200) return out;
    for (const auto& n : inbox.json.as_object().at("items").as_array())
      if (text(n.at("kind")) == "reminder_overdue") out.push_back(text(n.at("body")));
    return out;
  };
  for (int day : {1, 3, 7}) {
    ASSERT_LT(e2e::run_reminders(date_plus(due, day)).status, 300);
    ASSERT_LT(e2e::run_reminders(date_plus(due, day)).status, 300);  // the same day again: nothing new
    std::vector<std::string> bodies;
    for (int i = 0; i < 100 && bodies.size() < static_cast<std::size_t>(day == 1 ? 1 : day == 3 ? 2 : 3); ++i) {
      bodies = overdue_bodies();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto want = static_cast<std::size_t>(day == 1 ? 1 : day == 3 ? 2 : 3);
    ASSERT_EQ(bodies.size(), want) << "overdue reminders after day " << day;
    bool found = false;
    for (const auto& b : bodies)
      found |= b.find("E2E-MARK plan " + p.reference + " is " + std::to_string(day) + " day(s) late") != std::string::npos;
    EXPECT_TRUE(found) << "no day-" << day << " reminder from the edited template";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(overdue_bodies().size(), 3u) << "a reminder was sent twice";
}

// A rider who reads Swahili is reminded in Swahili, in the app and by SMS: the day before the
// instalment falls due and on the day, each once.
TEST(SupportService, ASwahiliSpeakingRiderIsRemindedInSwahiliInTheAppAndBySms) {
  Api api;
  auto p = e2e::pending_plan(api);
  auto lang = api.patch("/api/v1/users/me", js::object{{"language", "sw"}}, p.customer.access_token);
  ASSERT_EQ(lang.status, 200) << lang.body;
  ASSERT_LT(e2e::internal_payment(p.reference, p.deposit, "MP" + rto::crypto::uuid_v4().substr(0, 12)).status, 300);
  auto plan = api.get("/api/v1/plans/" + p.id, p.customer.access_token);
  ASSERT_EQ(plan.status, 200) << plan.body;
  const auto due = text(plan.json.as_object().at("next_due").at("due_date"));
  const auto admin = e2e::admin_token(api);

  // The notification of `kind`, polled for up to 10 s; null when none came.
  auto notice = [&](const std::string& kind) -> js::value {
    for (int i = 0; i < 100; ++i) {
      auto inbox = api.get("/api/v1/support/notifications?limit=100", p.customer.access_token);
      if (inbox.status == 200)
        for (const auto& n : inbox.json.as_object().at("items").as_array())
          if (text(n.at("kind")) == kind) return n;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return nullptr;
  };
  auto texted = [&](const std::string& body) {
    for (int i = 0; i < 100; ++i) {
      auto outbox = api.get("/api/v1/support/sms?user_id=" + p.customer.id + "&limit=100", admin);
      if (outbox.status == 200)
        for (const auto& m : outbox.json.as_object().at("items").as_array())
          if (text(m.at("body")) == body) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };

  struct Want {
    int offset;
    const char* kind;
    const char* title;
    const char* words;  // from the built-in Swahili text
  };
  for (const auto& w : {Want{-1, "reminder_due_tomorrow", "Malipo ya kesho", "inadaiwa kesho"},
                        Want{0, "reminder_due_today", "Malipo ya leo", "inadaiwa leo"}}) {
    ASSERT_LT(e2e::run_reminders(date_plus(due, w.offset)).status, 300);
    auto n = notice(w.kind);
    ASSERT_TRUE(n.is_object()) << "no " << w.kind << " for the rider";
    EXPECT_EQ(text(n.at("language")), "sw");
    EXPECT_EQ(text(n.at("title")), w.title);
    const auto body = text(n.at("body"));
    EXPECT_NE(body.find(w.words), std::string::npos) << body;
    EXPECT_NE(body.find(p.reference), std::string::npos) << body;
    EXPECT_TRUE(texted(body)) << "the Swahili reminder was not sent by SMS: " << body;
  }
  // Each once: running the day's reminders again adds nothing.
  ASSERT_LT(e2e::run_reminders(due).status, 300);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto inbox = api.get("/api/v1/support/notifications?limit=100", p.customer.access_token);
  ASSERT_EQ(inbox.status, 200);
  int reminders = 0;
  for (const auto& n : inbox.json.as_object().at("items").as_array())
    reminders += text(n.at("kind")).starts_with("reminder_") ? 1 : 0;
  EXPECT_EQ(reminders, 2) << inbox.body;
}

// An agent who stops taking tickets hands the open ones over; two partial preference changes at
// once both take effect; a ticket's photo is the customer's own.
TEST(SupportService, AnAgentAwayHandsOverTicketsPreferencesMergeAndPhotosStayPrivate) {
  Api api;
  const auto admin = e2e::admin_token(api);
  auto agent = e2e::account_with_role(api, admin, "support_agent");
  ASSERT_EQ(api.put("/api/v1/support/agents/me", js::object{{"available", true}}, agent.access_token).status, 200);
  auto rider = e2e::register_customer(api);
  auto other = e2e::register_customer(api);
  auto t = api.post("/api/v1/support/tickets",
                    js::object{{"category", "breakdown"}, {"subject", "Chain broke"}, {"description", "The chain broke on Jinja Road."}},
                    rider.access_token);
  ASSERT_EQ(t.status, 201) << t.body;
  const auto ticket = e2e::str(t, "id");
  auto assigned = api.post("/api/v1/support/tickets/" + ticket + "/assign", js::object{{"assignee_id", agent.id}}, admin);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  ASSERT_EQ(e2e::str(assigned, "assignee_id"), agent.id);

  auto away = api.put("/api/v1/support/agents/me", js::object{{"available", false}}, agent.access_token);
  ASSERT_EQ(away.status, 200) << away.body;
  EXPECT_GE(away.json.as_object().at("handed_over").as_int64(), 1);
  auto after = api.get("/api/v1/support/tickets/" + ticket, admin);
  ASSERT_EQ(after.status, 200) << after.body;
  const auto& assignee = after.json.as_object().at("assignee_id");
  EXPECT_TRUE(assignee.is_null() || text(assignee) != agent.id) << after.body;

  // Two partial changes at once: neither is lost.
  Reply a, b;
  std::thread first([&] {
    Api c;
    a = c.put("/api/v1/support/preferences", js::object{{"marketing", js::object{{"sms", false}}}}, rider.access_token);
  });
  std::thread second([&] {
    Api c;
    b = c.put("/api/v1/support/preferences", js::object{{"marketing", js::object{{"in_app", false}}}}, rider.access_token);
  });
  first.join();
  second.join();
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_EQ(b.status, 200) << b.body;
  auto prefs = api.get("/api/v1/support/preferences", rider.access_token);
  ASSERT_EQ(prefs.status, 200) << prefs.body;
  EXPECT_FALSE(prefs.json.at("marketing").at("sms").as_bool()) << prefs.body;
  EXPECT_FALSE(prefs.json.at("marketing").at("in_app").as_bool()) << prefs.body;
  auto off = api.put("/api/v1/support/preferences", js::object{{"transactional", js::object{{"sms", false}}}}, rider.access_token);
  EXPECT_EQ(off.status, 422) << off.body;

  // A photo on the ticket: the rider and staff see it, another customer does not.
  auto up = api.call(rto::http::Method::Post, "/api/v1/support/tickets/" + ticket + "/attachments", e2e::tiny_png(),
                     bearer(rider.access_token, "image/png"));
  ASSERT_EQ(up.status, 201) << up.body;
  const auto photo = "/api/v1/support/tickets/" + ticket + "/attachments/" + e2e::str(up, "id");
  EXPECT_EQ(api.get(photo, rider.access_token).status, 200);
  EXPECT_EQ(api.get(photo, admin).status, 200);
  EXPECT_EQ(api.get(photo, other.access_token).status, 404);
  auto fake = api.call(rto::http::Method::Post, "/api/v1/support/tickets/" + ticket + "/attachments",
                       "not an image at all", bearer(rider.access_token, "image/png"));
  EXPECT_EQ(fake.status, 415) << fake.body;
}
