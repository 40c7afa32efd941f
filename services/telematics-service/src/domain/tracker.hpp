#pragma once
// Trackers: IMEI rules and the protocols a tracker may speak. Pure functions.
#include <optional>
#include <string>
#include <string_view>

namespace telematics {

// 15 digits whose last is the Luhn check digit of the first 14.
bool valid_imei(std::string_view imei) noexcept;

inline constexpr std::string_view kProtocols[] = {"gt06", "teltonika", "osmand", "http"};
bool known_protocol(std::string_view p) noexcept;

}  // namespace telematics
