#pragma once
#include <memory>
#include <rto/router.hpp>

namespace telematics {

class Handlers;

// The one route table of the telematics service.
void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h);

}  // namespace telematics
