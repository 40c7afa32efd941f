// Approvals (four eyes on money no provider confirmed) and paybill receipts.
#include "storage/approval_queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace payment_service::storage {
using namespace detail;

namespace {

ApprovalRow read_approval(const pqxx::row& r) {
  ApprovalRow a;
  a.id = r[0].as<std::string>();
  a.seq = r[1].as<std::int64_t>();
  a.kind = r[2].as<std::string>();
  a.subject_id = r[3].as<std::string>();
  a.plan_id = opt_text(r[4]);
  if (!r[5].is_null()) a.amount = rto::Money::of(r[5].as<std::int64_t>(), r[6].as<std::string>());
  a.evidence = opt_text(r[7]);
  a.note = r[8].as<std::string>();
  a.input = r[9].as<std::string>();
  a.proposed_by = r[10].as<std::string>();
  a.proposed_at = time_of(r[11]);
  a.status = r[12].as<std::string>();
  a.decided_by = opt_text(r[13]);
  if (!r[14].is_null()) a.decided_at = time_of(r[14]);
  a.decision_note = opt_text(r[15]);
  a.result_id = opt_text(r[16]);
  a.plan_reference = opt_text(r[17]);
  return a;
}

}  // namespace

bool insert_approval(Tx& tx, const ApprovalRow& a) {
  std::optional<std::int64_t> amount;
  std::optional<std::string> currency;
  if (a.amount) {
    amount = a.amount->amount;
    currency = std::string(a.amount->currency.code());
  }
  return !tx.exec_prepared(sql::kApprovalInsert.name, a.id, a.kind, a.subject_id, a.plan_id, amount, currency,
                           a.evidence, a.note, a.input, a.proposed_by, to_micros(a.proposed_at))
              .empty();
}

std::optional<ApprovalRow> find_approval(Tx& tx, const std::string& id) {
  auto res = tx.exec_prepared(sql::kApprovalById.name, id);
  if (res.empty()) return std::nullopt;
  return read_approval(res[0]);
}

std::optional<std::string> pending_approval(Tx& tx, const std::string& kind, const std::string& subject_id) {
  auto res = tx.exec_prepared(sql::kApprovalPendingFor.name, kind, subject_id);
  if (res.empty()) return std::nullopt;
  return res[0][0].as<std::string>();
}

bool decide_approval(Tx& tx, const Decision& d, const std::string& status, const std::optional<std::string>& result_id) {
  return !tx.exec_prepared(sql::kApprovalDecide.name, d.approval_id, status, d.decided_by, to_micros(d.at), d.note,
                           result_id)
              .empty();
}

std::vector<ApprovalRow> approvals(Tx& tx, const ApprovalFilter& f) {
  const auto& st = f.newest ? sql::kApprovalsNewest : sql::kApprovalsOldest;
  std::vector<ApprovalRow> out;
  for (const auto& r : tx.exec_prepared(st.name, f.status, f.kind, f.after_seq, f.limit)) out.push_back(read_approval(r));
  return out;
}

std::int64_t claim_receipt(Tx& tx, const std::string& provider, const std::string& receipt, std::int64_t callback_id) {
  return tx.exec_prepared(sql::kReceiptClaim.name, provider, receipt, callback_id)[0][0].as<std::int64_t>();
}

std::optional<std::int64_t> receipt_holder(Tx& tx, const std::string& provider, const std::string& receipt) {
  auto res = tx.exec_prepared(sql::kReceiptHolder.name, provider, receipt);
  if (res.empty()) return std::nullopt;
  return res[0][0].as<std::int64_t>();
}

void release_receipt(Tx& tx, std::int64_t callback_id) { tx.exec_prepared0(sql::kReceiptRelease.name, callback_id); }

}  // namespace payment_service::storage
