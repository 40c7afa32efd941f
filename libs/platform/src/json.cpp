#include "rto/json.hpp"

namespace rto::json {

js::object parse_object(std::string_view body) {
  if (body.empty()) throw BadRequest("request body is empty; a JSON object is expected", {{"body", "required"}});
  boost::system::error_code ec;
  js::parse_options opt;
  opt.max_depth = 32;
  auto v = js::parse(body, ec, {}, opt);
  if (ec) throw BadRequest("request body is not valid JSON", {{"body", "malformed JSON: " + ec.message()}});
  if (!v.is_object()) throw BadRequest("request body must be a JSON object", {{"body", "must be an object"}});
  return std::move(v.as_object());
}

Reader::Reader(const js::object& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

std::string Reader::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void Reader::fail(std::string_view key, std::string message) { errors_.push_back({path(key), std::move(message)}); }

const js::value* Reader::find(std::string_view key, bool required) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) {
    if (required) fail(key, "is required");
    return nullptr;
  }
  return &it->value();
}

static std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::optional<std::string> Reader::string(std::string_view key, bool required, std::size_t min_len, std::size_t max_len) {
  return read_string(key, required, min_len, max_len, true);
}

std::optional<std::string> Reader::raw_string(std::string_view key, bool required, std::size_t min_len, std::size_t max_len) {
  return read_string(key, required, min_len, max_len, false);
}

std::optional<std::string> Reader::read_string(std::string_view key, bool required, std::size_t min_len,
                                               std::size_t max_len, bool trim) {
  auto* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(key, "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (trim) {
    // People paste names and numbers with stray spaces.
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  }
  auto len = utf8_length(s);
  if (len < min_len) {
    fail(key, s.empty() ? "must not be empty" : "must be at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  if (len > max_len) {
    fail(key, "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  if (s.find('\0') != std::string::npos) {
    fail(key, "must not contain NUL characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> Reader::integer(std::string_view key, bool required, std::int64_t min, std::int64_t max) {
  auto* v = find(key, required);
  if (!v) return std::nullopt;
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->as_uint64());
  } else {
    fail(key, "must be an integer");
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> Reader::boolean(std::string_view key, bool required) {
  auto* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    fail(key, "must be true or false");
    return std::nullopt;
  }
  return v->as_bool();
}

const js::object* Reader::object(std::string_view key, bool required) {
  auto* v = find(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    fail(key, "must be an object");
    return nullptr;
  }
  return &v->as_object();
}

const js::array* Reader::array(std::string_view key, bool required) {
  auto* v = find(key, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    fail(key, "must be an array");
    return nullptr;
  }
  return &v->as_array();
}

std::optional<std::string> Reader::one_of(std::string_view key, bool required, std::initializer_list<std::string_view> allowed) {
  auto s = string(key, required);
  if (!s) return std::nullopt;
  for (auto a : allowed)
    if (*s == a) return s;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  fail(key, "must be one of: " + list);
  return std::nullopt;
}

void Reader::reject_unknown(std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : obj_) {
    bool known = false;
    for (auto a : allowed)
      if (kv.key() == a) known = true;
    if (!known) fail(kv.key(), "is not allowed here");
  }
}

void Reader::merge(Reader& nested) {
  for (auto& e : nested.errors_) errors_.push_back(std::move(e));
  nested.errors_.clear();
}

void Reader::finish() const {
  if (errors_.empty()) return;
  std::string detail = errors_.size() == 1 ? "invalid field '" + errors_[0].field + "': " + errors_[0].message
                                           : std::to_string(errors_.size()) + " fields are invalid";
  throw BadRequest(std::move(detail), errors_);
}

}  // namespace rto::json
