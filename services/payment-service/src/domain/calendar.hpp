#pragma once
// Local calendar dates of the operator and the operator's time zone. Due dates are local
// dates ("YYYY-MM-DD") in OPERATOR_TZ; instants are UTC. No I/O here: the zone's rules are
// parsed from TZif bytes that the caller has read.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rto/zone.hpp>

namespace payment_service {

using Date = std::chrono::sys_days;
using TimePoint = std::chrono::system_clock::time_point;

// "2026-03-31"; nullopt for anything else (including impossible dates such as 2026-02-30).
std::optional<Date> parse_date(std::string_view s);
std::string format_date(Date d);
Date make_date(int y, unsigned m, unsigned d);  // for tests and seeds; must be valid

// Days from a to b (b - a).
inline int days_between(Date a, Date b) { return static_cast<int>((b - a).count()); }

// d + n calendar months, the day clamped to the month's last day: Jan 31 + 1 → Feb 28/29.
Date add_months(Date d, int n);

enum class Frequency { Daily, Weekly, Monthly };
std::string_view to_string(Frequency f) noexcept;
std::optional<Frequency> frequency_from(std::string_view s) noexcept;
int periods_per_year(Frequency f) noexcept;  // 365, 52, 12

// The i-th due date after `start` (i >= 1). Months are stepped from `start` every time, so a
// plan starting on the 31st falls due on the last day of shorter months and on the 31st again.
Date step(Date start, Frequency f, int i);

// The operator's time zone (shared with the support service's quiet hours).
using Zone = rto::Zone;

}  // namespace payment_service
