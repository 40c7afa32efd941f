#include "domain/realtime.hpp"

namespace gateway::realtime {
namespace js = boost::json;

std::optional<Channel> channel_from(std::string_view name) noexcept {
  if (name == "vehicles") return Channel::Vehicles;
  if (name == "me") return Channel::Me;
  if (name == "fleet") return Channel::Fleet;
  return std::nullopt;
}

std::string_view channel_name(Channel c) noexcept {
  switch (c) {
    case Channel::Vehicles: return "vehicles";
    case Channel::Me: return "me";
    case Channel::Fleet: return "fleet";
  }
  return "unknown";
}

namespace {
Parsed fail(std::string code, std::string message) { return Parsed{std::nullopt, {std::move(code), std::move(message)}}; }

const js::string* string_member(const js::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
}  // namespace

Parsed parse_client_message(std::string_view text) {
  js::error_code ec;
  js::value v = js::parse(text, ec);
  if (ec || !v.is_object()) return fail("bad-message", "send a JSON object such as {\"op\":\"subscribe\",\"channel\":\"vehicles\"}");
  const auto& o = v.as_object();
  const auto* op = string_member(o, "op");
  if (!op) return fail("bad-message", "the field 'op' is required (auth, subscribe, unsubscribe, ping)");
  ClientMessage m;
  if (*op == "ping") {
    m.op = Op::Ping;
    return Parsed{m, {}};
  }
  if (*op == "auth") {
    const auto* token = string_member(o, "token");
    if (!token || token->empty()) return fail("missing-token", "the field 'token' must carry an access token");
    m.op = Op::Auth;
    m.token = std::string(*token);
    return Parsed{m, {}};
  }
  if (*op == "subscribe" || *op == "unsubscribe") {
    const auto* ch = string_member(o, "channel");
    auto c = ch ? channel_from(*ch) : std::nullopt;
    if (!c) return fail("unknown-channel", "the field 'channel' must be one of vehicles, me, fleet");
    m.op = *op == "subscribe" ? Op::Subscribe : Op::Unsubscribe;
    m.channel = *c;
    return Parsed{m, {}};
  }
  return fail("unknown-op", "the field 'op' must be one of auth, subscribe, unsubscribe, ping");
}

Permission may_subscribe(Channel c, const rto::auth::Identity* who) noexcept {
  switch (c) {
    case Channel::Vehicles: return Permission::Granted;
    case Channel::Me: return who ? Permission::Granted : Permission::NeedsSignIn;
    case Channel::Fleet:
      if (!who) return Permission::NeedsSignIn;
      return who->has_any_role({"admin", "credit_officer", "support_agent"}) ? Permission::Granted
                                                                            : Permission::Forbidden;
  }
  return Permission::Forbidden;
}

Audience audience_of(const rto::events::Received& ev) {
  Audience a;
  const std::string_view type = ev.type;
  a.vehicles = type == "vehicle.status.changed" || type == "vehicle.listing.updated";
  a.fleet = starts_with(type, "vehicle.") || starts_with(type, "payment.") || starts_with(type, "telematics.");
  if (const auto* data = ev.data.if_object()) {
    if (const auto* c = string_member(*data, "customer_id"); c && !c->empty()) a.customer = std::string(*c);
    else if (const auto* u = string_member(*data, "user_id"); u && !u->empty()) a.customer = std::string(*u);
  }
  if (a.customer.empty() && starts_with(type, "user.")) a.customer = ev.subject;
  return a;
}

js::object public_vehicle_data(const js::value& data) {
  static constexpr std::string_view kPublic[] = {"vehicle_id", "old_status", "new_status", "price", "old_price",
                                                 "category", "make", "model", "year", "city"};
  js::object out;
  const auto* o = data.if_object();
  if (!o) return out;
  for (auto key : kPublic)
    if (const auto* v = o->if_contains(key)) out[key] = *v;
  return out;
}

std::string event_frame(Channel c, const rto::events::Received& ev, const js::value& data) {
  js::object event{{"id", ev.id}, {"type", ev.type}, {"time", ev.time}, {"subject", ev.subject}, {"data", data}};
  return js::serialize(js::object{{"type", "event"}, {"channel", channel_name(c)}, {"event", std::move(event)}});
}

std::string error_frame(std::string_view code, std::string_view message, std::optional<Channel> c) {
  js::object o{{"type", "error"}, {"code", code}, {"message", message}};
  if (c) o["channel"] = channel_name(*c);
  return js::serialize(o);
}

std::string status_frame(std::string_view type, std::optional<Channel> c) {
  js::object o{{"type", type}};
  if (c) o["channel"] = channel_name(*c);
  return js::serialize(o);
}

std::string authenticated_frame(const rto::auth::Identity& who) {
  js::array roles;
  for (const auto& r : who.roles) roles.emplace_back(r);
  return js::serialize(js::object{{"type", "authenticated"}, {"user_id", who.subject}, {"roles", std::move(roles)}});
}

}  // namespace gateway::realtime
