#include "handlers.hpp"

#include <charconv>
#include <rto/request_body.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/events.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>

#include "app.hpp"
#include "domain/status.hpp"
#include "storage/storage.hpp"

namespace credit_service {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;

namespace {

constexpr int kMineLimit = 50;

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The {id} of a path, or 404 for anything that is not a UUID (never a database error).
std::string path_id(const Request& req, const char* what) {
  std::string id(req.param("id"));
  if (!rto::crypto::is_uuid(id)) throw rto::NotFound(std::string("no ") + what + " with this id");
  return lower(std::move(id));
}

int path_version(const Request& req) {
  auto v = req.param("version");
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 1)
    throw rto::NotFound("no scorecard model with this version");
  return n;
}

// The caller's account id (every user token names one).
std::string caller(const Request& req) {
  const auto& s = req.user().subject;
  if (!rto::crypto::is_uuid(s)) throw rto::Forbidden("this token does not name an account");
  return lower(s);
}

std::string_view authorization(const Request& req) { return req.header("Authorization").value_or(""); }

rto::Error open_application(const std::string& id) {
  rto::Error e = rto::Conflict("you already have an open credit application (" + id +
                               "); withdraw it or wait for it to close first");
  e.with_code("application-open");
  return e;
}

// Applications are visible to their owner and to staff; to anyone else they do not exist.
bool may_see(const Request& req, const ApplicationRecord& a) {
  const auto& who = req.user();
  return who.is_staff() || lower(who.subject) == a.customer_id;
}

js::object prequalification_json(const Assessment& a, int affordability_limit_percent) {
  auto disposable = a.input.monthly_income - a.input.monthly_obligations;
  auto affordable = disposable.amount > 0 ? disposable.scaled(affordability_limit_percent, 100)
                                          : rto::Money{0, disposable.currency};
  js::object instalment = a.instalment;
  instalment.erase("quote");
  return {{"score", a.score.score},
          {"grade", a.outcome.grade},
          {"decision", to_string(a.outcome.decision)},
          {"reasons", reasons_json(a.outcome.reasons)},
          {"breakdown", a.audit.at("factors")},
          {"hard_rules", a.audit.at("hard_rules")},
          {"terms", terms_json(a.outcome.terms)},
          {"model_version", a.model->version},
          {"instalment", std::move(instalment)},
          {"affordable_monthly_instalment", affordable.to_json()},
          {"note", a.note ? js::value(*a.note) : js::value(nullptr)}};
}

// The customer's vehicle usage in the window before the application was submitted, from what is
// stored now (a correction that arrived since is shown).
std::optional<UsageSummary> usage_of(storage::Tx& tx, const App& app, const ApplicationRecord& a) {
  const auto window = app.usage_window_for(a.created_at);
  auto days = storage::usage_days(tx, {{a.customer_id, window}});
  return summarise_usage(days.front(), window);
}

struct OfficerInput {
  Decision decision = Decision::Declined;
  std::string note;
  std::optional<rto::Money> max_financed;
  std::optional<int> min_deposit_percent;
  std::optional<int> max_term_days;
  bool has_terms = false;
};

OfficerInput parse_officer_decision(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"decision", "terms", "note"});
  OfficerInput in;
  if (auto d = r.one_of("decision", true, {"approved", "declined"})) in.decision = *decision_from(*d);
  if (auto n = r.string("note", true, 3, 2000)) in.note = *n;
  if (const auto* t = r.object("terms", false)) {
    in.has_terms = true;
    rto::json::Reader tr(*t, "terms");
    tr.reject_unknown({"max_financed", "min_deposit_percent", "max_term_days"});
    if (const auto* mf = t->if_contains("max_financed"); mf && !mf->is_null()) {
      try {
        in.max_financed = rto::money_from_json(*mf, "terms.max_financed");
        if (in.max_financed->amount <= 0 || in.max_financed->amount > kMaxAmount)
          tr.errors().push_back({"terms.max_financed.amount", "must be a positive number of minor units"});
      } catch (const rto::Error& e) {
        for (const auto& f : e.fields()) tr.errors().push_back(f);
      }
    }
    if (auto p = tr.integer("min_deposit_percent", false, 0, 100)) in.min_deposit_percent = static_cast<int>(*p);
    if (auto d = tr.integer("max_term_days", false, 1, 3650)) in.max_term_days = static_cast<int>(*d);
    r.merge(tr);
  }
  if (in.has_terms && in.decision == Decision::Declined) r.fail("terms", "is only for an approval");
  r.finish();
  return in;
}

}  // namespace

// ---- customers --------------------------------------------------------------------------------

Response Handlers::prequalify(Request& req) {
  auto in = parse_application(rto::http::json_body(req), app_->config().default_region, Mode::Prequalify);
  const auto me = caller(req);
  const auto window = app_->usage_window_for(app_->now());
  auto ctx = app_->db().query([&](pqxx::nontransaction& tx) { return storage::context(tx, me, window); });
  if (!ctx.active_model) throw rto::Unavailable("no scorecard model is active");
  auto a = app_->assess(std::move(in), me, ctx.history, summarise_usage(ctx.usage, window), *ctx.active_model,
                        authorization(req), App::Purpose::Prequalification);
  return Response::json(prequalification_json(a, app_->config().affordability_max_percent));
}

Response Handlers::submit(Request& req) {
  auto in = parse_application(rto::http::json_body(req), app_->config().default_region, Mode::Application);
  const auto me = caller(req);
  // One round trip: an open application (refused before any call to another service), the
  // active model, the customer's repayment history and vehicle usage.
  const auto window = app_->usage_window_for(app_->now());
  auto ctx = app_->db().query([&](pqxx::nontransaction& tx) { return storage::context(tx, me, window); });
  if (ctx.open_application) throw open_application(*ctx.open_application);
  if (!ctx.active_model) throw rto::Unavailable("no scorecard model is active");
  auto a = app_->assess(std::move(in), me, ctx.history, summarise_usage(ctx.usage, window), *ctx.active_model,
                        authorization(req), App::Purpose::Application);

  const auto id = rto::crypto::uuid_v4();
  const auto now = a.policy.now;
  const auto sealed = app_->seal(id, a.input);
  storage::NewApplication n;
  n.id = id;
  n.customer_id = me;
  n.vehicle_id = *a.input.vehicle_id;
  n.template_id = *a.input.template_id;
  n.currency = std::string(a.input.monthly_income.currency.code());
  n.answers = answers_json(a.input);
  n.contacts = contacts_json(a.input);
  n.guarantor_national_id_sealed = sealed.guarantor_national_id;
  n.guarantor_phone_sealed = sealed.guarantor_phone;
  n.reference_phones_sealed = sealed.reference_phones;
  n.instalment = a.instalment;
  n.vehicle = vehicle_json(*a.vehicle);
  n.applicant_age = a.policy.age_years.value_or(0);
  n.note = a.note;
  n.now = now;

  DecisionRecord d;
  d.id = rto::crypto::uuid_v4();
  d.application_id = id;
  d.kind = "automatic";
  d.decision = std::string(to_string(a.outcome.decision));
  d.model_version = a.model->version;
  d.score = a.score.score;
  d.grade = a.outcome.grade;
  d.reasons = reasons_json(a.outcome.reasons);
  d.terms = terms_json(a.outcome.terms);
  d.breakdown = a.audit;
  d.created_at = now;
  d.expires_at = a.outcome.expires_at;

  // submitted -> scored -> approved | declined | referred, in one transaction with both events.
  const auto scored = *transition(Status::Submitted, Action::Score);
  const auto decided = *transition(scored, action_for(a.outcome.decision));
  auto record = app_->db().transact([&](pqxx::work& tx) {
    storage::insert_application(tx, n);
    storage::add_history(tx, id, std::nullopt, to_string(Status::Submitted), "customer", me, n.note, now);
    storage::add_history(tx, id, to_string(Status::Submitted), to_string(scored), "scorecard", std::nullopt,
                         "model version " + std::to_string(d.model_version) + ", score " + std::to_string(d.score) +
                             ", grade " + d.grade,
                         now);
    storage::insert_decision(tx, d);
    storage::set_decision(tx, id, to_string(decided), d.id, now, d.expires_at);
    storage::add_history(tx, id, to_string(scored), to_string(decided), "scorecard", std::nullopt, std::nullopt, now);
    auto rec = *storage::find_application(tx, id);
    rto::events::enqueue(tx, app_->source(),
                         {"credit.application.submitted", id,
                          {{"customer_id", me},
                           {"application_id", id},
                           {"vehicle_id", n.vehicle_id},
                           {"template_id", n.template_id},
                           {"instalment_source", a.instalment.at("source")}}});
    rto::events::enqueue(tx, app_->source(),
                         {"credit.application.decided", id, app_->decided_event(rec, *rec.decision)});
    return rec;
  });
  rto::log::info("credit application decided", {{"application_id", id},
                                                {"customer_id", me},
                                                {"decision", d.decision},
                                                {"grade", d.grade},
                                                {"score", d.score},
                                                {"model_version", d.model_version}});
  return Response::json(201, application_json(record, false));
}

Response Handlers::mine(Request& req) {
  const auto me = caller(req);
  auto list = app_->db().query([&](pqxx::nontransaction& tx) { return storage::applications_of(tx, me, kMineLimit); });
  js::array items;
  for (const auto& a : list) items.push_back(application_json(a, false));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::get_application(Request& req) {
  const auto id = path_id(req, "application");
  const bool staff = req.user().is_staff();
  if (!staff) {
    auto a = app_->db().query([&](pqxx::nontransaction& tx) { return storage::find_application(tx, id); });
    if (!a || !may_see(req, *a)) throw rto::NotFound("no application with this id");
    return Response::json(application_json(*a, false));
  }
  auto body = app_->db().read([&](pqxx::read_transaction& tx) {
    auto a = storage::find_application(tx, id);
    if (!a) throw rto::NotFound("no application with this id");
    auto history = storage::history_of(tx, id);
    auto usage = usage_of(tx, *app_, *a);
    return application_json(*a, true, &history, &usage);
  });
  return Response::json(body);
}

Response Handlers::withdraw(Request& req) {
  const auto id = path_id(req, "application");
  const auto me = caller(req);
  const auto now = app_->now();
  auto rec = app_->db().transact([&](pqxx::work& tx) {
    auto a = storage::find_application(tx, id, true);
    if (!a || a->customer_id != me) throw rto::NotFound("no application with this id");
    if (a->plan_id)
      throw rto::Conflict("this approval was used for a payment plan; it can no longer be withdrawn")
          .with_code("approval-used");
    const auto from = *status_from(a->status);
    const auto to = transition(from, Action::Withdraw);
    if (!to) {
      rto::Error e = rto::Conflict("a " + a->status + " application cannot be withdrawn");
      e.with_code("cannot-withdraw");
      throw e;
    }
    storage::set_status(tx, id, to_string(*to), now);
    storage::add_history(tx, id, to_string(from), to_string(*to), "customer", me, std::nullopt, now);
    rto::events::enqueue(tx, app_->source(),
                         {"credit.application.withdrawn", id,
                          {{"customer_id", me},
                           {"application_id", id},
                           {"decision_id", a->decision_id ? js::value(*a->decision_id) : js::value(nullptr)},
                           {"vehicle_id", a->vehicle_id},
                           {"previous_status", to_string(from)}}});
    return *storage::find_application(tx, id);
  });
  rto::log::info("credit application withdrawn", {{"application_id", id}, {"customer_id", me}});
  return Response::json(application_json(rec, false));
}

// ---- credit officers ----------------------------------------------------------------------------

Response Handlers::review_queue(Request& req) {
  auto q = parse_page_query(req.query);
  // The page and its customers' usage, each in the window before its application, in one snapshot.
  auto [page, usage] = app_->db().read([&](pqxx::read_transaction& tx) {
    auto page = storage::review_queue(tx, q);
    std::vector<storage::UsageQuery> wanted;
    wanted.reserve(page.items.size());
    for (const auto& a : page.items) wanted.push_back({a.customer_id, app_->usage_window_for(a.created_at)});
    auto days = storage::usage_days(tx, wanted);
    std::vector<std::optional<UsageSummary>> usage;
    usage.reserve(days.size());
    for (std::size_t i = 0; i < days.size(); ++i) usage.push_back(summarise_usage(days[i], wanted[i].window));
    return std::pair{std::move(page), std::move(usage)};
  });
  js::array items;
  for (std::size_t i = 0; i < page.items.size(); ++i)
    items.push_back(application_json(page.items[i], true, nullptr, &usage[i]));
  return Response::json(
      js::object{{"items", std::move(items)},
                 {"next_cursor", page.next ? js::value(encode_cursor(*page.next)) : js::value(nullptr)},
                 {"limit", q.limit}});
}

Response Handlers::officer_decision(Request& req) {
  const auto id = path_id(req, "application");
  auto in = parse_officer_decision(rto::http::json_body(req));
  const auto officer = caller(req);
  const auto now = app_->now();
  const auto ttl = std::chrono::days(app_->config().approval_ttl_days);
  auto rec = app_->db().transact([&](pqxx::work& tx) {
    auto a = storage::find_application(tx, id, true);
    if (!a) throw rto::NotFound("no application with this id");
    if (a->customer_id == officer) throw rto::Forbidden("you cannot decide your own application");
    const auto from = *status_from(a->status);
    const auto to =
        transition(from, in.decision == Decision::Approved ? Action::OfficerApprove : Action::OfficerDecline);
    if (!to || !a->decision) {
      rto::Error e =
          rto::Conflict("only a referred application awaits an officer's decision; this one is " + a->status);
      e.with_code("not-referred");
      throw e;
    }
    const auto& referred = *a->decision;

    DecisionRecord d;
    d.id = rto::crypto::uuid_v4();
    d.application_id = id;
    d.kind = "officer";
    d.decision = std::string(to_string(in.decision));
    d.model_version = referred.model_version;
    d.score = referred.score;
    d.grade = referred.grade;
    d.reasons = referred.reasons;
    d.breakdown = referred.breakdown;
    d.breakdown["override"] = js::object{{"officer_id", officer},
                                         {"note", in.note},
                                         {"decided_at", rto::to_rfc3339(now)},
                                         {"automatic_decision_id", referred.id},
                                         {"automatic_decision", referred.decision}};
    d.officer_id = officer;
    d.note = in.note;
    d.created_at = now;
    if (in.decision == Decision::Approved) {
      // The grade's suggested terms, with what the officer changed.
      Terms t;
      const auto* suggested = referred.breakdown.if_contains("suggested_terms");
      if (auto s = suggested ? terms_from_json(*suggested) : std::nullopt) t = *s;
      std::vector<rto::FieldError> errs;
      if (in.max_financed) {
        if (!(std::string(in.max_financed->currency.code()) == a->currency))
          errs.push_back({"terms.max_financed.currency", "must be " + a->currency});
        t.max_financed = in.max_financed;
      }
      if (in.min_deposit_percent) {
        t.min_deposit_percent = *in.min_deposit_percent;
        // A different deposit changes what may be financed, unless the officer set that too.
        if (!in.max_financed)
          if (const auto* price = a->vehicle.if_contains("price"))
            t.max_financed = rto::money_from_json(*price, "price").scaled(100 - t.min_deposit_percent, 100);
      }
      if (in.max_term_days) t.max_term_days = *in.max_term_days;
      if (t.max_term_days <= 0) errs.push_back({"terms.max_term_days", "is required (the grade suggests none)"});
      if (!errs.empty()) throw rto::BadRequest("invalid terms", std::move(errs));
      d.terms = terms_json(t);
      d.expires_at = now + ttl;
    } else {
      d.terms = nullptr;
    }
    storage::insert_decision(tx, d);
    storage::set_decision(tx, id, to_string(*to), d.id, now, d.expires_at);
    storage::add_history(tx, id, to_string(from), to_string(*to), "officer", officer, in.note, now);
    auto rec = *storage::find_application(tx, id);
    rto::events::enqueue(tx, app_->source(),
                         {"credit.application.decided", id, app_->decided_event(rec, *rec.decision)});
    return std::pair{rec, usage_of(tx, *app_, rec)};
  });
  rto::log::info("credit application decided by an officer",
                 {{"application_id", id}, {"officer_id", officer}, {"decision", to_string(in.decision)}});
  return Response::json(application_json(rec.first, true, nullptr, &rec.second));
}

// ---- admin: scorecard models ------------------------------------------------------------------

Response Handlers::list_models(Request&) {
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::list_models(tx); });
  js::array items;
  for (const auto& m : rows) items.push_back(storage::to_json(m));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::get_model(Request& req) {
  const auto version = path_version(req);
  auto row = app_->db().query([&](pqxx::nontransaction& tx) { return storage::find_model(tx, version); });
  if (!row) throw rto::NotFound("no scorecard model with this version");
  return Response::json(storage::to_json(*row));
}

Response Handlers::create_model(Request& req) {
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"model"});
  const auto* doc = r.object("model", true);
  r.finish();
  auto parsed = parse_model(*doc, "model");  // 400 naming every bad field
  const auto admin = caller(req);
  const auto now = app_->now();
  auto row = app_->db().transact([&](pqxx::work& tx) {
    storage::lock_models(tx);
    auto version = storage::insert_model(tx, parsed.name, *doc, admin, now);
    return *storage::find_model(tx, version);
  });
  rto::log::info("scorecard model added", {{"version", row.version}, {"by", admin}});
  return Response::json(201, storage::to_json(row));
}

Response Handlers::activate_model(Request& req) {
  const auto version = path_version(req);
  const auto admin = caller(req);
  const auto now = app_->now();
  auto [row, changed] = app_->db().transact([&](pqxx::work& tx) {
    storage::lock_models(tx);
    if (!storage::find_model(tx, version)) throw rto::NotFound("no scorecard model with this version");
    bool changed = storage::activate_model(tx, version, admin, now);
    return std::pair{*storage::find_model(tx, version), changed};
  });
  if (changed) rto::log::info("scorecard model activated", {{"version", version}, {"by", admin}});
  return Response::json(storage::to_json(row));
}

// ---- service to service -----------------------------------------------------------------------

Response Handlers::internal_decision(Request& req) {
  const auto id = path_id(req, "decision");
  auto a = app_->db().query([&](pqxx::nontransaction& tx) { return storage::find_by_decision(tx, id); });
  if (!a || !a->decision) throw rto::NotFound("no decision with this id");
  return Response::json(internal_decision_json(*a, *a->decision, app_->now()));
}

}  // namespace credit_service
