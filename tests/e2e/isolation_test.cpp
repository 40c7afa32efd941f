// Each service reaches only its own data: its runtime database role and its broker user, as the
// running test platform uses them (scripts/infra.sh provisions them from
// deploy/postgres/init-databases.sh and deploy/rabbitmq/provision-users.sh).
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <rto/mq.hpp>
#include <string>

#include "support.hpp"

using rto::testing::attempt_sql;

namespace {
// What the broker said when `act` ran on a fresh connection as `url`'s user ("" when accepted).
template <class Act>
std::string broker_answer(const std::string& url, Act act) {
  try {
    rto::mq::Connection c(url);
    act(c);
    return "";
  } catch (const rto::mq::MqError& e) {
    return e.what();
  }
}

void publish(rto::mq::Connection& c, const std::string& exchange, const std::string& key) {
  c.enable_confirms();
  c.publish(exchange, key, R"({"id":"00000000-0000-4000-8000-000000000000","type":"probe"})",
            "00000000-0000-4000-8000-000000000000");
}

const std::string kRefused = "refused";  // insufficient_privilege (42501)
}  // namespace

TEST(Isolation, ThePaymentServicesRuntimeRoleCanNeitherRewriteTheJournalNorDisableItsTriggers) {
  const auto url = e2e::infra().at("PAYMENT_DATABASE_URL");
  ASSERT_NE(url.find("payment_app"), std::string::npos) << "the payment service runs as its runtime role";
  pqxx::connection c(url);
  EXPECT_EQ(attempt_sql(c, "SELECT count(*) FROM journal_lines"), "ok");
  EXPECT_EQ(attempt_sql(c, "UPDATE plans SET updated_at = updated_at WHERE false"), "ok");  // ordinary tables: written
  // Each with a column of its own to "update".
  const std::pair<const char*, const char*> tables[] = {{"journal_entries", "kind"}, {"journal_lines", "account"},
                                                        {"payments", "amount"}, {"payment_reversals", "reason"},
                                                        {"refunds", "plan_id"}};
  for (const auto& [table, column] : tables) {
    const std::string t = table, col = column;
    EXPECT_EQ(attempt_sql(c, "UPDATE " + t + " SET " + col + " = " + col + " WHERE false"), kRefused) << t;
    EXPECT_EQ(attempt_sql(c, "DELETE FROM " + t + " WHERE false"), kRefused) << t;
    EXPECT_EQ(attempt_sql(c, "TRUNCATE " + t), kRefused) << t;
    EXPECT_EQ(attempt_sql(c, "ALTER TABLE " + t + " DISABLE TRIGGER ALL"), kRefused) << t;
  }
  EXPECT_EQ(attempt_sql(c, "SET session_replication_role = replica"), kRefused);
  EXPECT_EQ(attempt_sql(c, "CREATE TABLE shadow_ledger (x int)"), kRefused);
  EXPECT_EQ(attempt_sql(c, "DELETE FROM schema_migrations WHERE false"), kRefused);
}

TEST(Isolation, AServiceRoleCannotOpenAnotherServicesDatabase) {
  auto url = e2e::infra().at("SUPPORT_DATABASE_URL");
  url.replace(url.rfind("/supportdb"), 10, "/paymentdb");
  try {
    pqxx::connection c(url);
    FAIL() << "the support service's role opened paymentdb";
  } catch (const pqxx::broken_connection& e) {
    EXPECT_NE(std::string(e.what()).find("permission denied"), std::string::npos) << e.what();
  }
}

TEST(Isolation, BrokerUsersPublishOnlyTheirOwnEventsAndReadOnlyTheirOwnQueues) {
  const auto support = e2e::infra().at("SUPPORT_AMQP_URL");
  const auto gateway = e2e::infra().at("GATEWAY_AMQP_URL");
  // Forging another service's event: refused by the topic permission on rto.events.
  auto forged = broker_answer(support, [](auto& c) { publish(c, "rto.events", "payment.plan.completed"); });
  EXPECT_NE(forged.find("403"), std::string::npos) << "support-service published payment.plan.completed: " << forged;
  // Its own kind of event is accepted.
  EXPECT_EQ(broker_answer(support, [](auto& c) { publish(c, "rto.events", "support.isolation.probe"); }), "");
  // Straight into another service's queue, by the default exchange or by the retry exchange.
  auto direct = broker_answer(support, [](auto& c) { publish(c, "", "telematics-service.events"); });
  EXPECT_NE(direct.find("403"), std::string::npos) << direct;
  auto retried = broker_answer(support, [](auto& c) { publish(c, "rto.events.retry", "telematics-service.events"); });
  EXPECT_NE(retried.find("403"), std::string::npos) << retried;
  // Reading another service's queue.
  auto read = broker_answer(support, [](auto& c) { c.consume("telematics-service.events"); });
  EXPECT_NE(read.find("403"), std::string::npos) << read;
  // The gateway only listens.
  auto from_gateway = broker_answer(gateway, [](auto& c) { publish(c, "rto.events", "user.account.enabled"); });
  EXPECT_NE(from_gateway.find("403"), std::string::npos) << from_gateway;
}
