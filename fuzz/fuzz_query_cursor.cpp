// Query strings and paging cursors. Input: one byte choosing the reader, then either a request
// target ("/path?query", or just the query) decoded as the HTTP server decodes it
// (boost::urls::parse_origin_form, http_server.cpp) and handed to a service's list-query parser,
// or a cursor for rto::paging's decoders.
#include <boost/url/parse.hpp>
#include <boost/json.hpp>
#include <rto/paging.hpp>

#include "fuzz_common.hpp"

namespace {
using fuzz::Query;

const std::vector<fuzz::QueryEntry>& table() {
  static const auto t = [] {
    std::vector<fuzz::QueryEntry> all;
    for (auto part : {fuzz::glue::user_queries, fuzz::glue::vehicle_queries, fuzz::glue::credit_queries,
                      fuzz::glue::payment_queries})
      for (auto& e : part()) all.push_back(std::move(e));
    return all;
  }();
  return t;
}

// The cursor decoders. A time cursor that decodes must encode back to itself. The envelope
// (decode_object) is not held to that: it takes any JSON object, and a number beyond a double's
// range parses to infinity, which Boost.JSON 1.81 serialises as `Infinity` (not JSON), so such an
// envelope does not re-encode (docs/reliability.md). The platform's cursors are read through
// typed decoders that take integers and strings only.
void cursors(std::string_view text) {
  if (auto c = rto::paging::decode(text)) {
    auto again = rto::paging::decode(rto::paging::encode(*c));
    if (!again || !(*again == *c)) fuzz::finding("paging.decode", "round trip", "a decoded cursor does not encode back");
  }
  if (auto o = rto::paging::decode_object(text, 300)) rto::paging::encode_object(*o);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto rest = fuzz::as_text(data + 1, size - 1);
  const std::size_t n = table().size() + 1;
  const std::size_t which = data[0] % n;
  if (which == table().size()) {
    fuzz::parse("paging", [&] { cursors(rest); });
    return 0;
  }
  std::string target = !rest.empty() && rest.front() == '/' ? std::string(rest) : "/?" + std::string(rest);
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return 0;  // the server answers 400
  Query q;
  for (auto p : u->params()) q.emplace_back(p.key, p.value);
  const auto& e = table()[which];
  fuzz::parse(e.name, [&] { e.run(q); });
  return 0;
}
