#pragma once
// Shared helpers for the payment domain's unit tests.
#include "domain/calendar.hpp"
#include "domain/plan_template.hpp"

namespace payment_test {

using payment_service::Date;
using payment_service::make_date;

// Motorcycle, daily over 546 days (78 weeks), 15 % deposit, 35 % flat markup, UGX in
// whole hundreds, 5 % late fee capped at UGX 5,000, one grace day, lock at 3 days.
inline payment_service::PlanTemplate daily_flat() {
  payment_service::PlanTemplate t;
  t.id = "00000000-0000-4000-8000-000000000001";
  t.slug = "motorcycle-daily-18m";
  t.name = "Motorcycle daily";
  t.category = "motorcycle";
  t.currency = rto::Currency::of("UGX");
  t.frequency = payment_service::Frequency::Daily;
  t.instalment_count = 546;
  t.min_deposit_bps = 1500;
  t.pricing = payment_service::Pricing::FlatMarkup;
  t.rate_bps = 3500;
  t.grace_days = 1;
  t.late_fee = {payment_service::LateFeeRule::Kind::Percent, 0, 500, 5000};
  t.lock_after_days = 3;
  t.rounding_unit = 100;
  t.payoff_discount_bps = 10000;
  return t;
}

inline payment_service::PlanTemplate monthly_rate_kes() {
  auto t = daily_flat();
  t.id = "00000000-0000-4000-8000-0000000000aa";
  t.slug = "car-monthly-12m";
  t.currency = rto::Currency::of("KES");
  t.frequency = payment_service::Frequency::Monthly;
  t.instalment_count = 12;
  t.min_deposit_bps = 2000;
  t.pricing = payment_service::Pricing::AnnualRate;
  t.rate_bps = 1200;  // 12 % a year → 1 % a month
  t.rounding_unit = 1;
  t.late_fee = {payment_service::LateFeeRule::Kind::Fixed, 50000, 0, 0};
  return t;
}

}  // namespace payment_test
