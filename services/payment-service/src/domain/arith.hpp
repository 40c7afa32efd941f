#pragma once
// Exact integer helpers for money arithmetic (128-bit intermediates, floor division).
#include <cstdint>
#include <stdexcept>

namespace payment_service {

__extension__ typedef __int128 i128;

// floor(a × num / den) for den > 0; throws std::overflow_error if the result leaves int64.
inline std::int64_t mul_div_floor(std::int64_t a, std::int64_t num, std::int64_t den) {
  i128 p = static_cast<i128>(a) * num;
  i128 q = p / den;
  if (p % den != 0 && p < 0) --q;
  if (q > INT64_MAX || q < INT64_MIN) throw std::overflow_error("amount out of range");
  return static_cast<std::int64_t>(q);
}

// ceil(a × num / den) for a, num >= 0 and den > 0.
inline std::int64_t mul_div_ceil(std::int64_t a, std::int64_t num, std::int64_t den) {
  i128 p = static_cast<i128>(a) * num;
  i128 q = (p + den - 1) / den;
  if (q > INT64_MAX) throw std::overflow_error("amount out of range");
  return static_cast<std::int64_t>(q);
}

inline std::int64_t round_down(std::int64_t a, std::int64_t unit) { return unit > 1 ? a - a % unit : a; }
inline std::int64_t round_up(std::int64_t a, std::int64_t unit) {
  if (unit <= 1 || a % unit == 0) return a;
  return a + (unit - a % unit);
}

}  // namespace payment_service
