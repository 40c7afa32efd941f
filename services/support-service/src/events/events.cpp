// Every event support-service consumes (consumed_events(), declared in app.hpp) and what it does
// with each: notifications in-app and by SMS, tickets opened from alarms, arrears and failed locks.
#include <algorithm>
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

void App::on_events(pqxx::work& tx, std::span<const rto::events::Received> events) {
  // What each event means: auto-tickets at once (rare), notices collected for the batch.
  struct Pending {
    const rto::events::Received* event;
    Notice notice;
  };
  std::vector<Pending> pending;
  pending.reserve(events.size());
  for (const auto& e : events) {
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
    if (!notice) continue;
    if (!rto::crypto::is_uuid(notice->recipient)) {
      rto::log::warn("event names no valid recipient; no notification", {{"event_id", e.id}, {"type", e.type}});
      continue;
    }
    pending.push_back({&e, std::move(*notice)});
  }
  if (pending.empty()) return;

  std::vector<std::string> recipients;
  recipients.reserve(pending.size());
  for (const auto& p : pending) recipients.push_back(p.notice.recipient);
  std::sort(recipients.begin(), recipients.end());
  recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());

  // The users' choices: marketing kinds may be off per channel, transactional ones never are.
  const auto prefs = storage::preferences_of(tx, recipients);
  const Preferences defaults;
  // Everything the batch needs from elsewhere, a statement or a call each.
  const auto users = lookup_users(recipients);
  std::unordered_map<std::string, std::vector<Template>> edited;
  for (auto& o : storage::template_overrides(tx)) edited[o.tmpl.kind].push_back(std::move(o.tmpl));
  static const std::vector<Template> kNone;

  const auto now = this->now();
  std::vector<Notification> notifications;
  std::vector<SmsMessage> texts;
  notifications.reserve(pending.size());
  texts.reserve(pending.size());
  for (auto& [e, notice] : pending) {
    auto pit = prefs.find(notice.recipient);
    const auto& choices = pit == prefs.end() ? defaults : pit->second;
    const bool in_app = allowed(choices, notice.kind, Channel::InApp);
    const bool by_sms = allowed(choices, notice.kind, Channel::Sms);
    if (!in_app && !by_sms) {
      rto::log::info("notification turned off by the user", {{"event_id", e->id}, {"kind", notice.kind}});
      continue;
    }
    auto uit = users.find(notice.recipient);
    const UserInfo* user = uit == users.end() ? nullptr : &uit->second;
    std::string language = notice.language_hint;
    if (!is_language(language) && user && is_language(user->language)) language = user->language;
    if (!is_language(language)) language = cfg_.default_language;
    notice.vars["name"] = user && !user->name.empty() ? user->name : (language == "sw" ? "Mteja" : "Customer");

    auto eit = edited.find(notice.kind);
    auto rendered = render(notice.kind, language, notice.vars, eit == edited.end() ? kNone : eit->second);
    if (rendered.fell_back) {
      rto::log::warn("template failed to render; built-in English used",
                     {{"event_id", e->id}, {"kind", notice.kind}, {"language", language}, {"error", rendered.error}});
      if (fallbacks_) fallbacks_->Add({{"kind", notice.kind}, {"language", language}}).Increment();
    }

    Notification n;
    n.id = rto::crypto::uuid_v4();
    n.user_id = notice.recipient;
    n.event_id = e->id;
    n.kind = notice.kind;
    n.language = rendered.language;
    n.title = std::move(rendered.title);
    n.body = std::move(rendered.body);
    n.created_at = now;

    if (by_sms && user && !user->phone.empty()) {
      auto len = sms::measure(n.body);
      SmsMessage m;
      m.id = rto::crypto::uuid_v4();
      m.event_id = e->id;
      m.user_id = n.user_id;
      if (in_app) m.notification_id = n.id;
      m.phone = user->phone;
      m.body = n.body;
      m.segments = len.segments;
      m.gsm7 = len.gsm7;
      m.urgent = notice.urgent;
      m.next_attempt_at = now;
      m.created_at = now;
      texts.push_back(std::move(m));
    }
    if (in_app) notifications.push_back(std::move(n));
  }

  // Each (event, recipient) once: a redelivered event inserts nothing and announces nothing.
  auto created = storage::insert_notifications(tx, notifications);
  std::sort(created.begin(), created.end());
  // A text whose notification was made before goes with it (it was made then too).
  std::erase_if(texts, [&](const SmsMessage& m) {
    return m.notification_id && !std::binary_search(created.begin(), created.end(), *m.notification_id);
  });
  if (!created.empty()) {
    std::vector<rto::events::Event> announce;
    announce.reserve(created.size());
    for (const auto& n : notifications) {
      if (!std::binary_search(created.begin(), created.end(), n.id)) continue;
      announce.push_back({"support.notification.created", n.id,
                          {{"notification_id", n.id},
                           {"user_id", n.user_id},
                           {"kind", n.kind},
                           {"title", n.title},
                           {"body", n.body},
                           {"created_at", rto::to_rfc3339(n.created_at)}}});
    }
    rto::events::enqueue_all(tx, source(), announce);
  }
  // Once per (event, recipient) here too: the insert skips one already there.
  storage::insert_sms_all(tx, texts);
}

}  // namespace support_service
