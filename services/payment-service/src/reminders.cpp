#include "reminders.hpp"

#include <rto/log.hpp>

#include "domain/plan.hpp"
#include "domain/reminders.hpp"
#include "storage/storage.hpp"

namespace payment_service {

namespace {

boost::json::object reminder_data(const Plan& p, const Reminder& r, Date as_of) {
  auto d = event_data(p);
  d["instalment"] = r.seq;
  d["due_date"] = format_date(r.due);
  d["amount_due"] = p.money(r.amount_due).to_json();
  d["kind"] = to_string(r.kind);
  d["days_overdue"] = r.days_overdue;
  d["as_of"] = format_date(as_of);
  return d;
}

}  // namespace

int Reminders::remind(const std::string& plan_id, Date as_of, TimePoint now) {
  return db_.transact([&](pqxx::work& tx) {
    auto p = storage::lock_plan(tx, plan_id);
    if (!p || !p->live()) return 0;
    std::vector<OutboxEvent> events;
    if (storage::reminded_on(tx, plan_id, as_of)) return 0;  // one a day per plan, re-runs included
    for (const auto& r : reminders_due(storage::open_instalments(tx, plan_id), as_of))
      if (storage::insert_reminder(tx, plan_id, r, as_of, now)) {
        events.push_back({"payment.reminder.due", p->id, reminder_data(*p, r, as_of)});
        break;
      }
    const int sent = static_cast<int>(events.size());
    storage::publish(tx, source_, std::move(events));
    return sent;
  });
}

ReminderSummary Reminders::run(Date as_of, TimePoint now) {
  ReminderSummary s;
  s.as_of = as_of;
  const auto window = reminder_window(as_of);
  std::string after;
  for (;;) {
    auto ids = db_.query([&](pqxx::nontransaction& tx) {
      return storage::plans_to_remind(tx, window.first, window.last, after, 500);
    });
    for (const auto& id : ids) {
      ++s.plans;
      try {
        s.sent += remind(id, as_of, now);
      } catch (const std::exception& e) {  // the next run (or a re-run) tries it again
        rto::log::error("reminders failed for a plan", {{"plan_id", id}, {"error", e.what()}});
      }
    }
    if (ids.size() < 500) break;
    after = ids.back();
  }
  rto::log::info("reminders run", {{"as_of", format_date(as_of)}, {"plans", s.plans}, {"sent", s.sent}});
  return s;
}

}  // namespace payment_service
