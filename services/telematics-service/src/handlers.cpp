#include "handlers.hpp"

#include <algorithm>
#include <cmath>
#include <rto/request_body.hpp>
#include <rto/auth.hpp>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/log.hpp>
#include <rto/phone.hpp>

#include "access.hpp"
#include "app.hpp"
#include "params.hpp"
#include "domain/batch.hpp"
#include "domain/osmand.hpp"
#include "domain/tracker.hpp"
#include "storage/storage.hpp"

namespace telematics {
namespace js = boost::json;
using rto::http::Request;
using rto::http::Response;

namespace {

js::value time_or_null(const std::optional<TimePoint>& t) { return t ? js::value(rto::to_rfc3339(*t)) : js::value(nullptr); }
template <class T>
js::value or_null(const std::optional<T>& v) {
  return v ? js::value(*v) : js::value(nullptr);
}

js::object tracker_json(const storage::Tracker& t) {
  return js::object{{"id", t.id},
                    {"imei", t.imei},
                    {"protocol", t.protocol},
                    {"phone", t.phone},
                    {"model", t.model},
                    {"firmware", or_null(t.firmware)},
                    {"vehicle_id", or_null(t.vehicle_id)},
                    {"created_at", rto::to_rfc3339(t.created_at)}};
}

js::object latest_json(const storage::Latest& l) {
  js::object o{{"vehicle_id", or_null(l.vehicle_id)},
               {"tracker_id", l.tracker_id},
               {"online", l.online},
               {"last_seen_at", rto::to_rfc3339(l.last_seen_at)},
               {"device_time", time_or_null(l.device_time)},
               {"ignition", or_null(l.ignition)},
               {"battery_percent", or_null(l.battery_percent)},
               {"external_voltage", or_null(l.external_voltage)},
               {"engine_cut", or_null(l.oil_cut)}};
  if (l.lat && l.lon) {
    o["position"] = js::object{{"lat", *l.lat}, {"lon", *l.lon}};
    o["speed_kmh"] = l.speed_kmh.value_or(0);
    o["course"] = l.course.value_or(0);
    o["moving"] = l.speed_kmh.value_or(0) >= 5;
  } else {
    o["position"] = nullptr;
  }
  return o;
}

std::string reason_of(const Request& req) {
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto reason = r.string("reason", true, 3, 500);
  r.reject_unknown({"reason"});
  r.finish();
  return *reason;
}

}  // namespace

// ---- trackers -----------------------------------------------------------------------------------

Response Handlers::create_tracker(Request& req) {
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto imei = r.string("imei", true, 1, 32);
  auto protocol = r.one_of("protocol", true, {"gt06", "teltonika", "osmand", "http"});
  auto phone = r.string("phone", true, 1, 32);
  auto model = r.string("model", true, 1, 80);
  auto firmware = r.string("firmware", false, 1, 80);
  r.reject_unknown({"imei", "protocol", "phone", "model", "firmware"});
  if (imei && !valid_imei(*imei)) r.fail("imei", "must be 15 digits with a valid Luhn check digit");
  std::optional<std::string> e164;
  if (phone) {
    e164 = rto::phone::normalize(*phone, "UG");
    if (!e164) r.fail("phone", "must be a valid phone number in E.164 form, e.g. +256772123456");
  }
  r.finish();
  storage::Tracker t;
  t.id = rto::crypto::uuid_v4();
  t.imei = *imei;
  t.protocol = *protocol;
  t.phone = *e164;
  t.model = *model;
  t.firmware = firmware;
  t.created_at = app_->now();
  app_->db().transact([&](pqxx::work& tx) { storage::insert_tracker(tx, t); });
  rto::log::info("tracker registered", {{"tracker_id", t.id}, {"protocol", t.protocol}, {"by", actor_of(req)}});
  auto res = Response::json(201, tracker_json(t));
  res.headers.set("Location", "/api/v1/telematics/trackers/" + t.id);
  return res;
}

Response Handlers::list_trackers(Request& req) {
  const int limit = limit_param(req);
  std::string after(req.query_param("after").value_or(""));
  if (after.size() > 15) throw rto::BadField("after", "must be an IMEI");
  auto items = app_->db().query([&](pqxx::nontransaction& tx) { return storage::list_trackers(tx, after, limit + 1); });
  const bool more = static_cast<int>(items.size()) > limit;
  if (more) items.resize(static_cast<std::size_t>(limit));
  js::array arr;
  for (const auto& t : items) arr.push_back(tracker_json(t));
  return Response::json(js::object{{"items", std::move(arr)},
                                   {"next_cursor", more ? js::value(items.back().imei) : js::value(nullptr)}});
}

Response Handlers::get_tracker(Request& req) {
  auto id = path_uuid(req, "tracker");
  return app_->db().read([&](pqxx::read_transaction& tx) {
    auto t = storage::tracker_by_id(tx, id);
    if (!t) throw rto::NotFound("no tracker with this id");
    auto o = tracker_json(*t);
    js::array history;
    for (const auto& i : storage::install_history(tx, id))
      history.push_back(js::object{{"vehicle_id", i.vehicle_id},
                                   {"installed_at", rto::to_rfc3339(i.installed_at)},
                                   {"installed_by", i.installed_by},
                                   {"removed_at", time_or_null(i.removed_at)},
                                   {"removed_by", or_null(i.removed_by)}});
    o["installations"] = std::move(history);
    if (auto d = storage::device_token_of(tx, id))
      o["device_token"] = js::object{{"created_at", rto::to_rfc3339(d->created_at)},
                                     {"created_by", d->created_by},
                                     {"last_used_at", time_or_null(d->last_used_at)}};
    else
      o["device_token"] = nullptr;
    return Response::json(o);
  });
}

Response Handlers::update_tracker(Request& req) {
  auto id = path_uuid(req, "tracker");
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto protocol = r.one_of("protocol", false, {"gt06", "teltonika", "osmand", "http"});
  auto phone = r.string("phone", false, 1, 32);
  auto model = r.string("model", false, 1, 80);
  const bool firmware_given = body.contains("firmware");
  std::optional<std::string> firmware;
  if (firmware_given && !body.at("firmware").is_null()) firmware = r.string("firmware", false, 1, 80);
  r.reject_unknown({"protocol", "phone", "model", "firmware"});
  std::optional<std::string> e164;
  if (phone) {
    e164 = rto::phone::normalize(*phone, "UG");
    if (!e164) r.fail("phone", "must be a valid phone number in E.164 form, e.g. +256772123456");
  }
  r.finish();
  auto t = app_->db().transact([&](pqxx::work& tx) {
    auto t = storage::tracker_by_id(tx, id, true);
    if (!t) throw rto::NotFound("no tracker with this id");
    if (protocol && *protocol != t->protocol && t->vehicle_id)
      throw rto::Conflict("the protocol of an installed tracker cannot change; remove it first",
                          {{"protocol", "tracker installed"}})
          .with_code("tracker-installed");
    if (protocol) t->protocol = *protocol;
    if (e164) t->phone = *e164;
    if (model) t->model = *model;
    if (firmware_given) t->firmware = firmware;
    storage::update_tracker(tx, *t, actor_of(req), app_->now());
    return *t;
  });
  app_->forget_device(t.imei);
  rto::log::info("tracker updated", {{"tracker_id", id}, {"by", actor_of(req)}});
  return Response::json(tracker_json(t));
}

Response Handlers::delete_tracker(Request& req) {
  auto id = path_uuid(req, "tracker");
  app_->db().transact([&](pqxx::work& tx) {
    auto t = storage::tracker_by_id(tx, id, true);
    if (!t) throw rto::NotFound("no tracker with this id");
    if (!storage::delete_tracker(tx, id))
      throw rto::Conflict("a tracker that was ever installed keeps its history; remove it from its vehicle instead")
          .with_code("tracker-has-history");
  });
  rto::log::info("tracker deleted", {{"tracker_id", id}, {"by", actor_of(req)}});
  return Response::no_content();
}

Response Handlers::install_tracker(Request& req) {
  auto id = path_uuid(req, "tracker");
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto vehicle = r.string("vehicle_id", true, 1, 64);
  r.reject_unknown({"vehicle_id"});
  std::optional<std::string> vehicle_id;
  if (vehicle) {
    vehicle_id = canonical_uuid(*vehicle);
    if (!vehicle_id) r.fail("vehicle_id", "must be a vehicle id (UUID)");
  }
  r.finish();
  // Asked before the transaction: no database connection is held while the neighbour answers.
  if (!app_->vehicle_exists(*vehicle_id))
    throw rto::BadField("vehicle_id", "no vehicle with this id in the vehicle service");
  auto t = app_->db().transact([&](pqxx::work& tx) {
    auto t = storage::tracker_by_id(tx, id, true);
    if (!t) throw rto::NotFound("no tracker with this id");
    if (t->vehicle_id && *t->vehicle_id == *vehicle_id) return *t;  // already there
    if (t->vehicle_id)
      throw rto::Conflict("the tracker is installed on another vehicle; remove it first", {{"vehicle_id", "tracker already installed"}})
          .with_code("tracker-installed");
    storage::install(tx, id, *vehicle_id, actor_of(req), app_->now());
    t->vehicle_id = vehicle_id;
    return *t;
  });
  app_->forget_device(t.imei);
  rto::log::info("tracker installed", {{"tracker_id", id}, {"vehicle_id", *vehicle_id}, {"by", actor_of(req)}});
  return Response::json(tracker_json(t));
}

Response Handlers::remove_tracker(Request& req) {
  auto id = path_uuid(req, "tracker");
  auto t = app_->db().transact([&](pqxx::work& tx) {
    auto t = storage::tracker_by_id(tx, id, true);
    if (!t) throw rto::NotFound("no tracker with this id");
    if (!t->vehicle_id) throw rto::Conflict("the tracker is not installed on a vehicle").with_code("tracker-not-installed");
    storage::remove(tx, id, actor_of(req), app_->now());
    t->vehicle_id.reset();
    return *t;
  });
  app_->forget_device(t.imei);
  rto::log::info("tracker removed", {{"tracker_id", id}, {"by", actor_of(req)}});
  return Response::json(tracker_json(t));
}

// ---- vehicles -----------------------------------------------------------------------------------

Response Handlers::vehicle_position(Request& req) {
  auto vehicle = path_uuid(req, "vehicle");
  return app_->db().read([&](pqxx::read_transaction& tx) {
    require_viewer(req, tx, vehicle);
    auto l = storage::latest_of_vehicle(tx, vehicle);
    if (!l) throw rto::NotFound("no position for this vehicle yet");
    auto o = latest_json(*l);
    o["vehicle_id"] = vehicle;
    o["odometer_km"] = std::round(storage::odometer_m(tx, vehicle) / 100.0) / 10.0;
    if (auto lock = storage::lock_of(tx, vehicle)) o["lock_state"] = std::string(to_string(lock->state));
    else o["lock_state"] = "unlocked";
    return Response::json(o);
  });
}

Response Handlers::vehicle_track(Request& req) {
  auto vehicle = path_uuid(req, "vehicle");
  const auto now = app_->now();
  const auto to = time_param(req, "to", now);
  const auto from = time_param(req, "from", to - std::chrono::hours(24));
  if (from >= to) throw rto::BadField("from", "must be before 'to'");
  if (to - from > std::chrono::hours(24 * 31)) throw rto::BadField("from", "the period may be at most 31 days");
  const int cap = app_->config().track_max_points;
  return app_->db().read([&](pqxx::read_transaction& tx) {
    require_viewer(req, tx, vehicle);
    auto points = storage::track(tx, vehicle, from, to, cap + 1);
    const bool truncated = static_cast<int>(points.size()) > cap;
    if (truncated) points.resize(static_cast<std::size_t>(cap));
    js::array coords, times;
    for (const auto& p : points) {
      coords.push_back(js::array{p.lon, p.lat});
      times.push_back(js::value(rto::to_rfc3339(p.time)));
    }
    js::object feature{{"type", "Feature"},
                       {"geometry", js::object{{"type", "LineString"}, {"coordinates", std::move(coords)}}},
                       {"properties", js::object{{"vehicle_id", vehicle},
                                                 {"from", rto::to_rfc3339(from)},
                                                 {"to", rto::to_rfc3339(to)},
                                                 {"points", static_cast<std::int64_t>(points.size())},
                                                 {"truncated", truncated},
                                                 {"times", std::move(times)}}}};
    return Response::json(feature);
  });
}

Response Handlers::vehicle_lock(Request& req) {
  auto vehicle = path_uuid(req, "vehicle");
  return app_->db().read([&](pqxx::read_transaction& tx) {
    require_viewer(req, tx, vehicle);
    auto lock = storage::lock_of(tx, vehicle);
    js::object o{{"vehicle_id", vehicle},
                 {"state", lock ? std::string(to_string(lock->state)) : "unlocked"},
                 {"plan_id", lock ? or_null(lock->plan_id) : js::value(nullptr)},
                 {"pending_since", lock ? time_or_null(lock->pending_since) : js::value(nullptr)},
                 {"waiting_for", lock ? or_null(lock->wait_reason) : js::value(nullptr)}};
    if (sees_fleet(req)) {
      js::array history, commands;
      for (const auto& a : storage::audit_of(tx, vehicle))
        history.push_back(js::object{{"step", a.step},
                                     {"reason", a.reason},
                                     {"actor", a.actor},
                                     {"command_id", or_null(a.command_id)},
                                     {"at", rto::to_rfc3339(a.at)}});
      for (const auto& c : storage::commands_of(tx, vehicle))
        commands.push_back(js::object{{"id", c.id},
                                      {"kind", c.kind},
                                      {"status", c.status},
                                      {"attempts", c.attempts},
                                      {"created_at", rto::to_rfc3339(c.created_at)},
                                      {"sent_at", time_or_null(c.sent_at)},
                                      {"answered_at", time_or_null(c.answered_at)}});
      o["history"] = std::move(history);
      o["commands"] = std::move(commands);
    }
    return Response::json(o);
  });
}

Response Handlers::lock_vehicle(Request& req) {
  auto vehicle = path_uuid(req, "vehicle");
  auto reason = reason_of(req);
  app_->db().transact([&](pqxx::work& tx) { app_->request_lock(tx, vehicle, std::nullopt, "staff: " + reason, actor_of(req)); });
  rto::log::info("lock requested by staff", {{"vehicle_id", vehicle}, {"by", actor_of(req)}});
  app_->advance_lock(vehicle);
  return vehicle_lock(req);
}

Response Handlers::unlock_vehicle(Request& req) {
  auto vehicle = path_uuid(req, "vehicle");
  auto reason = reason_of(req);
  auto tracker = app_->db().transact(
      [&](pqxx::work& tx) { return app_->release_lock(tx, vehicle, "staff: " + reason, actor_of(req)); });
  rto::log::info("unlock requested by staff", {{"vehicle_id", vehicle}, {"by", actor_of(req)}});
  if (tracker) app_->dispatch_commands(*tracker);
  return vehicle_lock(req);
}

// ---- devices over HTTP (the batch API) -----------------------------------------------------------

Response Handlers::issue_device_token(Request& req) {
  auto id = path_uuid(req, "tracker");
  auto t = app_->db().read([&](pqxx::read_transaction& tx) { return storage::tracker_by_id(tx, id); });
  if (!t) throw rto::NotFound("no tracker with this id");
  if (t->protocol != "http")
    throw rto::Conflict("device tokens are for trackers of protocol http (integrations that post batches)",
                        {{"protocol", "must be http"}})
        .with_code("not-an-http-tracker");
  auto token = app_->issue_device_token(id, actor_of(req));
  rto::log::info("device token issued", {{"tracker_id", id}, {"by", actor_of(req)}});
  auto res = Response::json(201, js::object{{"tracker_id", id},
                                            {"token", token},
                                            {"note", "shown once: only its hash is kept; issuing another replaces it"}});
  res.headers.set("Cache-Control", "no-store");
  return res;
}

namespace {
storage::Tracker device_of(App& app, const Request& req) {
  auto token = rto::auth::bearer_token(req.header("Authorization").value_or(""));
  if (token.empty())
    throw rto::Unauthorized("send the tracker's device token as 'Authorization: Bearer dt_…'").with_header("WWW-Authenticate", "Bearer");
  auto t = app.authenticate_device(token);
  if (!t)
    throw rto::Unauthorized("the device token is not valid").with_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  if (!t->vehicle_id) throw rto::Conflict("the tracker is not installed on a vehicle").with_code("tracker-not-installed");
  return *t;
}
}  // namespace

Response Handlers::post_positions(Request& req) {
  auto tracker = device_of(*app_, req);
  batch::Parsed parsed;
  try {
    parsed = batch::parse(req.body, app_->now(), app_->config().batch_max_positions);
  } catch (const DecodeError& e) {
    throw rto::BadField(e.field(), e.message());
  }
  const auto accepted = parsed.fixes.size();
  std::size_t stored = 0;
  if (accepted > 0) {  // written before the answer: an acknowledged position is kept
    Report r;
    r.tracker_id = tracker.id;
    r.protocol = "http";
    r.fixes = std::move(parsed.fixes);
    std::vector<Report> reports;
    reports.push_back(std::move(r));
    stored = app_->ingest(std::move(reports));
  }
  if (accepted == 0) {  // nothing to keep: a problem naming every refused position (the first 100)
    std::vector<rto::FieldError> fields;
    for (const auto& x : parsed.refused) {
      if (fields.size() == 100) break;
      fields.push_back({x.field, x.reason});
    }
    throw rto::Unprocessable("no position in the batch could be kept", std::move(fields));
  }
  js::array refused;
  for (const auto& x : parsed.refused)
    refused.push_back(js::object{{"index", static_cast<std::int64_t>(x.index)}, {"field", x.field}, {"reason", x.reason}});
  return Response::json(200,
                        js::object{{"received", static_cast<std::int64_t>(parsed.received)},
                                   {"accepted", static_cast<std::int64_t>(accepted)},
                                   {"stored", static_cast<std::int64_t>(stored)},
                                   {"duplicates", static_cast<std::int64_t>(accepted - stored)},
                                   {"refused", std::move(refused)}});
}

Response Handlers::device_commands(Request& req) {
  auto tracker = device_of(*app_, req);
  js::array items;
  for (const auto& c : app_->fetch_commands(tracker))
    items.push_back(js::object{{"id", c.id},
                               {"kind", c.kind},
                               {"command", c.kind == "lock" ? "engine_stop" : "engine_resume"},
                               {"vehicle_id", c.vehicle_id}});
  return Response::json(js::object{{"items", std::move(items)}});
}

Response Handlers::device_command_result(Request& req) {
  auto tracker = device_of(*app_, req);
  std::int64_t id = 0;
  {
    const auto text = std::string(req.param("id"));
    try {
      std::size_t used = 0;
      id = std::stoll(text, &used);
      if (used != text.size() || id <= 0) id = 0;
    } catch (const std::exception&) {
      id = 0;
    }
  }
  auto body = rto::http::json_body(req);
  rto::json::Reader r(body);
  auto status = r.one_of("status", true, {"done", "failed"});
  auto message = r.string("message", false, 0, 500);
  r.reject_unknown({"status", "message"});
  r.finish();
  auto c = id == 0 ? std::nullopt : app_->db().transact([&](pqxx::work& tx) {
    auto cmd = storage::command_for_update(tx, id);
    return cmd && cmd->tracker_id == tracker.id ? cmd : std::nullopt;
  });
  if (!c) throw rto::NotFound("no command with this id for this device");
  // The state machine reads "fail"/"error" in a device's answer as a refusal.
  const std::string text = *status == "failed" ? "failed: " + message.value_or("") : message.value_or("done");
  app_->on_command_reply(id, text);
  return Response::no_content();
}

// ---- the fleet ----------------------------------------------------------------------------------

Response Handlers::fleet(Request& req) {
  const int limit = limit_param(req);
  std::string status(req.query_param("status").value_or(""));
  static const std::vector<std::string> statuses = {"", "online", "offline", "moving", "locked", "lock_pending", "lock_failed"};
  if (std::find(statuses.begin(), statuses.end(), status) == statuses.end())
    throw rto::BadField("status", "must be one of online, offline, moving, locked, lock_pending, lock_failed");
  std::string after;
  if (auto a = req.query_param("after"); a && !a->empty()) {
    auto id = canonical_uuid(*a);
    if (!id) throw rto::BadField("after", "must be the next_cursor of the previous page");
    after = *id;
  }
  const double moving = app_->config().lock_rules.max_speed_kmh;
  return app_->db().read([&](pqxx::read_transaction& tx) {
    auto counts = storage::fleet_counts(tx, moving);
    auto items = storage::fleet_page(tx, status, moving, after, limit + 1);
    const bool more = static_cast<int>(items.size()) > limit;
    if (more) items.resize(static_cast<std::size_t>(limit));
    js::array arr;
    for (const auto& v : items) {
      js::object o{{"vehicle_id", v.vehicle_id},
                   {"tracker_id", v.tracker_id},
                   {"protocol", v.protocol},
                   {"online", v.online},
                   {"last_seen_at", time_or_null(v.last_seen_at)},
                   {"device_time", time_or_null(v.device_time)},
                   {"ignition", or_null(v.ignition)},
                   {"battery_percent", or_null(v.battery_percent)},
                   {"lock_state", v.lock_state},
                   {"plan_id", or_null(v.plan_id)},
                   {"plan_status", or_null(v.plan_status)}};
      if (v.lat && v.lon) {
        o["position"] = js::object{{"lat", *v.lat}, {"lon", *v.lon}};
        o["speed_kmh"] = v.speed_kmh.value_or(0);
        o["course"] = v.course.value_or(0);
        o["moving"] = v.online && v.speed_kmh.value_or(0) >= moving;
      } else {
        o["position"] = nullptr;
        o["moving"] = false;
      }
      arr.push_back(std::move(o));
    }
    js::object c{{"installed", counts.installed}, {"online", counts.online},       {"offline", counts.offline},
                 {"moving", counts.moving},       {"locked", counts.locked},       {"lock_pending", counts.lock_pending},
                 {"lock_failed", counts.lock_failed}};
    return Response::json(js::object{{"counts", std::move(c)},
                                     {"items", std::move(arr)},
                                     {"next_cursor", more ? js::value(items.back().vehicle_id) : js::value(nullptr)}});
  });
}

}  // namespace telematics
