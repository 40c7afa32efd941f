#pragma once
// The support service's route table: every route with its access rule, in one place.
#include <memory>
#include <rto/router.hpp>

namespace support_service {
class App;
void add_routes(rto::http::Router& r, std::shared_ptr<App> app);
}  // namespace support_service
