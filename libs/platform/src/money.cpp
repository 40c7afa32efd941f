#include "rto/money.hpp"

#include <boost/json.hpp>

#include "rto/errors.hpp"

namespace rto {
namespace {

struct CurrencyInfo {
  const char* code;
  int exponent;
};
// ISO 4217 minor units of the currencies the platform operates in. UGX, RWF and XOF have none
// in practice (UGX is officially 0 since 2013).
constexpr CurrencyInfo kCurrencies[] = {
    {"UGX", 0}, {"KES", 2}, {"TZS", 2}, {"RWF", 0}, {"NGN", 2}, {"GHS", 2}, {"XOF", 0},
    {"XAF", 0}, {"ZMW", 2}, {"MWK", 2}, {"ETB", 2}, {"ZAR", 2}, {"USD", 2}, {"EUR", 2},
};

__extension__ typedef __int128 i128;  // GCC/Clang 128-bit integer for exact intermediates

[[noreturn]] void overflow() { throw BadRequest("amount out of range", {{"amount", "is too large"}}); }

}  // namespace

std::optional<Currency> Currency::find(std::string_view code) noexcept {
  if (code.size() != 3) return std::nullopt;
  for (const auto& c : kCurrencies) {
    if (code == c.code) {
      Currency out;
      std::copy(code.begin(), code.end(), out.code_.begin());
      out.exponent_ = c.exponent;
      return out;
    }
  }
  return std::nullopt;
}

Currency Currency::of(std::string_view code) {
  if (auto c = find(code)) return *c;
  throw BadRequest("unsupported currency", {{"currency", "must be a supported ISO 4217 code"}});
}

static void same_currency(const Money& a, const Money& b) {
  if (!(a.currency == b.currency))
    throw Unprocessable("currency mismatch: " + std::string(a.currency.code()) + " vs " + std::string(b.currency.code()),
                        {{"currency", "must be " + std::string(a.currency.code())}});
}

Money Money::operator+(const Money& o) const {
  same_currency(*this, o);
  std::int64_t r;
  if (__builtin_add_overflow(amount, o.amount, &r)) overflow();
  return {r, currency};
}

Money Money::operator-(const Money& o) const {
  same_currency(*this, o);
  std::int64_t r;
  if (__builtin_sub_overflow(amount, o.amount, &r)) overflow();
  return {r, currency};
}

Money Money::times(std::int64_t n) const {
  std::int64_t r;
  if (__builtin_mul_overflow(amount, n, &r)) overflow();
  return {r, currency};
}

Money Money::scaled(std::int64_t num, std::int64_t den) const {
  if (den == 0) throw std::invalid_argument("Money::scaled: zero denominator");
  i128 p = static_cast<i128>(amount) * num;
  i128 q = p / den;
  if ((p % den != 0) && ((p < 0) != (den < 0))) --q;  // floor, not truncation
  if (q > INT64_MAX || q < INT64_MIN) overflow();
  return {static_cast<std::int64_t>(q), currency};
}

std::string Money::format() const {
  int exp = currency.exponent();
  std::int64_t a = amount;
  bool neg = a < 0;
  unsigned long long u = neg ? 0ULL - static_cast<unsigned long long>(a) : static_cast<unsigned long long>(a);
  unsigned long long scale = 1;
  for (int i = 0; i < exp; ++i) scale *= 10;
  std::string whole = std::to_string(u / scale);
  std::string grouped;
  int n = 0;
  for (auto it = whole.rbegin(); it != whole.rend(); ++it) {
    if (n && n % 3 == 0) grouped.insert(grouped.begin(), ',');
    grouped.insert(grouped.begin(), *it);
    ++n;
  }
  std::string out(currency.code());
  out += ' ';
  if (neg) out += '-';
  out += grouped;
  if (exp > 0) {
    std::string frac = std::to_string(u % scale);
    out += '.' + std::string(static_cast<std::size_t>(exp) - frac.size(), '0') + frac;
  }
  return out;
}

boost::json::value Money::to_json() const {
  return boost::json::object{{"amount", amount}, {"currency", std::string(currency.code())}};
}

Money money_from_json(const boost::json::value& v, std::string_view field) {
  std::string f(field);
  if (!v.is_object()) throw BadField(f, "must be an object {amount, currency}");
  const auto& o = v.as_object();
  const auto* a = o.if_contains("amount");
  const auto* c = o.if_contains("currency");
  std::vector<FieldError> errs;
  if (!a || !(a->is_int64() || (a->is_uint64() && a->as_uint64() <= INT64_MAX)))
    errs.push_back({f + ".amount", "must be an integer number of minor units"});
  std::optional<Currency> cur;
  if (!c || !c->is_string() || !(cur = Currency::find(c->as_string())))
    errs.push_back({f + ".currency", "must be a supported ISO 4217 code"});
  if (!errs.empty()) {
    std::string detail = "invalid field '" + errs[0].field + "': " + errs[0].message;
    throw BadRequest(std::move(detail), std::move(errs));
  }
  std::int64_t amt = a->is_int64() ? a->as_int64() : static_cast<std::int64_t>(a->as_uint64());
  if (amt > kMaxAmount || amt < -kMaxAmount)
    throw Unprocessable("invalid field '" + f + ".amount': exceeds the largest amount taken",
                        {{f + ".amount", "must be at most " + std::to_string(kMaxAmount) + " minor units"}});
  return {amt, *cur};
}

}  // namespace rto
