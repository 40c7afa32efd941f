#pragma once
// Arrears ageing: days past due, buckets, late fees, lock and default decisions. Pure.
//
// days past due = days since the oldest unpaid instalment's due date, minus the grace days
// (never below 0); an instalment due today is not yet late. Buckets: current (0), 1-7, 8-30,
// 31-60, 61-90, 90+. A late fee is assessed once per instalment, on the first run at which
// that instalment is past due after grace. The vehicle becomes lock-eligible when days past
// due reach the template's lock threshold, and is released as soon as it is back under it.
// A plan defaults after `default_after_days` past due.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/allocation.hpp"
#include "domain/calendar.hpp"
#include "domain/plan_template.hpp"

namespace payment_service {

enum class Bucket { Current, D1_7, D8_30, D31_60, D61_90, D90Plus };
inline constexpr Bucket kBuckets[] = {Bucket::Current, Bucket::D1_7,   Bucket::D8_30,
                                      Bucket::D31_60,  Bucket::D61_90, Bucket::D90Plus};
std::string_view to_string(Bucket b) noexcept;
std::optional<Bucket> bucket_from(std::string_view s) noexcept;
Bucket bucket_for(int days_past_due) noexcept;

// The due date of the oldest instalment (seq >= 1) with something left to pay; nullopt when
// none. `instalments` in seq order.
std::optional<Date> oldest_unpaid(const std::vector<OpenInstalment>& instalments) noexcept;

int days_past_due(std::optional<Date> oldest_unpaid_due, Date today, int grace_days) noexcept;

struct NewFee {
  int seq = 0;
  std::int64_t amount = 0;
};
// Fees to post today: each unpaid instalment (seq >= 1) past due after grace that has no fee
// yet (`already_charged` holds the seqs that have one, sorted). Zero-amount fees are skipped.
std::vector<NewFee> fees_due(const std::vector<OpenInstalment>& instalments, const std::vector<int>& already_charged,
                             Date today, const PlanTemplate& t);

struct DelinquencyState {
  int days_past_due = 0;
  Bucket bucket = Bucket::Current;
  bool locked = false;
};

struct Transition {
  DelinquencyState next;
  bool bucket_changed = false;
  bool lock_required = false;  // newly lock-eligible
  bool lock_released = false;  // back under the threshold while locked
  bool defaulted = false;      // newly past the default threshold
};

// `may_lock`: the daily run decides locks; a payment or reversal only releases them.
// `active`: only active plans default (a defaulted one stays so).
Transition transition(const DelinquencyState& prev, int days_past_due, int lock_after_days, int default_after_days,
                      bool may_lock, bool active) noexcept;

}  // namespace payment_service
