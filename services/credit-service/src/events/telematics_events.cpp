// Events from the telematics service and what credit-service does with each.
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/usage.hpp"
#include "events/events.hpp"
#include "storage/storage.hpp"

namespace credit_service {

void App::on_telematics_event(pqxx::work& tx, const rto::events::Received& ev) {
  if (ev.type != "telematics.usage.daily") return;
  DailyUsage u;
  try {
    u = parse_daily_usage(ev.data);
  } catch (const rto::Error& e) {
    // The same data would fail on every retry and then sit in the dead-letter queue: it is
    // logged with the fields at fault and skipped (the event id is still recorded as handled).
    boost::json::array fields;
    for (const auto& f : e.fields()) fields.push_back(boost::json::string(f.field + ": " + f.message));
    rto::log::warn("telematics.usage.daily with unreadable data ignored",
                   {{"event_id", ev.id}, {"error", e.detail()}, {"fields", std::move(fields)}});
    return;
  }
  if (!u.customer_id) {
    rto::log::debug("telematics.usage.daily without a customer ignored",
                    {{"event_id", ev.id}, {"vehicle_id", u.vehicle_id}, {"date", format_date(Date{u.date})}});
    return;
  }
  // The event's own time orders a correction after what it corrects, whatever order the broker
  // delivers them in; without a readable time, the moment it is handled.
  const auto now = this->now();
  const auto at = parse_instant(ev.time).value_or(now);
  const auto w = storage::record_usage(tx, u, ev.id, at, now);
  const boost::json::object fields{{"event_id", ev.id},
                                   {"customer_id", *u.customer_id},
                                   {"vehicle_id", u.vehicle_id},
                                   {"date", format_date(Date{u.date})}};
  switch (w) {
    case storage::UsageWrite::Inserted:
      rto::log::debug("vehicle usage recorded", fields);
      break;
    case storage::UsageWrite::Replaced:
      rto::log::info("vehicle usage replaced by a later event", fields);
      break;
    case storage::UsageWrite::Stale:
      rto::log::info("vehicle usage older than the stored figures ignored", fields);
      break;
  }
}

}  // namespace credit_service
