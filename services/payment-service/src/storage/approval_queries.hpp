#pragma once
// The SQL of approvals (four eyes on money no provider confirmed), of the review queue's pages
// and of paybill receipts (see queries.hpp for the boundary encodings).
#include "storage/collection_queries.hpp"
#include "storage/queries.hpp"

namespace payment_service::sql {

inline const std::string kApprovalColumns =
    "a.id::text, a.seq, a.kind, a.subject_id, a.plan_id::text, a.amount, a.currency, a.evidence, a.note, "
    "a.input::text, a.proposed_by, " + US("a.proposed_at") + ", a.status, a.decided_by, " + US("a.decided_at") +
    ", a.decision_note, a.result_id, p.reference";
inline const std::string kApprovalFrom = " FROM approvals a LEFT JOIN plans p ON p.id = a.plan_id ";

// No row when an approval of this kind is already pending for the subject.
inline const rto::db::Statement kApprovalInsert{"approval_insert",
    "INSERT INTO approvals (id, kind, subject_id, plan_id, amount, currency, evidence, note, input, proposed_by, "
    "proposed_at) VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8, $9::jsonb, $10, " + TS(11) + ") "
    "ON CONFLICT (kind, subject_id) WHERE status = 'pending' DO NOTHING RETURNING seq"};

inline const rto::db::Statement kApprovalById{"approval_by_id",
    "SELECT " + kApprovalColumns + kApprovalFrom + "WHERE a.id = $1::uuid"};

inline const rto::db::Statement kApprovalPendingFor{"approval_pending_for",
    "SELECT a.id::text FROM approvals a WHERE a.kind = $1 AND a.subject_id = $2 AND a.status = 'pending'"};

// No row when it is no longer pending, or when the approver is the proposer.
inline const rto::db::Statement kApprovalDecide{"approval_decide",
    "UPDATE approvals SET status = $2, decided_by = $3, decided_at = " + TS(4) + ", decision_note = $5, "
    "result_id = $6 WHERE id = $1::uuid AND status = 'pending' AND ($2 <> 'approved' OR proposed_by <> $3) "
    "RETURNING seq"};

// Filters: $1 status, $2 kind (null: any); $3 the last seq seen (null: from the start); $4 limit.
inline const rto::db::Statement kApprovalsOldest{"approvals_oldest",
    "SELECT " + kApprovalColumns + kApprovalFrom + "WHERE ($1::text IS NULL OR a.status = $1) AND "
    "($2::text IS NULL OR a.kind = $2) AND ($3::int8 IS NULL OR a.seq > $3) ORDER BY a.seq LIMIT $4"};
inline const rto::db::Statement kApprovalsNewest{"approvals_newest",
    "SELECT " + kApprovalColumns + kApprovalFrom + "WHERE ($1::text IS NULL OR a.status = $1) AND "
    "($2::text IS NULL OR a.kind = $2) AND ($3::int8 IS NULL OR a.seq < $3) ORDER BY a.seq DESC LIMIT $4"};

// ---- the review queue, one list a page ---------------------------------------------------------
// $1 provider (null: any); $2, $3 the cursor: the last row's instant and id (null: the first page);
// $4 limit. Held requests and callbacks newest or oldest first; stuck requests also take $5, the
// instant before which a pending request counts as stuck.

inline std::string review_page(const std::string& select, const std::string& where, const std::string& at,
                               const std::string& id_cast, bool newest) {
  const std::string cmp = newest ? "<" : ">", dir = newest ? " DESC" : "";
  return select + " WHERE " + where + " AND ($1::text IS NULL OR provider = $1) AND ($2::int8 IS NULL OR (" + at +
         ", id) " + cmp + " (" + TS(2) + ", $3" + id_cast + ")) ORDER BY " + at + dir + ", id" + dir + " LIMIT $4";
}

inline const std::string kHeldWhere = "status = 'held'";
inline const std::string kStuckWhere = "status IN ('initiated', 'pending') AND created_at <= " + TS(5);
inline const std::string kReviewCallbackWhere =
    "status IN ('held', 'unmatched', 'rejected') AND ($5::text IS NULL OR status = $5) AND NOT EXISTS "
    "(SELECT 1 FROM review_resolutions r WHERE r.item = 'callback' AND r.item_id = c.id::text)";
inline const std::string kRequestsFrom = "SELECT " + kRequestColumns + " FROM payment_requests";
inline const std::string kCallbacksFrom = "SELECT " + kCallbackColumns + " FROM provider_callbacks c";

inline const rto::db::Statement kHeldNewest{"review_held_newest",
    review_page(kRequestsFrom, kHeldWhere, "updated_at", "::uuid", true)};
inline const rto::db::Statement kHeldOldest{"review_held_oldest",
    review_page(kRequestsFrom, kHeldWhere, "updated_at", "::uuid", false)};
inline const rto::db::Statement kStuckNewest{"review_stuck_newest",
    review_page(kRequestsFrom, kStuckWhere, "created_at", "::uuid", true)};
inline const rto::db::Statement kStuckOldest{"review_stuck_oldest",
    review_page(kRequestsFrom, kStuckWhere, "created_at", "::uuid", false)};
inline const rto::db::Statement kCallbacksNewest{"review_callbacks_newest",
    review_page(kCallbacksFrom, kReviewCallbackWhere, "received_at", "::int8", true)};
inline const rto::db::Statement kCallbacksOldest{"review_callbacks_oldest",
    review_page(kCallbacksFrom, kReviewCallbackWhere, "received_at", "::int8", false)};

// ---- paybill receipts: one confirmation holds each receipt ------------------------------------

// The callback that holds receipt ($1, $2): $3 when it claimed it now (or before).
inline const rto::db::Statement kReceiptClaim{"paybill_receipt_claim",
    "WITH ins AS (INSERT INTO paybill_receipts (provider, receipt, callback_id) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING RETURNING callback_id) "
    "SELECT callback_id FROM ins UNION ALL "
    "SELECT callback_id FROM paybill_receipts WHERE provider = $1 AND receipt = $2 LIMIT 1"};
inline const rto::db::Statement kReceiptRelease{"paybill_receipt_release",
    "DELETE FROM paybill_receipts WHERE callback_id = $1"};
inline const rto::db::Statement kReceiptHolder{"paybill_receipt_holder",
    "SELECT callback_id FROM paybill_receipts WHERE provider = $1 AND receipt = $2"};

inline std::vector<rto::db::Statement> approval_statements() {
  return {kApprovalInsert, kApprovalById, kApprovalPendingFor, kApprovalDecide, kApprovalsOldest, kApprovalsNewest,
          kHeldNewest,     kHeldOldest,   kStuckNewest,        kStuckOldest,    kCallbacksNewest, kCallbacksOldest,
          kReceiptClaim,   kReceiptHolder, kReceiptRelease};
}

}  // namespace payment_service::sql
