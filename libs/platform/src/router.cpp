#include "rto/router.hpp"

#include <algorithm>

namespace rto::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    if (i >= path.size()) break;
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

Router& Router::add(Method m, std::string pattern, Access access, Handler h) {
  Route r{m, std::move(pattern), std::move(access), std::move(h), {}};
  for (auto s : split_path(r.pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
  return *this;
}

Router::Match Router::match(Method m, std::string_view path) const {
  auto segs = split_path(path);
  Match best;
  int best_literals = -1;
  std::vector<Method> allowed;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      if (is_param(r.segments[i])) {
        if (segs[i].empty()) ok = false;
      } else if (r.segments[i] == segs[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    bool method_ok = r.method == m || (m == Method::Head && r.method == Method::Get);
    if (!method_ok) {
      if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      best.route = &r;
    }
  }
  if (best.route) {
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const auto& s = best.route->segments[i];
      if (is_param(s)) best.params.emplace_back(s.substr(1, s.size() - 2), std::string(segs[i]));
    }
    return best;
  }
  best.allowed = std::move(allowed);
  return best;
}

}  // namespace rto::http
