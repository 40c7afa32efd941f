#include "params.hpp"

#include <algorithm>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "domain/osmand.hpp"

namespace telematics {

std::optional<std::string> canonical_uuid(std::string_view s) {
  if (!rto::crypto::is_uuid(s)) return std::nullopt;
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string path_uuid(const rto::http::Request& req, const char* what) {
  auto id = canonical_uuid(req.param("id"));
  if (!id) throw rto::NotFound(std::string("no ") + what + " with this id");
  return *id;
}

std::string actor_of(const rto::http::Request& req) {
  if (!req.identity) return "anonymous";
  return req.identity->service ? "service:" + req.identity->subject : req.identity->subject;
}

int limit_param(const rto::http::Request& req) {
  auto l = req.query_param("limit");
  if (!l || l->empty()) return 50;
  int limit = 0;
  try {
    std::size_t used = 0;
    limit = std::stoi(std::string(*l), &used);
    if (used != l->size()) limit = 0;
  } catch (const std::exception&) {
    limit = 0;
  }
  if (limit < 1 || limit > 200) throw rto::BadField("limit", "must be a whole number from 1 to 200");
  return limit;
}

TimePoint time_param(const rto::http::Request& req, std::string_view name, TimePoint def) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return def;
  auto t = osmand::parse_time(*v);
  if (!t) throw rto::BadField(std::string(name), "must be an RFC 3339 time, e.g. 2026-12-07T10:00:00Z");
  return *t;
}

}  // namespace telematics
