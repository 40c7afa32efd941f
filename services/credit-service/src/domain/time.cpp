#include "domain/time.hpp"

namespace credit_service {

int age_on(const Date& birth, const Date& on) {
  int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  auto bm = static_cast<unsigned>(birth.month()), bd = static_cast<unsigned>(birth.day());
  auto om = static_cast<unsigned>(on.month()), od = static_cast<unsigned>(on.day());
  if (om < bm || (om == bm && od < bd)) --years;  // birthday not reached yet this year
  return years;
}

}  // namespace credit_service
