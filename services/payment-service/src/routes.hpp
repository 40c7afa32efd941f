#pragma once
#include <memory>
#include <rto/router.hpp>

namespace payment_service {
class Handlers;
// The service's one route table.
void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h);
}  // namespace payment_service
