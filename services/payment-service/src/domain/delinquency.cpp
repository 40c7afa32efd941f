#include "domain/delinquency.hpp"

#include <algorithm>

namespace payment_service {

std::string_view to_string(Bucket b) noexcept {
  switch (b) {
    case Bucket::Current: return "current";
    case Bucket::D1_7: return "1-7";
    case Bucket::D8_30: return "8-30";
    case Bucket::D31_60: return "31-60";
    case Bucket::D61_90: return "61-90";
    case Bucket::D90Plus: return "90+";
  }
  return "current";
}

std::optional<Bucket> bucket_from(std::string_view s) noexcept {
  for (auto b : kBuckets)
    if (to_string(b) == s) return b;
  return std::nullopt;
}

Bucket bucket_for(int dpd) noexcept {
  if (dpd <= 0) return Bucket::Current;
  if (dpd <= 7) return Bucket::D1_7;
  if (dpd <= 30) return Bucket::D8_30;
  if (dpd <= 60) return Bucket::D31_60;
  if (dpd <= 90) return Bucket::D61_90;
  return Bucket::D90Plus;
}

std::optional<Date> oldest_unpaid(const std::vector<OpenInstalment>& instalments) noexcept {
  for (const auto& in : instalments)
    if (in.seq >= 1 && in.remaining() > 0) return in.due;
  return std::nullopt;
}

int days_past_due(std::optional<Date> oldest, Date today, int grace_days) noexcept {
  if (!oldest || *oldest >= today) return 0;
  return std::max(0, days_between(*oldest, today) - grace_days);
}

std::vector<NewFee> fees_due(const std::vector<OpenInstalment>& instalments, const std::vector<int>& already_charged,
                             Date today, const PlanTemplate& t) {
  std::vector<NewFee> out;
  if (t.late_fee.kind == LateFeeRule::Kind::None) return out;
  for (const auto& in : instalments) {
    if (in.seq < 1 || in.remaining() <= 0) continue;
    if (days_between(in.due, today) <= t.grace_days) break;  // in seq order: the rest are later
    if (std::binary_search(already_charged.begin(), already_charged.end(), in.seq)) continue;
    auto fee = t.late_fee.fee_for(in.remaining(), t.rounding_unit);
    if (fee > 0) out.push_back({in.seq, fee});
  }
  return out;
}

Transition transition(const DelinquencyState& prev, int dpd, int lock_after, int default_after, bool may_lock,
                      bool active) noexcept {
  Transition t;
  t.next.days_past_due = dpd;
  t.next.bucket = bucket_for(dpd);
  t.next.locked = prev.locked;
  t.bucket_changed = t.next.bucket != prev.bucket;
  if (prev.locked && dpd < lock_after) {
    t.next.locked = false;
    t.lock_released = true;
  } else if (!prev.locked && may_lock && dpd >= lock_after) {
    t.next.locked = true;
    t.lock_required = true;
  }
  t.defaulted = active && may_lock && dpd >= default_after;
  return t;
}

}  // namespace payment_service
