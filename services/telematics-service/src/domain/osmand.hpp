#pragma once
// OsmAnd / Traccar Client over HTTP (PROTOCOLS.md §4a), after Traccar's OsmAndProtocolDecoder:
// the query-string form (speed in knots) and the JSON form (speed in m/s). Pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/types.hpp"

namespace telematics::osmand {

struct Report {
  std::string device_id;
  std::optional<Fix> fix;  // absent when the request carries no lat/lon
};

using Params = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded text (a POST body) as parameters, percent-decoded.
Params parse_form(std::string_view body);

// `now` stands in for a missing timestamp. Throws DecodeError naming the parameter.
Report decode_query(const Params& params, TimePoint now);
// Throws DecodeError naming the member.
Report decode_json(std::string_view body, TimePoint now);

// Unix seconds (ms when ≥ 2^31), ISO-8601 with 'T' (Z or ±hh:mm), or "yyyy-MM-dd HH:mm:ss" (UTC).
std::optional<TimePoint> parse_time(std::string_view s);

inline constexpr double kKnotToKmh = 1.852;

}  // namespace telematics::osmand
