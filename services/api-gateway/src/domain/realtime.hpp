#pragma once
// The real-time hub's rules, pure: what a client may say, which channel it may join, and which
// event goes to whom in what shape. The hub (realtime/hub.cpp) only applies these.
//
// Client -> hub (text frames, JSON):
//   {"op":"auth","token":"<access token>"}        sign in on an open connection
//   {"op":"subscribe","channel":"vehicles|me|fleet"}  {"op":"unsubscribe","channel":...}
//   {"op":"ping"}
// Hub -> client:
//   {"type":"authenticated","user_id":...}  {"type":"subscribed","channel":...}
//   {"type":"unsubscribed","channel":...}   {"type":"pong"}
//   {"type":"error","code":...,"message":...,"channel"?:...}
//   {"type":"event","channel":...,"event":{"id","type","time","subject","data"}}
//
// Channels:
//   vehicles  anyone: listing status and price changes, projected to public fields only
//   me        signed in: events whose data.customer_id (or data.user_id; for user.* events the
//             subject) is the caller
//   fleet     staff (admin, credit_officer, support_agent): every vehicle.*, payment.* and
//             telematics.* event in full
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rto/auth.hpp"
#include "rto/events.hpp"

namespace gateway::realtime {

enum class Channel : std::uint8_t { Vehicles = 1, Me = 2, Fleet = 4 };
std::optional<Channel> channel_from(std::string_view name) noexcept;
std::string_view channel_name(Channel c) noexcept;

enum class Op { Auth, Subscribe, Unsubscribe, Ping };

struct ClientMessage {
  Op op = Op::Ping;
  Channel channel = Channel::Vehicles;  // for (un)subscribe
  std::string token;                    // for auth
};

struct ParseError {
  std::string code;     // bad-message, unknown-op, unknown-channel, missing-token
  std::string message;  // plain words for the client
};

struct Parsed {
  std::optional<ClientMessage> message;
  ParseError error;  // set when message is empty
};

// Never throws: any input yields a message or an error to send back.
Parsed parse_client_message(std::string_view text);

enum class Permission { Granted, NeedsSignIn, Forbidden };
Permission may_subscribe(Channel c, const rto::auth::Identity* who) noexcept;

// Where one event goes.
struct Audience {
  bool vehicles = false;
  bool fleet = false;
  std::string customer;  // user id for the `me` channel; empty = nobody
};
Audience audience_of(const rto::events::Received& ev);

// The public shape of a listing event (no customer ids, reasons or other internals).
boost::json::object public_vehicle_data(const boost::json::value& data);

// Serialised frames (built once per event and channel, then shared by every recipient).
std::string event_frame(Channel c, const rto::events::Received& ev, const boost::json::value& data);
std::string error_frame(std::string_view code, std::string_view message, std::optional<Channel> c = std::nullopt);
std::string status_frame(std::string_view type, std::optional<Channel> c = std::nullopt);
std::string authenticated_frame(const rto::auth::Identity& who);

}  // namespace gateway::realtime
