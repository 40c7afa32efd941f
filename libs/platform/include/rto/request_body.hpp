#pragma once
// A request's JSON body, for the handlers of routes that take one.
#include <boost/json/object.hpp>

#include "rto/http.hpp"

namespace rto::http {

// The body as a JSON object. 415 (problem+json naming `Content-Type`) when a body is sent as
// anything but JSON: Content-Type application/json or application/<something>+json, parameters
// such as charset allowed. A text/plain POST is a CORS "simple request" that a browser sends
// cross-origin without asking first; refusing it keeps JSON routes out of that reach. Then as
// rto::json::parse_object: 400 for an empty, malformed or non-object body.
boost::json::object json_body(const Request& req);

// True for application/json and application/<x>+json (case-insensitive, parameters ignored).
bool is_json_media_type(std::string_view content_type) noexcept;

}  // namespace rto::http
