#pragma once
// The SQL of mobile-money payment requests and provider callbacks (see queries.hpp for the
// boundary encodings).
#include "storage/queries.hpp"

namespace payment_service::sql {

inline const std::string kRequestColumns =
    "id::text, plan_id::text, customer_id::text, requested_by, idempotency_key, fingerprint, provider, msisdn, status, "
    "amount, currency, provider_request_id, provider_txn_id, confirmed_amount, confirmed_currency, reason_code, "
    "reason, payment_id::text, " + US("created_at") + ", " + US("updated_at") + ", " + US("settled_at") + ", " +
    US("expires_at") + ", " + US("next_check_at") + ", checks";

inline const rto::db::Statement kRequestInsert{"request_insert",
    "INSERT INTO payment_requests (id, plan_id, customer_id, requested_by, idempotency_key, fingerprint, provider, "
    "msisdn, amount, currency, status, created_at, updated_at, expires_at, next_check_at) VALUES ($1::uuid, "
    "$2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, " + TS(12) + ", " + TS(12) + ", " + TS(13) + ", " +
    TS(14) + ") ON CONFLICT (requested_by, idempotency_key) DO NOTHING RETURNING id"};

inline const rto::db::Statement kRequestById{"request_by_id",
    "SELECT " + kRequestColumns + " FROM payment_requests WHERE id = $1::uuid"};

inline const rto::db::Statement kRequestByKey{"request_by_key",
    "SELECT " + kRequestColumns + " FROM payment_requests WHERE requested_by = $1 AND idempotency_key = $2"};

inline const rto::db::Statement kRequestLock{"request_lock",
    "SELECT " + kRequestColumns + " FROM payment_requests WHERE id = $1::uuid FOR UPDATE"};

inline const rto::db::Statement kRequestByProviderRef{"request_by_provider_ref",
    "SELECT " + kRequestColumns + " FROM payment_requests WHERE provider = $1 AND provider_request_id = $2"};

inline const rto::db::Statement kRequestStarted{"request_started",
    "UPDATE payment_requests SET status = $2, provider_request_id = COALESCE($3, provider_request_id), "
    "updated_at = " + TS(4) + ", next_check_at = " + TS(5) + " WHERE id = $1::uuid AND status IN ('initiated', 'pending')"};

inline const rto::db::Statement kRequestSettle{"request_settle",
    "UPDATE payment_requests SET status = $2, provider_txn_id = $3, confirmed_amount = $4, confirmed_currency = $5, "
    "reason_code = $6, reason = $7, payment_id = $8::uuid, settled_at = " + TS(9) + ", updated_at = " + TS(9) +
    " WHERE id = $1::uuid"};

// Requests paid by credits of this transaction ([{id, txn, code, reason, payment_id, callback_id,
// outcome}]; see storage::mark_requests_paid): only those still open; the callback that led to
// each, if any, is finished in the same statement. Returns the ids it marked.
inline const rto::db::Statement kRequestsPaid{"requests_paid",
    "WITH s AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(id uuid, txn text, code text, reason text, "
    "payment_id uuid, callback_id int8, outcome text)), "
    "u AS (UPDATE payment_requests r SET status = 'succeeded', provider_txn_id = s.txn, confirmed_amount = r.amount, "
    "confirmed_currency = r.currency, reason_code = s.code, reason = s.reason, payment_id = s.payment_id, "
    "settled_at = " + TS(2) + ", updated_at = " + TS(2) + " FROM s WHERE r.id = s.id "
    "AND r.status IN ('initiated', 'pending') RETURNING r.id), "
    "c AS (UPDATE provider_callbacks cb SET status = 'processed', request_id = s.id, outcome = s.outcome, "
    "processed_at = " + TS(2) + ", claimed_until = NULL FROM s WHERE cb.id = s.callback_id AND s.id IN (SELECT id FROM u)) "
    "SELECT id::text FROM u"};

// A receipt learned after the request was settled without one (an M-Pesa query names none):
// recorded on the request and, beside the append-only payment, in payment_receipts. Applies
// only while neither has one; returns the payment id when it did.
inline const rto::db::Statement kReceiptAttach{"receipt_attach",
    "WITH q AS (UPDATE payment_requests SET provider_txn_id = $3, updated_at = " + TS(4) + " "
    "WHERE id = $1::uuid AND payment_id = $2::uuid AND provider_txn_id IS NULL RETURNING payment_id, provider) "
    "INSERT INTO payment_receipts (payment_id, provider, receipt_number, recorded_at) "
    "SELECT q.payment_id, q.provider, $3, " + TS(4) + " FROM q JOIN payments p ON p.id = q.payment_id "
    "WHERE p.receipt_number IS NULL AND NOT EXISTS (SELECT 1 FROM payments o WHERE o.provider = q.provider "
    "AND o.provider_txn_id = $3) ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id::text"};

inline const rto::db::Statement kRequestsOfPlan{"requests_of_plan",
    "SELECT " + kRequestColumns + " FROM payment_requests WHERE plan_id = $1::uuid ORDER BY created_at DESC LIMIT $2"};

inline const rto::db::Statement kRequestsClaimDue{"requests_claim_due",
    "UPDATE payment_requests SET next_check_at = " + TS(2) + ", checks = checks + 1 WHERE id IN (SELECT id FROM "
    "payment_requests WHERE status IN ('initiated', 'pending') AND next_check_at <= " + TS(1) +
    " ORDER BY next_check_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + kRequestColumns};

inline const std::string kCallbackColumns =
    "id, provider, key_kind, key_value, body, status, request_id::text, outcome, " + US("received_at") + ", attempts";

// Callbacks as received ([{provider, key_kind, key_value, body, received_at, claimed_until}],
// instants as microseconds), each stored already claimed (until claimed_until, first attempt) by
// the process that queues it for its workers, in the given order (their ids ascend in it); with
// each id, the request a request-id callback names, as it is now (kRequestColumns;
// NULLs when there is none), so that its worker need not look it up.
inline const rto::db::Statement kCallbackInsertMany{"callback_insert_many",
    "WITH c AS (INSERT INTO provider_callbacks (provider, key_kind, key_value, body, received_at, claimed_until, "
    "attempts) SELECT r.provider, r.key_kind, r.key_value, r.body, "
    "'epoch'::timestamptz + r.received_at * interval '1 microsecond', "
    "'epoch'::timestamptz + r.claimed_until * interval '1 microsecond', 1 FROM ROWS FROM (json_to_recordset($1::json) AS "
    "(provider text, key_kind text, key_value text, body text, received_at int8, claimed_until int8)) WITH ORDINALITY "
    "AS r(provider, key_kind, key_value, body, received_at, claimed_until, n) ORDER BY r.n RETURNING id, key_kind, "
    "key_value) SELECT c.id, q.* FROM c LEFT JOIN LATERAL (SELECT " + kRequestColumns + " FROM payment_requests "
    "WHERE id = CASE WHEN c.key_kind = 'request_id' AND c.key_value ~ "
    "'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN c.key_value::uuid END) q "
    "ON true ORDER BY c.id"};

// Claims a waiting callback whose claim lapsed — or is still exactly $4, the claim its caller holds.
inline const rto::db::Statement kCallbackClaim{"callback_claim",
    "UPDATE provider_callbacks SET claimed_until = " + TS(3) + ", attempts = attempts + 1 WHERE id = (SELECT id FROM "
    "provider_callbacks WHERE id = $1 AND status = 'received' AND (claimed_until IS NULL OR claimed_until < " + TS(2) +
    " OR claimed_until = " + TS(4) + ") FOR UPDATE SKIP LOCKED) RETURNING " + kCallbackColumns};

inline const rto::db::Statement kCallbackFinish{"callback_finish",
    "UPDATE provider_callbacks SET status = $2, request_id = $3::uuid, outcome = $4, processed_at = " + TS(5) +
    ", claimed_until = NULL WHERE id = $1"};

// A paybill confirmation awaits the answer to the query Daraja named $2 (NULL: the query is
// being sent).
inline const rto::db::Statement kCallbackAwait{"callback_await",
    "UPDATE provider_callbacks SET status = 'verifying', verify_ref = $2, outcome = $3, processed_at = " + TS(4) +
    ", claimed_until = NULL WHERE id = $1"};

// The callback that awaits (or awaited) the answer $1 names: one query has one ConversationID.
// (Ordered by id, the plan walked the primary key backwards past every callback instead.)
inline const rto::db::Statement kCallbackAwaiting{"callback_awaiting",
    "SELECT " + kCallbackColumns + " FROM provider_callbacks WHERE verify_ref = $1 LIMIT 1"};

// Ends a wait; no row when the callback no longer awaits (another answer ended it).
inline const rto::db::Statement kCallbackAnswered{"callback_answered",
    "UPDATE provider_callbacks SET status = $2, outcome = $3, processed_at = " + TS(4) +
    " WHERE id = $1 AND status = 'verifying' RETURNING id"};

// Whether a query is being sent now (its answer may come before its name is stored).
inline const rto::db::Statement kCallbacksAsking{"callbacks_asking",
    "SELECT EXISTS (SELECT 1 FROM provider_callbacks WHERE status = 'verifying' AND verify_ref IS NULL)"};

// A query that could not be sent: the confirmation waits for the sweep again.
inline const rto::db::Statement kCallbackUnask{"callback_unask",
    "UPDATE provider_callbacks SET status = 'received' WHERE id = $1 AND status = 'verifying' AND verify_ref IS NULL"};

// Waits without an answer since before $1 go back to the sweep, which asks again.
inline const rto::db::Statement kCallbacksUnanswered{"callbacks_unanswered",
    "UPDATE provider_callbacks SET status = 'received', claimed_until = NULL WHERE status = 'verifying' AND "
    "processed_at < " + TS(1) + " RETURNING id"};

inline const rto::db::Statement kCallbacksWaiting{"callbacks_waiting",
    "SELECT id FROM provider_callbacks WHERE status = 'received' AND received_at <= " + TS(1) +
    " AND (claimed_until IS NULL OR claimed_until < " + TS(2) + ") ORDER BY id LIMIT $3"};

inline const rto::db::Statement kCallbackLock{"callback_lock",
    "SELECT " + kCallbackColumns + " FROM provider_callbacks WHERE id = $1 FOR UPDATE"};

inline const rto::db::Statement kResolutionExists{"resolution_exists",
    "SELECT 1 FROM review_resolutions WHERE item = $1 AND item_id = $2"};

// False (no row) when the item was resolved before.
inline const rto::db::Statement kResolutionInsert{"resolution_insert",
    "INSERT INTO review_resolutions (item, item_id, action, note, resolved_by, resolved_at, payment_id) "
    "VALUES ($1, $2, $3, $4, $5, " + TS(6) + ", $7::uuid) ON CONFLICT DO NOTHING RETURNING item"};

// Callbacks that matched nothing, were never verified and were never resolved by staff, received
// before $1: forged or stray, kept only as long as CALLBACK_RETENTION_DAYS. At most $2 a call.
inline const rto::db::Statement kCallbacksPurge{"callbacks_purge",
    "DELETE FROM provider_callbacks WHERE id IN (SELECT c.id FROM provider_callbacks c "
    "WHERE c.status IN ('unmatched', 'rejected') AND c.request_id IS NULL AND c.received_at < " + TS(1) + " "
    "AND NOT EXISTS (SELECT 1 FROM review_resolutions r WHERE r.item = 'callback' AND r.item_id = c.id::text) "
    "ORDER BY c.received_at LIMIT $2)"};

inline std::vector<rto::db::Statement> collection_statements() {
  return {kRequestInsert,    kRequestById,  kRequestByKey,    kRequestLock,    kRequestByProviderRef,
          kRequestStarted,   kRequestSettle, kRequestsPaid, kReceiptAttach, kRequestsOfPlan, kRequestsClaimDue,
          kCallbackInsertMany, kCallbackClaim, kCallbackFinish, kCallbacksWaiting,
          kCallbackAwait,    kCallbackAwaiting, kCallbackAnswered, kCallbacksUnanswered, kCallbacksAsking,
          kCallbackUnask,
          kCallbackLock,   kResolutionInsert, kResolutionExists, kCallbacksPurge};
}

}  // namespace payment_service::sql
