// vehicle-service: listing, status, reservation and plan bodies, and the search and "mine" queries
// with their cursors (handlers.cpp).
#include <chrono>
#include <rto/json.hpp>

#include "domain/listing.hpp"
#include "domain/search_params.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace vehicle_service;

namespace {
int max_model_year() {
  auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<int>(std::chrono::year_month_day(days).year()) + 1;
}
}  // namespace

std::vector<Entry> vehicle_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"vehicle.listing_create", [=](std::string_view b) { parse_listing_create(obj(b), max_model_year()); }},
      {"vehicle.listing_patch", [=](std::string_view b) { parse_listing_patch(obj(b), max_model_year()); }},
      {"vehicle.image_order",
       [=](std::string_view b) {
         static const std::vector<std::string> current{"0b7e8a52-7f1c-4c55-9a51-8e0f3c1a2b3c",
                                                       "5d1f6e2a-3b4c-4d5e-8f60-718293a4b5c6"};
         parse_image_order(obj(b), current);
       }},
      {"vehicle.reason", [=](std::string_view b) { parse_reason(obj(b), true); }},
      {"vehicle.status", [=](std::string_view b) { parse_status_request(obj(b)); }},
      {"vehicle.reserve", [=](std::string_view b) { parse_reserve(obj(b)); }},
      {"vehicle.plan_release", [=](std::string_view b) { parse_plan_request(obj(b), PlanOp::Release); }},
      {"vehicle.plan_lease", [=](std::string_view b) { parse_plan_request(obj(b), PlanOp::Lease); }},
      {"vehicle.plan_transfer", [=](std::string_view b) { parse_plan_request(obj(b), PlanOp::Transfer); }},
      {"vehicle.plan_repossess", [=](std::string_view b) { parse_plan_request(obj(b), PlanOp::Repossess); }},
  };
}

std::vector<QueryEntry> vehicle_queries() {
  return {
      {"vehicle.search", [](const Query& q) { parse_search_query(q, false); }},
      {"vehicle.search_staff", [](const Query& q) { parse_search_query(q, true); }},
      {"vehicle.mine", [](const Query& q) { parse_mine_query(q); }},
  };
}

}  // namespace fuzz::glue
