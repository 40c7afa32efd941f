#pragma once
// The plan (the contract a customer pays off), its life cycle as a pure state machine, and what
// one payment does to it. Pure: no I/O, no clock of its own; the service loads and locks the
// plan, calls apply_payment, and writes what the outcome says.
//
//   pending_deposit --deposit paid--> active --paid off--> completed
//                   --deposit expired--> cancelled
//   active --default--> defaulted --paid off--> completed
//                                 --repossess--> repossessed
//
// completed, cancelled and repossessed have no way out. "Overdue" is not a status: it is the
// plan's delinquency state (days past due, bucket, lock).
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "domain/allocation.hpp"
#include "domain/calendar.hpp"
#include "domain/delinquency.hpp"
#include "domain/ledger.hpp"
#include "domain/plan_template.hpp"

namespace payment_service {

enum class PlanStatus { PendingDeposit, Active, Completed, Defaulted, Repossessed, Cancelled };
inline constexpr PlanStatus kPlanStatuses[] = {PlanStatus::PendingDeposit, PlanStatus::Active,      PlanStatus::Completed,
                                               PlanStatus::Defaulted,      PlanStatus::Repossessed, PlanStatus::Cancelled};
std::string_view to_string(PlanStatus s) noexcept;
std::optional<PlanStatus> plan_status_from(std::string_view s) noexcept;

enum class PlanAction { PayDeposit, PayOff, Default, Repossess, ExpireDeposit };
std::string_view to_string(PlanAction a) noexcept;
// The status after `a`, or nullopt when `a` is not allowed in `s`.
std::optional<PlanStatus> next_status(PlanStatus s, PlanAction a) noexcept;

// Active or defaulted: instalments fall due, delinquency runs, payoff is possible.
bool is_live(PlanStatus s) noexcept;
// Money paid goes to what is owed (pending_deposit or live); otherwise it is held for refund.
bool takes_payments(PlanStatus s) noexcept;

// The terms a plan was signed on, parsed: {template, quote, vehicle, credit_decision} and the
// template's rules. They never change (the database refuses it), so every read of one plan
// shares one parsed copy.
struct PlanTerms {
  boost::json::object doc;
  PlanTemplate rules;  // doc.template
};

struct Plan {
  std::string id, reference, customer_id, vehicle_id, template_id, credit_decision_id;
  PlanStatus status = PlanStatus::PendingDeposit;
  rto::Currency currency = rto::Currency::of("UGX");
  std::int64_t price = 0, deposit = 0, financed = 0, charge = 0, total_payable = 0, instalment = 0,
               last_instalment = 0;
  int instalment_count = 0;
  std::shared_ptr<const PlanTerms> fixed;  // set by every read
  Date schedule_start{};
  TimePoint deposit_due_by{}, created_at{};
  std::optional<TimePoint> activated_at, completed_at, defaulted_at, cancelled_at;
  std::optional<std::string> cancel_reason;
  std::int64_t outstanding = 0, credit_balance = 0, paid_total = 0, discount_total = 0;
  DelinquencyState delinquency;

  bool live() const noexcept { return is_live(status); }
  bool takes_payments() const noexcept { return payment_service::takes_payments(status); }
  std::string status_name() const { return std::string(to_string(status)); }
  rto::Money money(std::int64_t a) const { return {a, currency}; }
  const boost::json::object& terms() const noexcept { return fixed->doc; }
  const PlanTemplate& rules() const noexcept { return fixed->rules; }
};

// The least any instalment of the plan amounts to: the deposit, the regular or the last one.
std::int64_t smallest_instalment(const Plan& p) noexcept;

// An event to publish through the outbox (routing key, subject, data).
struct OutboxEvent {
  std::string type;
  std::string subject;
  boost::json::object data;
};

// Common fields of every payment.* event about a plan.
boost::json::object event_data(const Plan& p);
// An allocation as stored on the payment and published (slices, totals, instalments settled).
boost::json::object allocation_json(const Allocation& a, const rto::Currency& c);
boost::json::array settled_json(const std::vector<Settled>& s);

// Events for a change of delinquency state outside the daily run (a payment or a reversal).
void delinquency_events(std::vector<OutboxEvent>& out, const Plan& p, Bucket old_bucket, const Transition& t,
                        const char* reason);

// ---- one payment ------------------------------------------------------------------------------

struct IncomingPayment {
  std::string id;  // the new payment's id (chosen by the caller)
  std::string provider, provider_txn_id;
  rto::Money amount;
  TimePoint paid_at{};
};

// What apply_payment needs to know of the world: the instant, the operator's zone (local
// dates) and the service's default threshold.
struct PaymentClock {
  TimePoint now{};
  const Zone* zone = nullptr;
  int default_after_days = 60;
  Date local_date(TimePoint t) const noexcept { return zone->local_date(t); }
};

struct JournalLine {
  Entry entry;
  bool of_payment = true;  // carries the payment's id
};

// What a payment paid (or waived) of one instalment.
struct InstalmentChange {
  int seq = 0;
  std::int64_t paid = 0, waived = 0;
  Date on{};  // the payment's local date
};

struct PaymentOutcome {
  Plan plan;        // as the payment leaves it
  OpenItems items;  // likewise (the next payment of a batch starts from these)
  TimePoint paid_at{};  // the payment's time, never after the clock's now
  Allocation allocation;
  boost::json::object allocation_json;
  std::vector<JournalLine> journal;  // in posting order
  std::size_t payment_line = 0;      // the index in `journal` of the payment's own entry
  std::vector<InstalmentChange> schedule;
  std::vector<std::pair<std::int64_t, std::int64_t>> fees;  // (fee id, paid)
  std::optional<Date> reanchor_from;  // the deposit completed: instalments count from this date
  bool activated = false, completed = false;
  std::vector<OutboxEvent> events;  // in publishing order
};

// Applies one payment (in the plan's currency) to a plan and its open items (`items` holds the
// instalments the payment can reach; all of them when it may pay the plan off):
//   - pending_deposit: a payment covering unpaid fees and the deposit activates the plan and
//     re-dates the instalments from the payment's local date;
//   - active/defaulted: the waterfall, or a payoff with its discount when the amount reaches the
//     payoff quote; the plan completes when nothing is owed; delinquency is recomputed (a payment
//     only releases a lock, never sets one);
//   - completed, cancelled, repossessed: the money is held as credit for refund.
PaymentOutcome apply_payment(Plan plan, OpenItems items, const IncomingPayment& payment, const PaymentClock& clock);

}  // namespace payment_service
