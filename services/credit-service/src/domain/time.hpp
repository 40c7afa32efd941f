#pragma once
// Instants as the platform handles them (rto/time.hpp). Dates of birth are calendar
// dates; ages are completed years on the UTC date.
#include <chrono>
#include <rto/time.hpp>

namespace credit_service {

using rto::from_micros;
using rto::TimePoint;
using rto::to_micros;
using Date = std::chrono::year_month_day;

inline Date utc_date(TimePoint t) { return Date{std::chrono::floor<std::chrono::days>(t)}; }

using rto::format_date;
using rto::parse_date;

// Completed years between birth and `on`. Someone born on 29 February has their birthday on
// 1 March in common years.
int age_on(const Date& birth, const Date& on);

}  // namespace credit_service
