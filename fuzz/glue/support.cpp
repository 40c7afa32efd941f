// support-service: its handlers read their bodies with rto::json::Reader in handlers.cpp itself
// (which links the database and HTTP layers); the reads are repeated here as they are written
// there, so the JSON layer and the field rules are fuzzed with the same calls. The template
// edit also goes through the domain's template_problem (the text is rendered).
#include <rto/crypto.hpp>
#include <rto/json.hpp>

#include "domain/templates.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace support_service;

namespace {
std::optional<std::string> uuid_field(rto::json::Reader& r, std::string_view key) {
  auto v = r.string(key, false, 0, 64);
  if (v && !v->empty() && !rto::crypto::is_uuid(*v)) {
    r.fail(key, "must be a UUID");
    return std::nullopt;
  }
  if (v && v->empty()) return std::nullopt;
  return v;
}
}  // namespace

std::vector<Entry> support_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"support.create_ticket",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.reject_unknown({"category", "priority", "subject", "description", "plan_id", "vehicle_id", "customer_id"});
         r.one_of("category", true, {"breakdown", "accident", "theft", "payment_dispute", "account", "vehicle_handover", "other"});
         r.one_of("priority", false, {"low", "normal", "high", "urgent"});
         r.string("subject", true, 3, 120);
         r.string("description", true, 1, 4000);
         uuid_field(r, "plan_id");
         uuid_field(r, "vehicle_id");
         auto customer = uuid_field(r, "customer_id");
         if (!customer && r.ok()) r.fail("customer_id", "is required when staff open a ticket for a customer");
         r.finish();
       }},
      {"support.message",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.reject_unknown({"body", "internal"});
         r.string("body", true, 1, 4000);
         r.boolean("internal", false);
         r.finish();
       }},
      {"support.rate",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.reject_unknown({"rating"});
         r.integer("rating", true, 1, 5);
         r.finish();
       }},
      {"support.template",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.reject_unknown({"title", "text"});
         r.string("title", true, 1, 80);
         auto text = r.raw_string("text", true, 1, 480);
         r.finish();
         for (const char* kind : {"receipt", "reminder_due_today", "ticket_answered"}) template_problem(kind, *text);
       }},
  };
}

}  // namespace fuzz::glue
