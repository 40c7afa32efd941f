#pragma once
// JSON helpers on Boost.JSON: parse a request body and read fields with validation that
// names every bad field (all problems reported at once, not just the first).
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rto/errors.hpp"

namespace rto::json {

namespace js = boost::json;

// Parses a JSON object body; throws BadRequest ("body") for malformed JSON or a non-object.
js::object parse_object(std::string_view body);

// Reads fields of one JSON object, collecting errors. Call finish() (or let the
// destructor-free flow end with finish()) to throw a BadRequest listing every problem.
class Reader {
 public:
  explicit Reader(const js::object& obj, std::string prefix = "");

  // Strings are trimmed of surrounding white space; raw_string keeps them as sent (passwords).
  std::optional<std::string> string(std::string_view key, bool required, std::size_t min_len = 0, std::size_t max_len = 10000);
  std::optional<std::string> raw_string(std::string_view key, bool required, std::size_t min_len = 0, std::size_t max_len = 10000);
  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX);
  std::optional<bool> boolean(std::string_view key, bool required);
  const js::object* object(std::string_view key, bool required);
  const js::array* array(std::string_view key, bool required);
  // One of the allowed values.
  std::optional<std::string> one_of(std::string_view key, bool required, std::initializer_list<std::string_view> allowed);

  // Fields not named in `allowed` are reported as errors ("not allowed").
  void reject_unknown(std::initializer_list<std::string_view> allowed);

  void fail(std::string_view key, std::string message);  // add an error for a field
  std::string path(std::string_view key) const;           // prefix + key
  bool ok() const noexcept { return errors_.empty(); }
  std::vector<FieldError>& errors() noexcept { return errors_; }
  void merge(Reader& nested);  // take a nested reader's errors
  void finish() const;         // throws BadRequest if any error was collected

 private:
  const js::value* find(std::string_view key, bool required);
  std::optional<std::string> read_string(std::string_view key, bool required, std::size_t min_len, std::size_t max_len, bool trim);
  const js::object& obj_;
  std::string prefix_;
  std::vector<FieldError> errors_;
};

}  // namespace rto::json
