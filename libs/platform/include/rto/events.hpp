#pragma once
// Events: the transactional outbox, its relay to RabbitMQ, and an idempotent consumer.
// Envelope: CloudEvents 1.0 JSON. Exchange: topic, durable. Routing key = event type,
// "<service>.<entity>.<verb>" in the past tense.
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <pqxx/pqxx>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "rto/db.hpp"

namespace rto::events {

struct Event {
  std::string type;     // routing key, e.g. "user.account.registered"
  std::string subject;  // the entity id the event is about
  boost::json::object data;
};

// Writes the event into the outbox in the caller's transaction. It is published only if
// that transaction commits. Returns the event id.
std::string enqueue(pqxx::transaction_base& tx, std::string_view source, const Event& e);
// Writes several events, in order, with one statement (and one wake-up of the relay).
// Returns their ids in the same order.
std::vector<std::string> enqueue_all(pqxx::transaction_base& tx, std::string_view source,
                                     const std::vector<Event>& events);

struct BrokerConfig {
  std::string url;       // amqp://user:pass@host:port/vhost
  std::string exchange;  // topic exchange name
  // The durable queues (consumers', dead letters, parked events) as quorum queues, replicated
  // across a RabbitMQ cluster (MQ_QUEUE_TYPE=quorum); private queues stay classic.
  bool quorum_queues = false;
};

// Publishes committed outbox rows with publisher confirms and marks them sent. Survives a
// broker outage: it reconnects with back-off and sends what accumulated. Safe with several
// replicas (rows are claimed with FOR UPDATE SKIP LOCKED). Events are published mandatory: one
// that no queue is bound to take comes back and is parked, confirmed, in the queue
// `<exchange>.unroutable` (kept, newest 100,000) before its row is marked sent — never dropped
// unseen. While idle, the relay keeps its connection's heartbeats going, so a broker gone
// silent is noticed within a minute.
class OutboxRelay {
 public:
  OutboxRelay(db::Pool& pool, BrokerConfig broker, std::string source);
  ~OutboxRelay();
  void start();
  void stop();
  // Publishes what is pending right now; returns how many were sent. Used by start()'s loop
  // and by tests. Throws on broker failure.
  int flush_once();
  std::int64_t pending() const noexcept { return pending_.load(); }
  // Events no queue took, parked in <exchange>.unroutable since the process started.
  std::int64_t unroutable() const noexcept { return unroutable_.load(); }
  bool connected() const noexcept { return connected_.load(); }
  void wake() noexcept;
  static std::string parking_queue(const std::string& exchange) { return exchange + ".unroutable"; }

 private:
  static constexpr std::int64_t kParkedMax = 100'000;
  void park_returned();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  db::Pool& pool_;
  std::atomic<std::int64_t> pending_{0};
  std::atomic<std::int64_t> unroutable_{0};
  std::atomic<bool> connected_{false};
};

struct Received {
  std::string id;
  std::string type;
  std::string source;
  std::string subject;
  std::string time;
  boost::json::value data;
  int attempt = 1;  // delivery attempt (1 = first)
};

// Handles one event inside the consumer's database transaction (the same transaction that
// records the event id as processed). Throw to have it retried; after max_attempts it goes to
// the dead-letter queue "<queue>.dlq".
using EventHandler = std::function<void(pqxx::work&, const Received&)>;
// Handles several events, in delivery order, inside one transaction (the same that records them
// as processed). Events already processed, and a second copy of one in the same batch, are left
// out before the handler sees them. Throw to have the batch handled again one event at a time.
using BatchHandler = std::function<void(pqxx::work&, std::span<const Received>)>;

struct ConsumerOptions {
  std::string queue;                  // durable queue, usually "<service>.events"
  std::vector<std::string> bindings;  // routing key patterns, e.g. "payment.plan.*"
  int max_attempts = 5;
  std::chrono::milliseconds retry_delay{1000};
  int prefetch = 16;
  // At most this many deliveries in one transaction: those already received when the first is
  // taken (the consumer never waits to fill a batch), so a quiet queue is handled one event at a
  // time and a burst in batches. A batch whose handler throws is rolled back and its events
  // handled again one at a time, each with its own retries and dead-lettering. Raise prefetch
  // with it.
  int batch = 1;
};

class Consumer {
 public:
  Consumer(db::Pool& pool, BrokerConfig broker, ConsumerOptions opts, EventHandler handler);
  Consumer(db::Pool& pool, BrokerConfig broker, ConsumerOptions opts, BatchHandler handler);
  ~Consumer();
  void start();  // background thread; reconnects with back-off
  void stop();
  bool connected() const noexcept { return connected_.load(); }
  std::int64_t handled() const noexcept { return handled_.load(); }
  std::int64_t dead_lettered() const noexcept { return dead_.load(); }
  // Transactions that handled more than one event, and batches that failed and were handled
  // again one event at a time.
  std::int64_t batches() const noexcept { return batches_.load(); }
  std::int64_t batches_split() const noexcept { return split_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> connected_{false};
  std::atomic<std::int64_t> handled_{0};
  std::atomic<std::int64_t> batches_{0};
  std::atomic<std::int64_t> split_{0};
  std::atomic<std::int64_t> dead_{0};
};

// Receives events without a database: a server-named, exclusive, auto-deleted queue bound to
// the exchange, so nothing piles up while the process is down and each replica gets its own
// copy. Best effort by design (for real-time push): a handler failure is logged, not retried.
// The handler runs on the subscriber's thread.
using SubscriberHandler = std::function<void(const Received&)>;

struct SubscriberOptions {
  std::vector<std::string> bindings = {"#"};  // routing key patterns
  std::string name = "subscriber";             // for logs
};

class Subscriber {
 public:
  Subscriber(BrokerConfig broker, SubscriberOptions opts, SubscriberHandler handler);
  ~Subscriber();
  void start();  // background thread; reconnects with back-off
  void stop();
  bool connected() const noexcept { return connected_.load(); }
  std::int64_t received() const noexcept { return received_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> connected_{false};
  std::atomic<std::int64_t> received_{0};
};

// Builds the CloudEvents 1.0 envelope (used by enqueue and tests).
boost::json::object envelope(std::string_view id, std::string_view source, const Event& e, std::string_view time_rfc3339);
// Parses an envelope; throws rto::Error (BadRequest) when it is not a CloudEvent.
Received parse_envelope(std::string_view body);

}  // namespace rto::events
