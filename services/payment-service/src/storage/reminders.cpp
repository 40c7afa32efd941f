#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace payment_service::storage {
using namespace detail;

std::vector<std::string> plans_to_remind(Tx& tx, Date first, Date last, const std::string& after, int limit) {
  const std::string from = after.empty() ? "00000000-0000-0000-0000-000000000000" : after;
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kReminderPlans.name, to_days(first), to_days(last), from, limit))
    out.push_back(r[0].as<std::string>());
  return out;
}

bool reminded_on(Tx& tx, const std::string& plan_id, Date day) {
  return !tx.exec_prepared(sql::kRemindedOn.name, plan_id, to_days(day)).empty();
}

bool insert_reminder(Tx& tx, const std::string& plan_id, const Reminder& r, Date sent_on, TimePoint at) {
  return !tx.exec_prepared(sql::kReminderInsert.name, plan_id, r.seq, std::string(to_string(r.kind)), to_days(r.due),
                           to_days(sent_on), to_micros(at))
              .empty();
}

}  // namespace payment_service::storage
