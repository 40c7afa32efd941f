#pragma once
// Thin handlers: parse the request, call the App / storage / domain, shape the response.
#include <memory>
#include <rto/router.hpp>

namespace support_service {

class App;

class Handlers : public rto::http::HandlerSet<App> {
 public:
  using HandlerSet::HandlerSet;

  Response create_ticket(Request& req);
  Response list_tickets(Request& req);
  Response get_ticket(Request& req);
  Response add_comment(Request& req);
  Response change_status(Request& req);
  Response assign(Request& req);
  Response rate(Request& req);
  Response upload_attachment(Request& req);
  Response get_attachment(Request& req);

  Response notifications(Request& req);
  Response unread_count(Request& req);
  Response mark_read(Request& req);
  Response mark_all_read(Request& req);

  Response preferences(Request& req);
  Response set_preferences(Request& req);

  Response agents(Request& req);
  Response set_my_availability(Request& req);

  Response templates(Request& req);
  Response save_template(Request& req);
  Response delete_template(Request& req);
  Response sms_outbox(Request& req);
  Response sms_delivery_report(Request& req);

};

}  // namespace support_service
