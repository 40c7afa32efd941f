#pragma once
// Every SQL statement of the payment service, by name, in one place. They are prepared on each
// pooled connection and always called with parameters (never built from request text).
//
// Boundary encodings: instants are int8 microseconds since the Unix epoch (TS(n) / US(col));
// local dates are int4 days since 1970-01-01 (DT(n) / DAYS(col)); row sets travel as one
// jsonb parameter read with jsonb_to_recordset.
#include <rto/db.hpp>
#include <string>
#include <vector>

namespace payment_service::sql {

inline std::string TS(int n) {
  return "('epoch'::timestamptz + $" + std::to_string(n) + "::int8 * interval '1 microsecond')";
}
inline std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }
inline std::string DT(int n) { return "(DATE '1970-01-01' + $" + std::to_string(n) + "::int4)"; }
inline std::string DAYS(const std::string& col) { return "(" + col + " - DATE '1970-01-01')"; }

// ---- templates --------------------------------------------------------------------------------

inline const std::string kTemplateColumns = "terms::text, active, superseded_by::text";

inline const rto::db::Statement kTemplatesCurrent{"templates_current",
    "SELECT " + kTemplateColumns + " FROM plan_templates WHERE superseded_by IS NULL AND active "
    "ORDER BY terms->>'category', slug"};

inline const rto::db::Statement kTemplatesAll{"templates_all",
    "SELECT " + kTemplateColumns + " FROM plan_templates ORDER BY slug, version"};

inline const rto::db::Statement kTemplateById{"template_by_id",
    "SELECT " + kTemplateColumns + " FROM plan_templates WHERE id = $1::uuid"};

inline const rto::db::Statement kTemplateCurrentBySlug{"template_current_by_slug",
    "SELECT " + kTemplateColumns + " FROM plan_templates WHERE slug = $1 AND superseded_by IS NULL"};

// Locks the current version of a slug while a new one is written.
inline const rto::db::Statement kTemplateLockCurrent{"template_lock_current",
    "SELECT " + kTemplateColumns + " FROM plan_templates WHERE id = $1::uuid FOR UPDATE"};

inline const rto::db::Statement kTemplateInsert{"template_insert",
    "INSERT INTO plan_templates (id, slug, version, active, terms, created_by, created_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, " + TS(7) + ") ON CONFLICT DO NOTHING RETURNING id::text"};

inline const rto::db::Statement kTemplateSupersede{"template_supersede",
    "UPDATE plan_templates SET superseded_by = $2::uuid WHERE id = $1::uuid AND superseded_by IS NULL RETURNING id"};

// ---- plans ------------------------------------------------------------------------------------

// Read by storage::read_plan, in this order.
inline const std::string kPlanColumns =
    "id::text, reference, customer_id::text, vehicle_id::text, template_id::text, credit_decision_id::text, status, "
    "currency, price, deposit, financed, charge, total_payable, instalment, last_instalment, instalment_count, "
    "terms::text, " + DAYS("schedule_start") + ", " + US("deposit_due_by") + ", " + US("created_at") + ", " +
    US("activated_at") + ", " + US("completed_at") + ", " + US("defaulted_at") + ", " + US("cancelled_at") +
    ", cancel_reason, outstanding, credit_balance, paid_total, discount_total, days_past_due, bucket, locked";

inline const rto::db::Statement kPlanById{"plan_by_id", "SELECT " + kPlanColumns + " FROM plans WHERE id = $1::uuid"};
inline const rto::db::Statement kPlanLockById{"plan_lock_by_id",
    "SELECT " + kPlanColumns + " FROM plans WHERE id = $1::uuid FOR UPDATE"};
inline const rto::db::Statement kPlanByRef{"plan_by_ref", "SELECT " + kPlanColumns + " FROM plans WHERE reference = $1"};
inline const rto::db::Statement kPlanByDecision{"plan_by_decision",
    "SELECT " + kPlanColumns + " FROM plans WHERE credit_decision_id = $1::uuid"};

// A conflict on any unique key (id, reference, credit decision) inserts nothing.
inline const rto::db::Statement kPlanInsert{"plan_insert",
    "INSERT INTO plans (id, reference, customer_id, vehicle_id, template_id, credit_decision_id, status, currency, "
    "price, deposit, financed, charge, total_payable, instalment, last_instalment, instalment_count, terms, "
    "schedule_start, deposit_due_by, created_at, outstanding, updated_at) "
    "VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5::uuid, $6::uuid, 'pending_deposit', $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16::jsonb, " + DT(17) + ", " + TS(18) + ", " + TS(19) + ", $12, " + TS(19) + ") "
    "ON CONFLICT DO NOTHING RETURNING id::text"};

inline const rto::db::Statement kPlanReferences{"plan_references",
    "SELECT id::text, reference FROM plans WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid)"};

inline const rto::db::Statement kPlansOfCustomer{"plans_of_customer",
    "SELECT " + kPlanColumns + " FROM plans WHERE customer_id = $1::uuid ORDER BY created_at DESC, id LIMIT 100"};

// Collections work: worst first. $1 bucket, $2 status (NULL = active or defaulted), $3 limit;
// the "after" form continues after ($4 days past due, $5 id).
inline const std::string kCollectionsWhere =
    "WHERE ($1::text IS NULL OR bucket = $1) AND (($2::text IS NULL AND status IN ('active', 'defaulted')) "
    "OR status = $2) ";
inline const rto::db::Statement kPlansCollectionsFirst{"plans_collections_first",
    "SELECT " + kPlanColumns + " FROM plans " + kCollectionsWhere + "ORDER BY days_past_due DESC, id LIMIT $3"};
inline const rto::db::Statement kPlansCollectionsAfter{"plans_collections_after",
    "SELECT " + kPlanColumns + " FROM plans " + kCollectionsWhere +
    "AND (days_past_due < $4 OR (days_past_due = $4 AND id > $5::uuid)) ORDER BY days_past_due DESC, id LIMIT $3"};

// A plan with a mobile-money deposit still in flight waits for its answer: cancelling it
// would leave the payer's approval landing on a cancelled plan.
inline const rto::db::Statement kPlansDepositExpired{"plans_deposit_expired",
    "SELECT id::text FROM plans p WHERE status = 'pending_deposit' AND deposit_due_by <= " + TS(1) +
    " AND NOT EXISTS (SELECT 1 FROM payment_requests r WHERE r.plan_id = p.id AND r.status IN ('initiated', 'pending'))"
    " ORDER BY deposit_due_by LIMIT $2"};

// Plans the daily run has not seen for local date $1.
inline const rto::db::Statement kPlansForRun{"plans_for_run",
    "SELECT p.id::text FROM plans p WHERE p.status IN ('active', 'defaulted') AND NOT EXISTS "
    "(SELECT 1 FROM delinquency_runs r WHERE r.plan_id = p.id AND r.as_of = " + DT(1) + ") ORDER BY p.id LIMIT $2"};

// ---- schedule ---------------------------------------------------------------------------------

inline const std::string kScheduleColumns =
    "seq, " + DAYS("due_date") + ", amount, principal, charge, paid, waived, " + DAYS("settled_on");

inline const rto::db::Statement kScheduleInsert{"schedule_insert",
    "INSERT INTO schedule (plan_id, seq, due_date, amount, principal, charge) "
    "SELECT $1::uuid, r.seq, DATE '1970-01-01' + r.due, r.amount, r.principal, r.charge "
    "FROM jsonb_to_recordset($2::jsonb) AS r(seq int, due int, amount int8, principal int8, charge int8)"};

inline const rto::db::Statement kScheduleAll{"schedule_all",
    "SELECT " + kScheduleColumns + " FROM schedule WHERE plan_id = $1::uuid ORDER BY seq"};

inline const rto::db::Statement kScheduleOpen{"schedule_open",
    "SELECT " + kScheduleColumns + " FROM schedule WHERE plan_id = $1::uuid AND paid + waived < amount ORDER BY seq"};


// Open instalments due before $2 (what the daily run ages and charges).
inline const rto::db::Statement kScheduleOverdue{"schedule_overdue",
    "SELECT " + kScheduleColumns + " FROM schedule WHERE plan_id = $1::uuid AND seq >= 1 AND paid + waived < amount "
    "AND due_date < " + DT(2) + " ORDER BY seq"};


// Rewrites the projection after a replay ([{seq, paid, waived, settled}], settled in days or null).
inline const rto::db::Statement kScheduleRewrite{"schedule_rewrite",
    "UPDATE schedule s SET paid = u.paid, waived = u.waived, settled_on = DATE '1970-01-01' + u.settled "
    "FROM jsonb_to_recordset($2::jsonb) AS u(seq int, paid int8, waived int8, settled int) "
    "WHERE s.plan_id = $1::uuid AND s.seq = u.seq AND (s.paid, s.waived, s.settled_on) IS DISTINCT FROM "
    "(u.paid, u.waived, DATE '1970-01-01' + u.settled)"};

// Instalments count from the deposit day: re-anchors every due date on $2 (Postgres month
// arithmetic clamps to the month's end, as domain/calendar does).
inline const rto::db::Statement kScheduleReanchor{"schedule_reanchor",
    "UPDATE schedule SET due_date = CASE WHEN seq = 0 THEN " + DT(2) + " WHEN $3 = 'daily' THEN " + DT(2) +
    " + seq WHEN $3 = 'weekly' THEN " + DT(2) + " + 7 * seq ELSE (" + DT(2) +
    " + seq * interval '1 month')::date END WHERE plan_id = $1::uuid"};

// ---- late fees --------------------------------------------------------------------------------

inline const std::string kFeeColumns = "id, seq, " + DAYS("assessed_on") + ", amount, paid";
inline const rto::db::Statement kFeesOpen{"fees_open",
    "SELECT " + kFeeColumns + " FROM late_fees WHERE plan_id = $1::uuid AND paid < amount ORDER BY assessed_on, id"};
inline const rto::db::Statement kFeesAll{"fees_all",
    "SELECT " + kFeeColumns + " FROM late_fees WHERE plan_id = $1::uuid ORDER BY assessed_on, id"};
inline const rto::db::Statement kFeeInsert{"fee_insert",
    "INSERT INTO late_fees (plan_id, seq, assessed_on, amount) VALUES ($1::uuid, $2, " + DT(3) + ", $4) "
    "ON CONFLICT (plan_id, seq) DO NOTHING RETURNING id"};
inline const rto::db::Statement kFeesApply{"fees_apply",
    "UPDATE late_fees f SET paid = f.paid + u.paid FROM jsonb_to_recordset($1::jsonb) AS u(id int8, paid int8) "
    "WHERE f.id = u.id"};
inline const rto::db::Statement kFeesRewrite{"fees_rewrite",
    "UPDATE late_fees f SET paid = u.paid FROM jsonb_to_recordset($1::jsonb) AS u(id int8, paid int8) "
    "WHERE f.id = u.id AND f.paid <> u.paid"};

// ---- journal ----------------------------------------------------------------------------------

// One entry and its lines ([{account, amount}]) in one statement; returns the entry id.
inline const rto::db::Statement kJournalPost{"journal_post",
    "WITH e AS (INSERT INTO journal_entries (plan_id, kind, payment_id, created_at) "
    "VALUES ($1::uuid, $2, $3::uuid, " + TS(4) + ") RETURNING id), "
    "l AS (INSERT INTO journal_lines (entry_id, line_no, plan_id, currency, account, amount) "
    "SELECT e.id, r.ord, $1::uuid, $5, r.line ->> 'account', (r.line ->> 'amount')::int8 FROM e, "
    "jsonb_array_elements($6::jsonb) WITH ORDINALITY AS r(line, ord)) SELECT id FROM e"};

inline const rto::db::Statement kJournalLines{"journal_lines",
    "SELECT account, amount FROM journal_lines WHERE entry_id = $1 ORDER BY line_no"};

inline const rto::db::Statement kAccountBalance{"account_balance",
    "SELECT COALESCE(sum(amount), 0)::int8 FROM journal_lines WHERE plan_id = $1::uuid AND account = $2"};

// ---- payments ---------------------------------------------------------------------------------

inline const std::string kPaymentColumns =
    "p.id::text, p.seq, p.plan_id::text, p.provider, p.provider_txn_id, p.amount, p.currency, " + US("p.paid_at") +
    ", " + US("p.received_at") + ", p.recorded_by, COALESCE(p.receipt_number, lr.receipt_number), p.allocation::text, "
    "p.entry_id, r.reason, r.reversed_by, " + US("r.reversed_at");
// A receipt learned after the payment was recorded (payment_receipts) fills in a missing one.
inline const std::string kPaymentFrom =
    " FROM payments p LEFT JOIN payment_reversals r ON r.payment_id = p.id "
    "LEFT JOIN payment_receipts lr ON lr.payment_id = p.id ";

inline const rto::db::Statement kPaymentById{"payment_by_id",
    "SELECT " + kPaymentColumns + kPaymentFrom + "WHERE p.id = $1::uuid"};
inline const rto::db::Statement kPaymentsOfPlan{"payments_of_plan",
    "SELECT " + kPaymentColumns + kPaymentFrom + "WHERE p.plan_id = $1::uuid ORDER BY p.seq"};


inline const rto::db::Statement kReversalInsert{"reversal_insert",
    "INSERT INTO payment_reversals (payment_id, reason, reversed_by, reversed_at, entry_id) "
    "VALUES ($1::uuid, $2, $3, " + TS(4) + ", $5)"};

// ---- recording payments together (storage/recording.cpp) --------------------------------------
// Row sets travel as one jsonb array; ROWS FROM … WITH ORDINALITY keeps their order where the
// order of insertion matters (payments.seq, the journal).

// The plans named by id ($1, [uuid]) or account reference ($2, [text]), locked in id order:
// one statement, so two batches locking overlapping plans cannot deadlock.
inline const rto::db::Statement kPlansLock{"plans_lock",
    "SELECT " + kPlanColumns + " FROM plans WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid)) "
    "OR reference = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb))) ORDER BY id FOR UPDATE"};

// Payments recorded under any of the keys ([{provider, txn}]), directly or by a receipt learned
// late (payment_receipts): the same money either way. The key asked for follows the payment's
// columns. (LIMIT 1 keeps the lateral subquery a per-key index probe instead of a join over
// every payment.)
inline const rto::db::Statement kPaymentsByTxns{"payments_by_txns",
    "SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS k(provider text, txn text) CROSS JOIN LATERAL (SELECT " +
    kPaymentColumns + ", k.provider, k.txn" + kPaymentFrom + "WHERE p.id = COALESCE("
    "(SELECT x.id FROM payments x WHERE x.provider = k.provider AND x.provider_txn_id = k.txn), "
    "(SELECT l.payment_id FROM payment_receipts l WHERE l.provider = k.provider AND l.receipt_number = k.txn)) "
    "LIMIT 1) x"};

// Unpaid late fees of the plans ($1, [uuid]); the plan id follows the fee's columns.
inline const rto::db::Statement kFeesOpenOf{"fees_open_of",
    "SELECT " + kFeeColumns + ", plan_id::text FROM late_fees "
    "WHERE plan_id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid)) AND paid < amount "
    "ORDER BY plan_id, assessed_on, id"};

// Per plan ([{plan_id, amount, bound}]): the open rows a payment of `amount` can reach, plus the
// first it cannot (its due date is the next one owed): each row whose open predecessors leave
// less than `amount`. At most `bound` rows are looked at (the caller's upper bound of how many
// instalments `amount` can reach), so a daily plan's hundreds of open instalments are not all
// summed for one payment. The plan id follows the schedule's columns.
inline const rto::db::Statement kScheduleOpenUpToOf{"schedule_open_up_to_of",
    "SELECT x.*, k.plan_id::text FROM jsonb_to_recordset($1::jsonb) AS k(plan_id uuid, amount int8, bound int8) "
    "CROSS JOIN LATERAL (SELECT " + kScheduleColumns + " FROM (SELECT *, lag(before) OVER (ORDER BY seq) AS prev_before "
    "FROM (SELECT *, sum(amount - paid - waived) OVER (ORDER BY seq) - (amount - paid - waived) AS before "
    "FROM (SELECT * FROM schedule s WHERE s.plan_id = k.plan_id AND s.paid + s.waived < s.amount ORDER BY s.seq "
    "LIMIT k.bound) o) a) b WHERE prev_before IS NULL OR prev_before < k.amount ORDER BY seq) x ORDER BY k.plan_id, 1"};

inline const rto::db::Statement kJournalIds{"journal_ids",
    "SELECT nextval('journal_entries_id_seq') FROM generate_series(1, $1::int4)"};

// Entries with ids from kJournalIds and their lines
// ([{id, plan_id, kind, payment_id, currency, lines: [{account, amount}]}]), created at $2.
inline const rto::db::Statement kJournalPostMany{"journal_post_many",
    "WITH e AS (INSERT INTO journal_entries (id, plan_id, kind, payment_id, created_at) "
    "SELECT r.id, r.plan_id, r.kind, r.payment_id, " + TS(2) + " FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS "
    "(id int8, plan_id uuid, kind text, payment_id uuid)) WITH ORDINALITY AS r(id, plan_id, kind, payment_id, n) "
    "ORDER BY r.n) "
    "INSERT INTO journal_lines (entry_id, line_no, plan_id, currency, account, amount) "
    "SELECT r.id, l.ord, r.plan_id, r.currency, l.line ->> 'account', (l.line ->> 'amount')::int8 "
    "FROM jsonb_to_recordset($1::jsonb) AS r(id int8, plan_id uuid, currency text, lines jsonb) "
    "CROSS JOIN LATERAL jsonb_array_elements(r.lines) WITH ORDINALITY AS l(line, ord)"};

// Adds paid/waived amounts ([{plan_id, seq, paid, waived, settled}], one row per instalment); a
// row they finish is settled on `settled` (days).
inline const rto::db::Statement kScheduleApplyMany{"schedule_apply_many",
    "UPDATE schedule s SET paid = s.paid + u.paid, waived = s.waived + u.waived, "
    "settled_on = CASE WHEN s.paid + u.paid + s.waived + u.waived >= s.amount "
    "THEN COALESCE(s.settled_on, DATE '1970-01-01' + u.settled) ELSE s.settled_on END "
    "FROM jsonb_to_recordset($1::jsonb) AS u(plan_id uuid, seq int, paid int8, waived int8, settled int) "
    "WHERE s.plan_id = u.plan_id AND s.seq = u.seq"};

// Payments in the given order ([{id, plan_id, provider, provider_txn_id, amount, currency,
// paid_at, received_at, recorded_by, receipt_number, allocation, entry_id}]); a key recorded
// meanwhile is skipped (fewer rows come back).
inline const rto::db::Statement kPaymentsInsert{"payments_insert",
    "INSERT INTO payments (id, plan_id, provider, provider_txn_id, amount, currency, paid_at, received_at, "
    "recorded_by, receipt_number, allocation, entry_id) "
    "SELECT r.id, r.plan_id, r.provider, r.provider_txn_id, r.amount, r.currency, "
    "'epoch'::timestamptz + r.paid_at * interval '1 microsecond', "
    "'epoch'::timestamptz + r.received_at * interval '1 microsecond', r.recorded_by, r.receipt_number, r.allocation, "
    "r.entry_id FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, plan_id uuid, provider text, "
    "provider_txn_id text, amount int8, currency text, paid_at int8, received_at int8, recorded_by text, "
    "receipt_number text, allocation jsonb, entry_id int8)) WITH ORDINALITY AS r(id, plan_id, provider, "
    "provider_txn_id, amount, currency, paid_at, received_at, recorded_by, receipt_number, allocation, entry_id, n) "
    "ORDER BY r.n ON CONFLICT (provider, provider_txn_id) DO NOTHING RETURNING id"};

// Everything about a plan that may change after it is signed, for one or several plans
// ([{id, status, schedule_start, activated_at, completed_at, defaulted_at, cancelled_at,
// cancel_reason, outstanding, credit_balance, paid_total, discount_total, days_past_due, bucket,
// locked}]), at $2.
inline std::string US_OF(const std::string& field) {
  return "('epoch'::timestamptz + u." + field + " * interval '1 microsecond')";
}
inline const rto::db::Statement kPlansUpdate{"plans_update",
    "UPDATE plans p SET status = u.status, schedule_start = DATE '1970-01-01' + u.schedule_start, activated_at = " +
    US_OF("activated_at") + ", completed_at = " + US_OF("completed_at") + ", defaulted_at = " + US_OF("defaulted_at") +
    ", cancelled_at = " + US_OF("cancelled_at") + ", cancel_reason = u.cancel_reason, outstanding = u.outstanding, "
    "credit_balance = u.credit_balance, paid_total = u.paid_total, discount_total = u.discount_total, "
    "days_past_due = u.days_past_due, bucket = u.bucket, locked = u.locked, updated_at = " + TS(2) +
    " FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, schedule_start int, activated_at int8, "
    "completed_at int8, defaulted_at int8, cancelled_at int8, cancel_reason text, outstanding int8, "
    "credit_balance int8, paid_total int8, discount_total int8, days_past_due int, bucket text, locked bool) "
    "WHERE p.id = u.id"};

// ---- repossessions and refunds ----------------------------------------------------------------

inline const rto::db::Statement kRepossessionInsert{"repossession_insert",
    "INSERT INTO repossessions (plan_id, reason, repossessed_by, repossessed_at, written_off, entry_id) "
    "VALUES ($1::uuid, $2, $3, " + TS(4) + ", $5, $6)"};
inline const rto::db::Statement kRepossessionOfPlan{"repossession_of_plan",
    "SELECT reason, repossessed_by, " + US("repossessed_at") + ", written_off FROM repossessions "
    "WHERE plan_id = $1::uuid"};

inline const std::string kRefundColumns =
    "id::text, plan_id::text, amount, currency, method, reference, reason, paid_by, " + US("paid_at");
inline const rto::db::Statement kRefundInsert{"refund_insert",
    "INSERT INTO refunds (id, plan_id, amount, currency, method, reference, reason, paid_by, paid_at, entry_id) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, " + TS(9) + ", $10) "
    "ON CONFLICT (method, reference) DO NOTHING RETURNING id"};
inline const rto::db::Statement kRefundByReference{"refund_by_reference",
    "SELECT " + kRefundColumns + " FROM refunds WHERE method = $1 AND reference = $2"};
inline const rto::db::Statement kRefundsOfPlan{"refunds_of_plan",
    "SELECT " + kRefundColumns + " FROM refunds WHERE plan_id = $1::uuid ORDER BY seq"};

// ---- delinquency runs -------------------------------------------------------------------------

inline const rto::db::Statement kRunExists{"run_exists",
    "SELECT 1 FROM delinquency_runs WHERE plan_id = $1::uuid AND as_of = " + DT(2)};
inline const rto::db::Statement kRunInsert{"run_insert",
    "INSERT INTO delinquency_runs (plan_id, as_of, days_past_due, bucket, fees_posted, ran_at) "
    "VALUES ($1::uuid, " + DT(2) + ", $3, $4, $5, " + TS(6) + ")"};
inline const rto::db::Statement kFeeSeqs{"fee_seqs",
    "SELECT seq FROM late_fees WHERE plan_id = $1::uuid ORDER BY seq"};

// ---- portfolio --------------------------------------------------------------------------------

// Per currency: live plans, outstanding, and outstanding at risk (PAR1/7/30: plans at least
// 1 / 7 / 30 days past due).
inline const rto::db::Statement kPortfolioTotals{"portfolio_totals",
    "SELECT currency, count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'defaulted'), "
    "COALESCE(sum(outstanding), 0)::int8, "
    "COALESCE(sum(outstanding) FILTER (WHERE days_past_due >= 1), 0)::int8, "
    "COALESCE(sum(outstanding) FILTER (WHERE days_past_due >= 7), 0)::int8, "
    "COALESCE(sum(outstanding) FILTER (WHERE days_past_due >= 30), 0)::int8, "
    "count(*) FILTER (WHERE locked) "
    "FROM plans WHERE status IN ('active', 'defaulted') GROUP BY currency ORDER BY currency"};

inline const rto::db::Statement kPortfolioAging{"portfolio_aging",
    "SELECT currency, bucket, count(*), COALESCE(sum(outstanding), 0)::int8 FROM plans "
    "WHERE status IN ('active', 'defaulted') GROUP BY currency, bucket"};

// Collected since $1 (start of today) and since $2 (start of the week), reversals excluded.
inline const rto::db::Statement kPortfolioCollected{"portfolio_collected",
    "SELECT p.currency, COALESCE(sum(p.amount) FILTER (WHERE p.paid_at >= " + TS(1) + "), 0)::int8, "
    "COALESCE(sum(p.amount), 0)::int8 FROM payments p WHERE p.paid_at >= " + TS(2) +
    " AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id) GROUP BY p.currency"};

// Scheduled instalments of live plans falling due today ($1) and this week ($2 .. $3).
inline const rto::db::Statement kPortfolioExpected{"portfolio_expected",
    "SELECT pl.currency, COALESCE(sum(s.amount) FILTER (WHERE s.due_date = " + DT(1) + "), 0)::int8, "
    "COALESCE(sum(s.amount), 0)::int8 FROM schedule s JOIN plans pl ON pl.id = s.plan_id "
    "WHERE s.seq >= 1 AND s.due_date BETWEEN " + DT(2) + " AND " + DT(3) +
    " AND pl.status IN ('active', 'defaulted') GROUP BY pl.currency"};

// Collected per week for the chart: payments since $1 (the first week's local Monday 00:00), not
// reversed, by currency and week number (0 = that first week). The operators' zones keep no
// daylight saving, so a week is 7 × 24 h.
inline const rto::db::Statement kPortfolioWeeklyCollected{"portfolio_weekly_collected",
    "SELECT p.currency, floor(extract(epoch FROM p.paid_at - " + TS(1) + ") / 604800)::int4 AS w, "
    "COALESCE(sum(p.amount), 0)::int8 FROM payments p WHERE p.paid_at >= " + TS(1) +
    " AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id) GROUP BY 1, 2"};

// Expected per week: instalments falling due from $1 to $2 (local dates) of plans that ran then
// (live, or since completed, defaulted or repossessed), by currency and week number.
inline const rto::db::Statement kPortfolioWeeklyExpected{"portfolio_weekly_expected",
    "SELECT pl.currency, ((s.due_date - " + DT(1) + ") / 7)::int4 AS w, COALESCE(sum(s.amount), 0)::int8 "
    "FROM schedule s JOIN plans pl ON pl.id = s.plan_id WHERE s.seq >= 1 AND s.due_date BETWEEN " + DT(1) + " AND " +
    DT(2) + " AND pl.status IN ('active', 'defaulted', 'completed', 'repossessed') GROUP BY 1, 2"};

// ---- reminders --------------------------------------------------------------------------------

// Live plans with an open instalment (seq >= 1) due in [$1, $2], after plan id $3, in id order.
inline const rto::db::Statement kReminderPlans{"reminder_plans",
    "SELECT DISTINCT s.plan_id::text FROM schedule s JOIN plans p ON p.id = s.plan_id "
    "WHERE p.status IN ('active', 'defaulted') AND s.seq >= 1 AND s.paid + s.waived < s.amount "
    "AND s.due_date BETWEEN " + DT(1) + " AND " + DT(2) + " AND s.plan_id > $3::uuid ORDER BY 1 LIMIT $4"};

// Whether a run on local date $2 already reminded the plan $1.
inline const rto::db::Statement kRemindedOn{"reminded_on",
    "SELECT 1 FROM payment_reminders WHERE plan_id = $1::uuid AND sent_on = " + DT(2) + " LIMIT 1"};
// One reminder sent; no row when this (plan, seq, kind) was sent before.
inline const rto::db::Statement kReminderInsert{"reminder_insert",
    "INSERT INTO payment_reminders (plan_id, seq, kind, due_date, sent_on, sent_at) VALUES ($1::uuid, $2, $3, " +
    DT(4) + ", " + DT(5) + ", " + TS(6) + ") ON CONFLICT DO NOTHING RETURNING seq"};

// ---- the business figures of /metrics (Figures::refresh) -----------------------------------------
// One row per figure: (kind, label, value). plans: per status; held: callbacks and requests held
// for staff, not yet resolved; open: the age in microseconds at $1 of the oldest request still
// waiting for its provider.
inline const rto::db::Statement kBusinessFigures{"business_figures",
    "SELECT 'plans', status, count(*)::int8 FROM plans GROUP BY status "
    "UNION ALL SELECT 'held', 'callback', count(*)::int8 FROM provider_callbacks c WHERE c.status = 'held' AND "
    "NOT EXISTS (SELECT 1 FROM review_resolutions r WHERE r.item = 'callback' AND r.item_id = c.id::text) "
    "UNION ALL SELECT 'held', 'request', count(*)::int8 FROM payment_requests WHERE status = 'held' "
    "UNION ALL SELECT 'open', '', COALESCE(max($1::int8 - " + US("created_at") + "), 0)::int8 FROM payment_requests "
    "WHERE status IN ('initiated', 'pending')"};

inline std::vector<rto::db::Statement> all() {
  return {kTemplatesCurrent, kTemplatesAll, kTemplateById, kTemplateCurrentBySlug, kTemplateLockCurrent,
          kTemplateInsert, kTemplateSupersede, kPlanById, kPlanLockById, kPlanByRef, kPlanByDecision, kPlanInsert,
          kPlansOfCustomer, kPlansCollectionsFirst, kPlansCollectionsAfter, kPlansDepositExpired,
          kPlansForRun, kScheduleInsert, kScheduleAll, kScheduleOpen, kScheduleOverdue, kScheduleRewrite,
          kScheduleReanchor, kFeesOpen, kFeesAll, kFeeInsert, kFeesApply, kFeesRewrite, kJournalPost, kJournalLines,
          kAccountBalance, kPaymentById, kPaymentsOfPlan, kReversalInsert, kRunExists, kRunInsert, kFeeSeqs,
          kPortfolioTotals, kPortfolioAging, kPortfolioCollected, kPortfolioExpected, kPortfolioWeeklyCollected,
          kPortfolioWeeklyExpected, kRepossessionInsert,
          kRepossessionOfPlan, kRefundInsert, kRefundByReference, kRefundsOfPlan, kPlanReferences, kPlansLock,
          kPaymentsByTxns, kFeesOpenOf, kScheduleOpenUpToOf, kJournalIds, kJournalPostMany, kScheduleApplyMany,
          kPaymentsInsert, kPlansUpdate, kReminderPlans, kReminderInsert, kRemindedOn, kBusinessFigures};
}

}  // namespace payment_service::sql
