#include "routes.hpp"

#include "geo_handlers.hpp"
#include "handlers.hpp"

namespace telematics {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<Handlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto installers = Access::roles_any({"admin", "agent"});
  const auto staff = Access::roles_any({"admin", "agent", "credit_officer", "support_agent"});
  const auto lockers = Access::roles_any({"admin", "credit_officer"});

  r.post("/api/v1/telematics/trackers", installers, to(&Handlers::create_tracker));
  r.get("/api/v1/telematics/trackers", staff, to(&Handlers::list_trackers));
  r.get("/api/v1/telematics/trackers/{id}", staff, to(&Handlers::get_tracker));
  r.patch("/api/v1/telematics/trackers/{id}", installers, to(&Handlers::update_tracker));
  r.del("/api/v1/telematics/trackers/{id}", installers, to(&Handlers::delete_tracker));
  r.post("/api/v1/telematics/trackers/{id}/install", installers, to(&Handlers::install_tracker));
  r.post("/api/v1/telematics/trackers/{id}/remove", installers, to(&Handlers::remove_tracker));

  // Signed in: the handlers let staff see every vehicle and a customer only their plan's.
  r.get("/api/v1/telematics/vehicles/{id}/position", Access::signed_in(), to(&Handlers::vehicle_position));
  r.get("/api/v1/telematics/vehicles/{id}/track", Access::signed_in(), to(&Handlers::vehicle_track));
  r.get("/api/v1/telematics/vehicles/{id}/lock", Access::signed_in(), to(&Handlers::vehicle_lock));
  r.post("/api/v1/telematics/vehicles/{id}/lock", lockers, to(&Handlers::lock_vehicle));
  r.post("/api/v1/telematics/vehicles/{id}/unlock", lockers, to(&Handlers::unlock_vehicle));

  r.post("/api/v1/telematics/trackers/{id}/token", installers, to(&Handlers::issue_device_token));
  r.get("/api/v1/telematics/fleet", staff, to(&Handlers::fleet));

  // Devices and integrations: no user token; the handlers check the tracker's device token.
  // (OsmAnd devices have their own port: osmand_listener.)
  r.post("/api/v1/telematics/positions", Access::anyone(), to(&Handlers::post_positions));
  r.get("/api/v1/telematics/device/commands", Access::anyone(), to(&Handlers::device_commands));
  r.post("/api/v1/telematics/device/commands/{id}/result", Access::anyone(), to(&Handlers::device_command_result));
}

// Geofences (admin writes; staff read), and a vehicle's trips and daily usage (signed in: the
// handlers let staff see every vehicle and a customer only their plan's).
void add_geo_routes(rto::http::Router& r, std::shared_ptr<GeoHandlers> h) {
  const auto to = rto::http::bind(std::move(h));

  const auto staff = Access::roles_any({"admin", "agent", "credit_officer", "support_agent"});
  const auto admins = Access::roles_any({"admin"});

  r.post("/api/v1/telematics/geofences", admins, to(&GeoHandlers::create_geofence));
  r.get("/api/v1/telematics/geofences", staff, to(&GeoHandlers::list_geofences));
  r.get("/api/v1/telematics/geofences/{id}", staff, to(&GeoHandlers::get_geofence));
  r.put("/api/v1/telematics/geofences/{id}", admins, to(&GeoHandlers::update_geofence));
  r.del("/api/v1/telematics/geofences/{id}", admins, to(&GeoHandlers::delete_geofence));

  r.get("/api/v1/telematics/vehicles/{id}/trips", Access::signed_in(), to(&GeoHandlers::vehicle_trips));
  r.get("/api/v1/telematics/vehicles/{id}/usage", Access::signed_in(), to(&GeoHandlers::vehicle_usage));
}

}  // namespace telematics
