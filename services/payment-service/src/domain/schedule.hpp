#pragma once
// Quotes and schedules: one pure function turns a price, a deposit, a template and a start
// date into the deposit, the instalments (amount, principal and charge parts, due date), the
// totals and the effective annual rate.
//
// Rules:
// - financed = price − deposit; the deposit is at least min_deposit of the price, rounded up to
//   the template's rounding unit, and less than the price.
// - Flat markup: charge = financed × rate, rounded down to the unit; total = financed + charge.
//   Equal instalments floor(total / n) rounded down to the unit; the last takes the remainder.
// - Annual rate: periodic rate = annual / periods-per-year; the largest instalment (a multiple
//   of the unit) whose declining-balance amortisation leaves a last instalment at least as
//   large; interest each period is floor(balance × rate), so the schedule is exact integers.
// - deposit + instalment × (count − 1) + last = total_payable, always.
// - Due dates: start + i days / weeks / months (month-end clamped), in the operator's dates.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/plan_template.hpp"

namespace payment_service {

struct Instalment {
  int seq = 0;  // 1..count (0 is the deposit, kept separately)
  Date due{};
  std::int64_t amount = 0;
  std::int64_t principal = 0;  // part of amount that repays the financed amount
  std::int64_t charge = 0;     // part of amount that is markup or interest
};

struct Quote {
  std::string template_id;
  rto::Currency currency = rto::Currency::of("UGX");
  Frequency frequency = Frequency::Daily;
  std::int64_t price = 0;
  std::int64_t deposit = 0;
  std::int64_t financed = 0;  // price − deposit
  std::int64_t charge = 0;    // cost of credit (markup or interest)
  std::int64_t total_payable = 0;  // price + charge
  std::int64_t instalment = 0;
  std::int64_t last_instalment = 0;
  int instalment_count = 0;
  Date start{};
  Date first_due{};
  Date last_due{};
  double effective_annual_rate = 0;  // a display figure, never used for money
  std::vector<Instalment> instalments;

  std::string effective_annual_rate_text() const;  // "0.4213"
};

// The smallest deposit the template allows for this price.
std::int64_t minimum_deposit(const PlanTemplate& t, std::int64_t price);

// Throws rto::Error: 400 for a non-positive price, 422 (field "price" / "deposit") when the
// currency differs from the template's, the deposit is below the minimum or not below the
// price, or the financed amount is too small for one unit per instalment.
Quote make_quote(const PlanTemplate& t, const rto::Money& price, const std::optional<rto::Money>& deposit, Date start);

// The same schedule's due dates re-anchored on another start date (a plan's instalments are
// counted from the day its deposit is paid). Amounts are unchanged.
std::vector<Instalment> reanchor(std::vector<Instalment> s, Frequency f, Date start);

// Solves Σ amount_i × (1+y)^(−days_i/365) = financed for y (0 when there is no charge).
double effective_annual_rate(std::int64_t financed, const std::vector<Instalment>& s, Date start);

// The quote response of POST /api/v1/plans/quote.
boost::json::object to_json(const Quote& q);

}  // namespace payment_service
