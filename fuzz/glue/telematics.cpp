// telematics-service: the HTTP position batch (domain batch::parse, as POST .../positions reads
// it), and the tracker bodies, which its handlers read with rto::json::Reader in handlers.cpp
// (repeated here as written there). The device protocols have their own targets.
#include <chrono>
#include <rto/json.hpp>

#include "domain/batch.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace telematics;

std::vector<Entry> telematics_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"telematics.positions",
       [](std::string_view b) {
         parse<DecodeError>("telematics.positions", [&] { batch::parse(b, std::chrono::system_clock::now(), 1000); });
       }},
      {"telematics.create_tracker",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.string("imei", true, 1, 32);
         r.one_of("protocol", true, {"gt06", "teltonika", "osmand", "http"});
         r.string("phone", true, 1, 32);
         r.string("model", true, 1, 80);
         r.string("firmware", false, 1, 80);
         r.finish();
       }},
      {"telematics.reason",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.string("reason", true, 3, 500);
         r.reject_unknown({"reason"});
         r.finish();
       }},
  };
}

}  // namespace fuzz::glue
