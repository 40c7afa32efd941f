#pragma once
// Phone numbers: E.164 normalisation and validation with libphonenumber.
#include <optional>
#include <string>
#include <string_view>

namespace rto::phone {

// Parses a number written in international (+256…) or national (07…) form, the latter read
// in `default_region` (ISO 3166 alpha-2, e.g. "UG"). Returns E.164 ("+256772123456") or
// nullopt for an invalid number.
std::optional<std::string> normalize(std::string_view input, std::string_view default_region);

// Region of a valid E.164 number ("UG"), empty when unknown.
std::string region_of(std::string_view e164);

// "+256772123456" -> "+256 77* *** 456": safe for logs and for people who may not see it whole.
std::string mask(std::string_view e164);

}  // namespace rto::phone
