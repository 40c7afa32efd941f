#pragma once
// What every fuzz target shares: the verdict on one parse, and the glue the services' parsers
// are reached through (glue/<service>.cpp, each compiled with its own service's headers only).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <rto/errors.hpp>

namespace fuzz {

[[noreturn]] inline void finding(const char* where, const char* kind, const char* what) {
  std::fprintf(stderr, "FUZZ FINDING in %s: %s: %s\n", where, kind, what);
  std::fflush(stderr);
  std::abort();
}

// Runs one parse. A clean rejection is an rto::Error with a 4xx status (the handler answers
// 400/422/...) or one of the exception types the parser documents (`Allowed`, e.g. DecodeError,
// which the caller turns into a 400). Anything else is a finding: a 5xx rto::Error, another
// exception (std::out_of_range from a stoi, a boost::system::system_error...), and of course the
// crashes and sanitizer reports, which abort by themselves.
template <class... Allowed, class F>
void parse(const char* where, F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const rto::Error& e) {
    if (e.status() >= 400 && e.status() < 500) return;
    finding(where, "rto::Error with a 5xx status", e.what());
  } catch (const std::exception& e) {
    if ((... || (dynamic_cast<const Allowed*>(&e) != nullptr))) return;
    finding(where, typeid(e).name(), e.what());
  } catch (...) {
    finding(where, "an exception that is not a std::exception", "");
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

using Query = std::vector<std::pair<std::string, std::string>>;

// One way a service reads untrusted input: its name (for the seed files and the reports) and
// the call, as the handler makes it.
struct Entry {
  const char* name;
  std::function<void(std::string_view)> run;
};
struct QueryEntry {
  const char* name;
  std::function<void(const Query&)> run;
};

namespace glue {
// Request bodies, as each service's handlers parse them (rto::json::parse_object and the
// service's parser). Append only: the seed files name their entry by its index.
std::vector<Entry> user_bodies();
std::vector<Entry> vehicle_bodies();
std::vector<Entry> credit_bodies();
std::vector<Entry> payment_bodies();
std::vector<Entry> support_bodies();
std::vector<Entry> telematics_bodies();
// Decoded query strings, as the list endpoints read them (cursors included).
std::vector<QueryEntry> user_queries();
std::vector<QueryEntry> vehicle_queries();
std::vector<QueryEntry> credit_queries();
std::vector<QueryEntry> payment_queries();
}  // namespace glue

}  // namespace fuzz
