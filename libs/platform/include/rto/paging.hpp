#pragma once
// Keyset paging as every list of the platform does it: an opaque cursor (base64url of a small
// JSON object) naming the last row seen, and 400s that name each bad query parameter.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rto/errors.hpp"

namespace rto::paging {

// Lists ordered by (created_at, id): the last row's instant (µs) and uuid.
struct TimeCursor {
  std::int64_t created_us = 0;
  std::string id;
  bool operator==(const TimeCursor&) const = default;
};

std::string encode(const TimeCursor& c);
// nullopt unless it is a cursor encode() made: an instant within 1970..3000 and a uuid.
std::optional<TimeCursor> decode(std::string_view text);

// The opaque envelope itself, for cursors with other keys (e.g. search's sort key).
std::string encode_object(const boost::json::object& o);
std::optional<boost::json::object> decode_object(std::string_view text, std::size_t max_length);

// Throws rto::BadRequest naming every collected parameter (no-op when there are none).
void throw_if_any(std::vector<FieldError> errors);

}  // namespace rto::paging
