#include "domain/time.hpp"

#include <cstdio>

namespace credit_service {

std::optional<Date> parse_date(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (!y || !m || !d) return std::nullopt;
  Date ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*m)),
           std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string format_date(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

int age_on(const Date& birth, const Date& on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  auto bm = static_cast<unsigned>(birth.month()), bd = static_cast<unsigned>(birth.day());
  auto om = static_cast<unsigned>(on.month()), od = static_cast<unsigned>(on.day());
  if (om < bm || (om == bm && od < bd)) --years;  // birthday not reached yet this year
  return years;
}

}  // namespace credit_service
