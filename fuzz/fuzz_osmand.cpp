// OsmAnd (Traccar client) over HTTP, as handle_osmand reads a request (osmand_listener.cpp).
// Input: one byte choosing the form, then
//   0: a request target ("/?id=...&lat=..."; or just the query) decoded as the HTTP server
//      decodes it (boost::urls::parse_origin_form), then decode_query;
//   1: a form body (application/x-www-form-urlencoded): parse_form, then decode_query;
//   2: a JSON body (application/json): decode_json.
// DecodeError is the decoders' rejection (the handler answers 400 naming the field).
#include <boost/url/parse.hpp>
#include <chrono>

#include "domain/osmand.hpp"
#include "fuzz_common.hpp"

using namespace telematics;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto rest = fuzz::as_text(data + 1, size - 1);
  const auto now = std::chrono::system_clock::now();
  switch (data[0] % 3) {
    case 0: {
      std::string target = !rest.empty() && rest.front() == '/' ? std::string(rest) : "/?" + std::string(rest);
      auto u = boost::urls::parse_origin_form(target);
      if (!u) return 0;  // 400
      osmand::Params params;
      for (auto p : u->params()) params.emplace_back(p.key, p.value);
      fuzz::parse<DecodeError>("osmand::decode_query", [&] { osmand::decode_query(params, now); });
      break;
    }
    case 1:
      fuzz::parse<DecodeError>("osmand::parse_form", [&] { osmand::decode_query(osmand::parse_form(rest), now); });
      break;
    default:
      fuzz::parse<DecodeError>("osmand::decode_json", [&] { osmand::decode_json(rest, now); });
      break;
  }
  return 0;
}
