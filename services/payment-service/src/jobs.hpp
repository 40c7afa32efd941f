#pragma once
// Background work: deposit expiry, the daily delinquency run (fees, buckets, locks, default)
// and the daily reminders; tick() runs them on schedule, with the collections' sweep and
// reconciliation. Each is also callable on demand (internal routes, tests).
#include <atomic>
#include <climits>
#include <cstdint>
#include <string>

#include "clients.hpp"
#include "collections.hpp"
#include "reminders.hpp"
#include "usecase.hpp"

namespace payment_service {

struct RunSummary {
  Date as_of{};
  int plans = 0, fees = 0, bucket_changes = 0, locks_required = 0, locks_released = 0, defaulted = 0;
  std::int64_t fee_total = 0;
};

class Jobs : public UseCase {
 public:
  Jobs(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg, Clients& clients,
       Collections& collections)
      : UseCase(db, std::move(clock), cfg),
        clients_(clients),
        collections_(collections),
        reminders_(db, cfg.common.service) {}

  // Cancels plans whose deposit was not paid in time and releases their vehicles.
  int expire_deposits();
  RunSummary run_delinquency(Date as_of);
  // Deletes stored callbacks that matched nothing and were never verified nor resolved, once older
  // than CALLBACK_RETENTION_DAYS (a flood of forged callbacks does not stay); returns how many.
  int purge_callbacks();
  std::int64_t callbacks_purged() const noexcept { return purged_.load(); }
  // payment.reminder.due for the operator's local date `as_of` (reminders.hpp).
  ReminderSummary send_reminders(Date as_of) { return reminders_.run(as_of, now()); }
  // The scheduler: deposit expiry, the callback sweep and reconciliation always; the delinquency
  // run and the reminders once a day after its time.
  void tick();

 private:
  bool run_plan(const std::string& plan_id, Date as_of, RunSummary& s);

  Clients& clients_;
  Collections& collections_;
  Reminders reminders_;
  std::atomic<int> last_run_day_{INT32_MIN};
  std::atomic<int> last_reminder_day_{INT32_MIN};
  std::atomic<std::int64_t> purged_{0};
};

}  // namespace payment_service
