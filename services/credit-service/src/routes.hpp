#pragma once
#include <memory>
#include <rto/router.hpp>

namespace credit_service {
class Handlers;
// The credit service's one route table.
void add_routes(rto::http::Router& router, std::shared_ptr<Handlers> h);
}  // namespace credit_service
