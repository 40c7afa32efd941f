#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "domain/sms.hpp"
#include "domain/templates.hpp"

using namespace support_service;
namespace js = boost::json;

namespace {
Vars all_vars() {
  return {{"brand", "RTO Motors"}, {"name", "Amina"},        {"reference", "PLN-7"},  {"amount", "UGX 25,000"},
          {"balance", "UGX 1,200,000"}, {"due_date", "2026-12-08"}, {"days", "3"}, {"reason", "Income too low."},
          {"pay_instructions", "Pay with mobile money in the app."}, {"ticket", "3f9c2a1b"}};
}
}  // namespace

TEST(Templates, EveryKindInBothLanguagesRendersEveryVariable) {
  std::set<std::string> kinds;
  for (const auto& t : builtin_templates()) kinds.insert(t.kind);
  for (const auto& kind : kinds) {
    for (auto lang : kLanguages) {
      const auto* t = find_template(kind, lang);
      ASSERT_NE(t, nullptr) << kind << " " << lang;
      auto r = render(kind, lang, all_vars());
      EXPECT_FALSE(r.fell_back) << kind << " " << lang << ": " << r.error;
      EXPECT_EQ(r.language, lang);
      EXPECT_EQ(r.body.find("{{"), std::string::npos) << r.body;
      auto len = sms::measure(r.body);
      EXPECT_TRUE(len.gsm7) << kind << " " << lang;
      EXPECT_LE(len.segments, 2) << kind << " " << lang << ": " << r.body;
    }
  }
}

TEST(Templates, ReceiptInEnglishAndSwahili) {
  auto en = render("receipt", "en", all_vars());
  EXPECT_EQ(en.body, "Received UGX 25,000 for plan PLN-7. Balance UGX 1,200,000. Thank you!");
  auto sw = render("receipt", "sw", all_vars());
  EXPECT_EQ(sw.body, "Tumepokea UGX 25,000 kwa mpango PLN-7. Salio UGX 1,200,000. Asante!");
  EXPECT_EQ(sms::measure(en.body).segments, 1);
}

TEST(Templates, MissingVariableFallsBackToEnglishThenTitle) {
  auto vars = all_vars();
  std::vector<Template> broken = {{"receipt", "sw", "Malipo", "Tumepokea {{amount}} {{unknown}}"}};
  auto r = render("receipt", "sw", vars, broken);
  EXPECT_TRUE(r.fell_back);
  EXPECT_EQ(r.language, "en");
  EXPECT_NE(r.error.find("unknown"), std::string::npos);
  EXPECT_EQ(r.body, "Received UGX 25,000 for plan PLN-7. Balance UGX 1,200,000. Thank you!");
  vars.erase("amount");
  auto bare = render("receipt", "en", vars);
  EXPECT_TRUE(bare.fell_back);
  EXPECT_EQ(bare.body, "Payment received.");
  auto unknown_lang = render("receipt", "fr", all_vars());
  EXPECT_TRUE(unknown_lang.fell_back);
  EXPECT_EQ(unknown_lang.language, "en");
}

TEST(Templates, AnEditedTemplateThatFailsFallsBackToTheBuiltInEnglish) {
  // Both languages edited; the Swahili one names a variable the event does not give.
  std::vector<Template> edited = {{"receipt", "sw", "Malipo", "Tumepokea {{amount}} {{iban}}"},
                                  {"receipt", "en", "Paid", "Thanks {{name}}: {{amount}} received."}};
  auto sw = render("receipt", "sw", all_vars(), edited);
  EXPECT_TRUE(sw.fell_back);
  EXPECT_EQ(sw.language, "en");
  EXPECT_EQ(sw.title, "Payment received");
  EXPECT_EQ(sw.body, "Received UGX 25,000 for plan PLN-7. Balance UGX 1,200,000. Thank you!");
  auto en = render("receipt", "en", all_vars(), edited);
  EXPECT_FALSE(en.fell_back);
  EXPECT_EQ(en.title, "Paid");
  EXPECT_EQ(en.body, "Thanks Amina: UGX 25,000 received.");
  // A broken English edit falls back to the built-in English too.
  std::vector<Template> broken_en = {{"receipt", "en", "Paid", "Thanks {{name"}};
  auto b = render("receipt", "en", all_vars(), broken_en);
  EXPECT_TRUE(b.fell_back);
  EXPECT_EQ(b.body, "Received UGX 25,000 for plan PLN-7. Balance UGX 1,200,000. Thank you!");
}

TEST(Templates, AnEditIsCheckedAgainstTheVariablesOfItsKind) {
  auto vars = template_variables("receipt");
  for (auto v : {"amount", "reference", "balance", "name", "brand", "pay_instructions"})
    EXPECT_NE(std::find(vars.begin(), vars.end(), v), vars.end()) << v;
  EXPECT_EQ(std::find(vars.begin(), vars.end(), "due_date"), vars.end());
  EXPECT_TRUE(template_variables("no_such_kind").empty());

  EXPECT_EQ(template_problem("receipt", "Asante {{name}}! {{amount}}, salio {{balance}}."), std::nullopt);
  EXPECT_EQ(template_problem("receipt", "No variables at all."), std::nullopt);
  auto unknown = template_problem("receipt", "Due {{due_date}}");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("unknown variable 'due_date'"), std::string::npos);
  EXPECT_EQ(template_problem("receipt", "Paid {{amount"), "a placeholder is not closed");
  EXPECT_EQ(template_problem("receipt", "Paid {{}}"), "a placeholder is empty");
  // Every built-in template passes its own check.
  for (const auto& t : builtin_templates()) EXPECT_EQ(template_problem(t.kind, t.text), std::nullopt) << t.kind;
}

TEST(Templates, RenderTextReportsUnclosedPlaceholders) {
  std::string err;
  EXPECT_FALSE(render_text("Hi {{name", {{"name", "x"}}, &err));
  EXPECT_EQ(err, "a placeholder is not closed");
  EXPECT_EQ(render_text("Hi {{name}}!", {{"name", "Amina"}}), "Hi Amina!");
}

TEST(Notices, ReceiptFromPaymentEvent) {
  js::value data = {{"plan_id", "11111111-2222-4333-8444-555555555555"},
                    {"customer_id", "c-1"},
                    {"reference", "PLN-9"},
                    {"amount", {{"amount", 150000}, {"currency", "UGX"}}},
                    {"outstanding", {{"amount", 2350000}, {"currency", "UGX"}}}};
  auto n = notice_for("payment.collection.received", "pay-1", data, {});
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "receipt");
  EXPECT_EQ(n->recipient, "c-1");
  EXPECT_EQ(n->vars.at("amount"), "UGX 150,000");
  EXPECT_EQ(n->vars.at("balance"), "UGX 2,350,000");
  EXPECT_EQ(n->vars.at("reference"), "PLN-9");
  EXPECT_FALSE(n->urgent);
}

TEST(Notices, RemindersByKind) {
  js::value data = {{"customer_id", "c-1"}, {"plan_id", "p-123456789"}, {"kind", "overdue"}, {"days_past_due", 3},
                    {"amount_due", {{"amount", 2500}, {"currency", "KES"}}}, {"due_date", "2026-12-04"}};
  auto n = notice_for("payment.reminder.due", "p", data, {});
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "reminder_overdue");
  EXPECT_EQ(n->vars.at("days"), "3");
  EXPECT_EQ(n->vars.at("amount"), "KES 25.00");
  EXPECT_EQ(n->vars.at("reference"), "p-123456");  // no reference: the plan id's start
  data.as_object()["kind"] = "due_tomorrow";
  EXPECT_EQ(notice_for("payment.reminder.due", "p", data, {})->kind, "reminder_due_tomorrow");
  data.as_object()["kind"] = "weekly";
  EXPECT_FALSE(notice_for("payment.reminder.due", "p", data, {}));
}

// As the payment service publishes them (domain/reminders.cpp there): overdue_1, overdue_3 and
// overdue_7, with days_overdue.
TEST(Notices, OverdueRemindersOnDayOneThreeAndSeven) {
  for (int days : {1, 3, 7}) {
    js::value data = {{"customer_id", "c-1"}, {"plan_id", "p-123456789"}, {"reference", "PLN-7"},
                      {"kind", "overdue_" + std::to_string(days)}, {"days_overdue", days},
                      {"amount_due", {{"amount", 20000}, {"currency", "UGX"}}}, {"due_date", "2026-12-04"}};
    auto n = notice_for("payment.reminder.due", "p", data, {});
    ASSERT_TRUE(n) << days;
    EXPECT_EQ(n->kind, "reminder_overdue");
    EXPECT_EQ(n->vars.at("days"), std::to_string(days));
    EXPECT_EQ(n->vars.at("amount"), "UGX 20,000");
  }
}

TEST(Notices, WelcomeCreditLockAndIgnored) {
  auto w = notice_for("user.account.registered", "u-1", js::value{{"user_id", "u-1"}, {"language", "sw"}}, {});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->kind, "welcome");
  EXPECT_EQ(w->language_hint, "sw");
  auto declined = notice_for("credit.application.decided", "a",
                             js::value{{"customer_id", "c"}, {"decision", "declined"},
                                       {"reasons", js::array{js::object{{"code", "x"}, {"message", "Income too low."}}}}},
                             {});
  ASSERT_TRUE(declined);
  EXPECT_EQ(declined->kind, "credit_declined");
  EXPECT_EQ(declined->vars.at("reason"), "Income too low.");
  auto lock = notice_for("payment.lock.required", "p",
                         js::value{{"customer_id", "c"}, {"outstanding", {{"amount", 50000}, {"currency", "UGX"}}}}, {});
  ASSERT_TRUE(lock);
  EXPECT_TRUE(lock->urgent);
  EXPECT_EQ(lock->kind, "lock_warning");
  EXPECT_TRUE(notice_for("telematics.lock.pending", "x", js::value{{"customer_id", "c"}}, {})->urgent);
  // Better, not worse: no warning.
  EXPECT_FALSE(notice_for("payment.delinquency.changed", "p",
                          js::value{{"customer_id", "c"}, {"old_bucket", "8-30"}, {"new_bucket", "1-7"}}, {}));
  EXPECT_TRUE(notice_for("payment.delinquency.changed", "p",
                         js::value{{"customer_id", "c"}, {"old_bucket", "1-7"}, {"new_bucket", "8-30"}, {"days_past_due", 8}},
                         {}));
  EXPECT_FALSE(notice_for("vehicle.status.changed", "v", js::value{{"customer_id", "c"}}, {}));
  EXPECT_FALSE(notice_for("payment.collection.received", "p", js::value{{"plan_id", "p"}}, {}));  // no recipient
}

TEST(Notices, AStaffAnswerOnATicketTellsTheCustomer) {
  js::value staff{{"ticket_id", "3f9c2a1b-0000-4000-8000-000000000001"}, {"customer_id", "c-1"}, {"author_kind", "staff"}};
  auto n = notice_for("support.ticket.commented", "3f9c2a1b-0000-4000-8000-000000000001", staff, {});
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind, "ticket_answered");
  EXPECT_EQ(n->recipient, "c-1");
  EXPECT_EQ(n->vars.at("ticket"), "3f9c2a1b");
  auto r = render(n->kind, "sw", n->vars);
  EXPECT_NE(r.body.find("3f9c2a1b"), std::string::npos) << r.body;
  // The customer's own comment tells them nothing.
  js::value own{{"ticket_id", "t"}, {"customer_id", "c-1"}, {"author_kind", "customer"}};
  EXPECT_FALSE(notice_for("support.ticket.commented", "t", own, {}));
}
