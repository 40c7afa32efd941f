#pragma once
// Every SQL statement of the credit service, by name, in one place. They are prepared on each
// pooled connection and always called with parameters (never built from request text).
//
// Time crosses the boundary as int8 microseconds since the Unix epoch (see domain/time.hpp):
// TS(n) turns parameter $n into a timestamptz (NULL stays NULL) and US(col) reads one back.
#include <rto/db.hpp>
#include <string>
#include <vector>

namespace credit_service::sql {

inline std::string TS(int n) {
  return "('epoch'::timestamptz + $" + std::to_string(n) + "::int8 * interval '1 microsecond')";
}
inline std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }

// An open application: undecided, referred, or approved and not yet used for a plan.
inline const std::string kOpen =
    "(status IN ('submitted', 'scored', 'referred') OR (status = 'approved' AND plan_id IS NULL))";

// ---- what scoring a customer needs, in one round trip -----------------------------------------

// A customer's stored usage days from date $from up to, not including, date $until, as a JSON array
// of {date, vehicle_id, distance_m, engine_seconds, moving_seconds, trips, active} (NULL for none):
// what domain/usage.hpp's usage_days_from_json reads.
inline std::string usage_days_json(const std::string& customer, const std::string& from, const std::string& until) {
  return "(SELECT json_agg(json_build_object('date', u.usage_date, 'vehicle_id', u.vehicle_id, 'distance_m', "
         "u.distance_m, 'engine_seconds', u.engine_seconds, 'moving_seconds', u.moving_seconds, 'trips', u.trips, "
         "'active', u.active) ORDER BY u.usage_date, u.vehicle_id)::text FROM vehicle_usage_daily u "
         "WHERE u.customer_id = " + customer + " AND u.usage_date >= " + from + " AND u.usage_date < " + until + ")";
}

// $1 customer, $2/$3 the usage window's dates: an open application's id (or NULL), the active
// model version, repayment history, the usage days in the window.
inline const rto::db::Statement kContext{"credit_context",
    "SELECT (SELECT id::text FROM applications WHERE customer_id = $1::uuid AND " + kOpen +
    " LIMIT 1), (SELECT version FROM scorecard_models WHERE active), "
    "h.instalments_on_time, h.instalments_late, h.worst_days_late, h.worst_days_past_due, h.payments, " +
    usage_days_json("$1::uuid", "$2::date", "$3::date") +
    " FROM (SELECT 1) AS one LEFT JOIN repayment_history h ON h.customer_id = $1::uuid"};

// ---- scorecard models -------------------------------------------------------------------------

inline const std::string kModelColumns =
    "version, name, model::text, active, created_by::text, " + US("created_at") + ", activated_by::text, " +
    US("activated_at");

inline const rto::db::Statement kModelByVersion{"model_by_version",
    "SELECT " + kModelColumns + " FROM scorecard_models WHERE version = $1"};

inline const rto::db::Statement kModelList{"model_list",
    "SELECT " + kModelColumns + " FROM scorecard_models ORDER BY version DESC"};

// Serialises version numbering and activation (one lock for the table's few writers).
inline const rto::db::Statement kModelLock{"model_lock", "SELECT pg_advisory_xact_lock(7343010001)"};

inline const rto::db::Statement kModelInsert{"model_insert",
    "INSERT INTO scorecard_models (version, name, model, active, created_by, created_at) "
    "SELECT COALESCE(max(version), 0) + 1, $1, $2::jsonb, false, $3::uuid, " + TS(4) +
    " FROM scorecard_models RETURNING version"};

// Deactivate the others first: the one-active index is checked per statement.
inline const rto::db::Statement kModelDeactivateOthers{"model_deactivate_others",
    "UPDATE scorecard_models SET active = false WHERE active AND version <> $1"};

inline const rto::db::Statement kModelActivate{"model_activate",
    "UPDATE scorecard_models SET active = true, activated_by = $2::uuid, activated_at = " + TS(3) +
    " WHERE version = $1 AND NOT active RETURNING version"};

// ---- applications and their decision in force ---------------------------------------------------

// Columns read by storage::read_application, in this order (a = application, d = a decision).
inline const std::string kAppColumns =
    "a.id::text, a.customer_id::text, a.vehicle_id::text, a.template_id, a.status, a.currency, a.answers::text, "
    "a.contacts::text, a.instalment::text, a.vehicle::text, a.applicant_age, a.note, a.decision_id::text, " +
    US("a.created_at") + ", " + US("a.updated_at") + ", " + US("a.decided_at") + ", " + US("a.expires_at") + ", " +
    US("a.withdrawn_at") +
    ", d.id::text, d.kind, d.decision, d.model_version, d.score, d.grade, d.reasons::text, d.terms::text, "
    "d.breakdown::text, d.officer_id::text, d.note, " + US("d.created_at") + ", " + US("d.expires_at") +
    ", a.plan_id::text, " + US("a.used_at");
inline const std::string kAppFrom = " FROM applications a LEFT JOIN decisions d ON d.id = a.decision_id ";

inline const rto::db::Statement kAppInsert{"app_insert",
    "INSERT INTO applications (id, customer_id, vehicle_id, template_id, status, currency, answers, contacts, "
    "guarantor_national_id, guarantor_phone, reference_phones, instalment, vehicle, applicant_age, note, "
    "created_at, updated_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'submitted', $5, $6::jsonb, $7::jsonb, $8, $9, "
    "$10, $11::jsonb, $12::jsonb, $13, $14, " + TS(15) + ", " + TS(15) + ")"};

inline const rto::db::Statement kAppById{"app_by_id", "SELECT " + kAppColumns + kAppFrom + "WHERE a.id = $1::uuid"};

inline const rto::db::Statement kAppByIdForUpdate{"app_by_id_for_update",
    "SELECT " + kAppColumns + kAppFrom + "WHERE a.id = $1::uuid FOR UPDATE OF a"};

// A decision with its application (the decision need not be the one in force).
inline const rto::db::Statement kAppByDecision{"app_by_decision",
    "SELECT " + kAppColumns + " FROM decisions d JOIN applications a ON a.id = d.application_id WHERE d.id = $1::uuid"};

inline const rto::db::Statement kAppsOfCustomer{
    "apps_of_customer", "SELECT " + kAppColumns + kAppFrom +
                            "WHERE a.customer_id = $1::uuid ORDER BY a.created_at DESC, a.id DESC LIMIT $2"};

// The review queue, oldest first; the "after" form continues from a cursor ($2 µs, $3 id).
inline const rto::db::Statement kQueueFirst{"review_queue_first",
    "SELECT " + kAppColumns + kAppFrom + "WHERE a.status = 'referred' ORDER BY a.created_at, a.id LIMIT $1"};
inline const rto::db::Statement kQueueAfter{"review_queue_after",
    "SELECT " + kAppColumns + kAppFrom + "WHERE a.status = 'referred' AND (a.created_at, a.id) > (" + TS(2) +
    ", $3::uuid) ORDER BY a.created_at, a.id LIMIT $1"};

inline const rto::db::Statement kAppSetDecision{"app_set_decision",
    "UPDATE applications SET status = $2, decision_id = $3::uuid, decided_at = " + TS(4) + ", expires_at = " + TS(5) +
    ", updated_at = " + TS(4) + " WHERE id = $1::uuid"};

inline const rto::db::Statement kAppSetStatus{"app_set_status",
    "UPDATE applications SET status = $2, updated_at = " + TS(3) +
    ", withdrawn_at = CASE WHEN $2 = 'withdrawn' THEN " + TS(3) + " ELSE withdrawn_at END WHERE id = $1::uuid"};

// The approval behind decision $1 was used for plan $2 (once; an approval already used, or no
// longer approved, is left alone).
inline const rto::db::Statement kAppMarkUsed{"app_mark_used",
    "UPDATE applications SET plan_id = $2::uuid, used_at = " + TS(3) + ", updated_at = " + TS(3) +
    " WHERE decision_id = $1::uuid AND status = 'approved' AND plan_id IS NULL RETURNING id::text"};

// Approvals past their expiry, a batch at a time; replicas skip each other's rows.
inline const rto::db::Statement kExpireDue{"app_expire_due",
    "UPDATE applications SET status = 'expired', updated_at = " + TS(1) +
    " WHERE id IN (SELECT id FROM applications WHERE status = 'approved' AND plan_id IS NULL AND expires_at <= " +
    TS(1) +
    " ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "RETURNING id::text, customer_id::text, decision_id::text, vehicle_id::text"};

inline const rto::db::Statement kHistoryInsert{"history_insert",
    "INSERT INTO application_history (application_id, from_status, to_status, actor, actor_id, note, at) "
    "VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, " + TS(7) + ")"};

inline const rto::db::Statement kHistoryOf{"history_of",
    "SELECT from_status, to_status, actor, actor_id::text, note, " + US("at") +
    " FROM application_history WHERE application_id = $1::uuid ORDER BY id"};

inline const rto::db::Statement kDecisionInsert{"decision_insert",
    "INSERT INTO decisions (id, application_id, kind, decision, model_version, score, grade, reasons, terms, "
    "breakdown, officer_id, note, created_at, expires_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::jsonb, "
    "$9::jsonb, $10::jsonb, $11::uuid, $12, " + TS(13) + ", " + TS(14) + ")"};

// ---- repayment history --------------------------------------------------------------------------

// $1 plan, $2 customer, $3 payment, $4 now µs, $5 [{seq, due_date, days_late}]. Each instalment
// counts once, whichever event reports it first; the payment itself is counted per event (the
// platform's processed-events table makes each event run once).
inline const rto::db::Statement kRecordCollection{
    "repayment_record_collection",
    "WITH ins AS (INSERT INTO settled_instalments (plan_id, seq, customer_id, due_date, days_late, payment_id, "
    "recorded_at) SELECT $1, x.seq, $2::uuid, x.due_date, x.days_late, $3, " +
        TS(4) +
        " FROM jsonb_to_recordset($5::jsonb) AS x(seq integer, due_date date, days_late integer) "
        "ON CONFLICT (plan_id, seq) DO NOTHING RETURNING days_late) "
        "INSERT INTO repayment_history AS h (customer_id, instalments_on_time, instalments_late, worst_days_late, "
        "payments, updated_at) SELECT $2::uuid, count(*) FILTER (WHERE days_late = 0), "
        "count(*) FILTER (WHERE days_late > 0), COALESCE(max(days_late), 0), 1, " +
        TS(4) +
        " FROM ins "
        "ON CONFLICT (customer_id) DO UPDATE SET instalments_on_time = h.instalments_on_time + "
        "EXCLUDED.instalments_on_time, "
        "instalments_late = h.instalments_late + EXCLUDED.instalments_late, "
        "worst_days_late = GREATEST(h.worst_days_late, EXCLUDED.worst_days_late), payments = h.payments + 1, "
        "updated_at = EXCLUDED.updated_at"};

inline const rto::db::Statement kRecordDelinquency{
    "repayment_record_delinquency",
    "INSERT INTO repayment_history AS h (customer_id, worst_days_past_due, updated_at) VALUES ($1::uuid, $2, " + TS(3) +
        ") ON CONFLICT (customer_id) DO UPDATE SET "
        "worst_days_past_due = GREATEST(h.worst_days_past_due, EXCLUDED.worst_days_past_due), updated_at = "
        "EXCLUDED.updated_at"};

// A reversed payment: the instalments it settled are no longer settled (a later payment that
// settles them again records them anew, with its own lateness), and the payment no longer counts.
// Idempotent with the consumer's de-duplication; a reversal of a payment never recorded changes
// nothing.
inline const rto::db::Statement kRecordReversal{
    "repayment_record_reversal",
    "WITH del AS (DELETE FROM settled_instalments WHERE plan_id = $1 AND payment_id = $3 RETURNING days_late), "
    "counts AS (SELECT count(*) FILTER (WHERE days_late = 0) AS on_time, count(*) FILTER (WHERE days_late > 0) AS late "
    "FROM del) "
    "UPDATE repayment_history h SET instalments_on_time = GREATEST(h.instalments_on_time - counts.on_time, 0), "
    "instalments_late = GREATEST(h.instalments_late - counts.late, 0), payments = GREATEST(h.payments - 1, 0), "
    "updated_at = " + TS(4) + " FROM counts WHERE h.customer_id = $2::uuid"};

// ---- vehicle usage --------------------------------------------------------------------------------

// One vehicle's day ($1 vehicle, $2 date, $3 customer, $4 tracker, $5 plan, $6 distance_m,
// $7 engine_seconds, $8 moving_seconds, $9 trips, $10 active, $11 event id, $12 event time µs,
// $13 now µs). A later event for the same vehicle and day replaces the row, customer included;
// an older one (by event time) changes nothing and returns no row. `inserted` tells a new day
// from a replaced one.
inline const rto::db::Statement kUsageUpsert{"usage_upsert",
    "INSERT INTO vehicle_usage_daily AS u (vehicle_id, usage_date, customer_id, tracker_id, plan_id, distance_m, "
    "engine_seconds, moving_seconds, trips, active, event_id, event_time, recorded_at) VALUES ($1::uuid, $2::date, "
    "$3::uuid, $4::uuid, $5::uuid, $6, $7, $8, $9, $10, $11, " + TS(12) + ", " + TS(13) + ") "
    "ON CONFLICT (vehicle_id, usage_date) DO UPDATE SET customer_id = EXCLUDED.customer_id, "
    "tracker_id = EXCLUDED.tracker_id, plan_id = EXCLUDED.plan_id, distance_m = EXCLUDED.distance_m, "
    "engine_seconds = EXCLUDED.engine_seconds, moving_seconds = EXCLUDED.moving_seconds, trips = EXCLUDED.trips, "
    "active = EXCLUDED.active, event_id = EXCLUDED.event_id, event_time = EXCLUDED.event_time, "
    "recorded_at = EXCLUDED.recorded_at WHERE u.event_time <= EXCLUDED.event_time "
    "RETURNING (xmax = 0) AS inserted"};

// The usage days of several (customer, window) pairs at once, e.g. a page of the review queue:
// $1 customers, $2 first dates, $3 end dates (exclusive), as arrays of one length. One row per
// pair, k = its 1-based position.
inline const rto::db::Statement kUsageDays{"usage_days",
    "SELECT w.k, " + usage_days_json("w.customer_id", "w.from_date", "w.until_date") +
    " FROM unnest($1::uuid[], $2::date[], $3::date[]) WITH ORDINALITY AS w(customer_id, from_date, until_date, k) "
    "ORDER BY w.k"};

inline std::vector<rto::db::Statement> all() {
  return {kContext,          kModelByVersion,   kModelList,      kModelLock,      kModelInsert,
          kModelDeactivateOthers, kModelActivate, kAppInsert,     kAppById,        kAppByIdForUpdate,
          kAppByDecision,    kAppsOfCustomer,   kQueueFirst,     kQueueAfter,     kAppSetDecision,
          kAppSetStatus,     kExpireDue,        kAppMarkUsed,        kHistoryInsert,  kHistoryOf,      kDecisionInsert,
          kRecordCollection, kRecordDelinquency, kRecordReversal, kUsageUpsert, kUsageDays};
}

}  // namespace credit_service::sql
