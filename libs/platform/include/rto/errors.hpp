#pragma once
// One error vocabulary for every service. Handlers and domain code throw these; the
// platform maps them, in one place (problem.cpp), to RFC 9457 application/problem+json.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rto {

struct FieldError {
  std::string field;    // JSON path of the offending input, e.g. "next_of_kin.phone"
  std::string message;  // plain words for the client
};

enum class ErrorKind {
  BadRequest = 400,
  Unauthorized = 401,
  Forbidden = 403,
  NotFound = 404,
  MethodNotAllowed = 405,
  Conflict = 409,
  Gone = 410,
  PayloadTooLarge = 413,
  UnsupportedMediaType = 415,
  Unprocessable = 422,
  Locked = 423,
  TooManyRequests = 429,
  Internal = 500,
  BadGateway = 502,
  Unavailable = 503,
  GatewayTimeout = 504,
};

// An error meant for the client: its detail is shown to them, so never put internals in it.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string detail, std::vector<FieldError> fields = {})
      : std::runtime_error(detail), kind_(kind), detail_(std::move(detail)), fields_(std::move(fields)) {}

  ErrorKind kind() const noexcept { return kind_; }
  int status() const noexcept { return static_cast<int>(kind_); }
  const std::string& detail() const noexcept { return detail_; }
  const std::vector<FieldError>& fields() const noexcept { return fields_; }

  // A short machine-readable slug appended to the problem type URI (e.g. "account-locked").
  const std::string& code() const noexcept { return code_; }
  Error& with_code(std::string code) { code_ = std::move(code); return *this; }
  // Seconds for a Retry-After header (429, 423, 503).
  std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }
  Error& with_retry_after(std::chrono::seconds s) { retry_after_ = s; return *this; }
  // Extra headers (e.g. Allow for 405).
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }
  Error& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

 private:
  ErrorKind kind_;
  std::string detail_;
  std::vector<FieldError> fields_;
  std::string code_;
  std::optional<std::chrono::seconds> retry_after_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

inline Error BadRequest(std::string detail, std::vector<FieldError> f = {}) { return {ErrorKind::BadRequest, std::move(detail), std::move(f)}; }
inline Error BadField(std::string field, std::string message) {
  std::string detail = "invalid field '" + field + "': " + message;
  return {ErrorKind::BadRequest, std::move(detail), {{std::move(field), std::move(message)}}};
}
inline Error Unauthorized(std::string detail = "authentication required") { return {ErrorKind::Unauthorized, std::move(detail)}; }
inline Error Forbidden(std::string detail = "not allowed") { return {ErrorKind::Forbidden, std::move(detail)}; }
inline Error NotFound(std::string detail = "not found") { return {ErrorKind::NotFound, std::move(detail)}; }
inline Error Conflict(std::string detail, std::vector<FieldError> f = {}) { return {ErrorKind::Conflict, std::move(detail), std::move(f)}; }
inline Error Unprocessable(std::string detail, std::vector<FieldError> f = {}) { return {ErrorKind::Unprocessable, std::move(detail), std::move(f)}; }
inline Error TooManyRequests(std::string detail, std::chrono::seconds retry) {
  Error e{ErrorKind::TooManyRequests, std::move(detail)};
  e.with_retry_after(retry);
  return e;
}
inline Error Unavailable(std::string detail) { return {ErrorKind::Unavailable, std::move(detail)}; }

// Raised at start-up when configuration is missing or invalid; names every variable at fault.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rto
