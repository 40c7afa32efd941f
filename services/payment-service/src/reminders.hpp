#pragma once
// The daily reminders job: payment.reminder.due for instalments due tomorrow, due today and
// overdue (domain/reminders.hpp says which fall on a local date), each (plan, instalment, kind)
// at most once, written through the outbox in the transaction that records it as sent.
#include <rto/db.hpp>
#include <string>

#include "domain/calendar.hpp"

namespace payment_service {

struct ReminderSummary {
  Date as_of{};
  int plans = 0;  // plans looked at
  int sent = 0;   // reminders published (not sent before)
};

class Reminders {
 public:
  Reminders(rto::db::Pool& db, std::string source) : db_(db), source_(std::move(source)) {}

  // The reminders that fall on the operator's local date `as_of`; `now` stamps them. Safe to
  // run again (after a restart, on another replica, or by hand): what was sent is not sent again.
  ReminderSummary run(Date as_of, TimePoint now);

 private:
  // One plan, in one transaction with the plan locked; returns how many reminders it published.
  int remind(const std::string& plan_id, Date as_of, TimePoint now);

  rto::db::Pool& db_;
  std::string source_;
};

}  // namespace payment_service
