#pragma once
// National identity numbers as KYC and credit applications take them.
#include <optional>
#include <string>
#include <string_view>

namespace rto {

// Upper-cased, spaces/dashes/tabs removed, 5-20 letters and digits; nullopt otherwise.
std::optional<std::string> normalize_national_id(std::string_view raw);
// All but the last four characters as '*': "*****6789".
std::string mask_national_id(std::string_view id);

}  // namespace rto
