#pragma once
// What the telematics handlers read from a request the same way: ids in the path, the caller as
// an actor for audits, page sizes and times in the query. Bad values are 4xx naming the field.
#include <optional>
#include <rto/http.hpp>
#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace telematics {

// A UUID in lower case, or nullopt.
std::optional<std::string> canonical_uuid(std::string_view s);
// The path's {id} as a UUID; 404 "no <what> with this id" otherwise.
std::string path_uuid(const rto::http::Request& req, const char* what);
// Who acts, for audits and logs: the user's id, "service:<name>", or "anonymous".
std::string actor_of(const rto::http::Request& req);
// ?limit: 1..200, 50 when absent.
int limit_param(const rto::http::Request& req);
// An RFC 3339 time (or Unix seconds) in the query; `def` when absent.
TimePoint time_param(const rto::http::Request& req, std::string_view name, TimePoint def);

}  // namespace telematics
