#include "handlers.hpp"

#include <charconv>
#include <rto/request_body.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>
#include <rto/time.hpp>

#include "app.hpp"
#include "domain/inputs.hpp"
#include "domain/reference.hpp"
#include "views.hpp"

namespace payment_service {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;
using Tx = pqxx::transaction_base;

namespace {

std::string path_uuid(const Request& req, const char* what) {
  auto id = uuid_of(req.param("id"));
  if (!id) throw rto::NotFound(std::string("no ") + what + " with this id");
  return *id;
}

// The plan, if the caller may see it: its customer or staff. Anyone else gets 404, as if it
// did not exist.
Plan visible_plan(Tx& tx, const Request& req) {
  auto id = uuid_of(req.param("id"));
  std::optional<Plan> p;
  if (id) p = storage::find_plan(tx, *id);
  const auto& who = req.user();
  if (!p || (p->customer_id != who.subject && !who.is_staff())) throw rto::NotFound("no plan with this id");
  return *p;
}

js::object plan_brief(const Plan& p) {
  return js::object{{"id", p.id},
                    {"reference", p.reference},
                    {"status", to_string(p.status)},
                    {"outstanding", p.money(p.outstanding).to_json()},
                    {"credit_balance", p.money(p.credit_balance).to_json()},
                    {"days_past_due", p.delinquency.days_past_due},
                    {"bucket", to_string(p.delinquency.bucket)},
                    {"locked", p.delinquency.locked}};
}

js::object full_statement(Tx& tx, const Plan& p, Date today) {
  std::optional<storage::RepossessionRow> repossession;
  if (p.status == PlanStatus::Repossessed) repossession = storage::repossession_of(tx, p.id);
  return views::statement(p, storage::schedule(tx, p.id), storage::all_fees(tx, p.id), storage::payments_of_plan(tx, p.id),
                          today, storage::refunds_of_plan(tx, p.id), repossession);
}

// A proposal waiting for a second staff member: accepted, nothing done yet.
Response proposed(const storage::ApprovalRow& a) {
  return Response::json(202, js::object{{"approval", views::approval(a)}});
}

js::object resolution_body(const Review::Resolved& r) {
  const auto& x = r.resolution;
  js::object body{{"item", x.item},
                  {"item_id", x.item_id},
                  {"action", x.action},
                  {"note", x.note},
                  {"resolved_by", x.resolved_by},
                  {"resolved_at", rto::to_rfc3339(x.resolved_at)}};
  if (r.recorded) {
    body["payment"] = views::payment(r.recorded->payment);
    body["plan"] = plan_brief(r.recorded->plan);
    body["duplicate"] = r.recorded->duplicate;
  }
  return body;
}

Response recorded(const Recorded& r) {
  return Response::json(r.duplicate ? 200 : 201, js::object{{"payment", views::payment(r.payment)},
                                                            {"plan", plan_brief(r.plan)},
                                                            {"duplicate", r.duplicate}});
}

}  // namespace

// ---- templates --------------------------------------------------------------------------------

Response Handlers::list_templates(Request& req) {
  const auto all_param = req.query_param("all");
  if (all_param && *all_param != "true" && *all_param != "false") throw rto::BadField("all", "must be true or false");
  const bool all = all_param == std::optional<std::string_view>("true");
  if (all && !(req.identity && req.identity->has_role("admin")))
    throw rto::Forbidden("only an admin may list withdrawn and superseded templates");
  auto ts = app_->db().query([&](pqxx::nontransaction& tx) {
    return all ? storage::all_templates(tx) : storage::current_templates(tx);
  });
  js::array items;
  for (const auto& t : ts) items.push_back(to_json(t));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::get_template(Request& req) {
  auto id = uuid_of(req.param("id"));
  auto t = app_->db().query([&](pqxx::nontransaction& tx) {
    std::optional<PlanTemplate> found = id ? storage::find_template(tx, *id) : storage::current_template_by_slug(tx, std::string(req.param("id")));
    if (!found) throw rto::NotFound("no plan template with this id");
    return *found;
  });
  return Response::json(to_json(t));
}

Response Handlers::create_template(Request& req) {
  auto t = parse_template(rto::http::json_body(req));
  t.id = rto::crypto::uuid_v4();
  t.version = 1;
  bool ok = app_->db().transact([&](pqxx::work& tx) {
    if (storage::current_template_by_slug(tx, t.slug)) return false;
    return storage::insert_template(tx, t, req.user().subject, app_->now());
  });
  if (!ok) throw rto::Conflict("a template with this slug exists; update it instead", {{"slug", "is taken"}});
  rto::log::info("plan template created", {{"template_id", t.id}, {"slug", t.slug}, {"by", req.user().subject}});
  return Response::json(201, to_json(t));
}

Response Handlers::update_template(Request& req) {
  auto id = path_uuid(req, "plan template");
  auto t = parse_template(rto::http::json_body(req));
  auto created = app_->db().transact([&](pqxx::work& tx) {
    auto old = storage::find_template(tx, id, true);
    if (!old) throw rto::NotFound("no plan template with this id");
    if (old->superseded_by)
      throw rto::Conflict("this is not the current version; update " + *old->superseded_by).with_code("superseded");
    if (t.slug != old->slug) throw rto::Unprocessable("the slug of a template cannot change", {{"slug", "must be " + old->slug}});
    t.id = rto::crypto::uuid_v4();
    t.version = old->version + 1;
    if (!storage::supersede_template(tx, old->id, t.id))
      throw rto::Conflict("the template changed meanwhile; try again").with_code("superseded");
    if (!storage::insert_template(tx, t, req.user().subject, app_->now()))
      throw rto::Conflict("the template changed meanwhile; try again").with_code("superseded");
    return t;
  });
  rto::log::info("plan template versioned",
                 {{"template_id", created.id}, {"previous_id", id}, {"version", created.version}, {"by", req.user().subject}});
  return Response::json(201, to_json(created));
}

// ---- quotes and plans -------------------------------------------------------------------------

Response Handlers::quote(Request& req) {
  auto in = parse_quote(rto::http::json_body(req));
  return Response::json(to_json(app_->plans().quote(in)));
}

Response Handlers::create_plan(Request& req) {
  auto in = parse_plan(rto::http::json_body(req));
  const auto& me = req.user().subject;
  if (!rto::crypto::is_uuid(me)) throw rto::Unauthorized("this token does not name an account");
  auto r = app_->plans().create_plan(in, me);
  auto body = app_->db().read([&](pqxx::read_transaction& tx) { return full_statement(tx, r.plan, app_->today()); });
  return Response::json(r.created ? 201 : 200, body);
}

Response Handlers::my_plans(Request& req) {
  const auto& me = req.user().subject;
  if (!rto::crypto::is_uuid(me)) return Response::json(js::object{{"items", js::array{}}});
  auto ps = app_->db().query([&](pqxx::nontransaction& tx) { return storage::plans_of_customer(tx, me); });
  js::array items;
  for (const auto& p : ps) items.push_back(views::plan_summary(p));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::get_plan(Request& req) {
  auto body = app_->db().read([&](pqxx::read_transaction& tx) { return full_statement(tx, visible_plan(tx, req), app_->today()); });
  return Response::json(body);
}

Response Handlers::payoff_quote(Request& req) {
  auto p = app_->db().read([&](pqxx::read_transaction& tx) { return visible_plan(tx, req); });
  if (!p.live())
    throw rto::Conflict("only an active or defaulted plan can be paid off; this one is " + p.status_name()).with_code("not-payable");
  auto today = app_->today();
  return Response::json(views::payoff(p, app_->plans().payoff(p, today), today));
}

Response Handlers::ownership_certificate(Request& req) {
  auto p = app_->db().read([&](pqxx::read_transaction& tx) { return visible_plan(tx, req); });
  if (p.status != PlanStatus::Completed)
    throw rto::Conflict("the certificate is issued once the plan is paid in full").with_code("not-completed");
  std::optional<Date> completed_on;
  if (p.completed_at) completed_on = app_->local_date(*p.completed_at);
  auto html = views::ownership_certificate(p, app_->plans().customer_name(p.customer_id), completed_on, app_->today());
  auto res = Response::text(200, std::move(html), "text/html; charset=utf-8");
  res.headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
  res.headers.set("Content-Disposition", "inline; filename=\"ownership-" + p.reference + ".html\"");
  return res;
}

// ---- staff ------------------------------------------------------------------------------------

Response Handlers::list_plans(Request& req) {
  auto q = parse_plan_list(req.query);
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::collections(tx, q); });
  js::array items;
  js::value next = nullptr;
  for (const auto& p : rows) {
    if (static_cast<int>(items.size()) == q.limit) {
      const auto& last = items.back().as_object();
      next = encode_plan_cursor(static_cast<int>(last.at("days_past_due").as_int64()), std::string(last.at("id").as_string()));
      break;
    }
    items.push_back(views::plan_summary(p));
  }
  return Response::json(js::object{{"items", std::move(items)}, {"next_cursor", next}, {"limit", q.limit}});
}

Response Handlers::portfolio(Request& req) {
  (void)req;
  const auto today = app_->today();
  const unsigned iso = std::chrono::weekday(today).iso_encoding();  // Monday = 1
  const Date week_first = today - std::chrono::days(iso - 1);
  const Date week_last = week_first + std::chrono::days(6);
  const auto& zone = app_->config().zone;
  auto rows = app_->db().read([&](pqxx::read_transaction& tx) {
    const Date chart_first = week_first - std::chrono::days(7 * (storage::PortfolioRow::kChartWeeks - 1));
    return storage::portfolio(tx, zone.start_of(today), zone.start_of(week_first), today, week_first, week_last,
                              zone.start_of(chart_first));
  });
  return Response::json(views::portfolio(rows, today, week_first));
}

// What a cashier needs to take cash for a plan the rider names by its reference (or id): what is
// due and what is owed, the vehicle; not the rider's schedule, payments or identity.
Response Handlers::cash_desk(Request& req) {
  auto key = std::string(req.param("id"));
  auto id = uuid_of(key);
  auto ref = id ? std::nullopt : normalize_reference(key);
  if (!id && !ref) throw rto::NotFound("no plan with this reference");
  auto full = app_->db().read([&](pqxx::read_transaction& tx) -> std::optional<js::object> {
    auto p = id ? storage::find_plan(tx, *id) : storage::find_plan_by_reference(tx, *ref);
    if (!p) return std::nullopt;
    return full_statement(tx, *p, app_->today());
  });
  if (!full) throw rto::NotFound("no plan with this reference");
  js::object out;
  for (const char* k : {"id", "reference", "status", "vehicle", "deposit", "next_due", "days_past_due", "locked", "as_of"})
    if (const auto* v = full->if_contains(k)) out[k] = *v;
  if (const auto* b = full->if_contains("balance"); b && b->is_object())
    for (const char* k : {"outstanding", "overdue", "fees_outstanding"})
      if (const auto* v = b->as_object().if_contains(k)) out[k] = *v;
  if (const auto* d = out.if_contains("deposit"); d && d->is_object()) out["currency"] = d->as_object().at("currency");
  return Response::json(std::move(out));
}

Response Handlers::cash_payment(Request& req) {
  auto in = parse_cash(rto::http::json_body(req));
  PaymentRequest p;
  auto key = std::string(req.param("id"));
  if (auto id = uuid_of(key))
    p.plan_id = *id;
  else if (auto ref = normalize_reference(key))
    p.plan_ref = *ref;
  else
    throw rto::NotFound("no plan with this id");
  p.amount = in.amount;
  p.provider = "cash";
  p.provider_txn_id = in.receipt_number;
  p.receipt_number = in.receipt_number;
  const auto now = app_->now();
  p.paid_at = in.paid_at.value_or(now);
  if (in.paid_at) {
    auto plan = app_->db().query([&](pqxx::nontransaction& tx) {
      return p.plan_id ? storage::find_plan(tx, *p.plan_id) : storage::find_plan_by_reference(tx, *p.plan_ref);
    });
    if (!plan) throw rto::NotFound("no plan with this id");
    if (auto why = cash_paid_at_problem(*in.paid_at, plan->created_at, now, app_->config().cash_backdate))
      throw rto::Unprocessable("this receipt's date cannot be taken", {{"paid_at", *why}});
  }
  p.recorded_by = req.user().subject;
  return recorded(app_->payments().record_payment(p));
}

Response Handlers::reverse_payment(Request& req) {
  auto id = path_uuid(req, "payment");
  auto body = rto::http::json_body(req);
  auto reason = parse_reason(body);
  return proposed(app_->approvals().propose_reversal(id, reason, body, req.user().subject));
}

Response Handlers::repossess_plan(Request& req) {
  auto id = path_uuid(req, "plan");
  auto reason = parse_reason(rto::http::json_body(req));
  auto r = app_->closing().repossess(id, reason, req.user().subject);
  auto body = app_->db().read([&](pqxx::read_transaction& tx) { return full_statement(tx, r.plan, app_->today()); });
  return Response::json(body);
}

Response Handlers::refund_plan(Request& req) {
  auto id = path_uuid(req, "plan");
  auto body = rto::http::json_body(req);
  auto in = parse_refund(body);
  return proposed(app_->approvals().propose_refund(id, in, body, req.user().subject));
}

// ---- approvals: four eyes on money no provider confirmed ----------------------------------------

Response Handlers::list_approvals(Request& req) {
  auto q = parse_approval_query(req.query);
  storage::ApprovalFilter f{q.status, q.kind, q.status != "pending", q.after_seq, q.limit + 1};
  auto rows = app_->approvals().list(f);
  js::value next = nullptr;
  if (static_cast<int>(rows.size()) > q.limit) {
    rows.resize(static_cast<std::size_t>(q.limit));
    next = encode_approval_cursor(rows.back().seq);
  }
  return Response::json(js::object{{"items", views::approvals(rows)}, {"next_cursor", next}, {"limit", q.limit}});
}

Response Handlers::get_approval(Request& req) {
  return Response::json(views::approval(app_->approvals().get(path_uuid(req, "approval"))));
}

namespace {
struct OutcomeView {
  js::object operator()(const Review::Resolved& r) const { return resolution_body(r); }
  js::object operator()(const Closing::Refunded& r) const {
    return js::object{{"refund", views::refund(r.refund)}, {"plan", plan_brief(r.plan)}, {"duplicate", r.duplicate}};
  }
  js::object operator()(const storage::PaymentRow& p) const { return js::object{{"payment", views::payment(p)}}; }
};
}  // namespace

Response Handlers::approve(Request& req) {
  auto id = path_uuid(req, "approval");
  auto note = req.body.empty() ? std::nullopt : parse_decision_note(rto::http::json_body(req), false);
  auto a = app_->approvals().approve(id, req.user().subject, note);
  return Response::json(js::object{{"approval", views::approval(a.approval)}, {"result", std::visit(OutcomeView{}, a.outcome)}});
}

Response Handlers::reject(Request& req) {
  auto id = path_uuid(req, "approval");
  auto note = parse_decision_note(rto::http::json_body(req), true);
  return Response::json(js::object{{"approval", views::approval(app_->approvals().reject(id, req.user().subject, *note))}});
}

// ---- mobile money ------------------------------------------------------------------------------

namespace {

js::object request_view(Tx& tx, const storage::RequestRow& r) {
  std::optional<storage::PaymentRow> pay;
  if (r.payment_id) pay = storage::find_payment(tx, *r.payment_id);
  auto plan = storage::find_plan(tx, r.plan_id);
  return views::payment_request(r, pay, plan ? plan->reference : "");
}

}  // namespace

Response Handlers::create_collection(Request& req) {
  auto in = momo::parse_collection(rto::http::json_body(req));
  auto key = req.header("Idempotency-Key").value_or("");
  auto c = app_->collections().collect(in, std::string(key), req.user());
  auto body = app_->db().read([&](pqxx::read_transaction& tx) { return request_view(tx, c.request); });
  auto res = Response::json(202, body);
  res.headers.set("Location", "/api/v1/payments/" + c.request.id);
  if (c.replay) res.headers.set("Idempotent-Replayed", "true");
  return res;
}

Response Handlers::get_collection(Request& req) {
  auto id = uuid_of(req.param("id"));
  const auto& who = req.user();
  auto body = app_->db().read([&](pqxx::read_transaction& tx) {
    std::optional<storage::RequestRow> r;
    if (id) r = storage::find_request(tx, *id);
    if (!r || (r->customer_id != who.subject && !who.is_staff())) throw rto::NotFound("no payment with this id");
    return request_view(tx, *r);
  });
  return Response::json(body);
}

Response Handlers::plan_collections(Request& req) {
  auto body = app_->db().read([&](pqxx::read_transaction& tx) {
    auto p = visible_plan(tx, req);
    js::array items;
    for (const auto& r : storage::requests_of_plan(tx, p.id, 100)) items.push_back(request_view(tx, r));
    js::array payments;
    for (const auto& pay : storage::payments_of_plan(tx, p.id)) payments.push_back(views::payment(pay));
    return js::object{{"items", std::move(items)}, {"payments", std::move(payments)}};
  });
  return Response::json(body);
}

Response Handlers::review_queue(Request& req) {
  auto q = parse_review_query(req.query);
  storage::ReviewPage page{q.provider, q.status, q.newest, std::nullopt, q.limit + (q.list ? 1 : 0)};
  if (q.after) page.after = std::pair{rto::from_micros(q.after->first), q.after->second};
  static const std::map<std::string, ReviewList, std::less<>> kLists{
      {"held", ReviewList::held}, {"stuck", ReviewList::stuck}, {"callbacks", ReviewList::callbacks},
      {"approvals", ReviewList::approvals}};
  const auto list = q.list ? kLists.find(*q.list)->second : ReviewList::all;
  auto r = app_->review().review_queue(list, page);
  if (!q.list)
    return Response::json(js::object{{"held", views::review_requests(r.held, r.references)},
                                     {"stuck", views::review_requests(r.stuck, r.references)},
                                     {"callbacks", views::review_callbacks(r.callbacks)},
                                     {"approvals", views::approvals(r.approvals)}});
  // One list, paged: one row more than asked says whether there is a next page.
  js::value next = nullptr;
  const auto full = [&](auto& rows) {
    if (static_cast<int>(rows.size()) <= q.limit) return false;
    rows.resize(static_cast<std::size_t>(q.limit));
    return true;
  };
  js::object body;
  switch (list) {
    case ReviewList::held:
    case ReviewList::stuck: {
      auto& rows = list == ReviewList::held ? r.held : r.stuck;
      if (full(rows))
        next = encode_review_cursor(rto::to_micros(list == ReviewList::held ? rows.back().updated_at : rows.back().created_at),
                                    rows.back().id);
      body[*q.list] = views::review_requests(rows, r.references);
      break;
    }
    case ReviewList::callbacks:
      if (full(r.callbacks))
        next = encode_review_cursor(rto::to_micros(r.callbacks.back().received_at), std::to_string(r.callbacks.back().id));
      body["callbacks"] = views::review_callbacks(r.callbacks);
      break;
    default:
      if (full(r.approvals)) next = encode_review_cursor(0, std::to_string(r.approvals.back().seq));
      body["approvals"] = views::approvals(r.approvals);
  }
  body["next_cursor"] = next;
  return Response::json(std::move(body));
}

Response Handlers::resolve_request(Request& req) {
  auto id = path_uuid(req, "payment request");
  auto body = rto::http::json_body(req);
  auto in = parse_resolve(body);
  const auto& actor = req.user().subject;
  if (in.credit) return proposed(app_->approvals().propose_request_credit(id, in, body, actor));
  return Response::json(resolution_body(app_->review().dismiss_request(id, in.note, actor)));
}

Response Handlers::resolve_callback(Request& req) {
  auto text = req.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    throw rto::NotFound("no provider callback with this id");
  auto body = rto::http::json_body(req);
  auto in = parse_resolve(body);
  const auto& actor = req.user().subject;
  if (in.credit) return proposed(app_->approvals().propose_callback_credit(id, in, body, actor));
  return Response::json(resolution_body(app_->review().dismiss_callback(id, in.note, actor)));
}

// Public: anyone can post here, so nothing in the body is believed until the provider's
// status API confirms it. The callback is stored before the answer, so a crash loses nothing.
Response Handlers::webhook(Request& req) {
  auto provider = momo::provider_of(req.param("provider"));
  if (!provider) throw rto::NotFound("no such provider");
  // Providers' callbacks are a few hundred bytes; nothing larger is stored.
  if (req.body.size() > momo::kMaxCallbackBytes)
    throw rto::Error(rto::ErrorKind::PayloadTooLarge,
                     "a callback body is at most " + std::to_string(momo::kMaxCallbackBytes) + " bytes");
  app_->collections().receive_callback(*provider, req.body);
  if (*provider == momo::ProviderId::mpesa)
    return Response::json(js::object{{"ResultCode", 0}, {"ResultDesc", "Accepted"}});
  return Response::json(js::object{{"received", true}});
}

// ---- service to service -----------------------------------------------------------------------

Response Handlers::internal_payment(Request& req) {
  auto in = parse_payment(rto::http::json_body(req));
  PaymentRequest p;
  p.plan_id = in.plan_id;
  p.plan_ref = in.plan_id ? std::nullopt : in.plan_ref;
  p.amount = in.amount;
  p.provider = in.provider;
  p.provider_txn_id = in.provider_txn_id;
  p.paid_at = in.paid_at;
  p.recorded_by = req.user().subject;
  return recorded(app_->payments().record_payment(p));
}

Response Handlers::internal_delinquency_run(Request& req) {
  auto as_of = parse_delinquency_run(req.body).value_or(app_->today());
  auto s = app_->jobs().run_delinquency(as_of);
  return Response::json(js::object{{"as_of", format_date(s.as_of)},
                                   {"plans", s.plans},
                                   {"fees_posted", s.fees},
                                   {"bucket_changes", s.bucket_changes},
                                   {"locks_required", s.locks_required},
                                   {"locks_released", s.locks_released},
                                   {"defaulted", s.defaulted}});
}

Response Handlers::internal_reminders_run(Request& req) {
  auto as_of = parse_delinquency_run(req.body).value_or(app_->today());
  auto s = app_->jobs().send_reminders(as_of);
  return Response::json(js::object{{"as_of", format_date(s.as_of)}, {"plans", s.plans}, {"sent", s.sent}});
}

Response Handlers::internal_reconcile(Request& req) {
  (void)req;
  int swept = app_->collections().process_waiting_callbacks();
  return Response::json(js::object{{"settled", app_->collections().reconcile()}, {"callbacks", swept}});
}

Response Handlers::internal_expire_deposits(Request& req) {
  (void)req;
  return Response::json(js::object{{"cancelled", app_->jobs().expire_deposits()}});
}

// The customer's plans (newest first, at most 100), each with its vehicle; an unknown customer
// has none.
Response Handlers::internal_customer_plans(Request& req) {
  std::string customer(req.param("id"));
  js::array items;
  if (rto::crypto::is_uuid(customer)) {
    auto ps = app_->db().query([&](pqxx::nontransaction& tx) { return storage::plans_of_customer(tx, customer); });
    for (const auto& p : ps)
      items.push_back(js::object{{"id", p.id},
                                 {"reference", p.reference},
                                 {"status", to_string(p.status)},
                                 {"vehicle_id", p.vehicle_id}});
  }
  return Response::json(js::object{{"customer_id", customer}, {"items", std::move(items)}});
}

}  // namespace payment_service
