#pragma once
// The real-time hub: WebSocket sessions, their channels, and the fan-out of broker events.
// Sessions come from the platform's WebSocket endpoint (callbacks on I/O threads); events come
// from an event subscriber thread. Each event becomes at most one frame per channel, shared by
// every recipient (the sessions' bounded queues hold pointers to it).
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "domain/realtime.hpp"
#include "rto/auth.hpp"
#include "rto/events.hpp"
#include "rto/websocket.hpp"

namespace gateway {

class Hub {
 public:
  Hub(const rto::auth::Tokens& tokens, prometheus::Registry& registry);

  void open(const rto::ws::SessionPtr& s, std::optional<rto::auth::Identity> who);
  void message(const rto::ws::SessionPtr& s, std::string_view text);
  void closed(const rto::ws::SessionPtr& s);
  // Fans one event out; returns how many sessions it was queued for.
  std::size_t publish(const rto::events::Received& ev);

  // Signs out every session whose access token has expired by `now`: its private channels
  // (me, fleet) are dropped and it is told so with a `token-expired` error frame. The
  // connection stays open for public channels; the client may send {"op":"auth"} with a fresh
  // token and subscribe again. Returns how many sessions were signed out.
  std::size_t expire(std::chrono::system_clock::time_point now);

  std::size_t sessions() const;
  // Closes every session (shutdown).
  void close_all(std::uint16_t code, const std::string& reason);

 private:
  struct Client {
    rto::ws::SessionPtr session;
    std::optional<rto::auth::Identity> who;
    std::uint8_t channels = 0;
  };
  using Channel = realtime::Channel;

  void reply(const rto::ws::SessionPtr& s, std::string frame);
  void subscribe(std::uint64_t id, Client& c, Channel ch);    // caller holds mu_ exclusively
  void unsubscribe(std::uint64_t id, Client& c, Channel ch);  // caller holds mu_ exclusively

  const rto::auth::Tokens& tokens_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::uint64_t, Client> clients_;
  std::unordered_set<std::uint64_t> vehicles_, fleet_;
  std::unordered_map<std::string, std::unordered_set<std::uint64_t>> me_;  // user id -> sessions

  prometheus::Family<prometheus::Counter>& frames_;
  prometheus::Counter* frames_by_channel_[3];  // vehicles, me, fleet (resolved once)
  prometheus::Counter& events_in_;
};

}  // namespace gateway
