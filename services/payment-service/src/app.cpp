#include "app.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/http_client.hpp>
#include <rto/log.hpp>

#include "domain/arith.hpp"
#include "domain/ledger.hpp"
#include "domain/reference.hpp"
#include "handlers.hpp"
#include "routes.hpp"
#include "storage/collection_queries.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;
using rto::http::Method;

std::string derived_uuid(std::string_view name) {
  auto h = rto::crypto::sha256_hex(name);
  std::string s = h.substr(0, 8) + "-" + h.substr(8, 4) + "-8" + h.substr(13, 3) + "-" + h.substr(16, 4) + "-" +
                  h.substr(20, 12);
  // RFC 9562 version 8 (custom), variant 10.
  static const char* variant = "89ab";
  s[19] = variant[std::stoi(std::string(1, s[19]), nullptr, 16) & 3];
  return s;
}

App::App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, PaymentConfig cfg)
    : db_(db),
      clock_(std::move(clock)),
      cfg_(std::move(cfg)),
      recorder_([this](const std::vector<PendingPayment*>& batch) { record_together(batch); },
                static_cast<std::size_t>(cfg_.record_batch_max), cfg_.record_writers),
      stored_([this](const std::vector<QueuedCallback*>& batch) { store_callbacks(batch); }, kStoreBatchMax, 1),
      callbacks_([this](QueuedCallback& q) { work_off(q); }, {.max_threads = 0, .idle_timeout = kWorkerIdle}) {
  rto::http::ClientOptions opts;
  opts.request_timeout = std::chrono::milliseconds(5000);
  vehicles_ = std::make_unique<rto::ServiceClient>(cfg_.vehicle_service_url, tokens, cfg_.common.service, opts);
  credit_ = std::make_unique<rto::ServiceClient>(cfg_.credit_service_url, tokens, cfg_.common.service, opts);
  if (!cfg_.user_service_url.empty())
    users_ = std::make_unique<rto::ServiceClient>(cfg_.user_service_url, tokens, cfg_.common.service, opts);
  providers_ = std::make_unique<momo::Providers>(cfg_.providers, clock_);
}

App::~App() { stop_callback_workers(); }

rto::http::ClientResponse App::call(rto::ServiceClient& c, std::string_view what, Method m, const std::string& target,
                                    const std::string& body) {
  try {
    return c.send(m, target, body);
  } catch (const rto::http::UpstreamError& e) {
    rto::log::warn("upstream call failed", {{"upstream", what}, {"target", target}, {"error", e.what()}});
    throw rto::Unavailable(std::string(what) + " is unavailable; try again shortly");
  }
}

void App::release_vehicle(const std::string& vehicle_id, const std::string& plan_id, const std::string& reason) {
  notify_vehicle(vehicle_id, "release", js::object{{"plan_id", plan_id}, {"reason", reason}});
}

// Best effort: the vehicle service also reacts to the plan events, and these calls are idempotent.
void App::notify_vehicle(const std::string& vehicle_id, const std::string& action, js::object body) {
  try {
    auto r = vehicles_->send(Method::Post, "/internal/vehicles/" + vehicle_id + "/" + action, js::serialize(body));
    if (r.status >= 300)
      rto::log::warn("vehicle call refused",
                     {{"action", action}, {"vehicle_id", vehicle_id}, {"status", r.status}, {"plan_id", body["plan_id"]}});
  } catch (const std::exception& e) {
    rto::log::warn("vehicle call failed", {{"action", action}, {"vehicle_id", vehicle_id}, {"error", e.what()}});
  }
}

PlanTemplate App::resolve_template(pqxx::transaction_base& tx, const std::string& key) const {
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

namespace {

const js::object& as_object(const js::value& v, std::string_view what) {
  if (!v.is_object()) throw rto::Error(rto::ErrorKind::BadGateway, std::string(what) + " answered unexpectedly");
  return v.as_object();
}

std::string str(const js::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

rto::Money vehicle_price(const js::object& vehicle) {
  const auto* p = vehicle.if_contains("price");
  if (!p) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service sent no price");
  try {
    return rto::money_from_json(*p, "price");
  } catch (const rto::Error&) {
    throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service sent a malformed price");
  }
}

}  // namespace

Quote App::quote(const QuoteInput& in) {
  auto t = db_.read([&](pqxx::read_transaction& tx) { return resolve_template(tx, in.template_id); });
  rto::Money price;
  if (in.price) {
    price = *in.price;
  } else {
    auto r = call(*vehicles_, "the vehicle service", Method::Get, "/internal/vehicles/" + *in.vehicle_id);
    if (r.status == 404) throw rto::Unprocessable("no such vehicle", {{"vehicle_id", "names no vehicle"}});
    if (r.status != 200) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service could not answer");
    price = vehicle_price(as_object(r.json(), "the vehicle service"));
  }
  return make_quote(t, price, in.deposit, today());
}

// ---- the plan-creation saga -------------------------------------------------------------------

App::Created App::create_plan(const PlanInput& in, const std::string& customer_id) {
  const std::string plan_id = derived_uuid("rto-plan:" + in.credit_decision_id);
  auto same_request = [&](const storage::PlanRow& p) {
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
  auto cr = call(*credit_, "the credit service", Method::Get, "/internal/credit/decisions/" + in.credit_decision_id);
  if (cr.status == 404) throw rto::Unprocessable("no such credit decision", {{"credit_decision_id", "names no credit decision"}});
  if (cr.status != 200) throw rto::Error(rto::ErrorKind::BadGateway, "the credit service could not answer");
  auto dv = cr.json();
  const auto& d = as_object(dv, "the credit service");
  if (str(d, "customer_id") != customer_id)
    throw rto::Unprocessable("this credit decision cannot be used", {{"credit_decision_id", "is not yours to use"}});
  if (str(d, "decision") != "approved")
    throw rto::Unprocessable("the credit application was not approved", {{"credit_decision_id", "is not an approval"}});
  const auto* valid = d.if_contains("valid");
  if (!valid || !valid->is_bool() || !valid->as_bool())
    throw rto::Unprocessable("this credit decision is no longer valid (expired, used or withdrawn)",
                             {{"credit_decision_id", "is no longer valid"}});
  if (str(d, "vehicle_id") != in.vehicle_id)
    throw rto::Unprocessable("the credit decision is for another vehicle", {{"vehicle_id", "is not the approved vehicle"}});

  // 3. The template (the decision may name one: then it must be that product).
  auto t = db_.read([&](pqxx::read_transaction& tx) {
    auto tmpl = resolve_template(tx, in.template_id);
    auto decided = str(d, "template_id");
    if (!decided.empty()) {
      auto dt = uuid_of(decided) ? storage::find_template(tx, *uuid_of(decided)) : std::nullopt;
      if (!dt || dt->slug != tmpl.slug)
        throw rto::Unprocessable("the credit decision approved another plan", {{"template_id", "is not the approved plan"}});
    }
    return tmpl;
  });

  // 4. The vehicle: its price, and it must be free (or already reserved by this very plan).
  auto vr = call(*vehicles_, "the vehicle service", Method::Get, "/internal/vehicles/" + in.vehicle_id);
  if (vr.status == 404) throw rto::Unprocessable("no such vehicle", {{"vehicle_id", "names no vehicle"}});
  if (vr.status != 200) throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service could not answer");
  auto vv = vr.json();
  const auto& vehicle = as_object(vv, "the vehicle service");
  const auto* reservation = vehicle.if_contains("reservation");
  bool ours = reservation && reservation->is_object() && str(reservation->as_object(), "plan_id") == plan_id;
  if (str(vehicle, "status") != "available" && !ours)
    throw rto::Conflict("this vehicle is not available", {{"vehicle_id", "is not available"}}).with_code("vehicle-unavailable");
  auto price = vehicle_price(vehicle);

  // 5. The quote, within the approved terms.
  const Date start = today();
  auto q = make_quote(t, price, in.deposit, start);
  if (const auto* terms = d.if_contains("terms"); terms && terms->is_object()) {
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

  // 6. Reserve the vehicle for this plan (idempotent for the same plan id).
  const auto ttl = cfg_.deposit_ttl + std::chrono::hours(24);  // outlives the deposit window
  js::object reserve{{"plan_id", plan_id}, {"customer_id", customer_id}, {"ttl_seconds", ttl.count()}};
  rto::http::ClientResponse rr;
  try {
    rr = vehicles_->send(Method::Post, "/internal/vehicles/" + in.vehicle_id + "/reserve", js::serialize(reserve));
  } catch (const rto::http::UpstreamError& e) {
    // The reservation may or may not have been made: undo it either way.
    rto::log::warn("vehicle reservation failed", {{"plan_id", plan_id}, {"error", e.what()}});
    release_vehicle(in.vehicle_id, plan_id, "plan_creation_failed");
    throw rto::Unavailable("the vehicle service is unavailable; try again shortly");
  }
  if (rr.status == 409)
    throw rto::Conflict("this vehicle is not available", {{"vehicle_id", "is not available"}}).with_code("vehicle-unavailable");
  if (rr.status < 200 || rr.status >= 300) {
    release_vehicle(in.vehicle_id, plan_id, "plan_creation_failed");
    throw rto::Error(rto::ErrorKind::BadGateway, "the vehicle service could not reserve the vehicle");
  }

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
  js::object vehicle_terms{{"id", in.vehicle_id}};
  for (auto k : {"make", "model", "year", "category", "dealer_id"})
    if (const auto* v = vehicle.if_contains(k)) vehicle_terms[k] = *v;
  vehicle_terms["price"] = price.to_json();
  np.terms = js::object{{"template", terms_json(t)},
                        {"quote", std::move(quote_json)},
                        {"vehicle", std::move(vehicle_terms)},
                        {"credit_decision", js::object{{"id", in.credit_decision_id},
                                                       {"grade", d.contains("grade") ? d.at("grade") : js::value(nullptr)}}}};
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
      data["status"] = plan.status;
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
    if (!exists) release_vehicle(in.vehicle_id, plan_id, "plan_creation_failed");
    throw;
  }
}

std::optional<std::string> App::customer_name(const std::string& customer_id) {
  if (!users_) return std::nullopt;
  try {
    auto r = users_->get("/internal/users/" + customer_id);
    if (r.status != 200) return std::nullopt;
    auto v = r.json();
    if (!v.is_object()) return std::nullopt;
    auto name = str(v.as_object(), "full_name");
    if (name.empty()) return std::nullopt;
    return name;
  } catch (const std::exception& e) {
    rto::log::warn("user service lookup failed", {{"customer_id", customer_id}, {"error", e.what()}});
    return std::nullopt;
  }
}

std::shared_ptr<App> install(rto::Service& service, PaymentConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts) {
  auto statements = sql::all();
  for (auto& st : sql::collection_statements()) statements.push_back(std::move(st));
  auto& pool = service.use_database(std::move(statements), std::move(migrations));
  auto interval = cfg.job_interval;
  auto app = std::make_shared<App>(pool, service.tokens(), std::move(clock), std::move(cfg));
  add_routes(service.router(), std::make_shared<Handlers>(app));
  if (opts.background_jobs) {
    service.every("payment-jobs", interval, [app] { app->tick(); });
    app->start_callback_workers(app->config().callback_workers);
  }
  return app;
}

}  // namespace payment_service
