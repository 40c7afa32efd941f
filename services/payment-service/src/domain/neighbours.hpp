#pragma once
// The answers of neighbouring services that plan creation relies on, read and checked (pure):
// the credit service's decision and the vehicle service's vehicle. A malformed answer throws
// rto::Error (502); an answer that cannot back the plan asked for throws 422 (or 409 for a
// vehicle that is taken) naming the request field. The calls themselves are in clients.hpp.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>

#include "domain/calendar.hpp"
#include "domain/plan_template.hpp"
#include "domain/schedule.hpp"

namespace payment_service {

// GET /internal/credit/decisions/{id}
struct CreditDecision {
  boost::json::object doc;
};
CreditDecision parse_credit_decision(const boost::json::value& v);
// An approval, still valid, for this customer and vehicle; else 422 (credit_decision_id or vehicle_id).
void check_decision(const CreditDecision& d, const std::string& customer_id, const std::string& vehicle_id);
// The template id the decision names ("" when none).
std::string decided_template(const CreditDecision& d);
// The quote within the approved terms (minimum deposit %, maximum financed, maximum term in
// days from `start`); else 422 naming deposit or template_id. Malformed terms: 502.
void check_terms(const CreditDecision& d, const Quote& q, Date start);
// {"id", "grade"} as kept in the plan's terms.
boost::json::object decision_terms(const CreditDecision& d, const std::string& decision_id);

// GET /internal/vehicles/{id}
struct VehicleAnswer {
  boost::json::object doc;
};
VehicleAnswer parse_vehicle(const boost::json::value& v);
// Available, or already reserved by this very plan (a retry).
bool free_for(const VehicleAnswer& v, const std::string& plan_id);
// Its price; 502 when missing or malformed.
rto::Money vehicle_price(const VehicleAnswer& v);
// A template is for one vehicle category: a car plan on a motorcycle is refused with 422 naming
// template_id (as a template in another currency is). 502 when the vehicle names no category.
void check_category(const PlanTemplate& t, const VehicleAnswer& v);
// {"id", make, model, year, category, dealer_id, price} as kept in the plan's terms.
boost::json::object vehicle_terms(const VehicleAnswer& v, const std::string& vehicle_id, const rto::Money& price);

}  // namespace payment_service
