#pragma once
// Plan templates: the product a customer signs up to (frequency, term, deposit, pricing,
// grace, late fees, lock policy, rounding, payoff rule). A template row never changes once a
// plan uses it: an admin's update writes a new version and plans keep their own snapshot.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>

#include "domain/calendar.hpp"

namespace payment_service {

enum class Pricing {
  FlatMarkup,  // charge = rate × financed, spread over the instalments
  AnnualRate,  // nominal annual rate, amortised (equal instalments, declining balance)
};
std::string_view to_string(Pricing p) noexcept;
std::optional<Pricing> pricing_from(std::string_view s) noexcept;

struct LateFeeRule {
  enum class Kind { None, Fixed, Percent };
  Kind kind = Kind::None;
  std::int64_t amount = 0;  // Fixed: minor units per overdue instalment
  int bps = 0;              // Percent: basis points of the overdue amount (500 = 5 %)
  std::int64_t cap = 0;     // Percent: at most this much per instalment (0 = no cap)

  // The fee for one overdue instalment with `overdue` still unpaid, rounded down to `unit`.
  std::int64_t fee_for(std::int64_t overdue, std::int64_t unit) const;
};

struct PlanTemplate {
  std::string id;    // uuid of this version
  std::string slug;  // stable across versions, e.g. "motorcycle-daily-18m"
  int version = 1;
  std::string name;
  std::string category;  // vehicle category it is meant for: motorcycle, e-motorcycle, car, tuk-tuk
  rto::Currency currency = rto::Currency::of("UGX");
  Frequency frequency = Frequency::Daily;
  int instalment_count = 0;
  int min_deposit_bps = 0;  // 1500 = 15 % of the price
  Pricing pricing = Pricing::FlatMarkup;
  int rate_bps = 0;         // flat markup on the financed amount, or the nominal annual rate
  int grace_days = 0;       // days after a due date before it counts as past due
  LateFeeRule late_fee;
  int lock_after_days = 0;  // days past due at which the vehicle may be immobilised
  std::int64_t rounding_unit = 1;  // instalments are multiples of this many minor units
  int payoff_discount_bps = 10000; // share of unearned charge waived on early payoff
  bool active = true;
  std::optional<std::string> superseded_by;  // id of the next version

  bool current() const noexcept { return active && !superseded_by; }
};

// Public and admin view.
boost::json::object to_json(const PlanTemplate& t);
// The immutable snapshot kept with each plan (everything that governs it).
boost::json::object terms_json(const PlanTemplate& t);
PlanTemplate template_from_terms(const boost::json::object& terms);

// Admin create/update body. Every field of a template except id/version/superseded_by;
// unknown fields are refused. Throws 400 naming every bad field.
PlanTemplate parse_template(const boost::json::object& body);

}  // namespace payment_service
