// payment-service: templates, quotes, plans, cash, reversals, refunds, approvals, collections,
// reviews, internal payments and the delinquency run; the plan, review and approval list
// queries (handlers.cpp). The providers' callbacks have their own target (fuzz_momo_webhooks).
#include <rto/json.hpp>

#include "domain/inputs.hpp"
#include "domain/mobile_money.hpp"
#include "domain/plan_template.hpp"
#include "fuzz_common.hpp"

namespace fuzz::glue {
using namespace payment_service;

std::vector<Entry> payment_bodies() {
  auto obj = [](std::string_view b) { return rto::json::parse_object(b); };
  return {
      {"payment.template", [=](std::string_view b) { parse_template(obj(b)); }},
      {"payment.quote", [=](std::string_view b) { parse_quote(obj(b)); }},
      {"payment.plan", [=](std::string_view b) { parse_plan(obj(b)); }},
      {"payment.cash", [=](std::string_view b) { parse_cash(obj(b)); }},
      {"payment.reason", [=](std::string_view b) { parse_reason(obj(b)); }},
      {"payment.refund", [=](std::string_view b) { parse_refund(obj(b)); }},
      {"payment.approve_note", [=](std::string_view b) { parse_decision_note(obj(b), false); }},
      {"payment.reject_note", [=](std::string_view b) { parse_decision_note(obj(b), true); }},
      {"payment.collection", [=](std::string_view b) { momo::parse_collection(obj(b)); }},
      {"payment.resolve", [=](std::string_view b) { parse_resolve(obj(b)); }},
      {"payment.internal_payment", [=](std::string_view b) { parse_payment(obj(b)); }},
      {"payment.delinquency_run", [](std::string_view b) { parse_delinquency_run(b); }},
  };
}

std::vector<QueryEntry> payment_queries() {
  return {
      {"payment.plans", [](const Query& q) { parse_plan_list(q); }},
      {"payment.reviews", [](const Query& q) { parse_review_query(q); }},
      {"payment.approvals", [](const Query& q) { parse_approval_query(q); }},
  };
}

}  // namespace fuzz::glue
