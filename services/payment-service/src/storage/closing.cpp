#include "queries.hpp"
#include "rows.hpp"
#include "storage.hpp"

namespace payment_service::storage {
using namespace detail;

void insert_repossession(Tx& tx, const std::string& plan_id, const RepossessionRow& r,
                         std::optional<std::int64_t> entry_id) {
  tx.exec_prepared0(sql::kRepossessionInsert.name, plan_id, r.reason, r.by, to_micros(r.at), r.written_off, entry_id);
}

std::optional<RepossessionRow> repossession_of(Tx& tx, const std::string& plan_id) {
  auto res = tx.exec_prepared(sql::kRepossessionOfPlan.name, plan_id);
  if (res.empty()) return std::nullopt;
  const auto& r = res[0];
  return RepossessionRow{r[0].as<std::string>(), r[1].as<std::string>(), time_of(r[2]), r[3].as<std::int64_t>()};
}

namespace {
RefundRow read_refund(const pqxx::row& r) {
  RefundRow x;
  x.id = r[0].as<std::string>();
  x.plan_id = r[1].as<std::string>();
  x.amount = {r[2].as<std::int64_t>(), rto::Currency::of(r[3].as<std::string>())};
  x.method = r[4].as<std::string>();
  x.reference = r[5].as<std::string>();
  x.reason = r[6].as<std::string>();
  x.paid_by = r[7].as<std::string>();
  x.paid_at = time_of(r[8]);
  return x;
}
}  // namespace

bool insert_refund(Tx& tx, const RefundRow& r, std::int64_t entry_id) {
  return !tx.exec_prepared(sql::kRefundInsert.name, r.id, r.plan_id, r.amount.amount,
                           std::string(r.amount.currency.code()), r.method, r.reference, r.reason, r.paid_by,
                           to_micros(r.paid_at), entry_id)
              .empty();
}

std::optional<RefundRow> find_refund(Tx& tx, const std::string& method, const std::string& reference) {
  auto res = tx.exec_prepared(sql::kRefundByReference.name, method, reference);
  if (res.empty()) return std::nullopt;
  return read_refund(res[0]);
}

std::vector<RefundRow> refunds_of_plan(Tx& tx, const std::string& plan_id) {
  std::vector<RefundRow> out;
  for (const auto& r : tx.exec_prepared(sql::kRefundsOfPlan.name, plan_id)) out.push_back(read_refund(r));
  return out;
}

}  // namespace payment_service::storage
