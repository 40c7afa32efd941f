// Every event support-service consumes (consumed_events(), declared in app.hpp) and what it does
// with each: notifications in-app and by SMS, tickets opened from alarms, arrears and failed locks.
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>
#include <rto/phone.hpp>

#include "app.hpp"
#include "domain/preferences.hpp"
#include "domain/sms.hpp"
#include "domain/templates.hpp"

namespace support_service {
namespace js = boost::json;

const std::vector<std::string>& consumed_events() {
  static const std::vector<std::string> k = {
      "user.account.registered",     "credit.application.decided", "payment.plan.created",
      "payment.plan.activated",      "payment.plan.completed",     "payment.plan.defaulted",
      "payment.collection.received", "payment.request.failed",     "payment.delinquency.changed",
      "payment.lock.required",       "payment.lock.released",      "payment.reminder.due",
      "telematics.lock.pending",     "telematics.lock.failed",     "telematics.alarm.raised",
      "support.ticket.commented"};
  return k;
}

void App::on_event(pqxx::work& tx, const rto::events::Received& e) {
  if (auto at = auto_ticket_for(e.type, e.subject, e.data)) {
    if (rto::crypto::is_uuid(at->customer_id)) {
      Ticket t;
      t.customer_id = at->customer_id;
      t.category = at->category;
      t.priority = at->priority;
      t.subject = at->subject;
      t.description = at->description;
      if (rto::crypto::is_uuid(at->plan_id)) t.plan_id = at->plan_id;
      if (rto::crypto::is_uuid(at->vehicle_id)) t.vehicle_id = at->vehicle_id;
      t.origin = "event";
      t.origin_key = at->key;
      if (!open_ticket(tx, t, e.source.empty() ? "system" : e.source))
        rto::log::info("auto-ticket already open", {{"event_id", e.id}, {"type", e.type}});
    }
  }

  auto notice = notice_for(e.type, e.subject, e.data, cfg_.notices);
  if (!notice) return;
  if (!rto::crypto::is_uuid(notice->recipient)) {
    rto::log::warn("event names no valid recipient; no notification", {{"event_id", e.id}, {"type", e.type}});
    return;
  }
  // The user's choices: marketing kinds may be off per channel, transactional ones never are.
  const auto prefs = storage::preferences(tx, notice->recipient).choices;
  const bool in_app = allowed(prefs, notice->kind, Channel::InApp);
  const bool by_sms = allowed(prefs, notice->kind, Channel::Sms);
  if (!in_app && !by_sms) {
    rto::log::info("notification turned off by the user", {{"event_id", e.id}, {"kind", notice->kind}});
    return;
  }
  auto user = lookup_user(notice->recipient);
  std::string language = notice->language_hint;
  if (!is_language(language) && user && is_language(user->language)) language = user->language;
  if (!is_language(language)) language = cfg_.default_language;
  notice->vars["name"] = user && !user->name.empty() ? user->name : (language == "sw" ? "Mteja" : "Customer");

  std::vector<Template> edited;
  for (auto& o : storage::template_overrides(tx, notice->kind)) edited.push_back(std::move(o.tmpl));
  auto rendered = render(notice->kind, language, notice->vars, edited);
  if (rendered.fell_back) {
    rto::log::warn("template failed to render; built-in English used",
                   {{"event_id", e.id}, {"kind", notice->kind}, {"language", language}, {"error", rendered.error}});
    if (fallbacks_) fallbacks_->Add({{"kind", notice->kind}, {"language", language}}).Increment();
  }

  const auto now = this->now();
  Notification n;
  n.id = rto::crypto::uuid_v4();
  n.user_id = notice->recipient;
  n.event_id = e.id;
  n.kind = notice->kind;
  n.language = rendered.language;
  n.title = rendered.title;
  n.body = rendered.body;
  n.created_at = now;
  if (in_app) {
    if (!storage::insert_notification(tx, n)) return;  // already made for this event and recipient
    rto::events::enqueue(tx, source(),
                         {"support.notification.created", n.id,
                          {{"notification_id", n.id},
                           {"user_id", n.user_id},
                           {"kind", n.kind},
                           {"title", n.title},
                           {"body", n.body},
                           {"created_at", rto::to_rfc3339(n.created_at)}}});
  }

  if (!by_sms || !user || user->phone.empty()) return;
  auto len = sms::measure(rendered.body);
  SmsMessage m;
  m.id = rto::crypto::uuid_v4();
  m.event_id = e.id;
  m.user_id = n.user_id;
  if (in_app) m.notification_id = n.id;
  m.phone = user->phone;
  m.body = rendered.body;
  m.segments = len.segments;
  m.gsm7 = len.gsm7;
  m.urgent = notice->urgent;
  m.next_attempt_at = now;
  m.created_at = now;
  storage::insert_sms(tx, m);  // once per (event, user): a redelivery inserts nothing
}

}  // namespace support_service
