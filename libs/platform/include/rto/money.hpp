#pragma once
// Money: int64 minor units + ISO 4217 currency. Never floating point.
#include <boost/json/fwd.hpp>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rto {

class Currency {
 public:
  // Throws rto::Error (BadRequest, field "currency") for a code we do not support.
  static Currency of(std::string_view code);
  static std::optional<Currency> find(std::string_view code) noexcept;
  std::string_view code() const noexcept { return {code_.data(), 3}; }
  int exponent() const noexcept { return exponent_; }  // minor-unit digits: UGX 0, KES 2
  friend bool operator==(const Currency& a, const Currency& b) noexcept { return a.code_ == b.code_; }

 private:
  std::array<char, 3> code_{};
  int exponent_ = 2;
};

struct Money {
  std::int64_t amount = 0;  // minor units
  Currency currency;

  static Money of(std::int64_t minor, std::string_view currency) { return {minor, Currency::of(currency)}; }

  // All throw rto::Error: currency mismatch (Unprocessable) or overflow (BadRequest).
  Money operator+(const Money& o) const;
  Money operator-(const Money& o) const;
  Money times(std::int64_t n) const;
  // floor(amount * num / den) without overflow for realistic values (128-bit intermediate).
  Money scaled(std::int64_t num, std::int64_t den) const;
  bool operator==(const Money& o) const noexcept { return amount == o.amount && currency == o.currency; }

  // "UGX 1,200,000" / "KES 1,234.50"
  std::string format() const;
  boost::json::value to_json() const;  // {"amount": 1200000, "currency": "UGX"}
};

// The largest amount taken from a request, in minor units (10^12: a trillion shillings, far
// beyond any vehicle), so that sums of amounts can never overflow.
inline constexpr std::int64_t kMaxAmount = 1'000'000'000'000;

// Parses {"amount": int, "currency": "UGX"}; throws BadRequest naming `field` on error, and
// Unprocessable (422) naming `field`.amount when the amount's magnitude exceeds kMaxAmount.
Money money_from_json(const boost::json::value& v, std::string_view field);

}  // namespace rto
