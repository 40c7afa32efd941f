#pragma once
// The operator's time zone, read from the environment the same way by every service that works
// with local dates or hours: OPERATOR_TZ [Africa/Kampala], a tz database name read from TZDIR
// [/usr/share/zoneinfo]; or, when set, OPERATOR_UTC_OFFSET_MINUTES, a fixed offset (no daylight
// saving). A problem is reported through env (its ConfigError names the variable).
#include "rto/config.hpp"
#include "rto/zone.hpp"

namespace rto::config {

Zone operator_zone(Env& env);

}  // namespace rto::config
