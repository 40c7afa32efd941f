#pragma once
// A thin synchronous RabbitMQ client over rabbitmq-c (one connection, one channel).
// Not thread-safe: each thread owns its own Connection. Connections ask for 30 s heartbeats, so
// a half-open connection (a broker gone silent) is noticed: any call that reads from the broker
// (next, wait_for_confirms, pump) then throws MqError. Messages are published mandatory: one
// no queue takes comes back (take_returned) instead of being dropped.
#include <deque>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rto::mq {

class MqError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Message {
  std::string routing_key;
  std::string exchange;
  std::string body;
  std::string message_id;
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  std::int64_t attempt = 1;  // from the x-attempt header the platform sets on retries
};

// A mandatory message the broker could not route to any queue (basic.return).
struct Returned {
  std::string exchange, routing_key, reply_text, body, message_id;
};

inline constexpr std::chrono::seconds kHeartbeat{30};

class Connection {
 public:
  explicit Connection(std::string_view url, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void declare_exchange(std::string_view name, std::string_view type = "topic");
  // durable queue; dead_letter_exchange empty = none; quorum: a replicated quorum queue (a
  // queue's type is fixed when it is first declared: declaring it again as the other type fails)
  void declare_queue(std::string_view name, std::string_view dead_letter_exchange = "",
                     std::string_view dead_letter_key = "", std::int64_t max_length = 0, bool quorum = false);
  // A server-named, exclusive, auto-deleted queue (gone with this connection); returns its name.
  std::string declare_private_queue();
  void bind(std::string_view queue, std::string_view exchange, std::string_view key);
  void purge(std::string_view queue);
  void delete_queue(std::string_view queue);
  void delete_exchange(std::string_view name);

  void enable_confirms();
  // Persistent message; with confirms on, waits for the broker's ack and throws on nack/timeout.
  void publish(std::string_view exchange, std::string_view key, std::string_view body,
               std::string_view message_id = "", std::int64_t attempt = 0);
  // As publish, without waiting for the ack: send several, then wait_for_confirms() once.
  void publish_unconfirmed(std::string_view exchange, std::string_view key, std::string_view body,
                           std::string_view message_id = "", std::int64_t attempt = 0);
  // With confirms on, waits until the broker has acked everything published so far; throws
  // on a nack or timeout. Returns at once without confirms. Messages no queue took were
  // returned before their ack: see take_returned().
  void wait_for_confirms();
  // The messages returned as unroutable since the last call.
  std::vector<Returned> take_returned();
  // Sends a heartbeat when one is due and reads what the broker sent meanwhile, without
  // waiting: an idle publisher calls it so the connection stays alive, and so a broker gone
  // silent is noticed (throws MqError).
  void pump();
  // The heartbeat interval agreed with the broker (zero: none).
  std::chrono::seconds heartbeat() const;

  void qos(std::uint16_t prefetch);
  void consume(std::string_view queue, bool auto_ack = false);  // manual ack unless auto_ack
  // Next delivery (deliveries read while waiting for confirms first), or nullopt after
  // `timeout`. Throws MqError when the connection is lost.
  std::optional<Message> next(std::chrono::milliseconds timeout);
  // multiple: every unacknowledged delivery up to and including tag.
  void ack(std::uint64_t tag, bool multiple = false);
  void reject(std::uint64_t tag, bool requeue);
  // Fetch one message without a consumer (tests); auto-ack.
  std::optional<Message> get(std::string_view queue);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rto::mq
