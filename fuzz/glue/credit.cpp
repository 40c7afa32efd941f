// credit-service: applications (prequalification and full), the scorecard model an admin posts,
// and the page queries (handlers.cpp).
#include <rto/json.hpp>

#include "domain/application.hpp"
#include "domain/model.hpp"
#include "domain/views.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace credit_service;

std::vector<Entry> credit_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"credit.prequalify", [=](std::string_view b) { parse_application(obj(b), "UG", Mode::Prequalify); }},
      {"credit.application", [=](std::string_view b) { parse_application(obj(b), "KE", Mode::Application); }},
      // POST /api/v1/credit/models: {"model": {...}}, read as create_model does.
      {"credit.model",
       [=](std::string_view b) {
         auto body = obj(b);
         rto::json::Reader r(body);
         r.reject_unknown({"model"});
         const auto* doc = r.object("model", true);
         r.finish();
         parse_model(*doc, "model");
       }},
  };
}

std::vector<QueryEntry> credit_queries() {
  return {{"credit.page", [](const Query& q) { parse_page_query(q); }}};
}

}  // namespace fuzz::glue
