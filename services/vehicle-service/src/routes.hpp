#pragma once
#include <memory>
#include <rto/router.hpp>

namespace vehicle_service {

class Handlers;

// The one route table of the vehicle service.
void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h);

}  // namespace vehicle_service
