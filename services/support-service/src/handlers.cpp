#include "handlers.hpp"

#include <charconv>
#include <cstdio>
#include <rto/request_body.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>
#include <rto/phone.hpp>

#include "app.hpp"
#include "domain/attachment.hpp"
#include "domain/preferences.hpp"
#include "domain/sms.hpp"
#include "domain/templates.hpp"
#include "storage/storage.hpp"

namespace support_service {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;

namespace {

bool is_staff(const rto::auth::Identity& who) { return who.has_any_role({"support_agent", "admin"}); }

std::string path_uuid(const Request& req, std::string_view name = "id") {
  std::string id(req.param(name));
  if (!rto::crypto::is_uuid(id)) throw rto::NotFound("no ticket with this id");
  return id;
}

int limit_param(const Request& req) {
  auto v = req.query_param("limit");
  if (!v) return 20;
  int n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size() || n < 1 || n > 100)
    throw rto::BadField("limit", "must be a whole number from 1 to 100");
  return n;
}

// Keyset cursors: "<created_at µs>_<id>".
std::string encode_cursor(TimePoint at, const std::string& id) { return std::to_string(to_micros(at)) + "_" + id; }
std::optional<std::pair<TimePoint, std::string>> cursor_param(const Request& req) {
  auto v = req.query_param("cursor");
  if (!v || v->empty()) return std::nullopt;
  auto us = v->find('_');
  std::int64_t micros = 0;
  if (us != std::string_view::npos) {
    auto [p, ec] = std::from_chars(v->data(), v->data() + us, micros);
    std::string id(v->substr(us + 1));
    if (ec == std::errc() && p == v->data() + us && rto::crypto::is_uuid(id)) return std::pair{from_micros(micros), id};
  }
  throw rto::BadField("cursor", "is not a cursor this API gave out");
}

std::optional<std::string> text_param(const Request& req, std::string_view name,
                                      std::initializer_list<std::string_view> allowed = {}) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (allowed.size() > 0) {
    bool ok = false;
    for (auto a : allowed) ok = ok || a == *v;
    if (!ok) throw rto::BadField(std::string(name), "is not one of the allowed values");
  }
  return std::string(*v);
}

std::optional<TimePoint> time_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  // RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" (fractions allowed and ignored) or a date "YYYY-MM-DD".
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  std::string str(*v);
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s);
  if (!(n == 3 && str.size() == 10) && n != 6) throw rto::BadField(std::string(name), "must be an RFC 3339 UTC time or a date");
  using namespace std::chrono;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) throw rto::BadField(std::string(name), "is not a valid time");
  return sys_days(ymd) + hours(h) + minutes(mi) + seconds(s);
}

std::optional<std::string> uuid_field(rto::json::Reader& r, std::string_view key) {
  auto v = r.string(key, false, 0, 64);
  if (v && !v->empty() && !rto::crypto::is_uuid(*v)) {
    r.fail(key, "must be a UUID");
    return std::nullopt;
  }
  if (v && v->empty()) return std::nullopt;
  return v;
}

// The ticket as the caller may see it: a customer's view of another's ticket is "not found".
Ticket visible_ticket(pqxx::transaction_base& tx, const std::string& id, const rto::auth::Identity& who, bool lock) {
  auto t = lock ? storage::lock_ticket(tx, id) : storage::find_ticket(tx, id);
  if (!t || (!is_staff(who) && t->customer_id != who.subject)) throw rto::NotFound("no ticket with this id");
  return *t;
}

js::object comment_json(const Comment& c) {
  return {{"id", c.id},
          {"author_id", c.author_id},
          {"author_kind", c.author_kind},
          {"body", c.body},
          {"internal", c.internal},
          {"created_at", rto::to_rfc3339(c.created_at)}};
}

js::object attachment_json(const Attachment& a) {
  return {{"id", a.id},
          {"content_type", a.content_type},
          {"size_bytes", a.size_bytes},
          {"sha256", a.sha256},
          {"uploaded_by_kind", a.uploaded_by_kind},
          {"url", "/api/v1/support/tickets/" + a.ticket_id + "/attachments/" + a.id},
          {"created_at", rto::to_rfc3339(a.created_at)}};
}

js::object notification_json(const Notification& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"language", n.language},
          {"title", n.title},
          {"body", n.body},
          {"read", n.read_at.has_value()},
          {"read_at", n.read_at ? js::value(rto::to_rfc3339(*n.read_at)) : js::value(nullptr)},
          {"created_at", rto::to_rfc3339(n.created_at)}};
}

}  // namespace

// ---- tickets ------------------------------------------------------------------------------------

Response Handlers::create_ticket(Request& req) {
  const auto& who = req.user();
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"category", "priority", "subject", "description", "plan_id", "vehicle_id", "customer_id"});
  auto category = r.one_of("category", true, {"breakdown", "accident", "theft", "payment_dispute", "account",
                                              "vehicle_handover", "other"});
  auto priority = r.one_of("priority", false, {"low", "normal", "high", "urgent"});
  auto subject = r.string("subject", true, 3, 120);
  auto description = r.string("description", true, 1, 4000);
  auto plan_id = uuid_field(r, "plan_id");
  auto vehicle_id = uuid_field(r, "vehicle_id");
  std::optional<std::string> customer_id;
  if (is_staff(who)) {
    customer_id = uuid_field(r, "customer_id");
    if (!customer_id && r.ok()) r.fail("customer_id", "is required when staff open a ticket for a customer");
  } else {
    if (body.contains("customer_id")) r.fail("customer_id", "only support staff may open a ticket for someone else");
    customer_id = who.subject;
  }
  r.finish();
  if (plan_id || vehicle_id) {
    // Asked of the payment service (which owns plans) before the transaction: 503 when it
    // cannot answer, 422 naming the field when the plan or vehicle is not the customer's.
    auto problems = ownership_problems(app_->customer_plans(*customer_id), plan_id, vehicle_id);
    if (!problems.empty()) throw rto::Unprocessable("the plan or vehicle is not the customer's own", std::move(problems));
  }

  Ticket t;
  t.customer_id = *customer_id;
  t.category = *category;
  t.priority = priority ? *priority_from(*priority)
               : (*category == "theft" || *category == "accident") ? Priority::Urgent
                                                                    : Priority::Normal;
  t.subject = *subject;
  t.description = *description;
  t.plan_id = plan_id;
  t.vehicle_id = vehicle_id;
  t.origin = is_staff(who) ? "staff" : "customer";
  app_->db().transact([&](pqxx::work& tx) { app_->open_ticket(tx, t, who.subject); });
  auto res = Response::json(201, app_->ticket_json(t, is_staff(who)));
  res.headers.set("Location", "/api/v1/support/tickets/" + t.id);
  return res;
}

Response Handlers::list_tickets(Request& req) {
  const auto& who = req.user();
  const bool staff = is_staff(who);
  QueueFilter f;
  f.limit = limit_param(req);
  f.after = cursor_param(req);
  f.status = text_param(req, "status", {"open", "in_progress", "waiting_customer", "resolved", "closed"});
  f.priority = text_param(req, "priority", {"low", "normal", "high", "urgent"});
  f.category = text_param(req, "category", {"breakdown", "accident", "theft", "payment_dispute", "account",
                                            "vehicle_handover", "other"});
  f.created_from = time_param(req, "created_from");
  f.created_to = time_param(req, "created_to");
  if (staff) {
    f.assignee_id = text_param(req, "assignee_id");
    if (f.assignee_id && !rto::crypto::is_uuid(*f.assignee_id)) throw rto::BadField("assignee_id", "must be a UUID");
    if (auto b = text_param(req, "breached", {"true", "false"})) f.breached = *b == "true";
    f.customer_id = text_param(req, "customer_id");
    if (f.customer_id && !rto::crypto::is_uuid(*f.customer_id)) throw rto::BadField("customer_id", "must be a UUID");
  } else {
    f.customer_id = who.subject;
  }
  ++f.limit;  // one more tells whether there is a next page
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::list_tickets(tx, f); });
  --f.limit;
  js::array items;
  std::string next;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < f.limit; ++i) items.push_back(app_->ticket_json(rows[i], staff));
  if (static_cast<int>(rows.size()) > f.limit) next = encode_cursor(rows[f.limit - 1].created_at, rows[f.limit - 1].id);
  return Response::json(js::object{{"items", std::move(items)}, {"next_cursor", next.empty() ? js::value(nullptr) : js::value(next)}});
}

Response Handlers::get_ticket(Request& req) {
  const auto& who = req.user();
  const bool staff = is_staff(who);
  auto id = path_uuid(req);
  auto body = app_->db().read([&](pqxx::read_transaction& tx) {
    auto t = visible_ticket(tx, id, who, false);
    auto o = app_->ticket_json(t, staff);
    js::array cs;
    for (const auto& c : storage::comments(tx, id, staff)) cs.push_back(comment_json(c));
    o["comments"] = std::move(cs);
    js::array as;
    for (const auto& a : storage::attachments(tx, id)) as.push_back(attachment_json(a));
    o["attachments"] = std::move(as);
    js::array hs;
    for (const auto& h : storage::history(tx, id)) {
      js::object e{{"action", h.action},
                   {"old_value", h.old_value ? js::value(*h.old_value) : js::value(nullptr)},
                   {"new_value", h.new_value ? js::value(*h.new_value) : js::value(nullptr)},
                   {"at", rto::to_rfc3339(h.at)}};
      if (staff) e["actor"] = h.actor;
      // Assignment names staff members: the customer sees that it happened, not to whom.
      if (!staff && h.action == "assigned") e["old_value"] = e["new_value"] = nullptr;
      hs.push_back(std::move(e));
    }
    o["history"] = std::move(hs);
    return o;
  });
  return Response::json(body);
}

Response Handlers::add_comment(Request& req) {
  const auto& who = req.user();
  const bool staff = is_staff(who);
  auto id = path_uuid(req);
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"body", "internal"});
  auto text = r.string("body", true, 1, 4000);
  auto internal = r.boolean("internal", false).value_or(false);
  if (internal && !staff) r.fail("internal", "only support staff may write internal comments");
  r.finish();
  Comment c;
  c.id = rto::crypto::uuid_v4();
  c.ticket_id = id;
  c.author_id = who.subject;
  c.author_kind = staff ? "staff" : "customer";
  c.body = *text;
  c.internal = internal;
  app_->db().transact([&](pqxx::work& tx) {
    auto before = visible_ticket(tx, id, who, true);
    if (before.status == Status::Closed) throw rto::Conflict("the ticket is closed");
    c.created_at = app_->now();
    storage::insert_comment(tx, c);
    Ticket after = before;
    bool changed = false;
    if (staff && !internal && !after.first_response_at) {
      after.first_response_at = c.created_at;
      changed = true;
    }
    if (!staff && before.status == Status::WaitingCustomer) {
      after.status = Status::InProgress;  // the customer answered
      app_->save_ticket(tx, before, after, who.subject, "status", "support.ticket.status_changed");
    } else if (changed) {
      app_->save_ticket(tx, before, after, who.subject, "first_response", "");
    }
    if (!internal)
      rto::events::enqueue(tx, app_->source(),
                           {"support.ticket.commented", id,
                            {{"ticket_id", id}, {"customer_id", before.customer_id}, {"comment_id", c.id},
                             {"author_kind", c.author_kind}}});
  });
  return Response::json(201, comment_json(c));
}

Response Handlers::change_status(Request& req) {
  const auto& who = req.user();
  const bool staff = is_staff(who);
  auto id = path_uuid(req);
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"status"});
  auto to = r.one_of("status", true, {"open", "in_progress", "waiting_customer", "resolved", "closed"});
  r.finish();
  auto target = *status_from(*to);
  auto out = app_->db().transact([&](pqxx::work& tx) {
    auto before = visible_ticket(tx, id, who, true);
    const auto now = app_->now();
    auto verdict = check_transition(before.status, target, staff ? Actor::Staff : Actor::Customer, before.resolved_at, now);
    if (verdict == Verdict::Unchanged) return before;
    if (verdict == Verdict::Forbidden) throw rto::Forbidden(std::string(explain(verdict)));
    if (verdict != Verdict::Allowed)
      throw rto::Conflict(std::string(explain(verdict)) + " (current status: " + std::string(to_string(before.status)) + ")",
                          {{"status", std::string(explain(verdict))}});
    Ticket after = before;
    after.status = target;
    if (target == Status::Resolved) after.resolved_at = now;
    if (target == Status::Closed) after.closed_at = now;
    if (target == Status::Open) after.resolved_at.reset();  // reopened: the resolution clock runs again
    app_->save_ticket(tx, before, after, who.subject, "status", "support.ticket.status_changed");
    return after;
  });
  return Response::json(app_->ticket_json(out, staff));
}

Response Handlers::assign(Request& req) {
  const auto& who = req.user();
  auto id = path_uuid(req);
  auto body = req.body.empty() ? js::object{} : rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"assignee_id"});
  auto assignee = uuid_field(r, "assignee_id");
  r.finish();
  if (!assignee) assignee = who.subject;  // take it yourself
  auto out = app_->db().transact([&](pqxx::work& tx) {
    auto before = visible_ticket(tx, id, who, true);
    if (before.status == Status::Closed) throw rto::Conflict("the ticket is closed");
    if (before.assignee_id == assignee) return before;
    Ticket after = before;
    after.assignee_id = assignee;
    app_->save_ticket(tx, before, after, who.subject, "assigned", "support.ticket.assigned");
    return after;
  });
  return Response::json(app_->ticket_json(out, true));
}

Response Handlers::rate(Request& req) {
  const auto& who = req.user();
  auto id = path_uuid(req);
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"rating"});
  auto rating = r.integer("rating", true, 1, 5);
  r.finish();
  auto out = app_->db().transact([&](pqxx::work& tx) {
    auto before = visible_ticket(tx, id, who, true);
    if (before.customer_id != who.subject) throw rto::Forbidden("only the customer who opened the ticket may rate it");
    if (before.status != Status::Resolved && before.status != Status::Closed)
      throw rto::Conflict("a ticket can be rated once it is resolved", {{"rating", "the ticket is not resolved"}});
    Ticket after = before;
    after.rating = static_cast<int>(*rating);
    app_->save_ticket(tx, before, after, who.subject, "rated", "");
    return after;
  });
  return Response::json(app_->ticket_json(out, false));
}

Response Handlers::upload_attachment(Request& req) {
  const auto& who = req.user();
  auto id = path_uuid(req);
  // The bytes are checked before the database is touched: type by magic numbers, size.
  Attachment a;
  a.content_type = check_image_upload(req.header("Content-Type").value_or(""), req.body, app_->config().attachment_max_bytes);
  a.id = rto::crypto::uuid_v4();
  a.ticket_id = id;
  a.uploaded_by = who.subject;
  a.uploaded_by_kind = is_staff(who) ? "staff" : "customer";
  a.size_bytes = static_cast<std::int64_t>(req.body.size());
  a.sha256 = rto::crypto::sha256_hex(req.body);
  app_->db().transact([&](pqxx::work& tx) {
    auto t = visible_ticket(tx, id, who, true);  // the row lock serialises uploads: never a 6th
    if (t.status == Status::Closed) throw rto::Conflict("the ticket is closed");
    if (storage::attachments(tx, id).size() >= static_cast<std::size_t>(kMaxAttachmentsPerTicket))
      throw rto::Conflict("a ticket has at most " + std::to_string(kMaxAttachmentsPerTicket) + " images",
                          {{"attachments", "at most " + std::to_string(kMaxAttachmentsPerTicket)}});
    a.created_at = app_->now();
    storage::insert_attachment(tx, a, req.body);
    storage::add_history(tx, id, {who.subject, "attachment_added", std::nullopt, a.id, a.created_at});
  });
  auto res = Response::json(201, attachment_json(a));
  res.headers.set("Location", "/api/v1/support/tickets/" + id + "/attachments/" + a.id);
  return res;
}

Response Handlers::get_attachment(Request& req) {
  const auto& who = req.user();
  auto id = path_uuid(req);
  std::string aid(req.param("attachment_id"));
  if (!rto::crypto::is_uuid(aid)) throw rto::NotFound("no attachment with this id");
  auto found = app_->db().read([&](pqxx::read_transaction& tx) {
    visible_ticket(tx, id, who, false);  // another customer's ticket: 404
    return storage::attachment_bytes(tx, id, aid);
  });
  if (!found) throw rto::NotFound("no attachment with this id");
  Response r;
  r.headers.set("Content-Type", found->first.content_type);
  r.headers.set("Cache-Control", "private, no-cache");
  r.headers.set("X-Content-Type-Options", "nosniff");
  r.headers.set("ETag", "\"" + found->first.sha256 + "\"");
  r.body = std::move(found->second);
  return r;
}

// ---- notifications ------------------------------------------------------------------------------

Response Handlers::notifications(Request& req) {
  const auto& who = req.user();
  const int limit = limit_param(req);
  auto after = cursor_param(req);
  bool unread = text_param(req, "unread", {"true", "false"}).value_or("false") == "true";
  auto [rows, count] = app_->db().query(
      [&](pqxx::nontransaction& tx) { return storage::inbox_page(tx, who.subject, unread, after, limit + 1); });
  js::array items;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i) items.push_back(notification_json(rows[i]));
  js::value next = nullptr;
  if (static_cast<int>(rows.size()) > limit) next = js::value(encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id));
  return Response::json(js::object{{"items", std::move(items)}, {"unread_count", count}, {"next_cursor", next}});
}

Response Handlers::unread_count(Request& req) {
  const auto& who = req.user();
  auto n = app_->db().query([&](pqxx::nontransaction& tx) { return storage::unread_count(tx, who.subject); });
  return Response::json(js::object{{"unread_count", n}});
}

Response Handlers::mark_read(Request& req) {
  const auto& who = req.user();
  std::string id(req.param("id"));
  if (!rto::crypto::is_uuid(id)) throw rto::NotFound("no notification with this id");
  bool ok = app_->db().transact([&](pqxx::work& tx) { return storage::mark_read(tx, who.subject, id, app_->now()); });
  if (!ok) throw rto::NotFound("no notification with this id");
  return Response::no_content();
}

Response Handlers::mark_all_read(Request& req) {
  const auto& who = req.user();
  auto n = app_->db().transact([&](pqxx::work& tx) { return storage::mark_all_read(tx, who.subject, app_->now()); });
  return Response::json(js::object{{"marked", n}});
}

// ---- preferences --------------------------------------------------------------------------------

namespace {
js::object preferences_json(const storage::StoredPreferences& s) {
  js::array marketing, transactional;
  for (const auto& [kind, cls] : message_classes())
    (cls == MessageClass::Marketing ? marketing : transactional).emplace_back(kind);
  return {{"marketing", {{"in_app", s.choices.marketing_in_app}, {"sms", s.choices.marketing_sms}}},
          {"transactional", {{"in_app", true}, {"sms", true}}},
          {"kinds", {{"marketing", std::move(marketing)}, {"transactional", std::move(transactional)}}},
          {"updated_at", s.updated_at ? js::value(rto::to_rfc3339(*s.updated_at)) : js::value(nullptr)}};
}

std::string user_uuid(const rto::auth::Identity& who) {
  if (!rto::crypto::is_uuid(who.subject)) throw rto::Forbidden("only a user account has notification preferences");
  return who.subject;
}
}  // namespace

Response Handlers::preferences(Request& req) {
  auto user = user_uuid(req.user());
  auto s = app_->db().query([&](pqxx::nontransaction& tx) { return storage::preferences(tx, user); });
  return Response::json(preferences_json(s));
}

Response Handlers::set_preferences(Request& req) {
  auto user = user_uuid(req.user());
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"marketing", "transactional"});
  std::optional<bool> in_app, sms;
  std::vector<rto::FieldError> refused;
  if (const auto* m = r.object("marketing", false)) {
    rto::json::Reader mr(*m, "marketing");
    mr.reject_unknown({"in_app", "sms"});
    in_app = mr.boolean("in_app", false);
    sms = mr.boolean("sms", false);
    r.merge(mr);
  }
  if (const auto* t = r.object("transactional", false)) {
    rto::json::Reader tr(*t, "transactional");
    tr.reject_unknown({"in_app", "sms"});
    for (auto channel : {"in_app", "sms"})
      if (auto on = tr.boolean(channel, false); on && !*on)
        refused.push_back({tr.path(channel), "receipts, reminders, decisions and lock warnings cannot be turned off"});
    r.merge(tr);
  }
  r.finish();
  if (!refused.empty()) throw rto::Unprocessable("transactional messages cannot be turned off", std::move(refused));
  auto saved = app_->db().transact(
      [&](pqxx::work& tx) { return storage::update_preferences(tx, user, in_app, sms, app_->now()); });
  return Response::json(preferences_json(saved));
}

// ---- staff --------------------------------------------------------------------------------------

namespace {
js::object agent_json(const Agent& a) {
  return {{"agent_id", a.id},
          {"available", a.available},
          {"open_tickets", a.open_tickets},
          {"last_assigned_at", a.last_assigned_at ? js::value(rto::to_rfc3339(*a.last_assigned_at)) : js::value(nullptr)},
          {"updated_at", rto::to_rfc3339(a.updated_at)}};
}
}  // namespace

Response Handlers::agents(Request&) {
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::agents(tx); });
  js::array items;
  for (const auto& a : rows) items.push_back(agent_json(a));
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::set_my_availability(Request& req) {
  const auto& who = req.user();
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"available"});
  auto available = r.boolean("available", true);
  r.finish();
  if (!rto::crypto::is_uuid(who.subject)) throw rto::Forbidden("only a staff member's own account can take tickets");
  std::size_t handed_over = 0;
  auto agent = app_->db().transact([&](pqxx::work& tx) {
    storage::set_agent_available(tx, who.subject, *available, app_->now());
    // Unavailable: the open tickets go to colleagues (or the queue) so none waits on someone away.
    handed_over = *available ? 0 : app_->hand_over_tickets(tx, who.subject, who.subject);
    return *storage::find_agent(tx, who.subject);
  });
  auto o = agent_json(agent);
  o["handed_over"] = static_cast<std::int64_t>(handed_over);
  return Response::json(o);
}

namespace {
js::object template_json(const Template& builtin, const storage::TemplateOverride* edit) {
  const Template& t = edit ? edit->tmpl : builtin;
  auto len = sms::measure(t.text);
  js::array vars;
  for (const auto& v : template_variables(t.kind)) vars.emplace_back(v);
  js::object o{{"kind", t.kind},
               {"language", t.language},
               {"title", t.title},
               {"text", t.text},
               {"class", to_string(message_class(t.kind))},
               {"variables", std::move(vars)},
               {"gsm7", len.gsm7},
               {"template_units", len.units},
               {"edited", edit != nullptr},
               {"builtin", {{"title", builtin.title}, {"text", builtin.text}}},
               {"updated_by", edit ? js::value(edit->updated_by) : js::value(nullptr)},
               {"updated_at", edit ? js::value(rto::to_rfc3339(edit->updated_at)) : js::value(nullptr)}};
  return o;
}

// The built-in template a path names: 404 for a kind or language that has none.
const Template& builtin_from_path(const Request& req) {
  const auto* t = find_template(req.param("kind"), req.param("language"));
  if (!t) throw rto::NotFound("no template of this kind in this language");
  return *t;
}
}  // namespace

Response Handlers::templates(Request&) {
  auto edits = app_->db().query([&](pqxx::nontransaction& tx) { return storage::template_overrides(tx); });
  js::array items;
  for (const auto& t : builtin_templates()) {
    const storage::TemplateOverride* edit = nullptr;
    for (const auto& e : edits)
      if (e.tmpl.kind == t.kind && e.tmpl.language == t.language) edit = &e;
    items.push_back(template_json(t, edit));
  }
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::save_template(Request& req) {
  const auto& builtin = builtin_from_path(req);
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  r.reject_unknown({"title", "text"});
  auto title = r.string("title", true, 1, 80);
  auto text = r.raw_string("text", true, 1, 480);
  r.finish();
  if (auto problem = template_problem(builtin.kind, *text))
    throw rto::Unprocessable("the template cannot be rendered: " + *problem, {{"text", *problem}});
  storage::TemplateOverride o{{builtin.kind, builtin.language, *title, *text}, req.user().subject, app_->now()};
  app_->db().transact([&](pqxx::work& tx) { storage::save_template_override(tx, o); });
  rto::log::info("template edited", {{"kind", builtin.kind}, {"language", builtin.language}, {"by", o.updated_by}});
  return Response::json(template_json(builtin, &o));
}

Response Handlers::delete_template(Request& req) {
  const auto& builtin = builtin_from_path(req);
  bool had = app_->db().transact([&](pqxx::work& tx) {
    return storage::delete_template_override(tx, builtin.kind, builtin.language);
  });
  if (!had) throw rto::NotFound("this template is not edited");
  return Response::no_content();
}

Response Handlers::sms_outbox(Request& req) {
  const int limit = limit_param(req);
  auto user = text_param(req, "user_id");
  if (user && !rto::crypto::is_uuid(*user)) throw rto::BadField("user_id", "must be a UUID");
  auto rows = app_->db().query([&](pqxx::nontransaction& tx) { return storage::sms_outbox(tx, user, limit); });
  js::array items;
  for (const auto& m : rows) {
    items.push_back(js::object{
        {"id", m.id},
        {"user_id", m.user_id},
        {"event_id", m.event_id},
        {"notification_id", m.notification_id ? js::value(*m.notification_id) : js::value(nullptr)},
        {"phone", rto::phone::mask(m.phone)},
        {"body", m.body},
        {"segments", m.segments},
        {"gsm7", m.gsm7},
        {"urgent", m.urgent},
        {"status", m.status},
        {"attempts", m.attempts},
        {"provider", m.provider ? js::value(*m.provider) : js::value(nullptr)},
        {"provider_message_id", m.provider_message_id ? js::value(*m.provider_message_id) : js::value(nullptr)},
        {"provider_status", m.provider_status ? js::value(*m.provider_status) : js::value(nullptr)},
        {"failure_reason", m.failure_reason ? js::value(*m.failure_reason) : js::value(nullptr)},
        {"created_at", rto::to_rfc3339(m.created_at)},
        {"updated_at", rto::to_rfc3339(m.updated_at)}});
  }
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::sms_delivery_report(Request& req) {
  auto form = sms::form_decode(req.body);
  auto id = sms::form_value(form, "id");
  auto status = sms::form_value(form, "status");
  auto phone = sms::form_value(form, "phoneNumber");
  std::vector<rto::FieldError> errors;
  if (!id || id->empty() || id->size() > 200) errors.push_back({"id", "is required"});
  if (!status || !sms::is_known_delivery_status(*status)) errors.push_back({"status", "is not a delivery status"});
  std::optional<std::string> e164;
  if (phone) e164 = rto::phone::normalize(*phone, app_->config().default_region);
  if (!e164) errors.push_back({"phoneNumber", "is not a valid phone number"});
  if (!errors.empty()) throw rto::BadRequest("the delivery report is incomplete", std::move(errors));
  auto reason = sms::form_value(form, "failureReason");
  if (reason && reason->size() > 200) reason = reason->substr(0, 200);
  bool known = app_->db().transact([&](pqxx::work& tx) {
    return storage::sms_delivery_report(tx, *id, *e164, *status, reason, app_->now());
  });
  if (!known) rto::log::warn("delivery report for an unknown message ignored", {{"status", *status}});
  return Response::json(js::object{{"accepted", known}});
}

}  // namespace support_service
