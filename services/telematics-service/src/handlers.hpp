#pragma once
// HTTP handlers: parse the request, call the App or storage inside a transaction, return a
// response. Errors are thrown as rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/router.hpp>

namespace telematics {

class App;

class Handlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  // Staff (admin; agent for field installers)
  Response create_tracker(Request& req);
  Response list_trackers(Request& req);
  Response get_tracker(Request& req);
  Response update_tracker(Request& req);  // phone, model, firmware; protocol while not installed
  Response delete_tracker(Request& req);  // only one that was never installed
  Response install_tracker(Request& req);
  Response remove_tracker(Request& req);

  // Staff, or the customer whose plan holds the vehicle
  Response vehicle_position(Request& req);
  Response vehicle_track(Request& req);
  Response vehicle_lock(Request& req);

  // admin, credit_officer
  Response lock_vehicle(Request& req);
  Response unlock_vehicle(Request& req);

  // installers: a device token for an http tracker (shown once)
  Response issue_device_token(Request& req);
  // Devices with a device token: a batch of positions; commands to fetch and answer
  Response post_positions(Request& req);
  Response device_commands(Request& req);
  Response device_command_result(Request& req);

  // Staff: the fleet overview
  Response fleet(Request& req);

};

}  // namespace telematics
