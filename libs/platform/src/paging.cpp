#include "rto/paging.hpp"

#include <boost/json.hpp>

#include "rto/crypto.hpp"

namespace rto::paging {

namespace js = boost::json;

std::string encode_object(const js::object& o) { return crypto::base64_encode(js::serialize(o), true); }

std::optional<js::object> decode_object(std::string_view text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) return std::nullopt;
  try {
    auto raw = crypto::base64_decode(text);
    boost::system::error_code ec;
    auto v = js::parse(raw, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return std::move(v.as_object());
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string encode(const TimeCursor& c) { return encode_object(js::object{{"t", c.created_us}, {"id", c.id}}); }

std::optional<TimeCursor> decode(std::string_view text) {
  auto o = decode_object(text, 200);
  if (!o) return std::nullopt;
  const auto* t = o->if_contains("t");
  const auto* id = o->if_contains("id");
  if (!t || !id || !t->is_int64() || !id->is_string()) return std::nullopt;
  TimeCursor c{t->as_int64(), std::string(id->as_string())};
  constexpr std::int64_t kMaxMicros = 32'503'680'000'000'000;  // year 3000
  if (c.created_us < 0 || c.created_us > kMaxMicros || !crypto::is_uuid(c.id)) return std::nullopt;
  return c;
}

void throw_if_any(std::vector<FieldError> errors) {
  if (errors.empty()) return;
  std::string detail = errors.size() == 1 ? "invalid query parameter '" + errors[0].field + "': " + errors[0].message
                                          : std::to_string(errors.size()) + " query parameters are invalid";
  throw BadRequest(std::move(detail), std::move(errors));
}

}  // namespace rto::paging
