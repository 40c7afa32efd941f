#include "realtime/hub.hpp"

#include <vector>

#include "rto/log.hpp"

namespace gateway {
namespace rt = realtime;
using rto::ws::SessionPtr;

namespace {
std::uint8_t bit(rt::Channel c) { return static_cast<std::uint8_t>(c); }
std::size_t index(rt::Channel c) { return c == rt::Channel::Vehicles ? 0 : c == rt::Channel::Me ? 1 : 2; }
}  // namespace

Hub::Hub(const rto::auth::Tokens& tokens, prometheus::Registry& registry)
    : tokens_(tokens),
      frames_(prometheus::BuildCounter()
                  .Name("realtime_frames_total")
                  .Help("Event frames queued to WebSocket sessions, by channel")
                  .Register(registry)),
      events_in_(prometheus::BuildCounter()
                     .Name("realtime_events_received_total")
                     .Help("Events the real-time hub received from the broker")
                     .Register(registry)
                     .Add({})) {
  for (auto ch : {Channel::Vehicles, Channel::Me, Channel::Fleet})
    frames_by_channel_[index(ch)] = &frames_.Add({{"channel", std::string(rt::channel_name(ch))}});
}

void Hub::reply(const SessionPtr& s, std::string frame) {
  s->send(std::make_shared<const std::string>(std::move(frame)));
}

void Hub::open(const SessionPtr& s, std::optional<rto::auth::Identity> who) {
  std::unique_lock lk(mu_);
  clients_[s->id()] = Client{s, std::move(who), 0};
}

void Hub::subscribe(std::uint64_t id, Client& c, Channel ch) {
  c.channels |= bit(ch);
  switch (ch) {
    case Channel::Vehicles: vehicles_.insert(id); break;
    case Channel::Fleet: fleet_.insert(id); break;
    case Channel::Me: me_[c.who->subject].insert(id); break;
  }
}

void Hub::unsubscribe(std::uint64_t id, Client& c, Channel ch) {
  if (!(c.channels & bit(ch))) return;
  c.channels &= static_cast<std::uint8_t>(~bit(ch));
  switch (ch) {
    case Channel::Vehicles: vehicles_.erase(id); break;
    case Channel::Fleet: fleet_.erase(id); break;
    case Channel::Me: {
      auto it = me_.find(c.who->subject);
      if (it != me_.end()) {
        it->second.erase(id);
        if (it->second.empty()) me_.erase(it);
      }
      break;
    }
  }
}

void Hub::message(const SessionPtr& s, std::string_view text) {
  auto parsed = rt::parse_client_message(text);
  if (!parsed.message) {
    reply(s, rt::error_frame(parsed.error.code, parsed.error.message));
    return;
  }
  const auto& m = *parsed.message;
  if (m.op == rt::Op::Ping) {
    reply(s, rt::status_frame("pong"));
    return;
  }
  if (m.op == rt::Op::Auth) {
    rto::auth::Identity who;
    try {
      who = tokens_.verify_access(m.token);
    } catch (const std::exception&) {
      reply(s, rt::error_frame("invalid-token", "the access token is not valid or has expired"));
      return;
    }
    std::unique_lock lk(mu_);
    auto it = clients_.find(s->id());
    if (it == clients_.end()) return;
    if (it->second.who && it->second.who->subject != who.subject) {
      lk.unlock();
      reply(s, rt::error_frame("already-authenticated", "this connection is signed in as someone else; reconnect"));
      return;
    }
    it->second.who = who;
    // The new token may carry fewer roles (a demoted officer): channels it may no longer read
    // are closed at once, not when it expires.
    std::vector<Channel> closed;
    for (auto ch : {Channel::Vehicles, Channel::Me, Channel::Fleet})
      if ((it->second.channels & bit(ch)) && rt::may_subscribe(ch, &who) != rt::Permission::Granted) {
        unsubscribe(s->id(), it->second, ch);
        closed.push_back(ch);
      }
    lk.unlock();
    reply(s, rt::authenticated_frame(who));
    for (auto ch : closed) reply(s, rt::status_frame("unsubscribed", ch));
    return;
  }

  std::unique_lock lk(mu_);
  auto it = clients_.find(s->id());
  if (it == clients_.end()) return;
  auto& c = it->second;
  if (m.op == rt::Op::Unsubscribe) {
    unsubscribe(s->id(), c, m.channel);
    lk.unlock();
    reply(s, rt::status_frame("unsubscribed", m.channel));
    return;
  }
  switch (rt::may_subscribe(m.channel, c.who ? &*c.who : nullptr)) {
    case rt::Permission::Granted:
      subscribe(s->id(), c, m.channel);
      lk.unlock();
      reply(s, rt::status_frame("subscribed", m.channel));
      return;
    case rt::Permission::NeedsSignIn:
      lk.unlock();
      reply(s, rt::error_frame("unauthorized",
                               "sign in first: send an Authorization header on connect or {\"op\":\"auth\",\"token\":...}",
                               m.channel));
      return;
    case rt::Permission::Forbidden:
      lk.unlock();
      reply(s, rt::error_frame("forbidden", "this channel is for staff only", m.channel));
      return;
  }
}

void Hub::closed(const SessionPtr& s) {
  std::unique_lock lk(mu_);
  auto it = clients_.find(s->id());
  if (it == clients_.end()) return;
  for (auto ch : {Channel::Vehicles, Channel::Me, Channel::Fleet}) unsubscribe(s->id(), it->second, ch);
  clients_.erase(it);
}

std::size_t Hub::publish(const rto::events::Received& ev) {
  events_in_.Increment();
  auto who = rt::audience_of(ev);
  std::vector<SessionPtr> to_vehicles, to_fleet, to_me;
  {
    std::shared_lock lk(mu_);
    auto collect = [&](const std::unordered_set<std::uint64_t>& ids, std::vector<SessionPtr>& out) {
      out.reserve(ids.size());
      for (auto id : ids)
        if (auto it = clients_.find(id); it != clients_.end()) out.push_back(it->second.session);
    };
    if (who.vehicles) collect(vehicles_, to_vehicles);
    if (who.fleet) collect(fleet_, to_fleet);
    if (!who.customer.empty())
      if (auto it = me_.find(who.customer); it != me_.end()) collect(it->second, to_me);
  }
  auto fan_out = [&](Channel ch, const std::vector<SessionPtr>& to, const boost::json::value& data) {
    if (to.empty()) return;
    auto frame = std::make_shared<const std::string>(rt::event_frame(ch, ev, data));
    for (const auto& s : to) s->send(frame);
    frames_by_channel_[index(ch)]->Increment(static_cast<double>(to.size()));
  };
  if (!to_vehicles.empty()) fan_out(Channel::Vehicles, to_vehicles, rt::public_vehicle_data(ev.data));
  fan_out(Channel::Fleet, to_fleet, ev.data);
  fan_out(Channel::Me, to_me, ev.data);
  return to_vehicles.size() + to_fleet.size() + to_me.size();
}

std::size_t Hub::expire(std::chrono::system_clock::time_point now) {
  std::vector<SessionPtr> expired;
  {
    std::unique_lock lk(mu_);
    for (auto& [id, c] : clients_) {
      if (!c.who || c.who->expires_at > now) continue;
      unsubscribe(id, c, Channel::Me);
      unsubscribe(id, c, Channel::Fleet);
      c.who.reset();
      expired.push_back(c.session);
    }
  }
  for (const auto& s : expired)
    reply(s, rt::error_frame("token-expired",
                             "the access token has expired: private channels were closed; send "
                             "{\"op\":\"auth\",\"token\":...} with a fresh token and subscribe again"));
  return expired.size();
}

std::size_t Hub::sessions() const {
  std::shared_lock lk(mu_);
  return clients_.size();
}

void Hub::close_all(std::uint16_t code, const std::string& reason) {
  std::vector<SessionPtr> all;
  {
    std::shared_lock lk(mu_);
    for (const auto& [id, c] : clients_) all.push_back(c.session);
  }
  for (const auto& s : all) s->close(code, reason);
}

}  // namespace gateway
