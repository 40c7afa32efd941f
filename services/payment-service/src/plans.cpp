// Plans: quotes, the plan-creation saga (credit decision, template, vehicle, reservation, plan)
// and payoff quotes.
#include "plans.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/log.hpp>

#include "domain/arith.hpp"
#include "domain/ledger.hpp"
#include "domain/neighbours.hpp"
#include "domain/reference.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;

std::string derived_uuid(std::string_view name) {
  auto h = rto::crypto::sha256_hex(name);
  std::string s = h.substr(0, 8) + "-" + h.substr(8, 4) + "-8" + h.substr(13, 3) + "-" + h.substr(16, 4) + "-" +
                  h.substr(20, 12);
  // RFC 9562 version 8 (custom), variant 10.
  static const char* variant = "89ab";
  s[19] = variant[std::stoi(std::string(1, s[19]), nullptr, 16) & 3];
  return s;
}

PlanTemplate Plans::resolve_template(pqxx::transaction_base& tx, const std::string& key) const {
  std::optional<PlanTemplate> t;
  if (auto id = uuid_of(key)) {
    t = storage::find_template(tx, *id);
    if (t && t->superseded_by) t = storage::current_template_by_slug(tx, t->slug);
  } else {
    t = storage::current_template_by_slug(tx, key);
  }
  if (!t) throw rto::Unprocessable("no such plan template", {{"template_id", "names no plan template"}});
  if (!t->active) throw rto::Unprocessable("this plan template is not offered", {{"template_id", "is not offered"}});
  return *t;
}

Quote Plans::quote(const QuoteInput& in) {
  auto t = db_.read([&](pqxx::read_transaction& tx) { return resolve_template(tx, in.template_id); });
  rto::Money price;
  if (in.price) {
    price = *in.price;
  } else {
    const auto vehicle = clients_.vehicle(*in.vehicle_id);
    check_category(t, vehicle);
    price = vehicle_price(vehicle);
  }
  return make_quote(t, price, in.deposit, today());
}

// ---- the plan-creation saga -------------------------------------------------------------------

Plans::Created Plans::create_plan(const PlanInput& in, const std::string& customer_id) {
  const std::string plan_id = derived_uuid("rto-plan:" + in.credit_decision_id);
  auto same_request = [&](const Plan& p) {
    if (p.customer_id != customer_id)
      throw rto::Unprocessable("this credit decision cannot be used", {{"credit_decision_id", "is not yours to use"}});
    if (p.vehicle_id != in.vehicle_id)
      throw rto::Conflict("a plan already exists for this credit decision with another vehicle",
                          {{"credit_decision_id", "already has a plan"}});
    return Created{p, false};
  };
  // 1. The same decision again: its plan (a retry after a lost response, or a double tap).
  if (auto existing = db_.query([&](pqxx::nontransaction& tx) { return storage::find_plan_by_decision(tx, in.credit_decision_id); }))
    return same_request(*existing);

  // 2. The credit decision: an approval for this customer and vehicle, still valid.
  const auto decision = clients_.credit_decision(in.credit_decision_id);
  check_decision(decision, customer_id, in.vehicle_id);

  // 3. The template (the decision may name one: then it must be that product).
  auto t = db_.read([&](pqxx::read_transaction& tx) {
    auto tmpl = resolve_template(tx, in.template_id);
    auto decided = decided_template(decision);
    if (!decided.empty()) {
      auto dt = uuid_of(decided) ? storage::find_template(tx, *uuid_of(decided)) : std::nullopt;
      if (!dt || dt->slug != tmpl.slug)
        throw rto::Unprocessable("the credit decision approved another plan", {{"template_id", "is not the approved plan"}});
    }
    return tmpl;
  });

  // 4. The vehicle: its price, and it must be free (or already reserved by this very plan).
  const auto vehicle = clients_.vehicle(in.vehicle_id);
  if (!free_for(vehicle, plan_id))
    throw rto::Conflict("this vehicle is not available", {{"vehicle_id", "is not available"}}).with_code("vehicle-unavailable");
  check_category(t, vehicle);
  const auto price = vehicle_price(vehicle);

  // 5. The quote, within the approved terms.
  const Date start = today();
  auto q = make_quote(t, price, in.deposit, start);
  check_terms(decision, q, start);

  // 6. Reserve the vehicle for this plan (idempotent for the same plan id).
  clients_.reserve(in.vehicle_id, plan_id, customer_id, cfg_.deposit_ttl + std::chrono::hours(24));  // outlives the deposit window

  // 7. The plan, its schedule, the contract entry and the event — or undo the reservation.
  storage::NewPlan np;
  np.id = plan_id;
  np.customer_id = customer_id;
  np.vehicle_id = in.vehicle_id;
  np.template_id = t.id;
  np.credit_decision_id = in.credit_decision_id;
  np.quote = q;
  np.now = now();
  np.deposit_due_by = np.now + cfg_.deposit_ttl;
  js::object quote_json = to_json(q);
  quote_json["start_date"] = format_date(q.start);
  np.terms = js::object{{"template", terms_json(t)},
                        {"quote", std::move(quote_json)},
                        {"vehicle", vehicle_terms(vehicle, in.vehicle_id, price)},
                        {"credit_decision", decision_terms(decision, in.credit_decision_id)}};
  try {
    auto created = db_.transact([&](pqxx::work& tx) -> Created {
      bool inserted = false;
      for (int attempt = 0; attempt < 5 && !inserted; ++attempt) {
        np.reference = make_reference(static_cast<std::uint32_t>(std::stoul(rto::crypto::uuid_v4().substr(0, 7), nullptr, 16)));
        inserted = storage::insert_plan(tx, np);
        if (!inserted)
          if (auto raced = storage::find_plan_by_decision(tx, in.credit_decision_id)) return same_request(*raced);
      }
      if (!inserted) throw std::runtime_error("could not allocate an account reference");
      storage::insert_schedule(tx, plan_id, q);
      storage::post_entry(tx, plan_id, q.currency, contract_entry(q.price, q.charge), std::nullopt, np.now);
      auto plan = *storage::find_plan(tx, plan_id);
      auto data = views::event_data(plan);
      data["template_id"] = t.id;
      data["credit_decision_id"] = plan.credit_decision_id;
      data["status"] = to_string(plan.status);
      data["deposit"] = plan.money(q.deposit).to_json();
      data["total_payable"] = plan.money(q.total_payable).to_json();
      data["deposit_due_by"] = rto::to_rfc3339(plan.deposit_due_by);
      rto::events::enqueue(tx, source(), {"payment.plan.created", plan_id, std::move(data)});
      return {plan, true};
    });
    if (created.created)
      rto::log::info("plan created", {{"plan_id", plan_id}, {"customer_id", customer_id}, {"vehicle_id", in.vehicle_id}});
    return created;
  } catch (...) {
    bool exists = false;
    try {
      exists = db_.query([&](pqxx::nontransaction& tx) { return storage::find_plan(tx, plan_id).has_value(); });
    } catch (...) {
    }
    if (!exists) clients_.release_vehicle(in.vehicle_id, plan_id, "plan_creation_failed");
    throw;
  }
}

std::optional<std::string> Plans::customer_name(const std::string& customer_id) {
  return clients_.customer_name(customer_id);
}

PayoffQuote Plans::payoff(const Plan& plan, Date on) {
  return db_.read([&](pqxx::read_transaction& tx) {
    OpenItems items;
    items.fees = storage::open_fees(tx, plan.id);
    items.instalments = storage::open_instalments(tx, plan.id);
    return payoff_quote(items, on, plan.rules().payoff_discount_bps, plan.rules().rounding_unit);
  });
}

}  // namespace payment_service
