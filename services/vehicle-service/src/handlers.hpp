#pragma once
// HTTP handlers: parse the request (domain), call the App or storage inside a transaction,
// return a response. Errors are thrown as rto::Error and become problem+json in the platform.
#include <memory>
#include <rto/router.hpp>

namespace vehicle_service {

class App;

class Handlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  // Public
  Response categories(Request& req);
  Response search(Request& req);
  Response get_vehicle(Request& req);
  Response get_image(Request& req);

  // Dealers and admins: listings
  Response mine(Request& req);
  Response create(Request& req);
  Response update(Request& req);
  Response submit(Request& req);
  Response history(Request& req);

  // Images
  Response upload_image(Request& req);
  Response delete_image(Request& req);
  Response reorder_images(Request& req);
  Response set_cover(Request& req);

  // Admins and staff
  Response approve(Request& req);
  Response reject(Request& req);
  Response set_status(Request& req);

  // Service to service
  Response internal_get(Request& req);
  Response internal_reserve(Request& req);
  Response internal_release(Request& req);
  Response internal_lease(Request& req);
  Response internal_transfer(Request& req);
  Response internal_repossess(Request& req);

};

}  // namespace vehicle_service
