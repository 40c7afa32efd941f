// The idempotent consumer: duplicates handled once, failures retried, then dead-lettered.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <span>
#include <thread>

#include "rto/clock.hpp"
#include "rto/events.hpp"
#include "rto/mq.hpp"
#include "rto/testing.hpp"

using namespace rto;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  rto::testing::TempDatabase tdb{"consumer"};
  rto::testing::TempExchange exchange;
  std::string queue = rto::testing::unique_name("svc") + ".events";
  std::unique_ptr<db::Pool> pool;

  Fixture() {
    db::migrate(tdb.url(), "platform", db::platform_migrations());
    db::migrate(tdb.url(), "service", {{"V0001__seen", "CREATE TABLE seen (event_id text, subject text);"}});
    pool = std::make_unique<db::Pool>(tdb.url(), 2);
  }
  ~Fixture() {
    try {
      mq::Connection c(rto::testing::amqp_url());
      c.delete_queue(queue);
      c.delete_queue(queue + ".dlq");
    } catch (...) {
    }
  }
  void publish(const std::string& id, const std::string& subject) {
    mq::Connection c(rto::testing::amqp_url());
    c.enable_confirms();
    events::Event e{"payment.plan.activated", subject, {{"plan_id", subject}}};
    auto body = boost::json::serialize(events::envelope(id, "payment-service", e, to_rfc3339(std::chrono::system_clock::now())));
    c.publish(exchange.name(), e.type, body, id);
  }
  int seen() {
    return pool->read([](pqxx::read_transaction& tx) { return tx.exec1("SELECT count(*) FROM seen")[0].as<int>(); });
  }
};

template <typename Pred>
bool eventually(Pred p, std::chrono::milliseconds within = 10s) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (p()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return p();
}

}  // namespace

TEST(ConsumerIT, SameEventTwiceIsHandledOnce) {
  Fixture f;
  std::atomic<int> calls{0};
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, {.queue = f.queue, .bindings = {"payment.plan.*"}},
                     [&](pqxx::work& tx, const events::Received& ev) {
                       ++calls;
                       tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
                     });
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  f.publish("11111111-1111-4111-8111-111111111111", "plan-1");
  f.publish("11111111-1111-4111-8111-111111111111", "plan-1");  // a duplicate delivery
  f.publish("22222222-2222-4222-8222-222222222222", "plan-2");
  ASSERT_TRUE(eventually([&] { return c.handled() == 3; }));
  c.stop();
  EXPECT_EQ(f.seen(), 2);
  EXPECT_EQ(calls.load(), 2);
}

TEST(ConsumerIT, FailingHandlerIsRetriedThenDeadLettered) {
  Fixture f;
  std::atomic<int> attempts{0};
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()},
                     {.queue = f.queue, .bindings = {"payment.#"}, .max_attempts = 3, .retry_delay = 50ms},
                     [&](pqxx::work& tx, const events::Received& ev) {
                       ++attempts;
                       tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
                       throw std::runtime_error("downstream not ready");
                     });
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  f.publish("33333333-3333-4333-8333-333333333333", "plan-3");
  ASSERT_TRUE(eventually([&] { return c.dead_lettered() == 1; }));
  c.stop();
  EXPECT_EQ(attempts.load(), 3);
  EXPECT_EQ(f.seen(), 0);  // every failed attempt rolled back, including the processed-event mark
  mq::Connection obs(rto::testing::amqp_url());
  auto dead = obs.get(f.queue + ".dlq");
  ASSERT_TRUE(dead);
  EXPECT_EQ(events::parse_envelope(dead->body).subject, "plan-3");
}

TEST(ConsumerIT, TransientFailureSucceedsOnRetry) {
  Fixture f;
  std::atomic<int> attempts{0};
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()},
                     {.queue = f.queue, .bindings = {"payment.#"}, .max_attempts = 5, .retry_delay = 50ms},
                     [&](pqxx::work& tx, const events::Received& ev) {
                       if (++attempts < 2) throw std::runtime_error("flaky");
                       EXPECT_EQ(ev.attempt, 2);
                       tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
                     });
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  f.publish("44444444-4444-4444-8444-444444444444", "plan-4");
  ASSERT_TRUE(eventually([&] { return f.seen() == 1; }));
  c.stop();
  EXPECT_EQ(c.dead_lettered(), 0);
}

TEST(ConsumerIT, MalformedMessageIsDeadLetteredNotRetried) {
  Fixture f;
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, {.queue = f.queue, .bindings = {"#"}},
                     [&](pqxx::work&, const events::Received&) { FAIL() << "handler must not see garbage"; });
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  mq::Connection p(rto::testing::amqp_url());
  p.publish(f.exchange.name(), "payment.plan.activated", "not json");
  ASSERT_TRUE(eventually([&] { return c.dead_lettered() == 1; }));
  c.stop();
}

// A burst waiting in the queue is handled in batches, one transaction each; duplicates (also two
// copies inside one batch) are handled once, and every delivery is acknowledged.
TEST(ConsumerIT, BurstIsHandledInBatchesOnceEach) {
  Fixture f;
  std::mutex mu;
  std::vector<std::size_t> sizes;
  std::atomic<int> calls{0};
  events::BatchHandler handler = [&](pqxx::work& tx, std::span<const events::Received> evs) {
    {
      std::lock_guard lock(mu);
      sizes.push_back(evs.size());
    }
    for (const auto& ev : evs) {
      ++calls;
      tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
    }
  };
  events::ConsumerOptions o{.queue = f.queue, .bindings = {"payment.plan.*"}, .prefetch = 64};
  o.batch = 20;
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, o, handler);
  c.start();  // declares and binds the queue; stopped so that the burst waits in it
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  c.stop();
  auto id = [](int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
    return std::string(buf);
  };
  for (int i = 0; i < 50; ++i) f.publish(id(i), "plan-" + std::to_string(i));
  for (int i = 0; i < 5; ++i) f.publish(id(i * 7), "plan-" + std::to_string(i * 7));  // duplicates
  c.start();
  ASSERT_TRUE(eventually([&] { return c.handled() == 55; }));
  c.stop();
  EXPECT_EQ(calls.load(), 50);
  EXPECT_EQ(f.seen(), 50);
  EXPECT_EQ(f.pool->read([](pqxx::read_transaction& tx) { return tx.exec1("SELECT count(DISTINCT event_id) FROM seen")[0].as<int>(); }), 50);
  std::lock_guard lock(mu);
  EXPECT_GT(c.batches(), 0);
  EXPECT_LT(sizes.size(), 50u);  // fewer transactions than events
  EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()), 20u);
  EXPECT_EQ(c.dead_lettered(), 0);
  // Nothing left unacknowledged: a new consumer on the queue gets nothing.
  mq::Connection obs(rto::testing::amqp_url());
  EXPECT_FALSE(obs.get(f.queue));
}

// One bad event does not sink its batch: the batch is rolled back and handled one event at a
// time; the others are handled once, the bad one retried and dead-lettered.
TEST(ConsumerIT, FailedBatchIsHandledOneEventAtATime) {
  Fixture f;
  std::atomic<int> bad_attempts{0};
  events::BatchHandler handler = [&](pqxx::work& tx, std::span<const events::Received> evs) {
    for (const auto& ev : evs) {
      tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
      if (ev.subject == "plan-bad") {
        if (evs.size() == 1) ++bad_attempts;
        throw std::runtime_error("downstream refuses this one");
      }
    }
  };
  events::ConsumerOptions o{.queue = f.queue, .bindings = {"payment.#"}, .max_attempts = 2, .retry_delay = 50ms, .prefetch = 64};
  o.batch = 50;
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, o, handler);
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  c.stop();
  for (int i = 0; i < 10; ++i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "10000000-0000-4000-8000-%012d", i);
    f.publish(buf, i == 4 ? "plan-bad" : "plan-" + std::to_string(i));
  }
  c.start();
  ASSERT_TRUE(eventually([&] { return c.handled() == 9 && c.dead_lettered() == 1; }));
  c.stop();
  EXPECT_GE(c.batches_split(), 1);
  EXPECT_EQ(bad_attempts.load(), 2);
  EXPECT_EQ(f.seen(), 9);  // the bad one's rows rolled back with each of its attempts
  mq::Connection obs(rto::testing::amqp_url());
  auto dead = obs.get(f.queue + ".dlq");
  ASSERT_TRUE(dead);
  EXPECT_EQ(events::parse_envelope(dead->body).subject, "plan-bad");
}

// MQ_QUEUE_TYPE=quorum: the consumer's queue and its dead letters are quorum queues (replicated in
// a cluster); retries and dead-lettering work the same.
TEST(ConsumerIT, QuorumQueuesRetryAndDeadLetterAsClassicOnesDo) {
  Fixture f;
  std::atomic<int> attempts{0};
  events::Consumer c(*f.pool, {rto::testing::amqp_url(), f.exchange.name(), /*quorum_queues=*/true},
                     {.queue = f.queue, .bindings = {"payment.#"}, .max_attempts = 2, .retry_delay = 50ms},
                     [&](pqxx::work& tx, const events::Received& ev) {
                       if (ev.subject == "plan-bad") {
                         ++attempts;
                         throw std::runtime_error("downstream not ready");
                       }
                       tx.exec_params("INSERT INTO seen VALUES ($1, $2)", ev.id, ev.subject);
                     });
  c.start();
  ASSERT_TRUE(eventually([&] { return c.connected(); }));
  f.publish("44444444-4444-4444-8444-444444444444", "plan-good");
  f.publish("55555555-5555-4555-8555-555555555555", "plan-bad");
  ASSERT_TRUE(eventually([&] { return c.handled() == 1 && c.dead_lettered() == 1; }));
  c.stop();
  EXPECT_EQ(f.seen(), 1);
  EXPECT_EQ(attempts.load(), 2);
  mq::Connection obs(rto::testing::amqp_url());
  auto dead = obs.get(f.queue + ".dlq");
  ASSERT_TRUE(dead);
  EXPECT_EQ(events::parse_envelope(dead->body).subject, "plan-bad");
  // Both are quorum queues: declaring either as a classic queue is refused as inequivalent.
  for (const auto& q : {f.queue, f.queue + ".dlq"}) {
    mq::Connection probe(rto::testing::amqp_url());
    try {
      const bool main = q == f.queue;  // declared with its dead-letter settings, as the consumer does
      probe.declare_queue(q, main ? f.exchange.name() + ".dlx" : "", main ? q : "", 0, false);
      ADD_FAILURE() << q << " was declared again as a classic queue";
    } catch (const mq::MqError& e) {
      EXPECT_NE(std::string(e.what()).find("x-queue-type"), std::string::npos) << e.what();
    }
  }
}
