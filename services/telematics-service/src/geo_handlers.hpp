#pragma once
// HTTP handlers of geofences (staff), and of a vehicle's trips and daily usage (staff, or the
// customer whose plan holds the vehicle). Parse, call storage or the App, answer.
#include <memory>
#include <rto/router.hpp>

namespace telematics {

class App;

class GeoHandlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  // admin writes; staff read
  Response create_geofence(Request& req);
  Response list_geofences(Request& req);
  Response get_geofence(Request& req);
  Response update_geofence(Request& req);
  Response delete_geofence(Request& req);

  // Staff, or the customer whose plan holds the vehicle
  Response vehicle_trips(Request& req);
  Response vehicle_usage(Request& req);
};

// Their routes, appended to the service's route table (routes.cpp).
void add_geo_routes(rto::http::Router& r, std::shared_ptr<GeoHandlers> h);

}  // namespace telematics
