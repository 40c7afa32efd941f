#pragma once
// Storage: the only code that talks SQL (through the named statements of queries.hpp). Every
// function runs inside the caller's transaction.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <rto/money.hpp>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "domain/allocation.hpp"
#include "domain/calendar.hpp"
#include "domain/delinquency.hpp"
#include "domain/inputs.hpp"
#include "domain/ledger.hpp"
#include "domain/plan.hpp"
#include "domain/plan_template.hpp"
#include "domain/reminders.hpp"
#include "domain/schedule.hpp"

namespace payment_service::storage {

using Tx = pqxx::transaction_base;

// ---- templates --------------------------------------------------------------------------------

std::vector<PlanTemplate> current_templates(Tx& tx);
std::vector<PlanTemplate> all_templates(Tx& tx);
std::optional<PlanTemplate> find_template(Tx& tx, const std::string& id, bool for_update = false);
std::optional<PlanTemplate> current_template_by_slug(Tx& tx, const std::string& slug);
// False when the (slug, version) exists or the slug already has a current version.
bool insert_template(Tx& tx, const PlanTemplate& t, const std::string& created_by, TimePoint now);
bool supersede_template(Tx& tx, const std::string& old_id, const std::string& new_id);

// ---- plans ------------------------------------------------------------------------------------

// Plans are read into and written from the domain entity (domain/plan.hpp); status maps to
// its text in the plans table.

std::optional<Plan> find_plan(Tx& tx, const std::string& id);
std::optional<Plan> find_plan_by_reference(Tx& tx, const std::string& reference);
std::optional<Plan> find_plan_by_decision(Tx& tx, const std::string& credit_decision_id);
std::optional<Plan> lock_plan(Tx& tx, const std::string& id);

struct NewPlan {
  std::string id, reference, customer_id, vehicle_id, template_id, credit_decision_id;
  Quote quote;
  boost::json::object terms;
  TimePoint deposit_due_by{}, now{};
};
// False when a unique key (id, reference, credit decision) is taken; nothing is written then.
bool insert_plan(Tx& tx, const NewPlan& p);
void insert_schedule(Tx& tx, const std::string& plan_id, const Quote& q);
// Writes the mutable part of a plan (status, life-cycle times, projections).
void update_plan(Tx& tx, const Plan& p, TimePoint now);
void reanchor_schedule(Tx& tx, const std::string& plan_id, Date start, Frequency f);

std::vector<Plan> plans_of_customer(Tx& tx, const std::string& customer_id);
// id → account reference of the plans named (unknown ids are left out).
std::map<std::string, std::string> plan_references(Tx& tx, const std::vector<std::string>& plan_ids);
std::vector<Plan> collections(Tx& tx, const PlanListQuery& q);
std::vector<std::string> deposit_expired(Tx& tx, TimePoint now, int limit);
std::vector<std::string> plans_for_run(Tx& tx, Date as_of, int limit);

// ---- schedule and fees ------------------------------------------------------------------------

struct ScheduleRow {
  int seq = 0;
  Date due{};
  std::int64_t amount = 0, principal = 0, charge = 0, paid = 0, waived = 0;
  std::optional<Date> settled_on;
  OpenInstalment open() const { return {seq, due, amount, charge, paid, waived}; }
};
std::vector<ScheduleRow> schedule(Tx& tx, const std::string& plan_id);
std::vector<OpenInstalment> open_instalments(Tx& tx, const std::string& plan_id);
std::vector<OpenInstalment> overdue_instalments(Tx& tx, const std::string& plan_id, Date as_of);

std::vector<OpenFee> open_fees(Tx& tx, const std::string& plan_id);
std::vector<OpenFee> all_fees(Tx& tx, const std::string& plan_id);
std::vector<int> charged_seqs(Tx& tx, const std::string& plan_id);
// False when the instalment already has a fee.
bool insert_fee(Tx& tx, const std::string& plan_id, int seq, Date on, std::int64_t amount);

// Rewrites the schedule and fee projection after a replay.
void rewrite_projection(Tx& tx, const std::string& plan_id, const Replayed& r);

// ---- journal ----------------------------------------------------------------------------------

std::int64_t post_entry(Tx& tx, const std::string& plan_id, const rto::Currency& c, const Entry& e,
                        const std::optional<std::string>& payment_id, TimePoint now);
Entry entry_lines(Tx& tx, std::int64_t entry_id);
std::int64_t account_balance(Tx& tx, const std::string& plan_id, std::string_view account);

// Writes events to the outbox, in order, in the caller's transaction.
void publish(Tx& tx, std::string_view source, std::vector<OutboxEvent> events);

// ---- payments ---------------------------------------------------------------------------------

struct PaymentRow {
  std::string id;
  std::int64_t seq = 0;
  std::string plan_id, provider, provider_txn_id;
  rto::Money amount;
  TimePoint paid_at{}, received_at{};
  std::string recorded_by;
  std::optional<std::string> receipt_number;
  boost::json::object allocation;
  std::int64_t entry_id = 0;
  struct Reversal {
    std::string reason, by;
    TimePoint at{};
  };
  std::optional<Reversal> reversal;
};
std::optional<PaymentRow> find_payment(Tx& tx, const std::string& id);
std::vector<PaymentRow> payments_of_plan(Tx& tx, const std::string& plan_id);
void insert_reversal(Tx& tx, const std::string& payment_id, const std::string& reason, const std::string& by,
                     TimePoint at, std::int64_t entry_id);
// Payments already recorded under these (provider, provider_txn_id) keys, directly or by a late
// receipt, by key.
std::map<std::pair<std::string, std::string>, PaymentRow> payments_by_txns(
    Tx& tx, const std::vector<std::pair<std::string, std::string>>& keys);
// Inserts in order; returns the ids inserted (a key recorded meanwhile is left out).
std::vector<std::string> insert_payments(Tx& tx, const std::vector<const PaymentRow*>& payments);

// ---- recording several payments in one transaction --------------------------------------------

// The plans named by id or account reference, locked in id order.
std::vector<Plan> lock_plans(Tx& tx, const std::vector<std::string>& ids, const std::vector<std::string>& references);
// Unpaid late fees by plan id.
std::map<std::string, std::vector<OpenFee>> open_fees_of(Tx& tx, const std::vector<std::string>& plan_ids);
// The open instalments each plan's `amount` reaches, in order (plus the first it cannot), for
// several plans at once; amount < 0 reads every open one. `smallest_instalment` is the least
// any instalment of the plan amounts to (it bounds how many rows are read).
struct Reach {
  std::string plan_id;
  std::int64_t amount = -1;
  std::int64_t smallest_instalment = 1;
};
std::map<std::string, std::vector<OpenInstalment>> open_instalments_of(Tx& tx, const std::vector<Reach>& reach);
struct ScheduleDelta {
  std::string plan_id;
  int seq = 0;
  std::int64_t paid = 0, waived = 0;
  Date on{};  // the date of the payment that last touched it (settled_on when it finishes the row)
};
// One delta per (plan, seq).
void apply_schedule(Tx& tx, const std::vector<ScheduleDelta>& d);
// (fee id, amount paid) pairs, one per fee.
void apply_fees(Tx& tx, const std::vector<std::pair<std::int64_t, std::int64_t>>& paid);
void update_plans(Tx& tx, const std::vector<const Plan*>& plans, TimePoint now);

// Fresh journal entry ids, ascending.
std::vector<std::int64_t> next_entry_ids(Tx& tx, int n);
struct EntryRow {
  std::int64_t id = 0;
  std::string plan_id;
  std::string currency;
  Entry entry;
  std::optional<std::string> payment_id;
};
void insert_entries(Tx& tx, const std::vector<EntryRow>& entries, TimePoint now);

// ---- repossessions and refunds (storage/closing.cpp) -------------------------------------------

struct RepossessionRow {
  std::string reason, by;
  TimePoint at{};
  std::int64_t written_off = 0;
};
void insert_repossession(Tx& tx, const std::string& plan_id, const RepossessionRow& r,
                         std::optional<std::int64_t> entry_id);
std::optional<RepossessionRow> repossession_of(Tx& tx, const std::string& plan_id);

struct RefundRow {
  std::string id, plan_id;
  rto::Money amount;
  std::string method, reference, reason, paid_by;
  TimePoint paid_at{};
};
// False when (method, reference) is already recorded (nothing is written then).
bool insert_refund(Tx& tx, const RefundRow& r, std::int64_t entry_id);
std::optional<RefundRow> find_refund(Tx& tx, const std::string& method, const std::string& reference);
std::vector<RefundRow> refunds_of_plan(Tx& tx, const std::string& plan_id);

// ---- mobile-money requests and callbacks (storage/collections.cpp) ----------------------------

struct RequestRow {
  std::string id, plan_id, customer_id, requested_by, idempotency_key, fingerprint, provider, msisdn, status;
  rto::Money amount;
  std::optional<std::string> provider_request_id, provider_txn_id, confirmed_currency, reason_code, reason, payment_id;
  std::optional<std::int64_t> confirmed_amount;
  TimePoint created_at{}, updated_at{}, expires_at{}, next_check_at{};
  std::optional<TimePoint> settled_at;
  int checks = 0;
  bool open() const noexcept { return status == "initiated" || status == "pending"; }
};
// False when the caller already used this idempotency key (nothing is written then).
bool insert_request(Tx& tx, const RequestRow& r);
std::optional<RequestRow> find_request(Tx& tx, const std::string& id);
std::optional<RequestRow> find_request_by_key(Tx& tx, const std::string& requested_by, const std::string& key);
std::optional<RequestRow> lock_request(Tx& tx, const std::string& id);
std::optional<RequestRow> find_request_by_provider_ref(Tx& tx, const std::string& provider, const std::string& ref);
// initiated → pending (or still initiated when the provider's answer was unknown).
void mark_request_started(Tx& tx, const std::string& id, const std::string& status,
                          const std::optional<std::string>& provider_request_id, TimePoint now, TimePoint next_check);
// Writes the outcome: status, what the provider confirmed, why, and the ledger payment.
void settle_request(Tx& tx, const RequestRow& r, TimePoint now);
// A mobile-money request paid by a ledger payment (see PaymentRequest::pays_request).
struct RequestPaid {
  std::string request_id;
  std::optional<std::string> provider_txn_id;
  std::string reason_code, reason;
  std::optional<std::int64_t> callback_id;  // finished as processed with `outcome`
  std::string outcome;
  std::string payment_id;  // filled in by the recording
};
// Marks each request that is still open paid by its payment (confirmed for the amount asked)
// and finishes its callback, in one statement; returns the ids of the requests it marked.
std::set<std::string> mark_requests_paid(Tx& tx, const std::vector<const RequestPaid*>& paid, TimePoint now);
// Records the provider's receipt on a request settled without one and for its payment
// (payment_receipts). False when either already has one. Throws pqxx::unique_violation when
// the receipt is already recorded for another payment.
bool attach_receipt(Tx& tx, const RequestRow& r, const std::string& receipt, TimePoint now);
std::vector<RequestRow> requests_of_plan(Tx& tx, const std::string& plan_id, int limit);
// Open requests due for a status check, claimed until `next_check` (SKIP LOCKED: replicas share).
std::vector<RequestRow> claim_due_requests(Tx& tx, TimePoint now, TimePoint next_check, int limit);

struct CallbackRow {
  std::int64_t id = 0;
  std::string provider, key_kind, key_value, body, status;
  std::optional<std::string> request_id, outcome;
  TimePoint received_at{};
  int attempts = 0;
};
// Stores callbacks as received, in one statement, each claimed by the caller until its
// `claimed_until` (same order; its first attempt);
// returns their ids in that order, each with the request it names by id as it was then.
struct StoredCallback {
  std::int64_t id = 0;
  std::optional<RequestRow> request;
};
std::vector<StoredCallback> insert_callbacks(Tx& tx, const std::vector<const CallbackRow*>& rows,
                                             const std::vector<TimePoint>& claimed_until);
// Claims a waiting callback until `until`; nullopt when it is done or another worker has it.
// `held` is a claim the caller holds (the one insert_callbacks set): that one may be renewed.
std::optional<CallbackRow> claim_callback(Tx& tx, std::int64_t id, TimePoint now, TimePoint until,
                                          std::optional<TimePoint> held = std::nullopt);
void finish_callback(Tx& tx, std::int64_t id, const std::string& status, const std::optional<std::string>& request_id,
                     const std::string& outcome, TimePoint now);
// A paybill confirmation now awaits the provider's answer to the query `ref` names (nullopt:
// the query is being sent).
void await_answer(Tx& tx, std::int64_t id, const std::optional<std::string>& ref, const std::string& outcome,
                  TimePoint now);
// Whether some query is being sent now; and a query that could not be sent given up.
bool queries_in_flight(Tx& tx);
void unask(Tx& tx, std::int64_t id);
// The callback that awaits (or awaited) the answer `ref` names.
std::optional<CallbackRow> callback_awaiting(Tx& tx, const std::string& ref);
// Ends a wait with `status`; false when the callback no longer awaits.
bool end_wait(Tx& tx, std::int64_t id, const std::string& status, const std::string& outcome, TimePoint now);
// Waits unanswered since before `before` go back to be asked again; returns how many.
std::size_t requeue_unanswered(Tx& tx, TimePoint before);
// Waiting callbacks received before `before` and not claimed now (the sweep after a crash).
std::vector<std::int64_t> waiting_callbacks(Tx& tx, TimePoint before, TimePoint now, int limit);
// Deletes up to `limit` callbacks that matched nothing, were never verified nor resolved, received
// before `before`; returns how many.
int purge_callbacks(Tx& tx, TimePoint before, int limit);
std::optional<CallbackRow> lock_callback(Tx& tx, std::int64_t id);

// A review-queue item resolved by staff ("request" or "callback"; "credit" or "dismiss").
struct ResolutionRow {
  std::string item, item_id, action, note, resolved_by;
  TimePoint resolved_at{};
  std::optional<std::string> payment_id;
};
// False when the item was resolved before (nothing is written then).
bool insert_resolution(Tx& tx, const ResolutionRow& r);
bool resolved(Tx& tx, const std::string& item, const std::string& item_id);

// ---- the review queue, one list a page --------------------------------------------------------

// Where a page of the review queue starts: after the last row of the page before (its instant
// and id), newest or oldest first, of one provider or all.
struct ReviewPage {
  std::optional<std::string> provider;
  std::optional<std::string> status;  // callbacks only: held | unmatched | rejected
  bool newest = true;
  std::optional<std::pair<TimePoint, std::string>> after;
  int limit = 100;
};
std::vector<RequestRow> held_requests(Tx& tx, const ReviewPage& page);
std::vector<RequestRow> stuck_requests(Tx& tx, TimePoint created_before, const ReviewPage& page);
std::vector<CallbackRow> callbacks_for_review(Tx& tx, const ReviewPage& page);

// ---- paybill receipts: one confirmation holds each receipt ------------------------------------

// The callback holding an M-Pesa receipt: `callback_id` when it claims it now (or did before),
// else the one that claimed it first.
std::int64_t claim_receipt(Tx& tx, const std::string& provider, const std::string& receipt, std::int64_t callback_id);
std::optional<std::int64_t> receipt_holder(Tx& tx, const std::string& provider, const std::string& receipt);
// The provider contradicted the confirmation: it holds its receipt no longer.
void release_receipt(Tx& tx, std::int64_t callback_id);

// ---- approvals: four eyes on money no provider confirmed --------------------------------------

struct ApprovalRow {
  std::string id;
  std::int64_t seq = 0;
  std::string kind;  // credit_request | credit_callback | refund | reversal
  std::string subject_id;
  std::optional<std::string> plan_id, plan_reference;
  std::optional<rto::Money> amount;
  std::optional<std::string> evidence;
  std::string note;
  std::string input;  // JSON text
  std::string proposed_by;
  TimePoint proposed_at{};
  std::string status = "pending";  // pending | approved | rejected
  std::optional<std::string> decided_by;
  std::optional<TimePoint> decided_at;
  std::optional<std::string> decision_note, result_id;
};
// False when an approval of this kind is already pending for the subject.
bool insert_approval(Tx& tx, const ApprovalRow& a);
std::optional<ApprovalRow> find_approval(Tx& tx, const std::string& id);
std::optional<std::string> pending_approval(Tx& tx, const std::string& kind, const std::string& subject_id);

// A staff member's decision on an approval, written in the transaction that carries it out.
struct Decision {
  std::string approval_id, decided_by;
  std::optional<std::string> note;
  TimePoint at{};
};
// False (nothing written) when the approval is no longer pending, or when an approver is its
// proposer.
bool decide_approval(Tx& tx, const Decision& d, const std::string& status, const std::optional<std::string>& result_id);

struct ApprovalFilter {
  std::optional<std::string> status, kind;
  bool newest = false;
  std::optional<std::int64_t> after_seq;
  int limit = 50;
};
std::vector<ApprovalRow> approvals(Tx& tx, const ApprovalFilter& f);

// ---- written in the commit that records a payment (PaymentRequest::also) ----------------------

// A held request staff credit: resolved once, then marked succeeded by the payment.
struct CreditHeldRequest {
  ResolutionRow resolution;  // its payment_id is the payment's
  std::string provider_txn_id;
  rto::Money confirmed;
  TimePoint at{};
  std::optional<Decision> approved;  // the approval that carries it out
};
// A paybill confirmation staff credit: resolved once, the callback finished as processed.
struct CreditCallback {
  ResolutionRow resolution;  // item_id is the callback id
  std::int64_t callback_id = 0;
  TimePoint at{};
  std::optional<Decision> approved;  // the approval that carries it out
};
// Daraja's answer confirmed a paybill payment: the confirmation's wait ends and the answer is
// finished. Each outcome is followed by the payment's id.
struct ConfirmPaybill {
  std::int64_t asked_id = 0, answer_id = 0;
  std::string asked_outcome, answer_outcome;
  TimePoint at{};
};
using WithPayment = std::variant<CreditHeldRequest, CreditCallback, ConfirmPaybill>;
// Writes `w` for `payment` with its plan locked. Returns what refuses it (the item changed
// meanwhile: "resolved", "decided" for an approval decided meanwhile, or the request's status
// now), nullopt when written.
std::optional<std::string> write_with_payment(Tx& tx, const WithPayment& w, const PaymentRow& payment);

// ---- delinquency runs -------------------------------------------------------------------------

bool run_exists(Tx& tx, const std::string& plan_id, Date as_of);
void insert_run(Tx& tx, const std::string& plan_id, Date as_of, const DelinquencyState& s, std::int64_t fees,
                TimePoint now);

// ---- reminders (storage/reminders.cpp) --------------------------------------------------------

// Live plans with an open instalment due in [first, last], after `after` (a plan id; "" for the
// start), in id order, at most `limit`.
std::vector<std::string> plans_to_remind(Tx& tx, Date first, Date last, const std::string& after, int limit);
// Whether a reminder for the plan was sent on local date `day`.
bool reminded_on(Tx& tx, const std::string& plan_id, Date day);
// Records a reminder as sent; false when it was sent before (nothing is written then).
bool insert_reminder(Tx& tx, const std::string& plan_id, const Reminder& r, Date sent_on, TimePoint at);

// ---- portfolio --------------------------------------------------------------------------------

struct PortfolioRow {
  std::string currency;
  std::int64_t active = 0, defaulted = 0, outstanding = 0, par1 = 0, par7 = 0, par30 = 0, locked = 0;
  std::int64_t collected_today = 0, collected_week = 0, expected_today = 0, expected_week = 0;
  struct Aging {
    std::int64_t plans = 0, outstanding = 0;
  };
  Aging aging[6];  // by kBuckets order
  // The last kChartWeeks weeks, oldest first (the current week last).
  static constexpr int kChartWeeks = 8;
  std::int64_t weekly_expected[kChartWeeks] = {}, weekly_collected[kChartWeeks] = {};
};
// `chart_start` is the local start of the first chart week (kChartWeeks - 1 weeks before
// week_first).
std::vector<PortfolioRow> portfolio(Tx& tx, TimePoint today_start, TimePoint week_start, Date today, Date week_first,
                                    Date week_last, TimePoint chart_start);

// The figures /metrics reports from the database (Figures::refresh).
struct BusinessFigures {
  std::map<std::string, std::int64_t> plans_by_status;
  std::int64_t callbacks_held = 0, requests_held = 0;
  std::int64_t oldest_open_request_us = 0;  // 0: none open
  struct AtRisk {
    std::string currency;
    std::int64_t outstanding = 0, par1 = 0, par7 = 0, par30 = 0;
  };
  std::vector<AtRisk> at_risk;  // per currency of the live plans
};
BusinessFigures business_figures(Tx& tx, TimePoint now);

}  // namespace payment_service::storage
