#include "domain/neighbours.hpp"

#include <rto/errors.hpp>

#include "domain/arith.hpp"

namespace payment_service {
namespace js = boost::json;

namespace {

std::string str(const js::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

CreditDecision parse_credit_decision(const js::value& v) {
  if (!v.is_object()) throw rto::Error(rto::ErrorKind::BadGateway, "the credit service answered unexpectedly");
  return {v.as_object()};
}

void check_decision(const CreditDecision& dec, const std::string& customer_id, const std::string& vehicle_id) {
  const auto& d = dec.doc;
  if (str(d, "customer_id") != customer_id)
    throw rto::Unprocessable("this credit decision cannot be used", {{"credit_decision_id", "is not yours to use"}});
  if (str(d, "decision") != "approved")
    throw rto::Unprocessable("the credit application was not approved", {{"credit_decision_id", "is not an approval"}});
  const auto* valid = d.if_contains("valid");
  if (!valid || !valid->is_bool() || !valid->as_bool())
    throw rto::Unprocessable("this credit decision is no longer valid (expired, used or withdrawn)",
                             {{"credit_decision_id", "is no longer valid"}});
  if (str(d, "vehicle_id") != vehicle_id)
    throw rto::Unprocessable("the credit decision is for another vehicle", {{"vehicle_id", "is not the approved vehicle"}});
}

std::string decided_template(const CreditDecision& d) { return str(d.doc, "template_id"); }

void check_terms(const CreditDecision& d, const Quote& q, Date start) {
  const auto* terms = d.doc.if_contains("terms");
  if (!terms || !terms->is_object()) return;
  const auto& tm = terms->as_object();
  if (const auto* pct = tm.if_contains("min_deposit_percent"); pct && pct->is_number()) {
    auto need = mul_div_ceil(q.price, pct->to_number<std::int64_t>(), 100);
    if (q.deposit < need)
      throw rto::Unprocessable("the deposit is below what the credit decision requires",
                               {{"deposit", "must be at least " + rto::Money{need, q.currency}.format()}});
  }
  if (const auto* mf = tm.if_contains("max_financed"); mf && !mf->is_null()) {
    rto::Money max;
    try {
      max = rto::money_from_json(*mf, "max_financed");
    } catch (const rto::Error&) {
      throw rto::Error(rto::ErrorKind::BadGateway, "the credit service sent malformed terms");
    }
    if (!(max.currency == q.currency) || q.financed > max.amount)
      throw rto::Unprocessable("the financed amount is above what the credit decision allows",
                               {{"deposit", "must leave at most " + max.format() + " to finance"}});
  }
  if (const auto* days = tm.if_contains("max_term_days"); days && days->is_number()) {
    if (days_between(start, q.last_due) > days->to_number<std::int64_t>())
      throw rto::Unprocessable("this plan runs longer than the credit decision allows",
                               {{"template_id", "runs longer than the approved term"}});
  }
}

js::object decision_terms(const CreditDecision& d, const std::string& decision_id) {
  return js::object{{"id", decision_id}, {"grade", d.doc.contains("grade") ? d.doc.at("grade") : js::value(nullptr)}};
}

VehicleAnswer parse_vehicle(const js::value& v) {
  if (!v.is_object()) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service answered unexpectedly");
  return {v.as_object()};
}

bool free_for(const VehicleAnswer& v, const std::string& plan_id) {
  const auto* reservation = v.doc.if_contains("reservation");
  const bool ours = reservation && reservation->is_object() && str(reservation->as_object(), "plan_id") == plan_id;
  return str(v.doc, "status") == "available" || ours;
}

rto::Money vehicle_price(const VehicleAnswer& v) {
  const auto* p = v.doc.if_contains("price");
  if (!p) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service sent no price");
  try {
    return rto::money_from_json(*p, "price");
  } catch (const rto::Error&) {
    throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service sent a malformed price");
  }
}

void check_category(const PlanTemplate& t, const VehicleAnswer& v) {
  const auto* c = v.doc.if_contains("category");
  if (!c || !c->is_string() || c->as_string().empty())
    throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service sent no category");
  const std::string category(c->as_string());
  if (category != t.category)
    throw rto::Unprocessable("this plan is for a " + t.category + ", and the vehicle is a " + category,
                             {{"template_id", "is a " + t.category + " plan, not one for a " + category}})
        .with_code("template-category");
}

js::object vehicle_terms(const VehicleAnswer& v, const std::string& vehicle_id, const rto::Money& price) {
  js::object out{{"id", vehicle_id}};
  for (auto k : {"make", "model", "year", "category", "dealer_id"})
    if (const auto* x = v.doc.if_contains(k)) out[k] = *x;
  out["price"] = price.to_json();
  return out;
}

}  // namespace payment_service
