#include "domain/tracker.hpp"

namespace telematics {

bool valid_imei(std::string_view imei) noexcept {
  if (imei.size() != 15) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    if (imei[i] < '0' || imei[i] > '9') return false;
    int d = imei[i] - '0';
    if (i % 2 == 1) {  // every second digit from the left, doubled
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

bool known_protocol(std::string_view p) noexcept {
  for (auto k : kProtocols)
    if (k == p) return true;
  return false;
}

}  // namespace telematics
