#include "rto/events.hpp"
#include <algorithm>
#include <span>

#include <map>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "rto/clock.hpp"
#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/log.hpp"
#include "rto/mq.hpp"

namespace rto::events {
namespace js = boost::json;

namespace {
constexpr const char* kNotifyChannel = "rto_outbox";

// Sleeps up to `d` unless stop is requested; returns false when stopping.
class Stopper {
 public:
  bool sleep(std::chrono::milliseconds d) {
    std::unique_lock lk(mu_);
    return !cv_.wait_for(lk, d, [&] { return stop_; });
  }
  void stop() {
    {
      std::lock_guard lk(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
  void reset() {
    std::lock_guard lk(mu_);
    stop_ = false;
  }
  bool stopping() {
    std::lock_guard lk(mu_);
    return stop_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

std::chrono::milliseconds backoff(int failures) {
  auto ms = 200LL << std::min(failures, 5);  // 200 ms … 6.4 s
  return std::chrono::milliseconds(std::min<long long>(ms, 5000));
}
}  // namespace

js::object envelope(std::string_view id, std::string_view source, const Event& e, std::string_view time) {
  return js::object{{"specversion", "1.0"}, {"id", id},       {"source", source},
                    {"type", e.type},       {"subject", e.subject}, {"time", time},
                    {"datacontenttype", "application/json"}, {"data", e.data}};
}

std::string enqueue(pqxx::transaction_base& tx, std::string_view source, const Event& e) {
  auto id = crypto::uuid_v4();
  auto env = js::serialize(envelope(id, source, e, to_rfc3339(std::chrono::system_clock::now())));
  tx.exec_params("INSERT INTO outbox (id, type, subject, envelope) VALUES ($1, $2, $3, $4)", id, e.type, e.subject, env);
  tx.exec(std::string("NOTIFY ") + kNotifyChannel);  // delivered at commit; wakes the relay
  return id;
}

std::vector<std::string> enqueue_all(pqxx::transaction_base& tx, std::string_view source,
                                     const std::vector<Event>& events) {
  std::vector<std::string> ids;
  if (events.empty()) return ids;
  if (events.size() == 1) {
    ids.push_back(enqueue(tx, source, events.front()));
    return ids;
  }
  ids.reserve(events.size());
  const auto time = to_rfc3339(std::chrono::system_clock::now());
  js::array rows;
  rows.reserve(events.size());
  for (const auto& e : events) {
    ids.push_back(crypto::uuid_v4());
    rows.push_back(js::object{{"id", ids.back()},
                              {"type", e.type},
                              {"subject", e.subject},
                              {"envelope", js::serialize(envelope(ids.back(), source, e, time))}});
  }
  // WITH ORDINALITY keeps the given order in the outbox's seq, which is the publishing order.
  tx.exec_params(
      "INSERT INTO outbox (id, type, subject, envelope) SELECT r.id, r.type, r.subject, r.envelope "
      "FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id uuid, type text, subject text, envelope text)) "
      "WITH ORDINALITY AS r(id, type, subject, envelope, n) "
      "ORDER BY r.n",
      js::serialize(rows));
  tx.exec(std::string("NOTIFY ") + kNotifyChannel);
  return ids;
}

Received parse_envelope(std::string_view body) {
  boost::system::error_code ec;
  auto v = js::parse(body, ec);
  if (ec || !v.is_object()) throw BadRequest("event is not a JSON object");
  const auto& o = v.as_object();
  auto s = [&](const char* k) -> std::string {
    auto* x = o.if_contains(k);
    if (!x || !x->is_string()) throw BadRequest(std::string("event lacks '") + k + "'");
    return std::string(x->as_string());
  };
  if (s("specversion") != "1.0") throw BadRequest("unsupported CloudEvents specversion");
  Received r;
  r.id = s("id");
  r.type = s("type");
  r.source = s("source");
  if (auto* x = o.if_contains("subject"); x && x->is_string()) r.subject = std::string(x->as_string());
  if (auto* x = o.if_contains("time"); x && x->is_string()) r.time = std::string(x->as_string());
  if (auto* x = o.if_contains("data")) r.data = *x;
  return r;
}

// ---- outbox relay ----------------------------------------------------------------------------

struct OutboxRelay::Impl {
  BrokerConfig broker;
  std::string source;
  // Unroutable events are logged once per type every 10 minutes (the metric counts them all):
  // a type nobody consumes would otherwise log every event.
  std::map<std::string, std::chrono::steady_clock::time_point> unroutable_logged;
  std::unique_ptr<mq::Connection> mq;
  std::thread thread;
  Stopper stopper;
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  bool woken = false;
  std::chrono::steady_clock::time_point last_count{};
  // Where a flush starts (see flush_once): every row at or below `floor` is sent, as far as the
  // relay can tell; `marks` are the floors it may move to once older transactions have ended.
  struct Mark {
    std::int64_t seq;   // the last row a flush published
    std::int64_t xmax;  // its snapshot's xmax: every transaction that wrote a row up to `seq` is older
  };
  std::int64_t floor = 0;
  std::deque<Mark> marks;
  std::chrono::steady_clock::time_point last_full{};
};

OutboxRelay::OutboxRelay(db::Pool& pool, BrokerConfig broker, std::string source)
    : impl_(std::make_unique<Impl>()), pool_(pool) {
  impl_->broker = std::move(broker);
  impl_->source = std::move(source);
}

OutboxRelay::~OutboxRelay() { stop(); }

void OutboxRelay::wake() noexcept {
  {
    std::lock_guard lk(impl_->wake_mu);
    impl_->woken = true;
  }
  impl_->wake_cv.notify_all();
}

// Events no queue took come back from the broker: each is parked, confirmed, in the parking
// queue (by the default exchange) before its row is marked sent, and logged.
void OutboxRelay::park_returned() {
  auto returned = impl_->mq->take_returned();
  if (returned.empty()) return;
  const auto parking = parking_queue(impl_->broker.exchange);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& r : returned) {
    auto [it, first] = impl_->unroutable_logged.try_emplace(r.routing_key, now);
    if (first || now - it->second >= std::chrono::minutes(10)) {
      it->second = now;
      log::warn("event unroutable: no queue is bound to take it; parked (logged once per type every 10 minutes)",
                {{"event_id", r.message_id}, {"type", r.routing_key}, {"queue", parking}, {"reply", r.reply_text}});
    }
    // Through the parking exchange (fanout) rather than the default one: a service's broker
    // user may write to its own queues and the shared exchanges only.
    impl_->mq->publish_unconfirmed(parking, r.routing_key, r.body, r.message_id);
  }
  impl_->mq->wait_for_confirms();
  if (!impl_->mq->take_returned().empty()) throw mq::MqError("the parking queue " + parking + " is gone");
  unroutable_ += static_cast<std::int64_t>(returned.size());
}

int OutboxRelay::flush_once() {
  if (!impl_->mq) {
    auto c = std::make_unique<mq::Connection>(impl_->broker.url);
    c->declare_exchange(impl_->broker.exchange, "topic");
    const auto parking = parking_queue(impl_->broker.exchange);
    c->declare_exchange(parking, "fanout");
    c->declare_queue(parking, "", "", kParkedMax, impl_->broker.quorum_queues);
    c->bind(parking, parking, "");
    c->enable_confirms();
    impl_->mq = std::move(c);
    connected_ = true;
  }
  int sent = 0;
  try {
    // A flush starts after the relay's floor instead of at the table's first unsent entry: the
    // partial index keeps the entries of rows already sent until a vacuum, and stepping over
    // them made every flush cost more the more events came before it. Rows commit out of seq
    // order (a transaction that took a lower seq can commit after one that took a higher), so
    // the floor moves to a flush's last row only once every transaction older than that flush's
    // snapshot has ended (xmin has passed its xmax): by then each of them is visible or gone,
    // and the next scan, still from the old floor, has seen it. A full scan from the start every
    // few seconds catches what that cannot see (rows another relay had locked and then left,
    // or a seq taken just before its transaction's id).
    const auto started = std::chrono::steady_clock::now();
    const bool full = started - impl_->last_full >= std::chrono::seconds(5);
    const std::int64_t from = full ? 0 : impl_->floor;
    struct Seen {
      std::int64_t seq, xmin, xmax;  // the last row sent, and the scan's snapshot
    };
    std::optional<Seen> seen;
    sent = pool_.transact([&](pqxx::work& tx) {
      auto rows = tx.exec_params(
          "SELECT id::text, type, envelope, seq, (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8), "
          "(SELECT pg_snapshot_xmax(pg_current_snapshot())::text::int8) FROM outbox WHERE sent_at IS NULL AND seq > $1 "
          "ORDER BY seq LIMIT 200 FOR UPDATE SKIP LOCKED",
          from);
      std::string ids = "{";
      int n = 0;
      for (const auto& r : rows) {
        auto id = r[0].as<std::string>();
        impl_->mq->publish_unconfirmed(impl_->broker.exchange, r[1].as<std::string>(), r[2].as<std::string>(), id);
        ids += (n++ ? "," : "") + id;
      }
      ids += "}";
      // One wait for the broker's confirmations of the whole batch, before the rows are marked
      // sent: on a failure nothing is marked and everything is sent again (consumers dedupe).
      impl_->mq->wait_for_confirms();
      park_returned();
      if (n == 0) impl_->mq->pump();  // idle: heartbeats, and a silent broker noticed
      if (n) tx.exec_params("UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])", ids);
      if (n) {
        const auto& last = rows[rows.size() - 1];
        seen = Seen{last[3].as<std::int64_t>(), last[4].as<std::int64_t>(), last[5].as<std::int64_t>()};
      }
      // The backlog gauge: counted at most once a second (a count per flush cost as much as the
      // update above); in between, a flush that took less than a full batch left nothing behind.
      auto now = std::chrono::steady_clock::now();
      if (now - impl_->last_count >= std::chrono::seconds(1)) {
        auto left = tx.exec("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
        pending_ = left[0][0].as<std::int64_t>() - n;
        impl_->last_count = now;
      } else if (n < 200) {
        pending_ = 0;
      }
      return n;
    });
    // Committed: the rows are sent (the broker confirmed them), and the floor may move.
    connected_ = true;
    if (full) impl_->last_full = started;
    if (seen) {
      std::int64_t to = impl_->floor;
      while (!impl_->marks.empty() && impl_->marks.front().xmax <= seen->xmin) {
        to = std::max(to, impl_->marks.front().seq);
        impl_->marks.pop_front();
      }
      // A full batch may have stopped short of a mark: no further than what it saw.
      if (sent == 200) to = std::min(to, seen->seq);
      impl_->floor = std::max(impl_->floor, to);
      if (impl_->marks.size() < 1024) impl_->marks.push_back({seen->seq, seen->xmax});
    }
  } catch (const mq::MqError&) {
    impl_->mq.reset();
    connected_ = false;
    throw;
  }
  return sent;
}

void OutboxRelay::start() {
  impl_->stopper.reset();
  impl_->thread = std::thread([this] {
    int failures = 0;
    std::unique_ptr<pqxx::connection> listen;
    struct Receiver : pqxx::notification_receiver {
      using pqxx::notification_receiver::notification_receiver;
      void operator()(const std::string&, int) override {}
    };
    std::unique_ptr<Receiver> receiver;
    auto last_cleanup = std::chrono::steady_clock::now();
    while (!impl_->stopper.stopping()) {
      try {
        if (!listen) {
          listen = std::make_unique<pqxx::connection>(pool_.url());
          receiver = std::make_unique<Receiver>(*listen, kNotifyChannel);
        }
        int n;
        do {
          n = flush_once();
        } while (n == 200 && !impl_->stopper.stopping());
        if (failures) log::info("event broker reachable again; outbox flushed");
        failures = 0;
        if (std::chrono::steady_clock::now() - last_cleanup > std::chrono::hours(1)) {
          pool_.transact([](pqxx::work& tx) { tx.exec("DELETE FROM outbox WHERE sent_at < now() - interval '7 days'"); });
          last_cleanup = std::chrono::steady_clock::now();
        }
        // Wait for a NOTIFY from a committing transaction, at most 250 ms (a missed
        // notification only delays, never loses, an event).
        listen->await_notification(0, 250000);
      } catch (const std::exception& e) {
        if (failures++ == 0) log::warn("outbox relay cannot publish; will retry", {{"error", e.what()}});
        // Only the broker's own failures make the broker "degraded"; a database that failed
        // under the flush says nothing about it (and the database check reports that).
        if (dynamic_cast<const mq::MqError*>(&e)) connected_ = false;
        receiver.reset();
        listen.reset();
        if (!impl_->stopper.sleep(backoff(failures))) break;
      }
    }
  });
}

void OutboxRelay::stop() {
  impl_->stopper.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->mq.reset();
}

// ---- consumer ----------------------------------------------------------------------------------

struct Consumer::Impl {
  db::Pool* pool;
  BrokerConfig broker;
  ConsumerOptions opts;
  BatchHandler handler;
  std::thread thread;
  Stopper stopper;
};

Consumer::Consumer(db::Pool& pool, BrokerConfig broker, ConsumerOptions opts, EventHandler handler)
    : Consumer(pool, std::move(broker), std::move(opts),
               BatchHandler([h = std::move(handler)](pqxx::work& tx, std::span<const Received> evs) {
                 for (const auto& e : evs) h(tx, e);
               })) {}

Consumer::Consumer(db::Pool& pool, BrokerConfig broker, ConsumerOptions opts, BatchHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->pool = &pool;
  impl_->broker = std::move(broker);
  impl_->opts = std::move(opts);
  impl_->opts.batch = std::max(1, impl_->opts.batch);
  impl_->handler = std::move(handler);
}

Consumer::~Consumer() { stop(); }

namespace {

// Records the events as processed in one statement; returns the positions of those not
// processed before, in order (of two copies of one event in the batch, the first).
std::vector<std::size_t> record_new(pqxx::work& tx, const std::vector<Received>& evs) {
  js::array rows;
  rows.reserve(evs.size());
  for (const auto& e : evs) rows.push_back(js::object{{"event_id", e.id}, {"type", e.type}});
  auto ins = tx.exec_params(
      "INSERT INTO processed_events (event_id, type) "
      "SELECT event_id, type FROM jsonb_to_recordset($1::jsonb) AS (event_id text, type text) "
      "ON CONFLICT DO NOTHING RETURNING event_id",
      js::serialize(rows));
  std::vector<std::string> fresh;
  fresh.reserve(ins.size());
  for (const auto& r : ins) fresh.push_back(r[0].as<std::string>());
  std::sort(fresh.begin(), fresh.end());
  std::vector<std::size_t> out;
  out.reserve(fresh.size());
  for (std::size_t i = 0; i < evs.size(); ++i) {
    auto it = std::lower_bound(fresh.begin(), fresh.end(), evs[i].id);
    if (it == fresh.end() || *it != evs[i].id) continue;
    fresh.erase(it);  // a second copy in this batch finds it gone
    out.push_back(i);
  }
  return out;
}

}  // namespace

void Consumer::start() {
  impl_->stopper.reset();
  impl_->thread = std::thread([this] {
    auto& o = impl_->opts;
    const std::string dlx = impl_->broker.exchange + ".dlx";
    const std::string dlq = o.queue + ".dlq";
    const std::string retry = impl_->broker.exchange + ".retry";
    int failures = 0;
    while (!impl_->stopper.stopping()) {
      try {
        mq::Connection c(impl_->broker.url);
        c.declare_exchange(impl_->broker.exchange, "topic");
        c.declare_exchange(dlx, "direct");
        const bool quorum = impl_->broker.quorum_queues;
        c.declare_queue(dlq, "", "", 0, quorum);
        c.bind(dlq, dlx, o.queue);
        c.declare_queue(o.queue, dlx, o.queue, 0, quorum);
        for (const auto& b : o.bindings) c.bind(o.queue, impl_->broker.exchange, b);
        // Retried copies come back through E.retry (topic, keyed by queue name): the broker
        // lets each service's user publish there only under its own queues' names.
        c.declare_exchange(retry, "topic");
        c.bind(o.queue, retry, o.queue);
        c.qos(static_cast<std::uint16_t>(std::max(o.prefetch, o.batch)));
        c.enable_confirms();  // a retried copy is confirmed before the original is acknowledged
        c.consume(o.queue);
        connected_ = true;
        if (failures) log::info("event consumer reconnected", {{"queue", o.queue}});
        failures = 0;

        // One event in its own transaction, retried through E.retry and dead-lettered after
        // max_attempts. Returns false when the consumer is stopping.
        auto handle_one = [&](Received& ev, const std::string& body, std::uint64_t tag) {
          try {
            log::RequestScope scope("event-" + ev.id);
            impl_->pool->transact([&](pqxx::work& tx) {
              auto ins = tx.exec_params(
                  "INSERT INTO processed_events (event_id, type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1",
                  ev.id, ev.type);
              if (ins.empty()) return;  // already handled: a duplicate delivery
              impl_->handler(tx, std::span<const Received>(&ev, 1));
            });
            c.ack(tag);
            ++handled_;
          } catch (const mq::MqError&) {
            throw;
          } catch (const std::exception& e) {
            if (ev.attempt < o.max_attempts) {
              log::warn("event handler failed; retrying",
                        {{"event_id", ev.id}, {"type", ev.type}, {"attempt", ev.attempt}, {"error", e.what()}});
              if (!impl_->stopper.sleep(o.retry_delay)) return false;  // unacked: redelivered after restart
              // Re-queue a copy with the attempt count, then drop the original.
              c.publish(retry, o.queue, body, ev.id, ev.attempt + 1);
              if (!c.take_returned().empty()) throw mq::MqError("queue " + o.queue + " is gone");
              c.ack(tag);
            } else {
              log::error("event handler failed; dead-lettered",
                         {{"event_id", ev.id}, {"type", ev.type}, {"attempts", ev.attempt}, {"error", e.what()}});
              c.reject(tag, false);
              ++dead_;
            }
          }
          return true;
        };

        std::vector<mq::Message> msgs;
        std::vector<Received> evs;
        std::vector<std::size_t> of;  // evs[i] came from msgs[of[i]]
        while (!impl_->stopper.stopping()) {
          msgs.clear();
          evs.clear();
          of.clear();
          auto first = c.next(std::chrono::milliseconds(250));
          if (!first) continue;
          msgs.push_back(std::move(*first));
          while (static_cast<int>(msgs.size()) < o.batch) {
            auto more = c.next(std::chrono::milliseconds(0));
            if (!more) break;
            msgs.push_back(std::move(*more));
          }
          for (std::size_t i = 0; i < msgs.size(); ++i) {
            try {
              evs.push_back(parse_envelope(msgs[i].body));
            } catch (const std::exception& e) {
              log::error("malformed event dead-lettered", {{"queue", o.queue}, {"error", e.what()}});
              c.reject(msgs[i].delivery_tag, false);
              ++dead_;
              continue;
            }
            evs.back().attempt = static_cast<int>(msgs[i].attempt);
            of.push_back(i);
          }
          if (evs.empty()) continue;
          if (evs.size() > 1) {
            // The batch in one transaction; acknowledged with one frame (every earlier delivery
            // on this channel is already settled).
            try {
              log::RequestScope scope("events-" + evs.front().id);
              impl_->pool->transact([&](pqxx::work& tx) {
                auto fresh = record_new(tx, evs);
                const auto n = fresh.size();
                if (n == evs.size()) {
                  impl_->handler(tx, std::span<const Received>(evs));
                } else if (n > 0) {
                  std::vector<Received> some;
                  some.reserve(n);
                  for (auto i : fresh) some.push_back(evs[i]);
                  impl_->handler(tx, std::span<const Received>(some));
                }
              });
              c.ack(msgs[of.back()].delivery_tag, true);
              handled_ += static_cast<std::int64_t>(evs.size());  // duplicates count, as one at a time
              ++batches_;
              continue;
            } catch (const mq::MqError&) {
              throw;
            } catch (const std::exception& e) {
              ++split_;
              log::warn("event batch failed; handling its events one at a time",
                        {{"queue", o.queue}, {"events", static_cast<std::int64_t>(evs.size())}, {"error", e.what()}});
            }
          }
          bool go_on = true;
          for (std::size_t i = 0; i < evs.size() && go_on; ++i)
            go_on = handle_one(evs[i], msgs[of[i]].body, msgs[of[i]].delivery_tag);
          if (!go_on) break;
        }
      } catch (const std::exception& e) {
        connected_ = false;
        if (failures++ == 0) log::warn("event consumer disconnected; will retry", {{"queue", o.queue}, {"error", e.what()}});
        if (!impl_->stopper.sleep(backoff(failures))) break;
      }
    }
    connected_ = false;
  });
}

void Consumer::stop() {
  impl_->stopper.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

// ---- subscriber (no database) ------------------------------------------------------------------

struct Subscriber::Impl {
  BrokerConfig broker;
  SubscriberOptions opts;
  SubscriberHandler handler;
  std::thread thread;
  Stopper stopper;
};

Subscriber::Subscriber(BrokerConfig broker, SubscriberOptions opts, SubscriberHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->broker = std::move(broker);
  impl_->opts = std::move(opts);
  impl_->handler = std::move(handler);
}

Subscriber::~Subscriber() { stop(); }

void Subscriber::start() {
  impl_->stopper.reset();
  impl_->thread = std::thread([this] {
    const auto& o = impl_->opts;
    int failures = 0;
    while (!impl_->stopper.stopping()) {
      try {
        mq::Connection c(impl_->broker.url);
        c.declare_exchange(impl_->broker.exchange, "topic");
        auto queue = c.declare_private_queue();
        for (const auto& b : o.bindings) c.bind(queue, impl_->broker.exchange, b);
        c.consume(queue, true);
        connected_ = true;
        if (failures) log::info("event subscriber reconnected", {{"name", o.name}});
        failures = 0;
        while (!impl_->stopper.stopping()) {
          auto m = c.next(std::chrono::milliseconds(250));
          if (!m) continue;
          ++received_;
          try {
            impl_->handler(parse_envelope(m->body));
          } catch (const std::exception& e) {
            log::warn("event subscriber skipped an event", {{"name", o.name}, {"error", e.what()}});
          }
        }
      } catch (const std::exception& e) {
        connected_ = false;
        if (failures++ == 0) log::warn("event subscriber disconnected; will retry", {{"name", o.name}, {"error", e.what()}});
        if (!impl_->stopper.sleep(backoff(failures))) break;
      }
    }
    connected_ = false;
  });
}

void Subscriber::stop() {
  impl_->stopper.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace rto::events
