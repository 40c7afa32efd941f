#pragma once
// Plain HTTP types that service code sees. No Beast or Asio here: those live in the
// platform's server and client translation units only.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rto/auth.hpp"

namespace rto::http {

enum class Method { Get, Head, Post, Put, Patch, Delete, Options, Other };
std::string_view to_string(Method m) noexcept;
Method method_from_string(std::string_view s) noexcept;

// Case-insensitive header list that keeps order and duplicates.
class Headers {
 public:
  using Entry = std::pair<std::string, std::string>;
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  void set(std::string name, std::string value);  // replaces every entry of that name
  void add(std::string name, std::string value);
  void remove(std::string_view name);
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }
  auto begin() const noexcept { return entries_.begin(); }
  auto end() const noexcept { return entries_.end(); }
  std::size_t size() const noexcept { return entries_.size(); }
  void reserve(std::size_t n) { entries_.reserve(n); }

 private:
  std::vector<Entry> entries_;
};

bool iequals(std::string_view a, std::string_view b) noexcept;
// An X-Request-Id worth keeping: 1–128 characters of [A-Za-z0-9-_.:].
bool valid_request_id(std::string_view s) noexcept;

struct Request {
  Method method = Method::Get;
  std::string method_text;  // as sent, for Method::Other
  std::string target;       // raw request target (path + query)
  std::string path;         // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;
  std::string remote_addr;  // peer address of the TCP connection
  std::string request_id;   // from X-Request-Id or generated

  // Filled by the router.
  std::string route;  // route template, e.g. "/api/v1/users/{id}"
  std::vector<std::pair<std::string, std::string>> params;
  // Filled by the service's auth step when the route needs a token.
  std::optional<auth::Identity> identity;

  std::optional<std::string_view> query_param(std::string_view name) const noexcept;
  std::string_view param(std::string_view name) const;  // throws if the route has no such param
  const auth::Identity& user() const;                     // throws Unauthorized when absent
  std::optional<std::string_view> header(std::string_view name) const noexcept { return headers.get(name); }
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  static Response json(int status, const boost::json::value& v);
  static Response json(const boost::json::value& v) { return json(200, v); }
  static Response no_content();
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

using Handler = std::function<Response(Request&)>;

// Parses "scheme://host[:port]" into host and port. Calls between the platform's services are
// plain http, so that is all parse accepts unless asked; the HTTP client also takes https for
// third parties such as the mobile-money providers.
struct Endpoint {
  enum class Schemes { Http, HttpOrHttps };
  std::string host;
  std::string port;  // defaults to 80, or 443 for https
  bool tls = false;  // https
  static Endpoint parse(std::string_view url, Schemes accepted = Schemes::Http);  // throws ConfigError on a bad URL
};

}  // namespace rto::http
