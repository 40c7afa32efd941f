#include "domain/routes.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "rto/errors.hpp"

namespace gateway {
namespace js = boost::json;

namespace {

constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

[[noreturn]] void bad(std::size_t i, std::string_view field, std::string_view why) {
  std::string where = "routes[" + std::to_string(i) + "]";
  if (!field.empty()) where += "." + std::string(field);
  throw rto::ConfigError("route table: " + where + ": " + std::string(why));
}

bool valid_upstream_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return s.front() != '-' && s.front() != '_';
}

RouteEntry parse_entry(const js::value& v, std::size_t i) {
  if (!v.is_object()) bad(i, "", "must be an object");
  const auto& o = v.as_object();
  for (const auto& kv : o) {
    auto k = kv.key();
    if (k != "prefix" && k != "upstream" && k != "public" && k != "public_methods" && k != "body_limit" &&
        k != "description")
      bad(i, k, "unknown field (allowed: prefix, upstream, public, public_methods, body_limit, description)");
  }
  RouteEntry e;

  auto* p = o.if_contains("prefix");
  if (!p || !p->is_string()) bad(i, "prefix", "is required and must be a string");
  e.prefix = std::string(p->as_string());
  while (e.prefix.size() > 1 && e.prefix.back() == '/') e.prefix.pop_back();
  if (!e.prefix.starts_with("/") || e.prefix == "/") bad(i, "prefix", "must start with '/' and name at least one segment");
  if (!is_clean_path(e.prefix)) bad(i, "prefix", "must be a clean path (no '.', '..' or empty segments)");
  if (is_internal_path(e.prefix)) bad(i, "prefix", "paths under /internal are never routed by the gateway");

  auto* u = o.if_contains("upstream");
  if (!u || !u->is_string()) bad(i, "upstream", "is required and must be a string");
  e.upstream = std::string(u->as_string());
  if (!valid_upstream_name(e.upstream)) bad(i, "upstream", "must be a short name of [a-z0-9_-]");

  auto* pub = o.if_contains("public");
  auto* pm = o.if_contains("public_methods");
  if (pub && pm) bad(i, "public", "give either public or public_methods, not both");
  if (pub) {
    if (!pub->is_bool()) bad(i, "public", "must be true or false");
    e.all_public = pub->as_bool();
  }
  if (pm) {
    if (!pm->is_array()) bad(i, "public_methods", "must be a list of HTTP methods");
    for (const auto& m : pm->as_array()) {
      if (!m.is_string()) bad(i, "public_methods", "must be a list of HTTP methods");
      std::string s(m.as_string());
      std::transform(s.begin(), s.end(), s.begin(), [](char c) { return (c >= 'a' && c <= 'z') ? char(c - 32) : c; });
      if (std::find(std::begin(kMethods), std::end(kMethods), s) == std::end(kMethods))
        bad(i, "public_methods", "unknown HTTP method '" + s + "'");
      e.public_methods.push_back(std::move(s));
    }
  }
  if (auto* bl = o.if_contains("body_limit")) {
    if (!bl->is_int64() || bl->as_int64() < 1024 || bl->as_int64() > (std::int64_t{64} << 20))
      bad(i, "body_limit", "must be a number of bytes from 1024 to 67108864");
    e.body_limit = static_cast<std::size_t>(bl->as_int64());
  }
  return e;
}

}  // namespace

bool RouteEntry::is_public(std::string_view method) const noexcept {
  if (all_public) return true;
  return std::find(public_methods.begin(), public_methods.end(), method) != public_methods.end();
}

std::size_t RouteTable::body_limit(std::string_view target, std::size_t fallback) const noexcept {
  auto q = target.find('?');
  const auto* e = match(target.substr(0, q));
  return e && e->body_limit ? e->body_limit : fallback;
}

RouteTable RouteTable::parse(std::string_view json_text) {
  boost::system::error_code ec;
  js::value doc = js::parse(json_text, ec);
  if (ec) throw rto::ConfigError("route table: not valid JSON (" + ec.message() + ")");
  const js::array* list = nullptr;
  if (doc.is_array()) {
    list = &doc.as_array();
  } else if (doc.is_object() && doc.as_object().contains("routes") && doc.as_object().at("routes").is_array()) {
    list = &doc.as_object().at("routes").as_array();
  } else {
    throw rto::ConfigError("route table: expected a list of routes or {\"routes\": [...]}");
  }
  if (list->empty()) throw rto::ConfigError("route table: no routes");

  RouteTable t;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto e = parse_entry((*list)[i], i);
    if (!seen.insert(e.prefix).second) bad(i, "prefix", "duplicate prefix '" + e.prefix + "'");
    t.entries_.push_back(std::move(e));
  }
  std::stable_sort(t.entries_.begin(), t.entries_.end(),
                   [](const RouteEntry& a, const RouteEntry& b) { return a.prefix.size() > b.prefix.size(); });
  return t;
}

const RouteEntry* RouteTable::match(std::string_view path) const noexcept {
  for (const auto& e : entries_)
    if (prefix_matches(e.prefix, path)) return &e;  // longest first
  return nullptr;
}

std::vector<std::string> RouteTable::upstreams() const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (std::find(out.begin(), out.end(), e.upstream) == out.end()) out.push_back(e.upstream);
  std::sort(out.begin(), out.end());
  return out;
}

bool prefix_matches(std::string_view prefix, std::string_view path) noexcept {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

std::string upstream_env_var(std::string_view upstream) {
  std::string s = "UPSTREAM_";
  for (char c : upstream) s += (c == '-') ? '_' : (c >= 'a' && c <= 'z') ? char(c - 32) : c;
  return s + "_URL";
}

bool is_internal_path(std::string_view path) noexcept { return prefix_matches("/internal", path); }

bool is_clean_path(std::string_view path) noexcept {
  if (!path.starts_with('/')) return false;
  std::size_t i = 1;
  while (i <= path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    auto seg = path.substr(i, j - i);
    bool last = j == path.size();
    // An empty last segment is a trailing slash ("/api/v1/users/"), which is harmless.
    if (seg.empty() && !last) return false;
    if (seg == "." || seg == "..") return false;
    i = j + 1;
  }
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  return true;
}

}  // namespace gateway
