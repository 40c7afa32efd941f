#include "routes.hpp"

#include "app.hpp"
#include "handlers.hpp"

namespace support_service {

using rto::http::Access;

void add_routes(rto::http::Router& r, std::shared_ptr<App> app) {
  auto h = std::make_shared<Handlers>(std::move(app));
  const auto to = rto::http::bind(std::move(h));

  const auto staff = Access::roles_any({"support_agent", "admin"});
  const auto anyone_signed_in = Access::signed_in();

  // Tickets: customers see their own (404 for any other); staff see the queue.
  r.post("/api/v1/support/tickets", anyone_signed_in, to(&Handlers::create_ticket));
  r.get("/api/v1/support/tickets", anyone_signed_in, to(&Handlers::list_tickets));
  r.get("/api/v1/support/tickets/{id}", anyone_signed_in, to(&Handlers::get_ticket));
  r.post("/api/v1/support/tickets/{id}/comments", anyone_signed_in, to(&Handlers::add_comment));
  r.post("/api/v1/support/tickets/{id}/status", anyone_signed_in, to(&Handlers::change_status));
  r.post("/api/v1/support/tickets/{id}/assign", staff, to(&Handlers::assign));
  r.post("/api/v1/support/tickets/{id}/rating", anyone_signed_in, to(&Handlers::rate));
  // Up to 5 images per ticket (raw body, Content-Type image/jpeg, image/png or image/webp).
  r.post("/api/v1/support/tickets/{id}/attachments", anyone_signed_in, to(&Handlers::upload_attachment));
  r.get("/api/v1/support/tickets/{id}/attachments/{attachment_id}", anyone_signed_in, to(&Handlers::get_attachment));

  // The caller's in-app inbox.
  r.get("/api/v1/support/notifications", anyone_signed_in, to(&Handlers::notifications));
  r.get("/api/v1/support/notifications/unread-count", anyone_signed_in, to(&Handlers::unread_count));
  r.post("/api/v1/support/notifications/read-all", anyone_signed_in, to(&Handlers::mark_all_read));
  r.post("/api/v1/support/notifications/{id}/read", anyone_signed_in, to(&Handlers::mark_read));

  // The caller's choice of messages: marketing ones may be turned off per channel.
  r.get("/api/v1/support/preferences", anyone_signed_in, to(&Handlers::preferences));
  r.put("/api/v1/support/preferences", anyone_signed_in, to(&Handlers::set_preferences));

  // Agents who take tickets: a new ticket goes to the available one with the fewest open tickets.
  r.get("/api/v1/support/agents", staff, to(&Handlers::agents));
  r.put("/api/v1/support/agents/me", staff, to(&Handlers::set_my_availability));

  // Templates: the built-in ones, as edited by staff (an edit replaces one kind and language).
  r.get("/api/v1/support/templates", staff, to(&Handlers::templates));
  r.put("/api/v1/support/templates/{kind}/{language}", staff, to(&Handlers::save_template));
  r.del("/api/v1/support/templates/{kind}/{language}", staff, to(&Handlers::delete_template));
  r.get("/api/v1/support/sms", staff, to(&Handlers::sms_outbox));

  // Africa's Talking delivery reports: unsigned, so they change only a known message's status.
  r.post("/api/v1/webhooks/sms/africastalking", Access::anyone(), to(&Handlers::sms_delivery_report));
}

}  // namespace support_service
