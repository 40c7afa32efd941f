// Mobile-money collection against the repository's provider simulator: the adapters' exact
// requests, callbacks verified with the provider before money moves, idempotency, duplicate,
// reordered, replayed and forged callbacks, reconciliation of lost callbacks, expiry, and a
// callback stored just before a crash.
#include <algorithm>
#include <rto/config.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "fixture.hpp"
#include "providers/providers.hpp"

using namespace it;
using namespace std::chrono_literals;

namespace {

const char* kDaily = "motorcycle-daily-18m";
const char* kDailyKenya = "motorcycle-daily-18m-ke";

struct PendingPlan {
  Customer customer;
  std::string id, reference;
  std::int64_t deposit = 0;
  std::string currency = "UGX";
};

PendingPlan pending_plan(const std::string& currency = "UGX") {
  PendingPlan p;
  p.customer = new_customer();
  p.currency = currency;
  const bool kes = currency == "KES";
  const std::int64_t price = kes ? 15'000'000 : 4'000'000;  // KES 150,000 / UGX 4,000,000
  auto vehicle = add_vehicle(price);
  if (kes) {
    std::lock_guard lk(world().neighbours.mu);
    world().neighbours.vehicles[vehicle].currency = "KES";
  }
  p.deposit = price * 15 / 100;
  auto decision = approve(p.customer.id, vehicle,
                          {{"terms", js::object{{"max_financed", js::object{{"amount", 90'000'000}, {"currency", currency}}},
                                                {"min_deposit_percent", 10},
                                                {"max_term_days", 800}}}});
  auto r = post("/api/v1/plans",
                js::object{{"credit_decision_id", decision},
                           {"vehicle_id", vehicle},
                           {"template_id", kes ? kDailyKenya : kDaily},
                           {"deposit", js::object{{"amount", p.deposit}, {"currency", currency}}}},
                p.customer.token);
  if (r.status != 201) throw std::runtime_error("plan failed: " + r.body);
  p.id = r.str("id");
  p.reference = r.str("reference");
  return p;
}

js::object body(const PendingPlan& p, const std::string& provider, const std::string& phone, std::int64_t amount = 0) {
  return {{"plan_id", p.id},
          {"amount", js::object{{"amount", amount ? amount : p.deposit}, {"currency", p.currency}}},
          {"provider", provider},
          {"phone", phone}};
}

Reply start(const PendingPlan& p, const js::object& b, const std::string& key = "") {
  return rto::testing::dispatch(*world().service, Method::Post, "/api/v1/payments", js::serialize(b), p.customer.token,
                                {{"Idempotency-Key", key.empty() ? new_id() : key}});
}

// Polls the request until its status is `want` (or time runs out); returns the last reply.
Reply wait_status(const std::string& request_id, const std::string& token, const std::string& want,
                  std::chrono::milliseconds within = 5s) {
  Reply r;
  auto until = std::chrono::steady_clock::now() + within;
  do {
    r = get("/api/v1/payments/" + request_id, token);
    if (r.str("status") == want) return r;
    std::this_thread::sleep_for(20ms);
  } while (std::chrono::steady_clock::now() < until);
  return r;
}

std::string plan_status(const PendingPlan& p) { return statement(p.id, p.customer.token).str("status"); }

std::size_t ledger_payments(const PendingPlan& p) {
  return get("/api/v1/plans/" + p.id + "/payments", p.customer.token).obj().at("payments").as_array().size();
}

// The simulator's log of provider calls since `since`, for one path.
std::vector<js::object> provider_calls(const std::string& provider, const std::string& path, std::int64_t since = 0) {
  auto r = sim_get("/_sim/requests?provider=" + provider + "&since=" + std::to_string(since));
  std::vector<js::object> out;
  for (const auto& item : r.obj().at("items").as_array())
    if (text(item.at("path")) == path) out.push_back(item.as_object());
  return out;
}

std::int64_t last_seq() { return sim_get("/_sim/requests").obj().at("last_seq").to_number<std::int64_t>(); }

std::string header(const js::object& call, const char* name) { return text(call.at("headers").at(name)); }

// Waits until the simulator has sent `n` callbacks for a transaction.
void wait_callbacks(const std::string& txn, std::int64_t n) {
  for (int i = 0; i < 250; ++i) {
    auto t = sim_get("/_sim/transactions/" + txn);
    if (t.status == 200 && t.obj().at("callbacks_sent").to_number<std::int64_t>() >= n) return;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "the simulator sent fewer than " << n << " callbacks for " << txn;
}

// Waits until the simulator's transaction has its outcome (it settles on the simulator's own
// wall clock, a configured delay after the request, whatever the test clock says).
void wait_settled(const std::string& txn) {
  for (int i = 0; i < 250; ++i) {
    auto t = sim_get("/_sim/transactions/" + txn);
    if (t.status == 200 && text(t.obj().at("status")) != "pending") return;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "the simulator's transaction " << txn << " is still pending";
}

std::int64_t callbacks_with_status(const std::string& request_id, const std::string& status) {
  auto c = raw_db();
  pqxx::nontransaction tx(c);
  return tx.exec_params1("SELECT count(*) FROM provider_callbacks WHERE request_id = $1::uuid AND status = $2", request_id,
                         status)[0]
      .as<std::int64_t>();
}

// Waits until at least n of the request's callbacks have ended in `status`; returns the count.
std::int64_t wait_callback_status(const std::string& request_id, const std::string& status, std::int64_t n) {
  std::int64_t seen = 0;
  for (int i = 0; i < 250 && (seen = callbacks_with_status(request_id, status)) < n; ++i)
    std::this_thread::sleep_for(20ms);
  return seen;
}

// The review queue's callbacks by what they name: an M-Pesa receipt in the outcome of a held
// paybill confirmation, or the key of an unmatched one → callback id.
std::map<std::string, std::int64_t> review_callback_ids(const std::string& staff) {
  std::map<std::string, std::int64_t> out;
  auto review = get("/api/v1/payments/review", staff);
  for (const auto& c : review.obj().at("callbacks").as_array()) {
    const auto id = c.at("id").to_number<std::int64_t>();
    out[text(c.at("key"))] = id;
    if (!c.at("outcome").is_string()) continue;
    const auto outcome = text(c.at("outcome"));
    auto open = outcome.find("(M-Pesa ");
    if (open != std::string::npos) out[outcome.substr(open + 8, outcome.find(')', open) - open - 8)] = id;
  }
  return out;
}

class Collections : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(sim_post("/_sim/reset").status, 200); }
};

}  // namespace

TEST_F(Collections, MtnDepositThroughTheProviderActivatesThePlan) {
  auto p = pending_plan();
  auto since = last_seq();
  const std::string succeeded = R"(payment_requests_finished_total{provider="mtn_momo",result="succeeded"})";
  const std::string collected = R"(payment_collections_amount_minor_total{currency="UGX",provider="mtn_momo"})";
  const double succeeded_before = metric(succeeded), collected_before = metric(collected);
  auto r = start(p, body(p, "mtn_momo", "0772 123450"));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto id = r.str("id");
  EXPECT_EQ(r.str("status"), "pending");
  EXPECT_EQ(r.header("Location"), "/api/v1/payments/" + id);
  EXPECT_EQ(r.str("phone").find("123450"), std::string::npos) << "the phone number is masked";

  // Exactly what MTN documents: token with Basic auth, then request-to-pay with our id as the
  // reference, the amount as a string, the callback URL and the subscription key.
  auto tokens = provider_calls("mtn_momo", "/collection/token/", since);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(header(tokens[0], "authorization"), "Basic " + rto::crypto::base64_encode("mtn-user:mtn-key"));
  EXPECT_EQ(header(tokens[0], "ocp-apim-subscription-key"), "mtn-subscription");
  auto calls = provider_calls("mtn_momo", "/collection/v1_0/requesttopay", since);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(text(calls[0].at("method")), "POST");
  EXPECT_EQ(header(calls[0], "x-reference-id"), id);
  EXPECT_EQ(header(calls[0], "x-target-environment"), "sandbox");
  EXPECT_EQ(header(calls[0], "x-callback-url"), world().relay_url + "/api/v1/webhooks/mtn_momo");
  EXPECT_EQ(header(calls[0], "ocp-apim-subscription-key"), "mtn-subscription");
  EXPECT_EQ(header(calls[0], "authorization").rfind("Bearer ", 0), 0u);
  auto sent = js::parse(text(calls[0].at("body"))).as_object();
  EXPECT_EQ(sent.at("amount"), js::value(std::to_string(p.deposit)));
  EXPECT_EQ(text(sent.at("payer").at("partyId")), "256772123450");
  EXPECT_EQ(text(sent.at("externalId")), id);

  auto done = wait_status(id, p.customer.token, "succeeded");
  ASSERT_EQ(done.str("status"), "succeeded") << done.body;
  EXPECT_FALSE(done.obj().at("payment").is_null());
  EXPECT_EQ(text(done.obj().at("receipt").at("plan_reference")), p.reference);
  EXPECT_EQ(amount_of(done.obj().at("receipt").at("amount")), p.deposit);
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_EQ(ledger_payments(p), 1u);
  // On /metrics: one more request succeeded at MTN, and the deposit among the collections.
  EXPECT_EQ(metric_at_least(succeeded, succeeded_before + 1), succeeded_before + 1);
  EXPECT_EQ(metric_at_least(collected, collected_before + static_cast<double>(p.deposit)),
            collected_before + static_cast<double>(p.deposit));
  EXPECT_FALSE(events("payment.collection.received", p.id).empty());
  EXPECT_TRUE(journal_balanced());
  {
    // The callback was finished in the credit's own commit, on the webhook's claim: worked off
    // once, processed, the claim released.
    auto c = raw_db();
    pqxx::nontransaction tx(c);
    auto cb = tx.exec_params1("SELECT status, outcome, attempts, claimed_until IS NULL FROM provider_callbacks "
                              "WHERE request_id = $1::uuid",
                              id);
    EXPECT_EQ(cb[0].as<std::string>(), "processed");
    EXPECT_EQ(cb[1].as<std::string>(), "request succeeded");
    EXPECT_EQ(cb[2].as<int>(), 1);
    EXPECT_TRUE(cb[3].as<bool>());
  }
  // The status was asked of MTN before the money moved.
  EXPECT_FALSE(provider_calls("mtn_momo", "/collection/v1_0/requesttopay/" + id, since).empty());

  // Another customer cannot see it; the plan's list shows it.
  auto other = new_customer("Other Person");
  EXPECT_EQ(get("/api/v1/payments/" + id, other.token).status, 404);
  auto list = get("/api/v1/plans/" + p.id + "/payments", p.customer.token);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(text(list.obj().at("items").as_array().at(0).at("id")), id);
}

TEST_F(Collections, IdempotencyKeyReturnsTheFirstResultAndRefusesAnotherBody) {
  auto p = pending_plan();
  const auto key = "pay-" + new_id();
  auto first = start(p, body(p, "mtn_momo", "0772123460"), key);
  ASSERT_EQ(first.status, 202) << first.body;
  auto again = start(p, body(p, "mtn_momo", "0772123460"), key);
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.str("id"), first.str("id"));
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(provider_calls("mtn_momo", "/collection/v1_0/requesttopay").size(), 1u) << "the provider was asked once";

  auto other_body = start(p, body(p, "mtn_momo", "0772123460", p.deposit + 1000), key);
  EXPECT_EQ(other_body.status, 422) << other_body.body;
  EXPECT_TRUE(other_body.names_field("Idempotency-Key"));

  rto::http::Request req;
  req.method = Method::Post;
  req.target = req.path = "/api/v1/payments";
  req.headers.set("Authorization", "Bearer " + p.customer.token);
  req.headers.set("Content-Type", "application/json");
  req.body = js::serialize(body(p, "mtn_momo", "0772123460"));
  auto no_key = world().service->dispatch(req);
  EXPECT_EQ(no_key.status, 400);
  EXPECT_NE(no_key.body.find("Idempotency-Key"), std::string::npos);
  wait_status(first.str("id"), p.customer.token, "succeeded");
  EXPECT_EQ(ledger_payments(p), 1u);
}

TEST_F(Collections, BadRequestsNameTheField) {
  auto p = pending_plan();
  auto wrong_country = start(p, body(p, "mtn_momo", "+254712345678"));
  EXPECT_EQ(wrong_country.status, 400);
  EXPECT_TRUE(wrong_country.names_field("phone"));
  auto wrong_currency = start(p, body(p, "mpesa", "+254712345678"));
  EXPECT_EQ(wrong_currency.status, 422);
  EXPECT_TRUE(wrong_currency.names_field("amount.currency"));
  auto unknown = start(p, js::object{{"plan_id", p.id}, {"amount", 5}, {"provider", "paypal"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(unknown.names_field("provider"));
  EXPECT_TRUE(unknown.names_field("amount"));
  EXPECT_TRUE(unknown.names_field("phone"));
  // Someone else's plan does not exist for this caller.
  auto other = pending_plan();
  auto theirs = start(p, body(other, "mtn_momo", "0772123450"));
  EXPECT_EQ(theirs.status, 404);
}

TEST_F(Collections, AirtelSendsTheNumberWithoutCountryCodeAndVerifiesTheHash) {
  auto p = pending_plan();
  auto since = last_seq();
  auto r = start(p, body(p, "airtel_money", "0752 123456"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto calls = provider_calls("airtel_money", "/merchant/v1/payments/", since);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(header(calls[0], "x-country"), "UG");
  EXPECT_EQ(header(calls[0], "x-currency"), "UGX");
  auto sent = js::parse(text(calls[0].at("body"))).as_object();
  EXPECT_EQ(text(sent.at("subscriber").at("msisdn")), "752123456");
  EXPECT_TRUE(sent.at("transaction").at("amount").is_int64());
  EXPECT_EQ(text(sent.at("transaction").at("id")), r.str("id"));
  auto token = provider_calls("airtel_money", "/auth/oauth2/token", since);
  ASSERT_EQ(token.size(), 1u);
  EXPECT_EQ(text(js::parse(text(token[0].at("body"))).at("grant_type")), "client_credentials");

  auto done = wait_status(r.str("id"), p.customer.token, "succeeded");
  ASSERT_EQ(done.str("status"), "succeeded") << done.body;
  EXPECT_EQ(done.str("provider_txn_id").rfind("MP", 0), 0u);
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_FALSE(provider_calls("airtel_money", "/standard/v1/payments/" + r.str("id"), since).empty())
      << "the enquiry confirmed the callback";

  // A callback with a bad hash is rejected before anything is asked or credited.
  auto forged = post("/api/v1/webhooks/airtel_money",
                     js::object{{"transaction", js::object{{"id", r.str("id")}, {"message", "Paid"}, {"status_code", "TS"},
                                                           {"airtel_money_id", "MP000000.0000.X00000"}}},
                                {"hash", "bm90IGEgaGFzaA=="}});
  EXPECT_EQ(forged.status, 200);
  // Staff see it in the review queue.
  Reply review;
  bool listed = false;
  const auto staff = staff_token("support_agent");
  for (int i = 0; i < 100 && !listed; ++i) {
    review = get("/api/v1/payments/review", staff);
    ASSERT_EQ(review.status, 200) << review.body;
    for (const auto& c : review.obj().at("callbacks").as_array())
      listed = listed || (text(c.at("status")) == "rejected" && text(c.at("key")) == r.str("id"));
    if (!listed) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(listed) << review.body;
  EXPECT_EQ(ledger_payments(p), 1u);
}

TEST_F(Collections, MpesaStkPushWithTheDocumentedPassword) {
  auto p = pending_plan("KES");
  auto since = last_seq();
  auto r = start(p, body(p, "mpesa", "0712 345670"));
  ASSERT_EQ(r.status, 202) << r.body;
  auto calls = provider_calls("mpesa", "/mpesa/stkpush/v1/processrequest", since);
  ASSERT_EQ(calls.size(), 1u);
  auto sent = js::parse(text(calls[0].at("body"))).as_object();
  auto ts = text(sent.at("Timestamp"));
  EXPECT_EQ(text(sent.at("Password")),
            rto::crypto::base64_encode("174379bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919" + ts));
  EXPECT_EQ(sent.at("Amount").as_int64(), p.deposit / 100) << "whole shillings";
  EXPECT_EQ(text(sent.at("PhoneNumber")), "254712345670");
  EXPECT_EQ(text(sent.at("AccountReference")), p.reference);
  EXPECT_EQ(text(sent.at("CallBackURL")), world().relay_url + "/api/v1/webhooks/mpesa?via=own-url");

  auto done = wait_status(r.str("id"), p.customer.token, "succeeded");
  ASSERT_EQ(done.str("status"), "succeeded") << done.body;
  EXPECT_FALSE(done.str("provider_txn_id").empty()) << "the M-Pesa receipt number";
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_FALSE(provider_calls("mpesa", "/mpesa/stkpushquery/v1/query", since).empty());

  // Fractions of a shilling cannot go through M-Pesa.
  auto cents = start(p, body(p, "mpesa", "0712345670", 150050));
  EXPECT_EQ(cents.status, 422);
  EXPECT_TRUE(cents.names_field("amount.amount"));
}

TEST_F(Collections, FailedPaymentLeavesTheBalanceAndNotifies) {
  auto p = pending_plan();
  const std::string failed_series = R"(payment_requests_finished_total{provider="mtn_momo",result="failed"})";
  const double failed_before = metric(failed_series);
  auto r = start(p, body(p, "mtn_momo", "0772123451"));  // …1: not enough funds
  ASSERT_EQ(r.status, 202) << r.body;
  auto done = wait_status(r.str("id"), p.customer.token, "failed");
  ASSERT_EQ(done.str("status"), "failed") << done.body;
  EXPECT_EQ(done.str("reason_code"), "NOT_ENOUGH_FUNDS");
  EXPECT_EQ(plan_status(p), "pending_deposit");
  EXPECT_EQ(ledger_payments(p), 0u);
  auto failed = events("payment.request.failed", p.id);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(text(failed[0].at("request_id")), r.str("id"));
  EXPECT_EQ(text(failed[0].at("customer_id")), p.customer.id);
  EXPECT_EQ(metric_at_least(failed_series, failed_before + 1), failed_before + 1);
}

TEST_F(Collections, DuplicateReorderedAndReplayedCallbacksCreditOnce) {
  auto p = pending_plan();
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"callback", "duplicate"}, {"duplicates", 3}}).status, 200);
  auto dup = start(p, body(p, "mtn_momo", "0772123460", p.deposit / 2));
  ASSERT_EQ(dup.status, 202) << dup.body;
  wait_callbacks(dup.str("id"), 4);
  ASSERT_EQ(wait_status(dup.str("id"), p.customer.token, "succeeded").str("status"), "succeeded");

  ASSERT_EQ(sim_post("/_sim/behaviour", {{"callback", "reorder"}}).status, 200);
  auto reordered = start(p, body(p, "mtn_momo", "0772123470", p.deposit - p.deposit / 2));
  ASSERT_EQ(reordered.status, 202);
  wait_callbacks(reordered.str("id"), 2);
  ASSERT_EQ(wait_status(reordered.str("id"), p.customer.token, "succeeded").str("status"), "succeeded");

  // A replay of an old callback, after everything settled.
  EXPECT_EQ(wait_callback_status(dup.str("id"), "duplicate", 3), 3);
  auto replay = sim_post("/_sim/transactions/" + dup.str("id") + "/callback");
  EXPECT_EQ(replay.status, 200) << replay.body;
  EXPECT_EQ(wait_callback_status(dup.str("id"), "duplicate", 4), 4) << "the replay was worked off";
  EXPECT_EQ(ledger_payments(p), 2u);
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_TRUE(journal_balanced());
}

TEST_F(Collections, ForgedCallbacksNeverCredit) {
  auto p = pending_plan();
  // The customer never answers (…2): a forged "SUCCESSFUL" is checked with MTN, which says pending.
  auto r = start(p, body(p, "mtn_momo", "0772123452"));
  ASSERT_EQ(r.status, 202);
  auto forged = put("/api/v1/webhooks/mtn_momo",
                    js::object{{"financialTransactionId", "9999999999"}, {"externalId", r.str("id")},
                               {"amount", std::to_string(p.deposit)}, {"currency", "UGX"}, {"status", "SUCCESSFUL"}});
  EXPECT_EQ(forged.status, 200) << forged.body;
  EXPECT_EQ(wait_callback_status(r.str("id"), "processed", 1), 1) << "the forged callback was checked";
  EXPECT_EQ(get("/api/v1/payments/" + r.str("id"), p.customer.token).str("status"), "pending");
  EXPECT_EQ(ledger_payments(p), 0u);

  // An unknown reference is kept for staff, not credited.
  auto unknown = post("/api/v1/webhooks/mtn_momo", js::object{{"externalId", new_id()}, {"status", "SUCCESSFUL"}});
  EXPECT_EQ(unknown.status, 200);
  // Not a callback at all.
  auto junk = call(Method::Post, "/api/v1/webhooks/mtn_momo", "not json");
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(post("/api/v1/webhooks/paypal", js::object{{"x", 1}}).status, 404);
  // A body beyond 16 KiB is refused before it is stored.
  auto count_callbacks = [] {
    auto db = raw_db();
    pqxx::read_transaction tx(db);
    return tx.exec1("SELECT count(*) FROM provider_callbacks")[0].as<long>();
  };
  const auto stored_before = count_callbacks();
  auto huge = post("/api/v1/webhooks/mtn_momo",
                   js::object{{"externalId", new_id()}, {"status", "SUCCESSFUL"}, {"padding", std::string(17 * 1024, 'x')}});
  EXPECT_EQ(huge.status, 413) << huge.body;
  EXPECT_EQ(count_callbacks(), stored_before);

  // The provider confirms a different amount (…5 pays half): held for review, not credited.
  auto half = start(p, body(p, "mtn_momo", "0772123455"));
  ASSERT_EQ(half.status, 202);
  auto held = wait_status(half.str("id"), p.customer.token, "held");
  ASSERT_EQ(held.str("status"), "held") << held.body;
  EXPECT_EQ(held.str("reason_code"), "AMOUNT_MISMATCH");
  EXPECT_EQ(amount_of(held.obj().at("confirmed_amount")), p.deposit / 2);
  EXPECT_EQ(ledger_payments(p), 0u);
  EXPECT_EQ(plan_status(p), "pending_deposit");
  auto review = get("/api/v1/payments/review", staff_token("admin"));
  ASSERT_EQ(review.status, 200);
  bool listed = false;
  for (const auto& h : review.obj().at("held").as_array())
    if (text(h.at("id")) == half.str("id")) {
      listed = true;
      EXPECT_EQ(text(h.at("plan_reference")), p.reference);
    }
  EXPECT_TRUE(listed);
  EXPECT_EQ(get("/api/v1/payments/review", p.customer.token).status, 403);
}

TEST_F(Collections, LostCallbackIsSettledByReconciliationAndSilenceExpires) {
  auto p = pending_plan();
  auto lost = start(p, body(p, "mtn_momo", "0772123453"));   // …3: paid, callback lost
  auto silent = start(p, body(p, "mtn_momo", "0772123452"));  // …2: never answered
  ASSERT_EQ(lost.status, 202);
  ASSERT_EQ(silent.status, 202);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(get("/api/v1/payments/" + lost.str("id"), p.customer.token).str("status"), "pending");

  // Before RECONCILE_AFTER nothing is asked; after it, the lost one settles.
  EXPECT_EQ(world().app->collections().reconcile(), 0);
  EXPECT_EQ(get("/api/v1/payments/" + lost.str("id"), p.customer.token).str("status"), "pending");
  world().clock->advance(world().config.reconcile_after + 1s);
  world().app->collections().reconcile();
  EXPECT_EQ(get("/api/v1/payments/" + lost.str("id"), p.customer.token).str("status"), "succeeded");
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_EQ(get("/api/v1/payments/" + silent.str("id"), p.customer.token).str("status"), "pending");

  // Past the request's expiry the silent one expires and the customer is told.
  world().clock->advance(world().config.request_ttl);
  world().app->collections().reconcile();
  auto expired = get("/api/v1/payments/" + silent.str("id"), p.customer.token);
  EXPECT_EQ(expired.str("status"), "expired") << expired.body;
  auto failed = events("payment.request.failed", p.id);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(text(failed[0].at("status")), "expired");
  EXPECT_EQ(ledger_payments(p), 1u);
}

TEST_F(Collections, AnMpesaReceiptArrivingAfterReconciliationIsRecorded) {
  auto p = pending_plan("KES");
  auto r = start(p, body(p, "mpesa", "0712 345673"));  // …3: paid, callback lost
  ASSERT_EQ(r.status, 202) << r.body;
  std::this_thread::sleep_for(200ms);
  world().clock->advance(world().config.reconcile_after + 1s);
  world().app->collections().reconcile();
  auto settled = get("/api/v1/payments/" + r.str("id"), p.customer.token);
  ASSERT_EQ(settled.str("status"), "succeeded") << settled.body;
  EXPECT_TRUE(settled.obj().at("provider_txn_id").is_null()) << "Daraja's query names no receipt";

  // The callback comes after all, with the receipt.
  std::string checkout;
  {
    auto c = raw_db();
    pqxx::nontransaction tx(c);
    checkout = tx.exec_params1("SELECT provider_request_id FROM payment_requests WHERE id = $1::uuid", r.str("id"))[0]
                   .as<std::string>();
  }
  auto receipt = text(sim_get("/_sim/transactions/" + checkout).obj().at("provider_txn_id"));
  ASSERT_FALSE(receipt.empty());
  ASSERT_EQ(sim_post("/_sim/transactions/" + checkout + "/callback").status, 200);
  EXPECT_EQ(wait_callback_status(r.str("id"), "processed", 1), 1);
  EXPECT_EQ(get("/api/v1/payments/" + r.str("id"), p.customer.token).str("provider_txn_id"), receipt);
  auto payments = get("/api/v1/plans/" + p.id + "/payments", p.customer.token).obj().at("payments").as_array();
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(text(payments[0].at("receipt_number")), receipt);

  // A replay changes nothing more: still one payment with that receipt.
  ASSERT_EQ(sim_post("/_sim/transactions/" + checkout + "/callback").status, 200);
  EXPECT_EQ(wait_callback_status(r.str("id"), "duplicate", 1), 1);
  // Recording the same receipt by another path finds that payment instead of crediting again.
  auto again = post("/internal/payments",
                    js::object{{"plan_id", p.id},
                               {"amount", p.deposit},
                               {"currency", "KES"},
                               {"provider", "mpesa"},
                               {"provider_txn_id", receipt},
                               {"paid_at", rto::to_rfc3339(world().clock->now())}},
                    service_token());
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.obj().at("duplicate").as_bool());
  EXPECT_EQ(ledger_payments(p), 1u);
  EXPECT_TRUE(journal_balanced());
}

TEST_F(Collections, CallbackStoredBeforeACrashIsCreditedAfterTheRestart) {
  auto p = pending_plan();
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"callback", "drop"}}).status, 200);
  auto r = start(p, body(p, "mtn_momo", "0772123460"));
  ASSERT_EQ(r.status, 202);
  // The callback as the webhook stored it, with the process gone before any worker ran it.
  {
    auto c = raw_db();
    pqxx::work tx(c);
    const auto received = std::chrono::duration_cast<std::chrono::microseconds>(
                              world().clock->now().time_since_epoch()).count();
    tx.exec_params("INSERT INTO provider_callbacks (provider, key_kind, key_value, body, received_at) "
                   "VALUES ('mtn_momo', 'request_id', $1, $2, 'epoch'::timestamptz + $3::int8 * interval '1 microsecond')",
                   r.str("id"), js::serialize(js::object{{"externalId", r.str("id")}, {"status", "SUCCESSFUL"}}),
                   received);
    tx.commit();
  }
  // The provider has the payer's answer by now (the status call below must not find it pending).
  wait_settled(r.str("id"));
  // A restarted process: a fresh App on the same database sweeps what was stored.
  payment_service::App restarted(world().service->db(), world().service->tokens(), world().clock, world().config);
  world().clock->advance(10s);
  EXPECT_EQ(restarted.collections().process_waiting_callbacks(), 1);
  EXPECT_EQ(get("/api/v1/payments/" + r.str("id"), p.customer.token).str("status"), "succeeded");
  EXPECT_EQ(plan_status(p), "active");
  EXPECT_EQ(restarted.collections().process_waiting_callbacks(), 0) << "nothing is left waiting";
  EXPECT_EQ(ledger_payments(p), 1u);
}

TEST_F(Collections, WebhookRefusesCallbacksBeyondTheBacklogCap) {
  // A process whose workers are not running, so nothing it stores is worked off.
  auto config = world().config;
  config.callback_backlog_max = 2;
  payment_service::App behind(world().service->db(), world().service->tokens(), world().clock, config);
  const auto key = rto::crypto::uuid_v4();
  const auto cb = js::serialize(js::object{{"externalId", key}, {"status", "SUCCESSFUL"}});
  EXPECT_GT(behind.collections().receive_callback(payment_service::momo::ProviderId::mtn_momo, cb), 0);
  EXPECT_GT(behind.collections().receive_callback(payment_service::momo::ProviderId::mtn_momo, cb), 0);
  try {
    behind.collections().receive_callback(payment_service::momo::ProviderId::mtn_momo, cb);
    ADD_FAILURE() << "a third callback was accepted beyond a backlog of 2";
  } catch (const rto::Error& e) {
    EXPECT_EQ(e.status(), 503) << e.what();
  }
  auto c = raw_db();
  pqxx::work tx(c);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM provider_callbacks WHERE key_value = $1", key)[0].as<int>(), 2)
      << "the refused callback is not stored";
  // Worked off by hand, so no later sweep in this database finds them waiting.
  tx.exec_params("UPDATE provider_callbacks SET status = 'unmatched', processed_at = now() WHERE key_value = $1", key);
  tx.commit();
}

TEST_F(Collections, CallbacksArrivingTogetherAreStoredTogetherEachUnderItsOwnId) {
  // A process whose workers are not running: what the webhooks store stays as stored.
  payment_service::App behind(world().service->db(), world().service->tokens(), world().clock, world().config);
  constexpr int kThreads = 16, kEach = 12;
  std::vector<std::vector<std::pair<std::int64_t, std::string>>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < kEach; ++k) {
        const auto key = rto::crypto::uuid_v4();
        const auto body = js::serialize(js::object{{"externalId", key}, {"status", "SUCCESSFUL"}, {"n", t * kEach + k}});
        got[static_cast<std::size_t>(t)].emplace_back(
            behind.collections().receive_callback(payment_service::momo::ProviderId::mtn_momo, body), body);
      }
    });
  for (auto& t : threads) t.join();
  auto c = raw_db();
  pqxx::work tx(c);
  std::set<std::int64_t> ids;
  for (const auto& list : got)
    for (const auto& [id, body] : list) {
      ids.insert(id);
      auto row = tx.exec_params1("SELECT body, key_value, status, attempts, claimed_until IS NOT NULL "
                                 "FROM provider_callbacks WHERE id = $1", id);
      EXPECT_EQ(row[0].as<std::string>(), body) << "callback " << id << " holds another webhook's body";
      EXPECT_EQ(row[1].as<std::string>(), text(js::parse(body).at("externalId")));
      EXPECT_EQ(row[2].as<std::string>(), "received");
      EXPECT_EQ(row[3].as<int>(), 1);
      EXPECT_TRUE(row[4].as<bool>()) << "stored claimed by the process that queued it";
    }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kEach)) << "every webhook got its own id";
  // Worked off by hand, so no later sweep in this database finds them waiting.
  for (auto id : ids)
    tx.exec_params("UPDATE provider_callbacks SET status = 'unmatched', processed_at = now() WHERE id = $1", id);
  tx.commit();
}

namespace {

// The paybill confirmations that carry an M-Pesa receipt, oldest first: {status, outcome}.
std::vector<std::pair<std::string, std::string>> paybill_callbacks(const std::string& receipt) {
  auto c = raw_db();
  pqxx::nontransaction tx(c);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : tx.exec_params("SELECT status, coalesce(outcome, '') FROM provider_callbacks WHERE key_kind = "
                                      "'account_reference' AND body::json->>'TransID' = $1 ORDER BY id",
                                      receipt))
    out.emplace_back(r[0].as<std::string>(), r[1].as<std::string>());
  return out;
}

// Polls until every paybill confirmation with the receipt (at least n) has left received and
// verifying; returns them.
std::vector<std::pair<std::string, std::string>> settled_paybills(const std::string& receipt, std::size_t n) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (int i = 0; i < 250; ++i) {
    rows = paybill_callbacks(receipt);
    bool settled = rows.size() >= n;
    for (const auto& [status, outcome] : rows) settled = settled && status != "received" && status != "verifying";
    if (settled) break;
    std::this_thread::sleep_for(20ms);
  }
  return rows;
}

js::object paybill_confirmation(const std::string& receipt, const std::string& amount, const std::string& reference,
                                const std::string& msisdn = "254712345678") {
  return {{"TransactionType", "Pay Bill"}, {"TransID", receipt},         {"TransTime", "20260302100000"},
          {"TransAmount", amount},        {"BusinessShortCode", "174379"}, {"BillRefNumber", reference},
          {"InvoiceNumber", ""},          {"OrgAccountBalance", ""},      {"ThirdPartyTransID", ""},
          {"MSISDN", msisdn},             {"FirstName", "John"}};
}

// A paybill payment through the simulator: it posts the confirmation to `url` (our M-Pesa
// webhook unless given) and returns the receipt (TransID); `delivered` says whether we took it.
std::string paybill_via_sim(const std::string& reference, std::int64_t amount, bool* delivered = nullptr,
                            std::string url = "") {
  if (url.empty()) url = world().relay_url + "/api/v1/webhooks/mpesa";
  auto sent = sim_post("/_sim/mpesa/c2b",
                       {{"bill_ref", reference}, {"amount", amount}, {"msisdn", "254712345678"}, {"confirmation_url", url}});
  EXPECT_EQ(sent.status, 200) << sent.body;
  if (delivered) *delivered = sent.obj().at("delivered").as_bool();
  return text(sent.obj().at("trans_id"));
}

}  // namespace

TEST_F(Collections, PaybillPaymentIsConfirmedWithMpesaThenCreditedOnce) {
  auto p = pending_plan("KES");
  // Daraja's answer sent at once: it may overtake the reply to the query it answers.
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"provider", "mpesa"}, {"callback_delay_ms", 0}}).status, 200);
  const auto since = last_seq();
  bool delivered = false;
  const auto receipt = paybill_via_sim(p.reference, 1500, &delivered);
  EXPECT_TRUE(delivered);

  auto rows = settled_paybills(receipt, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "processed") << rows[0].second;
  EXPECT_NE(rows[0].second.find("confirmed by M-Pesa"), std::string::npos) << rows[0].second;

  // Daraja's Transaction Status query, as documented: our initiator, the receipt, our
  // shortcode as an organisation (4), and where to answer.
  auto calls = provider_calls("mpesa", "/mpesa/transactionstatus/v1/query", since);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(header(calls[0], "authorization").rfind("Bearer ", 0), 0u);
  auto q = js::parse(text(calls[0].at("body"))).as_object();
  EXPECT_EQ(text(q.at("Initiator")), "rto-api");
  EXPECT_EQ(text(q.at("SecurityCredential")), rto::crypto::base64_encode("initiator password, encrypted"));
  EXPECT_EQ(text(q.at("CommandID")), "TransactionStatusQuery");
  EXPECT_EQ(text(q.at("TransactionID")), receipt);
  EXPECT_EQ(text(q.at("PartyA")), "174379");
  EXPECT_EQ(text(q.at("IdentifierType")), "4");
  EXPECT_EQ(text(q.at("ResultURL")), world().relay_url + "/api/v1/webhooks/mpesa?via=own-url");
  EXPECT_EQ(text(q.at("QueueTimeOutURL")), text(q.at("ResultURL")));
  EXPECT_EQ(text(q.at("Remarks")), p.reference);

  auto payments = get("/api/v1/plans/" + p.id + "/payments", p.customer.token).obj().at("payments").as_array();
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(text(payments[0].at("provider_txn_id")), receipt);
  EXPECT_EQ(amount_of(payments[0].at("amount")), 150'000);  // KES 1,500.00
  EXPECT_FALSE(events("payment.collection.received", p.id).empty());
  EXPECT_TRUE(journal_balanced());

  // Safaricom sends the confirmation again (it retries when unsure): a duplicate, on the ledger
  // once, M-Pesa not asked again.
  auto replayed = sim_post("/_sim/transactions/" + receipt + "/callback");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  rows = settled_paybills(receipt, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].first, "duplicate") << rows[1].second;
  EXPECT_NE(rows[1].second.find("already credited"), std::string::npos) << rows[1].second;
  EXPECT_EQ(provider_calls("mpesa", "/mpesa/transactionstatus/v1/query", since).size(), 1u);
  EXPECT_EQ(ledger_payments(p), 1u);
  EXPECT_TRUE(review_callback_ids(staff_token("admin")).count(receipt) == 0) << "nothing for staff";

  // The same receipt copied onto another plan's reference: a duplicate, not held for staff.
  auto other = pending_plan("KES");
  auto copied = post("/api/v1/webhooks/mpesa", paybill_confirmation(receipt, "1500.00", other.reference));
  ASSERT_EQ(copied.status, 200) << copied.body;
  rows = settled_paybills(receipt, 3);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].first, "duplicate") << rows[2].second;
  EXPECT_EQ(ledger_payments(other), 0u);
  EXPECT_TRUE(review_callback_ids(staff_token("admin")).count(receipt) == 0) << "nothing for staff";
}

TEST_F(Collections, APaybillReceiptIsHeldByOneConfirmationWhateverReferenceOthersName) {
  auto p = pending_plan("KES");
  auto other = pending_plan("KES");
  // M-Pesa's answers never come, so the genuine confirmation stays verifying.
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"provider", "mpesa"}, {"callback", "drop"}}).status, 200);
  const auto receipt = paybill_via_sim(p.reference, 1500);
  for (int i = 0; i < 250; ++i) {
    auto rows = paybill_callbacks(receipt);
    if (!rows.empty() && rows[0].first == "verifying") break;
    std::this_thread::sleep_for(20ms);
  }
  // A copy naming another plan while the first is being verified: refused as a duplicate.
  auto copied = post("/api/v1/webhooks/mpesa", paybill_confirmation(receipt, "1500.00", other.reference));
  ASSERT_EQ(copied.status, 200) << copied.body;
  auto rows = settled_paybills(receipt, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, "verifying");
  EXPECT_EQ(rows[1].first, "duplicate") << rows[1].second;
  EXPECT_NE(rows[1].second.find("already received"), std::string::npos) << rows[1].second;
  // Staff cannot credit the receipt through the copy either.
  std::int64_t copy_id = 0;
  {
    auto c = raw_db();
    pqxx::nontransaction tx(c);
    copy_id = tx.exec_params("SELECT max(id) FROM provider_callbacks WHERE body::json->>'TransID' = $1", receipt)[0][0]
                  .as<std::int64_t>();
    // As if it had ended on the queue (unmatched): the receipt still belongs to the first.
    tx.exec_params("UPDATE provider_callbacks SET status = 'unmatched' WHERE id = $1", copy_id);
  }
  auto credit = post("/api/v1/payments/review/callbacks/" + std::to_string(copy_id) + "/resolve",
                     js::object{{"action", "credit"}, {"note", "customer says it was for this plan"},
                                {"plan_ref", other.reference}},
                     staff_token("support_agent"));
  EXPECT_EQ(credit.status, 409) << credit.body;
  EXPECT_NE(credit.str("type").find("duplicate-receipt"), std::string::npos) << credit.body;
  EXPECT_EQ(ledger_payments(p), 0u);
  EXPECT_EQ(ledger_payments(other), 0u);
  // The first is left to staff, so the sweep asks M-Pesa about it no more.
  ASSERT_EQ(sim_post("/_sim/reset").status, 200);
  auto c = raw_db();
  pqxx::nontransaction tx(c);
  tx.exec_params("UPDATE provider_callbacks SET status = 'held' WHERE status = 'verifying' AND body::json->>'TransID' = $1",
                 receipt);
}

TEST_F(Collections, ForgedPaybillConfirmationsAndAnswersCreditNothing) {
  auto p = pending_plan("KES");
  // A receipt M-Pesa never issued.
  std::string never = "RZ" + rto::crypto::uuid_v4().substr(0, 8);
  for (auto& ch : never) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto invented = post("/api/v1/webhooks/mpesa", paybill_confirmation(never, "1500.00", p.reference));
  ASSERT_EQ(invented.status, 200) << invented.body;
  // A real receipt (KES 100) whose confirmation never reached us, claimed for KES 15,000.
  bool delivered = true;
  const auto receipt = paybill_via_sim(p.reference, 100, &delivered, "http://127.0.0.1:9/lost");
  EXPECT_FALSE(delivered);
  auto inflated = post("/api/v1/webhooks/mpesa", paybill_confirmation(receipt, "15000.00", p.reference));
  ASSERT_EQ(inflated.status, 200) << inflated.body;
  // An answer nobody asked for, claiming the inflated amount.
  const auto forged_conversation = "AG_20260302_" + rto::crypto::random_token(10);
  auto answer = post("/api/v1/webhooks/mpesa",
                     js::object{{"Result", js::object{{"ResultType", 0}, {"ResultCode", 0}, {"ConversationID", forged_conversation},
                                                       {"ResultParameters", js::object{{"ResultParameter", js::array{
                                                           js::object{{"Key", "ReceiptNo"}, {"Value", receipt}},
                                                           js::object{{"Key", "TransactionStatus"}, {"Value", "Completed"}},
                                                           js::object{{"Key", "Amount"}, {"Value", 15000}}}}}}}}});
  ASSERT_EQ(answer.status, 200) << answer.body;

  auto none = settled_paybills(never, 1);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].first, "held");
  EXPECT_NE(none[0].second.find("2032"), std::string::npos) << none[0].second;
  auto more = settled_paybills(receipt, 1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(more[0].first, "held");
  EXPECT_NE(more[0].second.find("M-Pesa confirmed KES 100.00"), std::string::npos) << more[0].second;
  EXPECT_EQ(ledger_payments(p), 0u);
  {
    auto c = raw_db();
    pqxx::nontransaction tx(c);
    auto r = tx.exec_params1("SELECT status FROM provider_callbacks WHERE key_kind = 'conversation_id' AND key_value = $1",
                             forged_conversation);
    EXPECT_NE(r[0].as<std::string>(), "processed") << "an answer to no query of ours is never acted on";
  }

  // Both wait for staff on the review queue; the genuine confirmation, when it comes, is credited.
  const auto ids = review_callback_ids(staff_token("admin"));
  EXPECT_TRUE(ids.count(never));
  EXPECT_TRUE(ids.count(receipt));
  auto genuine = post("/api/v1/webhooks/mpesa", paybill_confirmation(receipt, "100.00", p.reference));
  ASSERT_EQ(genuine.status, 200) << genuine.body;
  auto rows = settled_paybills(receipt, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].first, "processed") << rows[1].second;
  EXPECT_EQ(ledger_payments(p), 1u);
  EXPECT_EQ(amount_of(statement(p.id, p.customer.token).obj().at("balance").at("paid_total")), 10'000);
  EXPECT_TRUE(journal_balanced());

  // A real receipt copied with its amount and reference but another payer's number: M-Pesa's
  // answer names the real payer, so it is held, and the genuine confirmation is still credited.
  const auto second = paybill_via_sim(p.reference, 200, &delivered, "http://127.0.0.1:9/lost");
  auto other_payer = post("/api/v1/webhooks/mpesa", paybill_confirmation(second, "200.00", p.reference, "254700000111"));
  ASSERT_EQ(other_payer.status, 200) << other_payer.body;
  rows = settled_paybills(second, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "held");
  EXPECT_NE(rows[0].second.find("paid from a number ending 678"), std::string::npos) << rows[0].second;
  EXPECT_EQ(rows[0].second.find("254712345678"), std::string::npos) << "the payer's number is not spelled out";
  EXPECT_EQ(ledger_payments(p), 1u);
  ASSERT_EQ(post("/api/v1/webhooks/mpesa", paybill_confirmation(second, "200.00", p.reference)).status, 200);
  rows = settled_paybills(second, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].first, "processed") << rows[1].second;
  EXPECT_EQ(ledger_payments(p), 2u);
}

TEST_F(Collections, ForgedConfirmationsCannotSpendTheMpesaQuota) {
  auto p = pending_plan("KES");
  const auto since = last_seq();
  // Receipts M-Pesa never issued, all naming one plan: at most
  // MPESA_RECEIPT_QUERIES_PER_PLAN_PER_HOUR (6) queries go to Daraja; the rest wait for staff.
  std::vector<std::string> forged;
  for (int i = 0; i < 8; ++i) {
    std::string r = "RQ" + rto::crypto::uuid_v4().substr(0, 8);
    for (auto& ch : r) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    forged.push_back(r);
    ASSERT_EQ(post("/api/v1/webhooks/mpesa", paybill_confirmation(r, "1500.00", p.reference)).status, 200);
  }
  int answered = 0, limited = 0;
  for (const auto& r : forged) {
    auto rows = settled_paybills(r, 1);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].first, "held") << rows[0].second;
    if (rows[0].second.find("2032") != std::string::npos) ++answered;
    if (rows[0].second.find("too often") != std::string::npos) ++limited;
  }
  EXPECT_EQ(answered, 6);
  EXPECT_EQ(limited, 2);
  EXPECT_EQ(provider_calls("mpesa", "/mpesa/transactionstatus/v1/query", since).size(), 6u);
  EXPECT_EQ(world().app->collections().receipt_queries_refused(), 2);
  EXPECT_EQ(ledger_payments(p), 0u);

  // Another plan is not held back by the first one's flood; an hour later the first is asked again.
  auto q = pending_plan("KES");
  bool delivered = false;
  const auto genuine = paybill_via_sim(q.reference, 1500, &delivered);
  EXPECT_TRUE(delivered);
  auto rows = settled_paybills(genuine, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "processed") << rows[0].second;
  world().clock->advance(1h);
  const auto later = paybill_via_sim(p.reference, 1500, &delivered);
  rows = settled_paybills(later, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "processed") << rows[0].second;
}

TEST_F(Collections, UnansweredReceiptQueriesAreAskedAgainThenLeftToStaff) {
  auto p = pending_plan("KES");
  const auto since = last_seq();
  const auto queries = [&] { return provider_calls("mpesa", "/mpesa/transactionstatus/v1/query", since).size(); };
  // Daraja takes the queries, but its answers never arrive.
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"provider", "mpesa"}, {"callback", "drop"}}).status, 200);
  const auto receipt = paybill_via_sim(p.reference, 1500);
  const auto status = [&] {
    auto rows = paybill_callbacks(receipt);
    return rows.empty() ? std::string() : rows[0].first;
  };
  const auto asked = [&] {  // the query sent and its ConversationID stored
    auto rows = paybill_callbacks(receipt);
    return !rows.empty() && rows[0].first == "verifying" && rows[0].second.find("was asked") != std::string::npos;
  };
  for (int i = 0; i < 250 && !asked(); ++i) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(asked());
  EXPECT_EQ(queries(), 1u);

  // Within the five minutes an answer may take, the sweep leaves it waiting.
  world().clock->advance(4min);
  world().app->collections().process_waiting_callbacks();
  EXPECT_EQ(status(), "verifying");
  EXPECT_EQ(queries(), 1u);
  // Unanswered: asked again, twice…
  for (std::size_t asked = 2; asked <= 3; ++asked) {
    world().clock->advance(6min);
    world().app->collections().process_waiting_callbacks();
    EXPECT_EQ(status(), "verifying");
    EXPECT_EQ(queries(), asked);
  }
  // …then left to staff, uncredited.
  world().clock->advance(6min);
  world().app->collections().process_waiting_callbacks();
  auto rows = paybill_callbacks(receipt);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "held");
  EXPECT_NE(rows[0].second.find("unanswered"), std::string::npos) << rows[0].second;
  EXPECT_EQ(queries(), 3u);
  EXPECT_EQ(ledger_payments(p), 0u);
}

TEST_F(Collections, PaybillConfirmationsStaffVerifyWhenMpesaCannotBeAsked) {
  auto p = pending_plan("KES");
  // Daraja refuses the Transaction Status query (the initiator's credential was revoked, say).
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"provider", "mpesa"}, {"fail_requests", {{"status", 400}, {"count", 1}}}}).status,
            200);
  bool delivered = false;
  const auto trans_id = paybill_via_sim(p.reference, 1500, &delivered);
  EXPECT_TRUE(delivered);
  paybill_via_sim("RTO-ZZZZZZ", 1500);

  const auto staff = staff_token("admin");
  bool held = false, unmatched = false;
  for (int i = 0; i < 100 && !(held && unmatched); ++i) {
    auto review = get("/api/v1/payments/review", staff);
    ASSERT_EQ(review.status, 200);
    for (const auto& c : review.obj().at("callbacks").as_array()) {
      const auto outcome = c.at("outcome").is_string() ? text(c.at("outcome")) : "";
      held = held || (text(c.at("status")) == "held" && outcome.find(trans_id) != std::string::npos &&
                      outcome.find(p.reference) != std::string::npos && outcome.find("KES 1,500") != std::string::npos &&
                      outcome.find("refused") != std::string::npos);
      unmatched = unmatched || (text(c.at("status")) == "unmatched" && text(c.at("key")) == "RTO-ZZZZZZ");
    }
    if (!(held && unmatched)) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(held);
  EXPECT_TRUE(unmatched);
  EXPECT_EQ(ledger_payments(p), 0u) << "not credited before staff verify it";

  // Staff verify the receipt in the M-Pesa portal and credit it, once.
  const auto ids = review_callback_ids(staff);
  ASSERT_TRUE(ids.count(trans_id)) << "the held confirmation is on the queue";
  ASSERT_TRUE(ids.count("RTO-ZZZZZZ"));
  const auto resolve = [](std::int64_t id) { return "/api/v1/payments/review/callbacks/" + std::to_string(id) + "/resolve"; };
  const js::object credit{{"action", "credit"}, {"note", "receipt checked in the M-Pesa org portal"}};
  EXPECT_EQ(post(resolve(ids.at(trans_id)), credit, p.customer.token).status, 403);
  EXPECT_EQ(post(resolve(ids.at(trans_id)), credit, staff_token("credit_officer")).status, 403);
  EXPECT_EQ(post(resolve(999'999'999), credit, staff).status, 404);
  auto overridden = post(resolve(ids.at(trans_id)), js::object{{"action", "credit"}, {"note", "checked"}, {"amount", js::object{{"amount", 1}, {"currency", "KES"}}}}, staff);
  EXPECT_EQ(overridden.status, 422);
  EXPECT_TRUE(overridden.names_field("amount")) << overridden.body;
  // Four eyes: an agent proposes the credit with its evidence; an admin approves it.
  auto proposed = post(resolve(ids.at(trans_id)), credit, staff_token("support_agent"));
  ASSERT_EQ(proposed.status, 202) << proposed.body;
  EXPECT_EQ(text(proposed.obj().at("approval").at("kind")), "credit_callback");
  EXPECT_EQ(text(proposed.obj().at("approval").at("evidence")), trans_id);
  EXPECT_EQ(text(proposed.obj().at("approval").at("plan_reference")), p.reference);
  EXPECT_EQ(ledger_payments(p), 0u) << "nothing is credited before approval";
  EXPECT_TRUE(review_callback_ids(staff).count(trans_id)) << "still on the queue until approved";
  auto queue = get("/api/v1/payments/review", staff);
  bool waiting = false;
  for (const auto& a : queue.obj().at("approvals").as_array())
    waiting = waiting || text(a.at("id")) == text(proposed.obj().at("approval").at("id"));
  EXPECT_TRUE(waiting) << "the proposal waits on the review queue";
  auto credited = carry_out(proposed, staff);
  ASSERT_EQ(credited.status, 200) << credited.body;
  const auto& result = credited.obj().at("result").as_object();
  EXPECT_EQ(text(result.at("action")), "credit");
  EXPECT_EQ(amount_of(result.at("payment").at("amount")), 150'000);  // KES 1,500.00
  EXPECT_EQ(text(result.at("payment").at("provider_txn_id")), trans_id);
  EXPECT_EQ(text(result.at("plan").at("id")), p.id);
  EXPECT_EQ(text(credited.obj().at("approval").at("result_id")), text(result.at("payment").at("id")));
  EXPECT_EQ(ledger_payments(p), 1u);
  auto again = post(resolve(ids.at(trans_id)), credit, staff);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.str("type").find("already-resolved"), std::string::npos) << again.body;
  EXPECT_EQ(ledger_payments(p), 1u);

  // The one with an unknown reference: staff name the plan it was meant for.
  auto no_plan = post(resolve(ids.at("RTO-ZZZZZZ")), credit, staff);
  EXPECT_EQ(no_plan.status, 422);
  EXPECT_TRUE(no_plan.names_field("plan_ref")) << no_plan.body;
  auto ugx_plan = pending_plan();
  auto wrong_currency = post(resolve(ids.at("RTO-ZZZZZZ")),
                             js::object{{"action", "credit"}, {"note", "customer typed the reference wrong"},
                                        {"plan_ref", ugx_plan.reference}}, staff);
  EXPECT_EQ(wrong_currency.status, 422);
  EXPECT_TRUE(wrong_currency.names_field("plan_ref")) << wrong_currency.body;
  auto matched = carry_out(post(resolve(ids.at("RTO-ZZZZZZ")),
                                js::object{{"action", "credit"}, {"note", "customer typed the reference wrong"},
                                           {"plan_ref", p.reference}}, staff),
                           staff_token("support_agent"));
  ASSERT_EQ(matched.status, 200) << matched.body;
  EXPECT_EQ(ledger_payments(p), 2u);
  EXPECT_EQ(amount_of(statement(p.id, p.customer.token).obj().at("balance").at("paid_total")), 300'000);
  EXPECT_TRUE(journal_balanced());
  // Both are off the queue.
  auto left = review_callback_ids(staff);
  EXPECT_FALSE(left.count(trans_id));
  EXPECT_FALSE(left.count("RTO-ZZZZZZ"));
}

TEST_F(Collections, AFloodOfForgedCallbacksNeverHidesHeldItems) {
  // A genuine paybill confirmation held for staff, then a flood of forged ones that match nothing.
  const auto tag = new_id().substr(0, 8);
  std::int64_t held_id = 0;
  {
    auto c = raw_db();
    pqxx::work tx(c);
    held_id = tx.exec_params("INSERT INTO provider_callbacks (provider, key_kind, key_value, body, received_at, status, "
                             "outcome) VALUES ('mpesa', 'account_reference', $1, '{}', "
                             "TIMESTAMPTZ '2001-01-01 00:00:00Z', 'held', 'held for staff') RETURNING id",
                             "HELD-" + tag)[0][0]
                  .as<std::int64_t>();
    tx.exec_params("INSERT INTO provider_callbacks (provider, key_kind, key_value, body, received_at, status) "
                   "SELECT 'mpesa', 'account_reference', $1 || g, '{}', "
                   "TIMESTAMPTZ '2001-01-02 00:00:00Z' + g * interval '1 second', 'unmatched' "
                   "FROM generate_series(1, 250) g",
                   "FORGED-" + tag + "-");
    tx.commit();
  }
  const auto staff = staff_token("support_agent");
  const auto ids_of = [](const Reply& r) {
    std::vector<std::int64_t> ids;
    for (const auto& c : r.obj().at("callbacks").as_array()) ids.push_back(c.at("id").as_int64());
    return ids;
  };

  // Filtered to held ones, it is there however many forged ones arrived.
  auto held = get("/api/v1/payments/review?list=callbacks&status=held&provider=mpesa&limit=500", staff);
  ASSERT_EQ(held.status, 200) << held.body;
  for (const auto& c : held.obj().at("callbacks").as_array()) EXPECT_EQ(text(c.at("status")), "held");
  const auto held_ids = ids_of(held);
  EXPECT_NE(std::ranges::find(held_ids, held_id), held_ids.end());
  EXPECT_FALSE(held.obj().contains("held")) << "one list was asked for";
  // Oldest first, it leads.
  auto oldest = get("/api/v1/payments/review?list=callbacks&order=oldest&limit=1", staff);
  ASSERT_EQ(oldest.status, 200) << oldest.body;
  ASSERT_EQ(ids_of(oldest).size(), 1u);
  EXPECT_EQ(ids_of(oldest)[0], held_id);
  EXPECT_TRUE(oldest.obj().at("next_cursor").is_string());
  // Every item can be reached page by page, none on two pages.
  std::set<std::int64_t> seen;
  int forged = 0;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    auto r = get("/api/v1/payments/review?list=callbacks&limit=60" + (cursor.empty() ? "" : "&cursor=" + cursor), staff);
    ASSERT_EQ(r.status, 200) << r.body;
    for (const auto& c : r.obj().at("callbacks").as_array()) {
      EXPECT_TRUE(seen.insert(c.at("id").as_int64()).second) << "callback " << c.at("id") << " on two pages";
      if (text(c.at("key")).starts_with("FORGED-" + tag)) ++forged;
    }
    if (r.obj().at("next_cursor").is_null()) break;
    cursor = text(r.obj().at("next_cursor"));
  }
  EXPECT_EQ(forged, 250);
  EXPECT_TRUE(seen.count(held_id));

  // Bad paging is named.
  auto bad = get("/api/v1/payments/review?list=callbacks&cursor=garbage", staff);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("cursor")) << bad.body;
  auto unnamed = get("/api/v1/payments/review?cursor=" + text(oldest.obj().at("next_cursor")), staff);
  EXPECT_EQ(unnamed.status, 400);
  EXPECT_TRUE(unnamed.names_field("cursor")) << unnamed.body;
  auto list = get("/api/v1/payments/review?list=everything&order=sideways", staff);
  EXPECT_EQ(list.status, 400);
  EXPECT_TRUE(list.names_field("list")) << list.body;
  EXPECT_TRUE(list.names_field("order")) << list.body;
  EXPECT_EQ(get("/api/v1/payments/review?list=callbacks", new_customer().token).status, 403);
  {
    auto c = raw_db();
    pqxx::work tx(c);
    tx.exec_params("DELETE FROM provider_callbacks WHERE key_value LIKE $1", "%" + tag + "%");
    tx.commit();
  }
}

TEST_F(Collections, StaffCreditOrDismissHeldRequests) {
  auto p = pending_plan();
  const auto held_request = [&] {
    auto r = start(p, body(p, "mtn_momo", "0772123455"));  // …5: the provider confirms half
    EXPECT_EQ(r.status, 202);
    auto held = wait_status(r.str("id"), p.customer.token, "held");
    EXPECT_EQ(held.str("status"), "held") << held.body;
    return r.str("id");
  };
  const auto resolve = [](const std::string& id) { return "/api/v1/payments/" + id + "/resolve"; };
  const auto agent = staff_token("support_agent");

  // Credited for what the provider confirmed (half the deposit), by a support agent.
  const auto first = held_request();
  const js::object credit{{"action", "credit"}, {"note", "payer confirmed the half payment by phone"}};
  EXPECT_EQ(post(resolve(first), credit, p.customer.token).status, 403);
  auto bad = post(resolve(first), js::object{{"action", "maybe"}, {"note", "x"}}, agent);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(bad.names_field("action")) << bad.body;
  EXPECT_TRUE(bad.names_field("note")) << bad.body;
  EXPECT_EQ(post(resolve(new_id()), credit, agent).status, 404);
  // The provider confirmed half: staff cannot credit another amount.
  auto more = post(resolve(first),
                   js::object{{"action", "credit"}, {"note", "payer says they sent it all"},
                              {"amount", js::object{{"amount", p.deposit}, {"currency", "UGX"}}}},
                   agent);
  EXPECT_EQ(more.status, 422) << more.body;
  EXPECT_TRUE(more.names_field("amount")) << more.body;
  auto proposed = post(resolve(first), credit, agent);
  ASSERT_EQ(proposed.status, 202) << proposed.body;
  EXPECT_EQ(amount_of(proposed.obj().at("approval").at("amount")), p.deposit / 2);
  EXPECT_EQ(get("/api/v1/payments/" + first, p.customer.token).str("status"), "held") << "unchanged until approved";
  auto credited = carry_out(proposed, staff_token("admin"));
  ASSERT_EQ(credited.status, 200) << credited.body;
  EXPECT_EQ(amount_of(credited.obj().at("result").at("payment").at("amount")), p.deposit / 2);
  auto after = get("/api/v1/payments/" + first, p.customer.token);
  EXPECT_EQ(after.str("status"), "succeeded") << after.body;
  EXPECT_EQ(after.str("reason_code"), "RESOLVED_BY_STAFF");
  EXPECT_EQ(ledger_payments(p), 1u);
  EXPECT_EQ(plan_status(p), "pending_deposit");  // half a deposit does not activate it
  auto twice = post(resolve(first), credit, agent);
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(twice.str("type").find("not-held"), std::string::npos) << twice.body;

  // Dismissed: no money, off the queue, the customer sees it closed.
  const auto second = held_request();
  auto dismissed = post(resolve(second), js::object{{"action", "dismiss"}, {"note", "provider reversed it"}}, agent);
  ASSERT_EQ(dismissed.status, 200) << dismissed.body;
  EXPECT_FALSE(dismissed.obj().contains("payment"));
  auto closed = get("/api/v1/payments/" + second, p.customer.token);
  EXPECT_EQ(closed.str("status"), "dismissed") << closed.body;
  EXPECT_EQ(closed.body.find("provider reversed it"), std::string::npos) << "staff notes are not shown to customers";
  EXPECT_EQ(ledger_payments(p), 1u);
  auto review = get("/api/v1/payments/review", agent);
  for (const auto& h : review.obj().at("held").as_array()) {
    EXPECT_NE(text(h.at("id")), first);
    EXPECT_NE(text(h.at("id")), second);
  }
  EXPECT_TRUE(journal_balanced());
}

TEST_F(Collections, ASuccessAfterTheRequestExpiredIsHeldForStaff) {
  auto p = pending_plan();
  ASSERT_EQ(sim_post("/_sim/behaviour", {{"callback", "drop"}}).status, 200);
  auto r = start(p, body(p, "mtn_momo", "0772123460"));
  ASSERT_EQ(r.status, 202);
  // We gave up on it (as expiry would) just before the payer's approval reached us.
  {
    auto c = raw_db();
    pqxx::work tx(c);
    tx.exec_params("UPDATE payment_requests SET status = 'expired' WHERE id = $1::uuid", r.str("id"));
    tx.commit();
  }
  ASSERT_EQ(sim_post("/_sim/reset").status, 200);
  ASSERT_EQ(sim_post("/_sim/transactions/" + r.str("id") + "/callback").status, 200);
  auto held = wait_status(r.str("id"), p.customer.token, "held");
  ASSERT_EQ(held.str("status"), "held") << held.body;
  EXPECT_EQ(held.str("reason_code"), "LATE_SUCCESS");
  // The simulator's own callback may still go out if its drop was decided after the reset, so one
  // or two callbacks end held; the request itself is held once.
  EXPECT_GE(wait_callback_status(r.str("id"), "held", 1), 1);
  EXPECT_EQ(ledger_payments(p), 0u) << "staff decide; nothing is credited on its own";
  auto review = get("/api/v1/payments/review", staff_token("admin"));
  bool listed = false;
  for (const auto& h : review.obj().at("held").as_array()) listed = listed || text(h.at("id")) == r.str("id");
  EXPECT_TRUE(listed);
}

TEST_F(Collections, AnUnpaidDepositWaitsForTheRequestInFlight) {
  auto p = pending_plan();
  auto r = start(p, body(p, "mtn_momo", "0772123452"));  // …2: the customer has not answered yet
  ASSERT_EQ(r.status, 202);
  world().clock->advance(world().config.deposit_ttl + 1h);
  world().app->jobs().expire_deposits();
  EXPECT_EQ(plan_status(p), "pending_deposit") << "not cancelled under a deposit in flight";
  world().app->collections().reconcile();  // past its own expiry: the request ends
  EXPECT_EQ(get("/api/v1/payments/" + r.str("id"), p.customer.token).str("status"), "expired");
  world().app->jobs().expire_deposits();
  EXPECT_EQ(plan_status(p), "cancelled");
}

TEST_F(Collections, UnmatchedNeverVerifiedCallbacksArePurgedAfterTheRetention) {
  const auto now = world().clock->now();
  const auto micros = [](auto t) {
    return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
  };
  auto insert = [&](const char* status, std::chrono::hours age) {
    auto db = raw_db();
    pqxx::work tx(db);
    auto id = tx.exec_params1("INSERT INTO provider_callbacks (provider, key_kind, key_value, body, received_at, status) "
                              "VALUES ('mtn_momo', 'request_id', $1, '{}', to_timestamp($2::bigint / 1e6), $3) RETURNING id",
                              new_id(), micros(now - age), std::string(status))[0]
                  .as<std::int64_t>();
    tx.commit();
    return id;
  };
  auto exists = [](std::int64_t id) {
    auto db = raw_db();
    pqxx::read_transaction tx(db);
    return tx.exec_params1("SELECT count(*) FROM provider_callbacks WHERE id = $1", id)[0].as<int>() == 1;
  };
  const auto old_unmatched = insert("unmatched", std::chrono::hours(24 * 40));
  const auto old_rejected = insert("rejected", std::chrono::hours(24 * 31));
  const auto recent = insert("unmatched", std::chrono::hours(24 * 10));
  const auto old_held = insert("held", std::chrono::hours(24 * 40));  // waits for staff, whatever its age
  {
    auto db = raw_db();
    pqxx::work tx(db);
    auto resolved = insert("unmatched", std::chrono::hours(24 * 60));
    tx.exec_params("INSERT INTO review_resolutions (item, item_id, action, note, resolved_by, resolved_at) "
                   "VALUES ('callback', $1, 'dismiss', 'stray test callback', $2, now())",
                   std::to_string(resolved), new_id());
    tx.commit();
    const auto before = world().app->jobs().callbacks_purged();
    const int purged = world().app->jobs().purge_callbacks();  // other tests' strays may go too
    EXPECT_GE(purged, 2);
    EXPECT_EQ(world().app->jobs().callbacks_purged(), before + purged);
    EXPECT_TRUE(exists(resolved)) << "a callback staff resolved is kept";
  }
  EXPECT_FALSE(exists(old_unmatched));
  EXPECT_FALSE(exists(old_rejected));
  EXPECT_TRUE(exists(recent));
  EXPECT_TRUE(exists(old_held));
  EXPECT_EQ(world().app->jobs().purge_callbacks(), 0);
}

TEST(ProvidersConfig, OutsideDevelopmentProvidersAreHttpsAndMtnNamesItsEnvironment) {
  using rto::config::Deployment;
  const std::vector<std::pair<const char*, const char*>> mtn{
      {"PAYMENT_CALLBACK_BASE_URL", "https://pay.example.com"}, {"MTN_MOMO_BASE_URL", "https://proxy.momoapi.mtn.com"},
      {"MTN_MOMO_API_USER", "user"}, {"MTN_MOMO_API_KEY", "key"}, {"MTN_MOMO_SUBSCRIPTION_KEY", "sub"}};
  const auto read_with = [&](Deployment d, std::vector<std::pair<const char*, const char*>> extra) {
    for (const auto& [k, v] : mtn) ::setenv(k, v, 1);
    for (const auto& [k, v] : extra) ::setenv(k, v, 1);
    std::string error;
    try {
      rto::config::Env env;
      auto c = payment_service::momo::ProvidersConfig::read(env, d);
      env.done();
    } catch (const rto::ConfigError& e) {
      error = e.what();
    }
    for (const auto& [k, v] : mtn) ::unsetenv(k);
    for (const auto& [k, v] : extra) ::unsetenv(k);
    return error;
  };
  const std::pair<const char*, const char*> live{"MTN_MOMO_TARGET_ENVIRONMENT", "mtnuganda"};
  EXPECT_EQ(read_with(Deployment::production, {live}), "");
  // Plain http: only in development and tests (the simulator).
  auto plain = read_with(Deployment::production, {live, {"MTN_MOMO_BASE_URL", "http://proxy.momoapi.mtn.com"}});
  EXPECT_NE(plain.find("MTN_MOMO_BASE_URL"), std::string::npos) << plain;
  auto callbacks = read_with(Deployment::staging, {{"PAYMENT_CALLBACK_BASE_URL", "http://pay.example.com"}});
  EXPECT_NE(callbacks.find("PAYMENT_CALLBACK_BASE_URL"), std::string::npos) << callbacks;
  auto airtel = read_with(Deployment::staging, {{"AIRTEL_MONEY_BASE_URL", "http://openapiuat.airtel.africa"},
                                                {"AIRTEL_MONEY_CLIENT_ID", "id"}, {"AIRTEL_MONEY_CLIENT_SECRET", "s"}});
  EXPECT_NE(airtel.find("AIRTEL_MONEY_BASE_URL"), std::string::npos) << airtel;
  EXPECT_EQ(read_with(Deployment::development, {{"MTN_MOMO_BASE_URL", "http://127.0.0.1:8095"},
                                                {"PAYMENT_CALLBACK_BASE_URL", "http://127.0.0.1:8080"}}),
            "");
  // Production names its MTN environment; the sandbox default is for the others.
  auto unnamed = read_with(Deployment::production, {});
  EXPECT_NE(unnamed.find("MTN_MOMO_TARGET_ENVIRONMENT"), std::string::npos) << unnamed;
  auto sandbox = read_with(Deployment::production, {{"MTN_MOMO_TARGET_ENVIRONMENT", "sandbox"}});
  EXPECT_NE(sandbox.find("MTN_MOMO_TARGET_ENVIRONMENT"), std::string::npos) << sandbox;
  EXPECT_EQ(read_with(Deployment::staging, {}), "");
}

TEST(ProvidersConfig, MpesaInitiatorAndCredentialComeTogether) {
  // Both or neither: one without the other stops start-up, naming the one missing.
  const std::vector<std::pair<const char*, const char*>> base{
      {"PAYMENT_CALLBACK_BASE_URL", "https://pay.example.com"}, {"MPESA_BASE_URL", "https://sandbox.safaricom.co.ke"},
      {"MPESA_CONSUMER_KEY", "key"}, {"MPESA_CONSUMER_SECRET", "secret"}, {"MPESA_SHORTCODE", "174379"},
      {"MPESA_PASSKEY", "passkey"}};
  const auto read_with = [&](std::vector<std::pair<const char*, const char*>> extra) {
    for (const auto& [k, v] : base) ::setenv(k, v, 1);
    for (const auto& [k, v] : extra) ::setenv(k, v, 1);
    std::string error;
    std::optional<payment_service::momo::ProvidersConfig> read;
    try {
      rto::config::Env env;
      auto c = payment_service::momo::ProvidersConfig::read(env);
      env.done();
      read = std::move(c);
    } catch (const rto::ConfigError& e) {
      error = e.what();
    }
    for (const auto& [k, v] : base) ::unsetenv(k);
    for (const auto& [k, v] : extra) ::unsetenv(k);
    return std::pair{read, error};
  };
  auto [alone, why] = read_with({{"MPESA_INITIATOR", "rto-api"}});
  EXPECT_FALSE(alone);
  EXPECT_NE(why.find("MPESA_SECURITY_CREDENTIAL"), std::string::npos) << why;
  auto [credential_only, why2] = read_with({{"MPESA_SECURITY_CREDENTIAL", "Q3JlZA=="}});
  EXPECT_FALSE(credential_only);
  EXPECT_NE(why2.find("MPESA_INITIATOR"), std::string::npos) << why2;
  auto [both, none] = read_with({{"MPESA_INITIATOR", "rto-api"}, {"MPESA_SECURITY_CREDENTIAL", "Q3JlZA=="}});
  ASSERT_TRUE(both) << none;
  EXPECT_EQ(both->mpesa.initiator, "rto-api");
  EXPECT_EQ(both->mpesa.security_credential, "Q3JlZA==");
  auto [neither, none2] = read_with({});
  ASSERT_TRUE(neither) << none2;
  EXPECT_TRUE(neither->mpesa.initiator.empty()) << "paybill receipts then wait for staff";
}
