#include "rto/http.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

#include "rto/errors.hpp"
#include "rto/json.hpp"
#include "rto/request_body.hpp"

namespace rto::http {

std::string_view to_string(Method m) noexcept {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Head: return "HEAD";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Patch: return "PATCH";
    case Method::Delete: return "DELETE";
    case Method::Options: return "OPTIONS";
    case Method::Other: return "OTHER";
  }
  return "OTHER";
}

Method method_from_string(std::string_view s) noexcept {
  if (s == "GET") return Method::Get;
  if (s == "POST") return Method::Post;
  if (s == "PUT") return Method::Put;
  if (s == "PATCH") return Method::Patch;
  if (s == "DELETE") return Method::Delete;
  if (s == "HEAD") return Method::Head;
  if (s == "OPTIONS") return Method::Options;
  return Method::Other;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
  for (const auto& [k, v] : entries_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  entries_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }

void Headers::remove(std::string_view name) {
  std::erase_if(entries_, [&](const Entry& e) { return iequals(e.first, name); });
}

std::optional<std::string_view> Request::query_param(std::string_view name) const noexcept {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return v;
  throw std::logic_error("route has no parameter " + std::string(name));
}

const auth::Identity& Request::user() const {
  if (!identity) throw Unauthorized();
  return *identity;
}

Response Response::json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = boost::json::serialize(v);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

Endpoint Endpoint::parse(std::string_view url, Schemes accepted) {
  auto u = boost::urls::parse_uri(url);
  bool https = accepted == Schemes::HttpOrHttps && u && u->scheme() == "https";
  if (!u || (u->scheme() != "http" && !https) || u->host().empty())
    throw ConfigError("invalid URL '" + std::string(url) + "': expected " +
                      (accepted == Schemes::Http ? "http://host:port" : "http://host:port or https://host[:port]"));
  Endpoint e;
  e.host = std::string(u->host());
  e.port = u->has_port() ? std::string(u->port()) : https ? "443" : "80";
  e.tls = https;
  return e;
}

bool valid_request_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':')) return false;
  return true;
}

bool is_json_media_type(std::string_view content_type) noexcept {
  auto t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  std::string lower(t);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower == "application/json") return true;
  return lower.starts_with("application/") && lower.ends_with("+json") && lower.size() > 17;
}

boost::json::object json_body(const Request& req) {
  if (!req.body.empty()) {
    auto type = req.header("Content-Type");
    if (!type || !is_json_media_type(*type))
      throw Error(ErrorKind::UnsupportedMediaType, "the body must be sent as JSON (Content-Type: application/json)",
                  {{"Content-Type", type ? "must be application/json, not " + std::string(*type) : "required"}});
  }
  return json::parse_object(req.body);
}

}  // namespace rto::http
