#pragma once
// The payment service's repayment events, parsed (pure):
//   payment.collection.received  {plan_id, customer_id, payment_id, instalments_settled: [{seq, due_date, days_late}],
//   …} payment.delinquency.changed  {plan_id, customer_id, days_past_due, old_bucket, new_bucket}
// A malformed event throws rto::Error (400); the consumer then retries it and dead-letters it.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace credit_service {

struct SettledInstalment {
  std::int64_t seq = 0;
  std::optional<std::string> due_date;  // YYYY-MM-DD
  std::int64_t days_late = 0;           // 0 = on time
  bool operator==(const SettledInstalment&) const = default;
};

struct Collection {
  std::string plan_id;
  std::string customer_id;  // lower-case UUID
  std::string payment_id;
  std::vector<SettledInstalment> settled;
};
Collection parse_collection(const boost::json::value& data);
// The settled instalments as the JSON array the storage statement unpacks.
std::string settled_param(const Collection& c);

// payment.collection.reversed: the payment no longer counts, nor do the instalments it settled.
struct Reversal {
  std::string plan_id;
  std::string customer_id;
  std::string payment_id;
};
Reversal parse_reversal(const boost::json::value& data);

struct Delinquency {
  std::string plan_id;
  std::string customer_id;
  std::int64_t days_past_due = 0;
};
Delinquency parse_delinquency(const boost::json::value& data);

}  // namespace credit_service
