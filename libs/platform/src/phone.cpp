#include "rto/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace rto::phone {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<std::string> normalize(std::string_view input, std::string_view default_region) {
  if (input.empty() || input.size() > 32) return std::nullopt;
  const auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string(input), std::string(default_region), &number) != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util->IsValidNumber(number)) return std::nullopt;
  std::string out;
  util->Format(number, PhoneNumberUtil::E164, &out);
  return out;
}

std::string region_of(std::string_view e164) {
  const auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) return {};
  std::string region;
  util->GetRegionCodeForNumber(number, &region);
  return region == "ZZ" ? std::string() : region;
}

std::string mask(std::string_view e164) {
  std::string s(e164);
  if (s.size() <= 7) return std::string(s.size(), '*');
  // Keep the country code and first two digits, and the last three.
  for (std::size_t i = 6; i + 3 < s.size(); ++i) s[i] = '*';
  return s;
}

}  // namespace rto::phone
