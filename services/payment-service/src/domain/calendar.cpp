#include "domain/calendar.hpp"

#include <rto/time.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace payment_service {

using namespace std::chrono;

std::optional<Date> parse_date(std::string_view s) {
  auto ymd = rto::parse_date(s);
  if (!ymd || ymd->year() < year{1900}) return std::nullopt;
  return sys_days{*ymd};
}

std::string format_date(Date d) { return rto::format_date(year_month_day{d}); }

Date make_date(int y, unsigned m, unsigned d) {
  year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) throw std::invalid_argument("make_date: not a calendar date");
  return sys_days{ymd};
}

Date add_months(Date d, int n) {
  year_month_day ymd{d};
  year_month ym = year_month{ymd.year(), ymd.month()} + months{n};
  auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return sys_days{year_month_day{ym.year(), ym.month(), std::min(ymd.day(), last)}};
}

std::string_view to_string(Frequency f) noexcept {
  switch (f) {
    case Frequency::Daily: return "daily";
    case Frequency::Weekly: return "weekly";
    case Frequency::Monthly: return "monthly";
  }
  return "daily";
}

std::optional<Frequency> frequency_from(std::string_view s) noexcept {
  if (s == "daily") return Frequency::Daily;
  if (s == "weekly") return Frequency::Weekly;
  if (s == "monthly") return Frequency::Monthly;
  return std::nullopt;
}

int periods_per_year(Frequency f) noexcept {
  switch (f) {
    case Frequency::Daily: return 365;
    case Frequency::Weekly: return 52;
    case Frequency::Monthly: return 12;
  }
  return 365;
}

Date step(Date start, Frequency f, int i) {
  switch (f) {
    case Frequency::Daily: return start + days{i};
    case Frequency::Weekly: return start + days{7 * i};
    case Frequency::Monthly: return add_months(start, i);
  }
  return start;
}

}  // namespace payment_service
