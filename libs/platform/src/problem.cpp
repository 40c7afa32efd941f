// The one place where errors become responses: RFC 9457 application/problem+json.
#include <boost/json.hpp>

#include "rto/service.hpp"

namespace rto {
namespace {

std::string_view title_of(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 423: return "Locked";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Server Error" : "Client Error";
  }
}

std::string slug_of(std::string_view title) {
  std::string s;
  for (char c : title) s += (c == ' ') ? '-' : static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  return s;
}

http::Response build(int status, std::string_view detail, std::string_view code, const std::vector<FieldError>& fields,
                     const http::Request& req) {
  namespace js = boost::json;
  auto title = title_of(status);
  js::object o;
  o["type"] = "/problems/" + (code.empty() ? slug_of(title) : std::string(code));
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  o["instance"] = req.path;
  o["request_id"] = req.request_id;
  if (!fields.empty()) {
    js::array errs;
    for (const auto& f : fields) errs.push_back(js::object{{"field", f.field}, {"message", f.message}});
    o["errors"] = std::move(errs);
  }
  http::Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/problem+json");
  r.body = js::serialize(o);
  return r;
}

}  // namespace

http::Response problem(const Error& e, const http::Request& req) {
  auto r = build(e.status(), e.detail(), e.code(), e.fields(), req);
  if (e.retry_after()) r.headers.set("Retry-After", std::to_string(std::max<long long>(1, e.retry_after()->count())));
  for (const auto& [k, v] : e.headers()) r.headers.set(k, v);
  return r;
}

http::Response problem(int status, std::string_view detail, const http::Request& req) {
  return build(status, detail, "", {}, req);
}

}  // namespace rto
