// The transactional outbox and its relay against real PostgreSQL and RabbitMQ.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "rto/events.hpp"
#include "rto/mq.hpp"
#include "rto/testing.hpp"

using namespace rto;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  rto::testing::TempDatabase tdb{"outbox"};
  rto::testing::TempExchange exchange;
  std::string queue = rto::testing::unique_name("q");
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<mq::Connection> observer;

  Fixture() {
    db::migrate(tdb.url(), "platform", db::platform_migrations());
    db::migrate(tdb.url(), "service", {{"V0001__things", "CREATE TABLE things (id text PRIMARY KEY);"}});
    pool = std::make_unique<db::Pool>(tdb.url(), 2);
    connect_observer();
  }
  ~Fixture() {
    try {
      mq::Connection c(rto::testing::amqp_url());
      c.delete_queue(queue);
    } catch (...) {
    }
  }
  void connect_observer() {
    observer = std::make_unique<mq::Connection>(rto::testing::amqp_url());
    observer->declare_queue(queue);
    observer->bind(queue, exchange.name(), "#");
  }
  void create_thing(const std::string& id, bool commit) {
    auto f = [&](pqxx::work& tx) {
      tx.exec_params("INSERT INTO things (id) VALUES ($1)", id);
      events::enqueue(tx, "test-service", {"test.thing.created", id, {{"thing_id", id}}});
      if (!commit) throw std::runtime_error("rolled back");
    };
    if (commit)
      pool->transact(f);
    else
      EXPECT_THROW(pool->transact(f), std::runtime_error);
  }
  std::optional<mq::Message> wait_message(std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto m = observer->get(queue)) return m;
      std::this_thread::sleep_for(50ms);
    }
    return std::nullopt;
  }
};

void infra(const char* action) {
  const char* script = std::getenv("TEST_INFRA_SCRIPT");
  ASSERT_NE(script, nullptr) << "TEST_INFRA_SCRIPT must point to scripts/infra.sh";
  std::string cmd = std::string(script) + " " + action + " --env test >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

}  // namespace

TEST(OutboxIT, PublishesCommittedEventsAsCloudEvents) {
  Fixture f;
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  relay.start();
  f.create_thing("a1", true);
  auto m = f.wait_message(5s);
  relay.stop();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->routing_key, "test.thing.created");
  auto ev = events::parse_envelope(m->body);
  EXPECT_EQ(ev.type, "test.thing.created");
  EXPECT_EQ(ev.source, "test-service");
  EXPECT_EQ(ev.subject, "a1");
  EXPECT_EQ(ev.id, m->message_id);
  EXPECT_EQ(ev.data.at("thing_id").as_string(), "a1");
  auto unsent = f.pool->read([](pqxx::read_transaction& tx) {
    return tx.exec1("SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0].as<int>();
  });
  EXPECT_EQ(unsent, 0);
}

TEST(OutboxIT, SeveralEventsWrittenTogetherArePublishedInOrder) {
  Fixture f;
  std::vector<events::Event> batch;
  for (int i = 0; i < 5; ++i) {
    std::string id = "b" + std::to_string(i);
    batch.push_back({i % 2 ? "test.thing.updated" : "test.thing.created", id, {{"thing_id", id}, {"n", i}}});
  }
  auto ids = f.pool->transact([&](pqxx::work& tx) { return events::enqueue_all(tx, "test-service", batch); });
  ASSERT_EQ(ids.size(), 5u);
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  EXPECT_EQ(relay.flush_once(), 5);
  for (int i = 0; i < 5; ++i) {
    auto m = f.wait_message(5s);
    ASSERT_TRUE(m) << "message " << i;
    auto ev = events::parse_envelope(m->body);
    EXPECT_EQ(ev.id, ids[i]);
    EXPECT_EQ(ev.type, batch[i].type);
    EXPECT_EQ(ev.subject, "b" + std::to_string(i));
    EXPECT_EQ(ev.data.at("n").as_int64(), i);
  }
  EXPECT_FALSE(f.wait_message(300ms));
}

TEST(OutboxIT, ABatchOfPublishesIsConfirmedWithOneWait) {
  Fixture f;
  mq::Connection c(rto::testing::amqp_url());
  c.enable_confirms();
  for (int i = 0; i < 100; ++i)
    c.publish_unconfirmed(f.exchange.name(), "test.batch", std::to_string(i), "m" + std::to_string(i));
  c.wait_for_confirms();
  c.wait_for_confirms();  // nothing outstanding: returns at once
  for (int i = 0; i < 100; ++i) {
    auto m = f.wait_message(5s);
    ASSERT_TRUE(m) << "message " << i;
    EXPECT_EQ(m->body, std::to_string(i));
    EXPECT_EQ(m->message_id, "m" + std::to_string(i));
  }
}

TEST(OutboxIT, AnEventCommittedAfterALaterOneGoesOutWithTheNextFlush) {
  // The relay starts its scans after what it has published; a transaction that took a lower seq
  // and commits later must not fall below that start.
  Fixture f;
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  pqxx::connection slow_conn(f.tdb.url());
  pqxx::work slow(slow_conn);
  slow.exec_params("INSERT INTO things (id) VALUES ($1)", "late");
  events::enqueue(slow, "test-service", {"test.thing.created", "late", {{"thing_id", "late"}}});
  // Later events, committed and published while "late" is still open, over several flushes.
  for (int i = 0; i < 3; ++i) {
    f.create_thing("early" + std::to_string(i), true);
    EXPECT_EQ(relay.flush_once(), 1);
    auto m = f.wait_message(5s);
    ASSERT_TRUE(m);
    EXPECT_EQ(events::parse_envelope(m->body).subject, "early" + std::to_string(i));
  }
  slow.commit();
  f.create_thing("after", true);
  // The next flush sends both, the late one first (its seq is lower); no full rescan needed.
  EXPECT_EQ(relay.flush_once(), 2);
  std::vector<std::string> got;
  while (auto m = f.wait_message(1s)) got.push_back(events::parse_envelope(m->body).subject);
  EXPECT_EQ(got, (std::vector<std::string>{"late", "after"}));
  // And with everything sent, later flushes still find each new event.
  for (int i = 0; i < 3; ++i) {
    f.create_thing("more" + std::to_string(i), true);
    EXPECT_EQ(relay.flush_once(), 1);
  }
  auto unsent = f.pool->read([](pqxx::read_transaction& tx) {
    return tx.exec1("SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0].as<int>();
  });
  EXPECT_EQ(unsent, 0);
}

TEST(OutboxIT, RolledBackChangesPublishNothing) {
  Fixture f;
  f.create_thing("r1", false);
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  EXPECT_EQ(relay.flush_once(), 0);
  EXPECT_FALSE(f.wait_message(500ms));
  auto rows = f.pool->read([](pqxx::read_transaction& tx) { return tx.exec1("SELECT count(*) FROM outbox")[0].as<int>(); });
  EXPECT_EQ(rows, 0);
}

TEST(OutboxIT, EventsWaitForTheBrokerAndGoOutWhenItIsBack) {
  Fixture f;
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  relay.start();
  f.create_thing("before", true);
  ASSERT_TRUE(f.wait_message(5s));

  infra("rabbitmq-stop");
  f.create_thing("during-1", true);  // the business transaction does not need the broker
  f.create_thing("during-2", true);
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(relay.connected());
  infra("rabbitmq-start");

  // The temporary exchange and queue were durable, so they survive the restart.
  f.connect_observer();
  std::set<std::string> got;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (got.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    if (auto m = f.observer->get(f.queue)) got.insert(events::parse_envelope(m->body).subject);
    else std::this_thread::sleep_for(100ms);
  }
  relay.stop();
  EXPECT_EQ(got, (std::set<std::string>{"during-1", "during-2"}));
}

TEST(OutboxIT, AnEventNoQueueTakesIsParkedNotDropped) {
  Fixture f;
  // Only "test.thing.*" is bound: an event of another type reaches no queue.
  f.observer->delete_queue(f.queue);
  f.observer->declare_queue(f.queue);
  f.observer->bind(f.queue, f.exchange.name(), "test.thing.*");
  const auto parking = events::OutboxRelay::parking_queue(f.exchange.name());
  events::OutboxRelay relay(*f.pool, {rto::testing::amqp_url(), f.exchange.name()}, "test-service");
  f.pool->transact([](pqxx::work& tx) {
    events::enqueue(tx, "test-service", {"test.nobody.listens", "n1", {{"n", 1}}});
    events::enqueue(tx, "test-service", {"test.thing.created", "t1", {{"thing_id", "t1"}}});
  });
  EXPECT_EQ(relay.flush_once(), 2);
  EXPECT_EQ(relay.unroutable(), 1);
  auto routed = f.wait_message(5s);
  ASSERT_TRUE(routed);
  EXPECT_EQ(routed->routing_key, "test.thing.created");
  std::optional<mq::Message> parked;
  for (int i = 0; i < 50 && !parked; ++i) {
    parked = f.observer->get(parking);
    if (!parked) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(parked) << "the unroutable event is kept in " << parking;
  EXPECT_NE(parked->body.find("test.nobody.listens"), std::string::npos) << parked->body;
  EXPECT_FALSE(parked->message_id.empty());
  // Both rows are sent: nothing is published again.
  EXPECT_EQ(relay.flush_once(), 0);
  EXPECT_EQ(relay.unroutable(), 1);
  f.observer->delete_queue(parking);
}

TEST(MqIT, ConnectionsAskForHeartbeats) {
  mq::Connection c(rto::testing::amqp_url());
  EXPECT_EQ(c.heartbeat(), mq::kHeartbeat) << "a half-open connection is noticed within two heartbeats";
  c.pump();  // nothing to read: returns at once
}
