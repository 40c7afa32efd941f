#include <rto/errors.hpp>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace user_service::storage {
using namespace detail;

std::optional<KycRecord> find_kyc(pqxx::transaction_base& tx, const std::string& user_id, bool for_update) {
  auto r = tx.exec_prepared(for_update ? sql::kKycByUserForUpdate.name : sql::kKycByUser.name, user_id);
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  KycRecord k;
  k.user_id = row[0].as<std::string>();
  k.national_id_sealed = row[1].as<std::string>();
  k.national_id_index = row[2].as<std::string>();
  k.national_id_last4 = row[3].as<std::string>();
  k.date_of_birth = row[4].as<std::string>();
  k.address_sealed = row[5].as<std::string>();
  k.next_of_kin_sealed = row[6].as<std::string>();
  k.status = row[7].as<std::string>();
  k.reviewed_by = opt_text(row[8]);
  k.reviewed_at = opt_time(row[9]);
  k.rejection_reason = opt_text(row[10]);
  k.created_at = time_of(row[11]);
  k.updated_at = time_of(row[12]);
  return k;
}

void upsert_kyc(pqxx::transaction_base& tx, const KycRecord& k, TimePoint now) {
  // A national id on another account is not refused here (that would tell the caller it is
  // registered): the profile waits for review like any other, and the reviewer sees the clash.
  tx.exec_prepared0(sql::kKycUpsert.name, k.user_id, k.national_id_sealed, k.national_id_index, k.national_id_last4,
                    k.date_of_birth, k.address_sealed, k.next_of_kin_sealed, to_micros(now));
}

std::vector<KycClash> kyc_clashes(pqxx::transaction_base& tx, const std::string& user_id) {
  std::vector<KycClash> out;
  for (const auto& r : tx.exec_prepared(sql::kKycClashes.name, user_id))
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>()});
  return out;
}

void review_kyc(pqxx::transaction_base& tx, const std::string& user_id, std::string_view status,
                const std::string& reviewer, const std::optional<std::string>& reason, TimePoint now) {
  tx.exec_prepared0(sql::kKycReview.name, user_id, std::string(status), reviewer, to_micros(now), reason);
}

}  // namespace user_service::storage
