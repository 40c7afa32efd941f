#include "storage/queries.hpp"
#include "storage/storage.hpp"

namespace credit_service::storage {

void record_collection(Tx& tx, const Collection& c, TimePoint now) {
  tx.exec_prepared0(sql::kRecordCollection.name, c.plan_id, c.customer_id, c.payment_id, to_micros(now),
                    settled_param(c));
}

void record_reversal(Tx& tx, const Reversal& r, TimePoint now) {
  tx.exec_prepared0(sql::kRecordReversal.name, r.plan_id, r.customer_id, r.payment_id, to_micros(now));
}

void record_delinquency(Tx& tx, const Delinquency& d, TimePoint now) {
  tx.exec_prepared0(sql::kRecordDelinquency.name, d.customer_id, d.days_past_due, to_micros(now));
}

}  // namespace credit_service::storage
