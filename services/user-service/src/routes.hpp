#pragma once
#include <memory>
#include <rto/router.hpp>

namespace user_service {
class Handlers;
// The user service's one route table.
void add_routes(rto::http::Router& router, std::shared_ptr<Handlers> h);
}  // namespace user_service
