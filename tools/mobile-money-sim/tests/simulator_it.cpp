// The simulator in-process on a free port, with a second small service receiving its
// callbacks: every provider's token → request → callback → status round trip, the outcome
// numbers, Africa's Talking sends and delivery reports, and the /_sim control API.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <rto/crypto.hpp>
#include <rto/http_client.hpp>
#include <rto/service.hpp>

#include "mmsim/rules.hpp"
#include "mmsim/simulator.hpp"

namespace {

// Exactly n decimal digits.
bool all_digits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

namespace {

namespace js = boost::json;
using namespace std::chrono_literals;
using rto::http::Headers;
using rto::http::Method;

constexpr auto kDelay = 50ms;
constexpr auto kExpiry = 400ms;
constexpr auto kWait = 3s;  // generous under sanitizers; tests return as soon as the callback is in
const std::string kPasskey = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
const std::string kAirtelKey = "airtel-callback-key";

rto::config::Common local(std::string name) {
  auto c = mmsim::service_config(0, "warn");
  c.service = std::move(name);
  c.host = "127.0.0.1";
  return c;
}

mmsim::SimConfig sim_config() {
  mmsim::SimConfig c;
  c.callback_delay = kDelay;
  c.expiry = kExpiry;
  c.mtn_api_user = "mtn-user";
  c.mtn_api_key = "mtn-key";
  c.mtn_subscription_key = "mtn-sub";
  c.airtel_client_id = "airtel-id";
  c.airtel_client_secret = "airtel-secret";
  c.airtel_callback_key = kAirtelKey;
  c.mpesa_consumer_key = "mpesa-key";
  c.mpesa_consumer_secret = "mpesa-secret";
  c.mpesa_shortcode = "174379";
  c.mpesa_passkey = kPasskey;
  c.mpesa_security_credential = rto::crypto::base64_encode("initiator-password");
  c.at_username = "sandbox";
  c.at_api_key = "at-key";
  c.at_report_delay = kDelay;
  c.at_failure_rules = {{"99", "AbsentSubscriber"}, {"98", "DeliveryFailure"}};
  return c;
}

struct Received {
  std::string method, path, body;
  js::object json() const { return js::parse(body).as_object(); }
};

// A webhook receiver: records every callback and answers `answer` (200 unless a test changes it).
class Receiver {
 public:
  Receiver() : service_(local("callback-receiver")) {
    auto record = [this](rto::http::Request& req) {
      std::lock_guard lk(mu_);
      got_.push_back({std::string(rto::http::to_string(req.method)), req.path, req.body});
      cv_.notify_all();
      return rto::http::Response::json(answer, js::object{{"received", true}});
    };
    service_.router().post("/cb/{provider}", rto::http::Access::anyone(), record);
    service_.router().put("/cb/{provider}", rto::http::Access::anyone(), record);
    url = "http://127.0.0.1:" + std::to_string(service_.start_in_background());
  }
  ~Receiver() { service_.stop(); }

  // Waits until at least n callbacks are in (or the wait ends) and returns them all.
  std::vector<Received> wait_for(std::size_t n, std::chrono::milliseconds wait = kWait) {
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, wait, [&] { return got_.size() >= n; });
    return got_;
  }
  std::vector<Received> now() { return wait_for(0, 0ms); }

  std::string url;
  std::atomic<int> answer{200};

 private:
  rto::Service service_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Received> got_;
};

class SimulatorTest : public ::testing::Test {
 protected:
  SimulatorTest() : sim_(sim_config()), service_(local("mobile-money-sim")) {
    sim_.install(service_);
    sim_.set_airtel_callback_url(receiver.url + "/cb/airtel");
    sim_.set_at_callback_url(receiver.url + "/cb/at");
    sim_url_ = "http://127.0.0.1:" + std::to_string(service_.start_in_background());
    client_ = std::make_unique<rto::http::Client>(sim_url_);
  }
  ~SimulatorTest() override { service_.stop(); }

  rto::http::ClientResponse call(Method m, const std::string& target, Headers h = {}, std::string body = {}) {
    if (!body.empty()) h.set("Content-Type", "application/json");
    return client_->send(m, target, h, body);
  }
  js::object call_json(Method m, const std::string& target, Headers h = {}, std::string body = {}) {
    auto r = call(m, target, std::move(h), std::move(body));
    return js::parse(r.body).as_object();
  }
  js::object sim_post(const std::string& target, const js::object& body = {}) {
    return call_json(Method::Post, target, {}, js::serialize(body));
  }
  // --- Africa's Talking ---
  rto::http::ClientResponse at_send(const std::string& form, const std::string& api_key = "at-key") {
    Headers h;
    h.set("apiKey", api_key);
    h.set("Accept", "application/json");
    h.set("Content-Type", "application/x-www-form-urlencoded");
    return client_->send(Method::Post, "/version1/messaging", h, form);
  }
  js::array at_messages(const std::string& query = "") {
    return call_json(Method::Get, "/_sim/africastalking/messages" + query).at("items").as_array();
  }
  js::object transaction(const std::string& id) { return call_json(Method::Get, "/_sim/transactions/" + id); }
  // Polls the control API until the transaction leaves "pending".
  std::string settled_status(const std::string& id) {
    auto until = std::chrono::steady_clock::now() + kWait;
    std::string s;
    do {
      s = std::string(transaction(id).at("status").as_string());
      if (s != "pending") return s;
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < until);
    return s;
  }
  // Time for a callback that should not come to have come.
  static void let_callbacks_run() { std::this_thread::sleep_for(kDelay * 4); }

  // --- MTN ---
  Headers mtn_headers(bool with_token = true) {
    Headers h;
    h.set("Ocp-Apim-Subscription-Key", "mtn-sub");
    h.set("X-Target-Environment", "sandbox");
    if (with_token) h.set("Authorization", "Bearer " + mtn_token());
    return h;
  }
  std::string mtn_token() {
    Headers h;
    h.set("Ocp-Apim-Subscription-Key", "mtn-sub");
    h.set("Authorization", "Basic " + rto::crypto::base64_encode("mtn-user:mtn-key"));
    auto r = call(Method::Post, "/collection/token/", h);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(js::parse(r.body).at("access_token").as_string());
  }
  static std::string mtn_body(const std::string& msisdn, js::value amount = "1500") {
    return js::serialize(js::object{{"amount", amount},
                                    {"currency", "UGX"},
                                    {"externalId", "pay-1"},
                                    {"payer", js::object{{"partyIdType", "MSISDN"}, {"partyId", msisdn}}},
                                    {"payerMessage", "Instalment"},
                                    {"payeeNote", "plan 7"}});
  }
  // Sends a request-to-pay; returns the reference id.
  std::string mtn_request(const std::string& msisdn, int expect = 202) {
    auto ref = rto::crypto::uuid_v4();
    auto h = mtn_headers();
    h.set("X-Reference-Id", ref);
    h.set("X-Callback-Url", receiver.url + "/cb/mtn");
    auto r = call(Method::Post, "/collection/v1_0/requesttopay", h, mtn_body(msisdn));
    EXPECT_EQ(r.status, expect) << r.body;
    return ref;
  }
  js::object mtn_status(const std::string& ref) {
    return call_json(Method::Get, "/collection/v1_0/requesttopay/" + ref, mtn_headers());
  }

  // --- Airtel ---
  Headers airtel_headers(bool with_token = true) {
    Headers h;
    h.set("X-Country", "UG");
    h.set("X-Currency", "UGX");
    if (with_token) {
      auto tok = call_json(Method::Post, "/auth/oauth2/token", {},
                           R"({"client_id":"airtel-id","client_secret":"airtel-secret","grant_type":"client_credentials"})");
      EXPECT_EQ(tok.at("expires_in"), "180");
      EXPECT_EQ(tok.at("token_type"), "bearer");
      h.set("Authorization", "Bearer " + std::string(tok.at("access_token").as_string()));
    }
    return h;
  }
  static std::string airtel_body(const std::string& id, const std::string& msisdn, const char* country = "UG") {
    return js::serialize(js::object{
        {"reference", "Instalment"},
        {"subscriber", js::object{{"country", country}, {"currency", "UGX"}, {"msisdn", msisdn}}},
        {"transaction", js::object{{"amount", 1000}, {"country", country}, {"currency", "UGX"}, {"id", id}}}});
  }
  rto::http::ClientResponse airtel_pay(const std::string& id, const std::string& msisdn) {
    return call(Method::Post, "/merchant/v1/payments/", airtel_headers(), airtel_body(id, msisdn));
  }

  // --- M-Pesa ---
  Headers mpesa_headers() {
    Headers basic;
    basic.set("Authorization", "Basic " + rto::crypto::base64_encode("mpesa-key:mpesa-secret"));
    auto tok = call_json(Method::Get, "/oauth/v1/generate?grant_type=client_credentials", basic);
    EXPECT_EQ(tok.at("expires_in"), "3599");
    Headers h;
    h.set("Authorization", "Bearer " + std::string(tok.at("access_token").as_string()));
    return h;
  }
  static js::object mpesa_push_body(const std::string& phone) {
    const std::string ts = "20240101120000";
    return js::object{{"BusinessShortCode", 174379},
                      {"Password", mmsim::mpesa_password("174379", kPasskey, ts)},
                      {"Timestamp", ts},
                      {"TransactionType", "CustomerPayBillOnline"},
                      {"Amount", 1500},
                      {"PartyA", phone},
                      {"PartyB", 174379},
                      {"PhoneNumber", phone},
                      {"CallBackURL", "http://127.0.0.1:1/unused"},
                      {"AccountReference", "PLAN-7"},
                      {"TransactionDesc", "Instalment"}};
  }
  rto::http::ClientResponse mpesa_push(js::object body) {
    return call(Method::Post, "/mpesa/stkpush/v1/processrequest", mpesa_headers(), js::serialize(body));
  }
  // Pushes for phone with the receiver as CallBackURL; returns the CheckoutRequestID.
  std::string mpesa_request(const std::string& phone) {
    auto body = mpesa_push_body(phone);
    body["CallBackURL"] = receiver.url + "/cb/mpesa";
    auto r = mpesa_push(body);
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(js::parse(r.body).at("CheckoutRequestID").as_string());
  }
  rto::http::ClientResponse mpesa_query(const std::string& checkout_id) {
    const std::string ts = "20240101120500";
    js::object q{{"BusinessShortCode", "174379"},
                 {"Password", mmsim::mpesa_password("174379", kPasskey, ts)},
                 {"Timestamp", ts},
                 {"CheckoutRequestID", checkout_id}};
    return call(Method::Post, "/mpesa/stkpushquery/v1/query", mpesa_headers(), js::serialize(q));
  }

  Receiver receiver;  // first: outlives the simulator that calls it

 protected:
  mmsim::Simulator sim_;
  rto::Service service_;
  std::string sim_url_;
  std::unique_ptr<rto::http::Client> client_;
};

// ---------------------------------------------------------------- MTN MoMo

TEST_F(SimulatorTest, MtnRequestToPayCallsBackWithPutAndStringAmount) {
  auto ref = mtn_request("256772000000");
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].path, "/cb/mtn");
  auto cb = got[0].json();
  EXPECT_EQ(cb.at("status"), "SUCCESSFUL");
  EXPECT_EQ(cb.at("amount"), "1500");
  EXPECT_EQ(cb.at("currency"), "UGX");
  EXPECT_EQ(cb.at("externalId"), "pay-1");
  EXPECT_EQ(cb.at("payer").at("partyId"), "256772000000");
  EXPECT_TRUE(all_digits(cb.at("financialTransactionId").as_string(), 10));
  EXPECT_FALSE(cb.contains("reason"));

  auto st = mtn_status(ref);
  EXPECT_EQ(st.at("status"), "SUCCESSFUL");
  EXPECT_EQ(st.at("financialTransactionId"), cb.at("financialTransactionId"));
  // Counted once the receiver has answered, which can be just after it got the callback.
  let_callbacks_run();
  EXPECT_EQ(transaction(ref).at("callbacks_sent"), 1);
}

TEST_F(SimulatorTest, MtnFailureReasonIsACodeInStatusAndAnObjectInTheCallback) {
  auto ref = mtn_request("256772000001");
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  auto cb = got[0].json();
  EXPECT_EQ(cb.at("status"), "FAILED");
  EXPECT_EQ(cb.at("reason").at("code"), "NOT_ENOUGH_FUNDS");
  EXPECT_TRUE(cb.at("reason").at("message").is_string());
  EXPECT_FALSE(cb.contains("financialTransactionId"));
  auto st = mtn_status(ref);
  EXPECT_EQ(st.at("status"), "FAILED");
  EXPECT_EQ(st.at("reason"), "NOT_ENOUGH_FUNDS");
}

TEST_F(SimulatorTest, MtnDeclineAndWrongAmount) {
  auto declined = mtn_request("256772000004");
  auto halved = mtn_request("256772000005");
  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(mtn_status(declined).at("reason"), "APPROVAL_REJECTED");
  auto st = mtn_status(halved);
  EXPECT_EQ(st.at("status"), "SUCCESSFUL");
  EXPECT_EQ(st.at("amount"), "750");
}

TEST_F(SimulatorTest, MtnNeverAnsweredStaysPendingThenExpiresWithoutCallback) {
  auto ref = mtn_request("256772000002");
  EXPECT_EQ(mtn_status(ref).at("status"), "PENDING");
  EXPECT_EQ(settled_status(ref), "expired");
  auto st = mtn_status(ref);
  EXPECT_EQ(st.at("status"), "FAILED");
  EXPECT_EQ(st.at("reason"), "EXPIRED");
  EXPECT_TRUE(receiver.now().empty());
}

TEST_F(SimulatorTest, MtnLostCallbackSucceedsSilentlyUntilReplayed) {
  auto ref = mtn_request("256772000003");
  EXPECT_EQ(settled_status(ref), "succeeded");
  let_callbacks_run();
  EXPECT_TRUE(receiver.now().empty());
  EXPECT_EQ(mtn_status(ref).at("status"), "SUCCESSFUL");
  EXPECT_EQ(transaction(ref).at("callbacks_sent"), 0);

  auto replay = sim_post("/_sim/transactions/" + ref + "/callback");
  EXPECT_EQ(replay.at("delivered"), true);
  EXPECT_EQ(replay.at("status"), 200);
  auto got = receiver.now();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json().at("status"), "SUCCESSFUL");
  EXPECT_EQ(transaction(ref).at("callbacks_sent"), 1);
}

TEST_F(SimulatorTest, MtnRefusesBadCallsInItsOwnShape) {
  Headers bad_login;
  bad_login.set("Ocp-Apim-Subscription-Key", "mtn-sub");
  bad_login.set("Authorization", "Basic " + rto::crypto::base64_encode("mtn-user:wrong"));
  EXPECT_EQ(call(Method::Post, "/collection/token/", bad_login).status, 401);

  auto no_token = mtn_headers(false);
  no_token.set("X-Reference-Id", rto::crypto::uuid_v4());
  EXPECT_EQ(call(Method::Post, "/collection/v1_0/requesttopay", no_token, mtn_body("256772000000")).status, 401);

  auto h = mtn_headers();
  h.set("X-Reference-Id", "12345");
  EXPECT_EQ(call(Method::Post, "/collection/v1_0/requesttopay", h, mtn_body("256772000000")).status, 400);

  h.set("X-Reference-Id", rto::crypto::uuid_v4());
  auto numeric = call(Method::Post, "/collection/v1_0/requesttopay", h, mtn_body("256772000000", 1500));
  EXPECT_EQ(numeric.status, 400) << "amount must be a JSON string";
  EXPECT_FALSE(numeric.headers.get("Content-Type").value_or("").starts_with("application/problem"));

  auto wrong_env = h;
  wrong_env.set("X-Target-Environment", "mtnuganda");
  EXPECT_EQ(call(Method::Post, "/collection/v1_0/requesttopay", wrong_env, mtn_body("256772000000")).status, 400);

  EXPECT_EQ(call(Method::Post, "/collection/v1_0/requesttopay", h, mtn_body("256772000000")).status, 202);
  auto dup = call(Method::Post, "/collection/v1_0/requesttopay", h, mtn_body("256772000000"));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(js::parse(dup.body).at("code"), "RESOURCE_ALREADY_EXIST");

  auto unknown = call(Method::Get, "/collection/v1_0/requesttopay/" + rto::crypto::uuid_v4(), mtn_headers());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(js::parse(unknown.body).at("code"), "RESOURCE_NOT_FOUND");
}

// ---------------------------------------------------------------- Airtel Money

TEST_F(SimulatorTest, AirtelPaymentCallsBackWithAVerifiableHash) {
  auto r = airtel_pay("AT-1", "772000000");
  ASSERT_EQ(r.status, 200) << r.body;
  auto ack = js::parse(r.body).as_object();
  EXPECT_EQ(ack.at("data").at("transaction").at("id"), "AT-1");
  EXPECT_EQ(ack.at("status").at("response_code"), "DP00800001006");
  EXPECT_EQ(ack.at("status").at("success"), true);

  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].path, "/cb/airtel");
  auto cb = got[0].json();
  ASSERT_EQ(cb.size(), 2u);
  const auto& t = cb.at("transaction").as_object();
  EXPECT_EQ(t.at("id"), "AT-1");
  EXPECT_EQ(t.at("status_code"), "TS");
  {
    std::string_view id = t.at("airtel_money_id").as_string();  // MP210603.1234.L06941
    ASSERT_EQ(id.size(), 20u) << id;
    EXPECT_EQ(id.substr(0, 2), "MP");
    EXPECT_TRUE(all_digits(id.substr(2, 6), 6) && id[8] == '.' && all_digits(id.substr(9, 4), 4) && id[13] == '.');
    EXPECT_TRUE(id[14] >= 'A' && id[14] <= 'Z' && all_digits(id.substr(15), 5)) << id;
  }
  // The hash signs {"transaction":<the bytes of the transaction object as sent>}.
  const std::string& raw = got[0].body;
  const std::string prefix = "{\"transaction\":";
  ASSERT_TRUE(raw.starts_with(prefix));
  auto hash_at = raw.rfind(",\"hash\":");
  ASSERT_NE(hash_at, std::string::npos);
  auto signed_bytes = raw.substr(0, hash_at) + "}";
  EXPECT_EQ(cb.at("hash").as_string(), rto::crypto::base64_encode(rto::crypto::hmac_sha256(kAirtelKey, signed_bytes)));

  auto enq = call_json(Method::Get, "/standard/v1/payments/AT-1", airtel_headers());
  EXPECT_EQ(enq.at("data").at("transaction").at("status"), "TS");
  EXPECT_EQ(enq.at("data").at("transaction").at("airtel_money_id"), t.at("airtel_money_id"));
  EXPECT_EQ(enq.at("status").at("result_code"), "ESB000010");
}

TEST_F(SimulatorTest, AirtelFailureAndPending) {
  ASSERT_EQ(airtel_pay("AT-F", "772000001").status, 200);
  ASSERT_EQ(airtel_pay("AT-P", "772000002").status, 200);
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].json().at("transaction").at("status_code"), "TF");
  auto failed = call_json(Method::Get, "/standard/v1/payments/AT-F", airtel_headers());
  EXPECT_EQ(failed.at("data").at("transaction").at("status"), "TF");
  EXPECT_FALSE(failed.at("data").at("transaction").as_object().contains("airtel_money_id"));
  EXPECT_EQ(failed.at("status").at("response_code"), "DP00800001007");
  auto pending = call_json(Method::Get, "/standard/v1/payments/AT-P", airtel_headers());
  EXPECT_EQ(pending.at("data").at("transaction").at("status"), "TIP");
  EXPECT_EQ(settled_status("AT-P"), "expired");
  EXPECT_EQ(call_json(Method::Get, "/standard/v1/payments/AT-P", airtel_headers()).at("data").at("transaction").at("status"),
            "TE");
}

TEST_F(SimulatorTest, AirtelRefusesCountryCodesMismatchesAndUnknownIds) {
  auto with_code = airtel_pay("AT-2", "256772000000");
  EXPECT_EQ(with_code.status, 400);
  auto body = js::parse(with_code.body);
  EXPECT_EQ(body.at("status").at("code"), "400");
  EXPECT_EQ(body.at("status").at("success"), false);

  auto mismatch = call(Method::Post, "/merchant/v1/payments/", airtel_headers(), airtel_body("AT-3", "772000000", "KE"));
  EXPECT_EQ(mismatch.status, 400);

  auto unknown = call(Method::Get, "/standard/v1/payments/nope", airtel_headers());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(js::parse(unknown.body).at("status").at("response_code"), "DP00800001025");

  auto bad_secret = call(Method::Post, "/auth/oauth2/token", {},
                         R"({"client_id":"airtel-id","client_secret":"nope","grant_type":"client_credentials"})");
  EXPECT_EQ(bad_secret.status, 401);
  EXPECT_EQ(call(Method::Post, "/merchant/v1/payments/", airtel_headers(false), airtel_body("AT-4", "772000000")).status,
            401);
}

// ---------------------------------------------------------------- M-Pesa

TEST_F(SimulatorTest, MpesaStkPushCallsBackWithItemsAndAnswersQuery) {
  auto id = mpesa_request("254712000000");
  EXPECT_TRUE(id.starts_with("ws_CO_"));
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  auto stk = got[0].json().at("Body").at("stkCallback").as_object();
  EXPECT_EQ(stk.at("CheckoutRequestID").as_string(), id);
  EXPECT_TRUE(stk.at("ResultCode").is_int64());
  EXPECT_EQ(stk.at("ResultCode"), 0);
  const auto& items = stk.at("CallbackMetadata").at("Item").as_array();
  std::map<std::string, js::value> by_name;
  for (const auto& it : items) {
    auto name = std::string(it.at("Name").as_string());
    by_name[name] = it.as_object().contains("Value") ? it.at("Value") : js::value(nullptr);
  }
  EXPECT_EQ(by_name.at("Amount"), 1500);
  EXPECT_TRUE(by_name.at("MpesaReceiptNumber").is_string());
  EXPECT_TRUE(by_name.at("Balance").is_null()) << "Balance has no Value";
  EXPECT_TRUE(by_name.at("TransactionDate").is_int64());
  EXPECT_EQ(by_name.at("PhoneNumber"), 254712000000);

  auto q = mpesa_query(id);
  ASSERT_EQ(q.status, 200) << q.body;
  auto qb = js::parse(q.body);
  EXPECT_EQ(qb.at("ResultCode"), "0");
  EXPECT_EQ(qb.at("ResponseCode"), "0");
  EXPECT_EQ(qb.at("MerchantRequestID"), stk.at("MerchantRequestID"));
}

TEST_F(SimulatorTest, MpesaPendingDeclinedAndHalvedAmount) {
  auto pending = mpesa_request("254712000002");
  auto q = mpesa_query(pending);
  EXPECT_EQ(q.status, 500);
  EXPECT_EQ(js::parse(q.body).at("errorCode"), "500.001.1001");

  auto declined = mpesa_request("254712000004");
  auto halved = mpesa_request("254712000005");
  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  for (const auto& r : got) {
    auto stk = r.json().at("Body").at("stkCallback").as_object();
    if (stk.at("CheckoutRequestID").as_string() == declined) {
      EXPECT_EQ(stk.at("ResultCode"), 1032);
      EXPECT_FALSE(stk.contains("CallbackMetadata"));
    } else {
      EXPECT_EQ(stk.at("CallbackMetadata").at("Item").at(0).at("Value"), 750);
    }
  }
  EXPECT_EQ(js::parse(mpesa_query(declined).body).at("ResultCode"), "1032");
  EXPECT_EQ(settled_status(pending), "expired");
  EXPECT_EQ(js::parse(mpesa_query(pending).body).at("ResultCode"), "1037");
}

TEST_F(SimulatorTest, MpesaRefusesBadFields) {
  auto field_error = [&](js::object body) {
    auto r = mpesa_push(std::move(body));
    EXPECT_EQ(r.status, 400);
    auto b = js::parse(r.body);
    EXPECT_EQ(b.at("errorCode"), "400.002.02");
    return std::string(b.at("errorMessage").as_string());
  };
  auto body = mpesa_push_body("254712000000");
  body["Password"] = mmsim::mpesa_password("174379", "wrong-passkey", "20240101120000");
  EXPECT_EQ(field_error(body), "Bad Request - Invalid Password");
  body = mpesa_push_body("254712000000");
  body["Amount"] = "1500";
  EXPECT_EQ(field_error(body), "Bad Request - Invalid Amount");
  body = mpesa_push_body("0712000000");
  EXPECT_EQ(field_error(body), "Bad Request - Invalid PartyA");
  body = mpesa_push_body("254712000000");
  body["TransactionDesc"] = "fourteen chars";
  EXPECT_EQ(field_error(body), "Bad Request - Invalid TransactionDesc");
  EXPECT_EQ(call(Method::Post, "/mpesa/stkpush/v1/processrequest", {}, js::serialize(mpesa_push_body("254712000000"))).status,
            401);
}

// ---------------------------------------------------------------- control API

TEST_F(SimulatorTest, DropSendsNoCallbackButStatusAnswers) {
  sim_post("/_sim/behaviour", {{"provider", "mtn_momo"}, {"callback", "drop"}});
  auto ref = mtn_request("256772000000");
  EXPECT_EQ(settled_status(ref), "succeeded");
  let_callbacks_run();
  EXPECT_TRUE(receiver.now().empty());
  EXPECT_EQ(mtn_status(ref).at("status"), "SUCCESSFUL");

  // Only MTN was told to drop.
  ASSERT_EQ(airtel_pay("AT-D", "772000000").status, 200);
  EXPECT_EQ(receiver.wait_for(1).size(), 1u);
}

TEST_F(SimulatorTest, DuplicateSendsTheCallbackSeveralTimes) {
  sim_post("/_sim/behaviour", {{"callback", "duplicate"}, {"duplicates", 2}});
  auto ref = mtn_request("256772000000");
  auto got = receiver.wait_for(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, got[2].body);
  let_callbacks_run();
  EXPECT_EQ(receiver.now().size(), 3u);
  EXPECT_EQ(transaction(ref).at("callbacks_sent"), 3);
}

TEST_F(SimulatorTest, ReorderSendsTheFinalCallbackThenAStaleOne) {
  sim_post("/_sim/behaviour", {{"callback", "reorder"}});
  mtn_request("256772000000");
  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].json().at("status"), "SUCCESSFUL");
  EXPECT_EQ(got[1].json().at("status"), "PENDING");
  EXPECT_FALSE(got[1].json().contains("financialTransactionId"));
}

TEST_F(SimulatorTest, FailRequestsAnswersTheNextCallsWithTheStatus) {
  sim_post("/_sim/behaviour", {{"provider", "mpesa"}, {"fail_requests", js::object{{"status", 503}, {"count", 1}}}});
  auto body = mpesa_push_body("254712000000");
  auto failed = mpesa_push(body);  // its token call is not counted
  EXPECT_EQ(failed.status, 503);
  EXPECT_TRUE(js::parse(failed.body).as_object().contains("errorCode"));
  EXPECT_EQ(mpesa_push(body).status, 200);
}

TEST_F(SimulatorTest, RequestLogRecordsEveryCallWithLowercaseHeaders) {
  auto first = call_json(Method::Get, "/_sim/requests");
  auto since = first.at("last_seq").as_int64();
  mtn_request("256772000000");
  ASSERT_EQ(airtel_pay("AT-L", "772000000").status, 200);

  auto mtn = call_json(Method::Get, "/_sim/requests?provider=mtn_momo&since=" + std::to_string(since));
  const auto& items = mtn.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);  // token, request-to-pay
  EXPECT_EQ(items[0].at("path"), "/collection/token/");
  const auto& rtp = items[1].as_object();
  EXPECT_EQ(rtp.at("method"), "POST");
  EXPECT_EQ(rtp.at("path"), "/collection/v1_0/requesttopay");
  EXPECT_EQ(rtp.at("headers").at("x-target-environment"), "sandbox");
  EXPECT_TRUE(rtp.at("headers").as_object().contains("x-reference-id"));
  EXPECT_EQ(js::parse(rtp.at("body").as_string()).at("amount"), "1500");
  EXPECT_GT(items[1].at("seq").as_int64(), items[0].at("seq").as_int64());

  auto all = call_json(Method::Get, "/_sim/requests?since=" + std::to_string(since));
  EXPECT_EQ(all.at("items").as_array().size(), 4u);
  auto later = call_json(Method::Get, "/_sim/requests?since=" + std::to_string(all.at("last_seq").as_int64()));
  EXPECT_TRUE(later.at("items").as_array().empty());

  sim_post("/_sim/reset");
  EXPECT_TRUE(call_json(Method::Get, "/_sim/requests").at("items").as_array().empty());
}

TEST_F(SimulatorTest, ResetRestoresNormalBehaviour) {
  sim_post("/_sim/behaviour", {{"callback", "drop"}});
  sim_post("/_sim/reset");
  mtn_request("256772000000");
  EXPECT_EQ(receiver.wait_for(1).size(), 1u);
}

TEST_F(SimulatorTest, TransactionsAndReplay) {
  auto ref = mtn_request("256772000000");
  ASSERT_EQ(receiver.wait_for(1).size(), 1u);
  auto t = transaction(ref);
  EXPECT_EQ(t.at("provider"), "mtn_momo");
  EXPECT_EQ(t.at("msisdn"), "256772000000");
  EXPECT_EQ(t.at("amount"), 1500);
  EXPECT_EQ(t.at("status"), "succeeded");
  EXPECT_EQ(t.at("callback_url").as_string(), receiver.url + "/cb/mtn");

  receiver.answer = 500;
  auto replay = sim_post("/_sim/transactions/" + ref + "/callback");
  EXPECT_EQ(replay.at("delivered"), false);
  EXPECT_EQ(replay.at("status"), 500);
  auto got = receiver.now();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, got[1].body);

  EXPECT_EQ(call(Method::Get, "/_sim/transactions/unknown").status, 404);
  EXPECT_EQ(call(Method::Post, "/_sim/transactions/unknown/callback").status, 404);
}

TEST_F(SimulatorTest, C2bConfirmationIsPostedAndRecorded) {
  auto r = sim_post("/_sim/mpesa/c2b", {{"bill_ref", "PLAN-7"},
                                        {"amount", 1500},
                                        {"msisdn", "254712000000"},
                                        {"confirmation_url", receiver.url + "/cb/c2b"}});
  EXPECT_EQ(r.at("delivered"), true);
  EXPECT_EQ(r.at("status"), 200);
  auto trans_id = std::string(r.at("trans_id").as_string());
  auto got = receiver.now();
  ASSERT_EQ(got.size(), 1u);
  auto c2b = got[0].json();
  EXPECT_EQ(c2b.at("TransactionType"), "Pay Bill");
  EXPECT_EQ(c2b.at("TransID").as_string(), trans_id);
  EXPECT_EQ(c2b.at("TransAmount"), "1500.00");
  EXPECT_EQ(c2b.at("BillRefNumber"), "PLAN-7");
  EXPECT_EQ(c2b.at("BusinessShortCode"), "174379");
  EXPECT_EQ(c2b.at("MSISDN"), "254712000000");
  EXPECT_TRUE(all_digits(c2b.at("TransTime").as_string(), 14));
  auto t = transaction(trans_id);
  EXPECT_EQ(t.at("provider"), "mpesa");
  EXPECT_EQ(t.at("status"), "succeeded");
  EXPECT_EQ(call(Method::Post, "/_sim/mpesa/c2b", {}, "{}").status, 400);
}

TEST_F(SimulatorTest, TransactionStatusAnswersAtTheResultUrl) {
  auto c2b = sim_post("/_sim/mpesa/c2b", {{"bill_ref", "PLAN-8"},
                                          {"amount", 1500},
                                          {"msisdn", "254712000000"},
                                          {"confirmation_url", receiver.url + "/cb/c2b"}});
  const auto receipt = std::string(c2b.at("trans_id").as_string());
  const auto query_body = [&](const std::string& transaction, const std::string& credential) {
    return js::object{{"Initiator", "rto-api"},
                      {"SecurityCredential", credential},
                      {"CommandID", "TransactionStatusQuery"},
                      {"TransactionID", transaction},
                      {"PartyA", "174379"},
                      {"IdentifierType", "4"},
                      {"ResultURL", receiver.url + "/cb/result"},
                      {"QueueTimeOutURL", receiver.url + "/cb/timeout"},
                      {"Remarks", "PLAN-8"},
                      {"Occasion", "paybill receipt"}};
  };
  const auto query = [&](const js::object& body) {
    return call(Method::Post, "/mpesa/transactionstatus/v1/query", mpesa_headers(), js::serialize(body));
  };
  const auto credential = rto::crypto::base64_encode("initiator-password");
  auto r = query(query_body(receipt, credential));
  ASSERT_EQ(r.status, 200) << r.body;
  auto ack = js::parse(r.body).as_object();
  EXPECT_EQ(ack.at("ResponseCode"), "0");
  const auto conversation = std::string(ack.at("ConversationID").as_string());
  EXPECT_TRUE(conversation.starts_with("AG_")) << conversation;
  EXPECT_TRUE(ack.at("OriginatorConversationID").is_string());

  auto got = receiver.wait_for(2);  // the confirmation, then the result
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].path, "/cb/result");
  auto result = got[1].json().at("Result").as_object();
  EXPECT_EQ(result.at("ResultCode"), 0);
  EXPECT_EQ(result.at("ConversationID").as_string(), conversation);
  std::map<std::string, js::value> params;
  for (const auto& p : result.at("ResultParameters").at("ResultParameter").as_array())
    params[std::string(p.at("Key").as_string())] = p.as_object().contains("Value") ? p.at("Value") : js::value(nullptr);
  EXPECT_EQ(params.at("ReceiptNo").as_string(), receipt);
  EXPECT_EQ(params.at("TransactionStatus"), "Completed");
  EXPECT_EQ(params.at("Amount"), 1500.0);
  EXPECT_TRUE(params.at("Amount").is_double()) << "Daraja sends the amount as a number like 1.0";
  EXPECT_EQ(params.at("CreditPartyName").as_string().subview().substr(0, 9), "174379 - ");
  EXPECT_TRUE(params.at("CreditPartyCharges").is_null()) << "sent without a Value";

  // A receipt M-Pesa does not know, and a wrong initiator credential: accepted, answered with a failure.
  ASSERT_EQ(query(query_body("RXXXXXXXXX", credential)).status, 200);
  ASSERT_EQ(query(query_body(receipt, rto::crypto::base64_encode("wrong"))).status, 200);
  got = receiver.wait_for(4);
  ASSERT_EQ(got.size(), 4u);
  std::set<std::int64_t> codes;
  for (std::size_t i = 2; i < 4; ++i) {
    auto failed = got[i].json().at("Result").as_object();
    codes.insert(failed.at("ResultCode").as_int64());
    EXPECT_FALSE(failed.contains("ResultParameters"));
  }
  EXPECT_EQ(codes, (std::set<std::int64_t>{2001, 2032}));

  // Fields checked as Daraja does.
  auto field_error = [&](const char* field, js::value value) {
    auto body = query_body(receipt, credential);
    body[field] = std::move(value);
    auto refused = query(body);
    EXPECT_EQ(refused.status, 400) << field;
    EXPECT_EQ(js::parse(refused.body).at("errorMessage").as_string(), "Bad Request - Invalid " + std::string(field));
  };
  field_error("CommandID", "TransactionStatus");
  field_error("PartyA", "600000");
  field_error("IdentifierType", "1");
  field_error("ResultURL", "not a url");
  field_error("SecurityCredential", "");
  field_error("Remarks", "");
  EXPECT_EQ(call(Method::Post, "/mpesa/transactionstatus/v1/query", {}, js::serialize(query_body(receipt, credential))).status,
            401);
}

// ---- Africa's Talking SMS ----

std::map<std::string, std::string> form_of(const std::string& body) {
  std::map<std::string, std::string> out;
  auto form = mmsim::parse_form(body);
  if (form)
    for (auto& [k, v] : *form) out[k] = v;
  return out;
}

TEST_F(SimulatorTest, AtAnswersPerRecipientAndReportsDelivery) {
  auto r = at_send("username=sandbox&to=%2B256772100001%2C%2B254712100099%2C0772100002&message=Hello+there&from=RTO");
  ASSERT_EQ(r.status, 201) << r.body;
  auto data = js::parse(r.body).at("SMSMessageData").as_object();
  EXPECT_EQ(data.at("Message").as_string(), "Sent to 2/3 Total Cost: KES 1.6000");
  auto rs = data.at("Recipients").as_array();
  ASSERT_EQ(rs.size(), 3u);
  std::set<std::string> ids;
  for (int i : {0, 1}) {
    const auto& rec = rs[static_cast<std::size_t>(i)].as_object();
    EXPECT_EQ(rec.at("statusCode").as_int64(), 101);
    EXPECT_EQ(rec.at("status").as_string(), "Success");
    EXPECT_EQ(rec.at("cost").as_string(), "KES 0.8000");
    std::string id(rec.at("messageId").as_string());
    EXPECT_TRUE(id.starts_with("ATXid_") && id.size() == 38) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 2u);  // one id per recipient
  EXPECT_EQ(rs[0].at("number").as_string(), "+256772100001");
  EXPECT_EQ(rs[2].at("statusCode").as_int64(), 403);
  EXPECT_EQ(rs[2].at("status").as_string(), "InvalidPhoneNumber");
  EXPECT_EQ(rs[2].at("messageId").as_string(), "None");
  EXPECT_EQ(rs[2].at("cost").as_string(), "0");

  auto got = receiver.wait_for(2);
  ASSERT_EQ(got.size(), 2u);
  std::map<std::string, std::map<std::string, std::string>> by_number;
  for (const auto& cb : got) {
    EXPECT_EQ(cb.method, "POST");
    EXPECT_EQ(cb.path, "/cb/at");
    auto f = form_of(cb.body);
    by_number[f["phoneNumber"]] = f;
  }
  auto ok = by_number["+256772100001"];
  EXPECT_EQ(ok["status"], "Success");
  EXPECT_EQ(ok["id"], std::string(rs[0].at("messageId").as_string()));
  EXPECT_EQ(ok["networkCode"], "64110");
  EXPECT_EQ(ok["retryCount"], "0");
  EXPECT_FALSE(ok.contains("failureReason"));
  auto failed = by_number["+254712100099"];
  EXPECT_EQ(failed["status"], "Failed");
  EXPECT_EQ(failed["failureReason"], "AbsentSubscriber");
  EXPECT_EQ(failed["networkCode"], "63902");

  auto listed = at_messages("?to=%2B256772100001");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("message").as_string(), "Hello there");
  EXPECT_EQ(listed[0].at("from").as_string(), "RTO");
  EXPECT_EQ(listed[0].at("report").at("status").as_string(), "Success");
  EXPECT_EQ(listed[0].at("reports_sent").as_int64(), 1);
  EXPECT_EQ(at_messages().size(), 3u);
}

TEST_F(SimulatorTest, AtRefusesBadCredentialsAndFields) {
  auto wrong_key = at_send("username=sandbox&to=%2B256772100001&message=x", "other-key");
  EXPECT_EQ(wrong_key.status, 401);
  EXPECT_EQ(wrong_key.body, "The supplied authentication is invalid");
  EXPECT_EQ(at_send("username=someone&to=%2B256772100001&message=x").status, 401);
  auto no_to = at_send("username=sandbox&message=x");
  EXPECT_EQ(no_to.status, 400);
  EXPECT_EQ(no_to.body, "Request is missing required form field 'to'");
  EXPECT_EQ(at_send("username=sandbox&to=%2B256772100001").body, "Request is missing required form field 'message'");
  EXPECT_EQ(at_send("username=sandbox&to=%2B256772100001&message=%ZZ").status, 400);
  Headers h;
  h.set("apiKey", "at-key");
  h.set("Content-Type", "application/json");
  EXPECT_EQ(client_->send(Method::Post, "/version1/messaging", h, R"({"username":"sandbox"})").status, 400);
  EXPECT_TRUE(at_messages().empty());
  let_callbacks_run();
  EXPECT_TRUE(receiver.now().empty());
}

TEST_F(SimulatorTest, AtFaultsAnswerServerErrorsTimeOutOrFailRecipients) {
  auto b = sim_post("/_sim/africastalking/behaviour",
                    {{"fail_requests", js::object{{"status", 500}, {"count", 1}}},
                     {"timeout_requests", js::object{{"count", 1}, {"delay_ms", 400}}},
                     {"recipient_status", js::object{{"code", 406}, {"count", 1}}}});
  EXPECT_EQ(b.at("timeout_requests").at("count").as_int64(), 1);
  const std::string form = "username=sandbox&to=%2B256772100001&message=x";
  // The timeout comes first, then the 500, then the recipient status.
  rto::http::ClientOptions quick;
  quick.request_timeout = 100ms;
  rto::http::Client impatient(sim_url_, quick);
  Headers h;
  h.set("apiKey", "at-key");
  h.set("Content-Type", "application/x-www-form-urlencoded");
  EXPECT_THROW(impatient.send(Method::Post, "/version1/messaging", h, form), rto::http::UpstreamError);
  EXPECT_EQ(at_send(form).status, 500);
  auto blocked = at_send(form);
  ASSERT_EQ(blocked.status, 201);
  auto rec = js::parse(blocked.body).at("SMSMessageData").at("Recipients").at(0).as_object();
  EXPECT_EQ(rec.at("statusCode").as_int64(), 406);
  EXPECT_EQ(rec.at("status").as_string(), "UserInBlacklist");
  auto fine = at_send(form);
  EXPECT_EQ(js::parse(fine.body).at("SMSMessageData").at("Recipients").at(0).at("statusCode").as_int64(), 101);
  auto listed = call_json(Method::Get, "/_sim/africastalking/messages");
  EXPECT_EQ(listed.at("items").as_array().size(), 2u);  // the 406 and the 101: faults store nothing
  EXPECT_EQ(listed.at("requests").as_int64(), 4);
  EXPECT_EQ(receiver.wait_for(1).size(), 1u);  // only the accepted one is reported
  EXPECT_EQ(call(Method::Post, "/_sim/africastalking/behaviour", {}, R"({"recipient_status":{"code":499,"count":1}})").status,
            400);
  EXPECT_EQ(call(Method::Post, "/_sim/africastalking/behaviour", {}, R"({"reports":"sometimes"})").status, 400);
}

TEST_F(SimulatorTest, AtDroppedReportsCanBeReplayed) {
  sim_post("/_sim/africastalking/behaviour", {{"reports", "drop"}});
  auto r = at_send("username=sandbox&to=%2B254712100098&message=x");
  std::string id(js::parse(r.body).at("SMSMessageData").at("Recipients").at(0).at("messageId").as_string());
  let_callbacks_run();
  EXPECT_TRUE(receiver.now().empty());
  auto replay = sim_post("/_sim/africastalking/messages/" + id + "/report");
  EXPECT_TRUE(replay.at("delivered").as_bool());
  auto got = receiver.wait_for(1);
  ASSERT_EQ(got.size(), 1u);
  auto f = form_of(got[0].body);
  EXPECT_EQ(f["id"], id);
  EXPECT_EQ(f["status"], "Failed");
  EXPECT_EQ(f["failureReason"], "DeliveryFailure");
  EXPECT_EQ(call(Method::Post, "/_sim/africastalking/messages/ATXid_unknown/report").status, 404);
  sim_post("/_sim/reset");
  EXPECT_EQ(call_json(Method::Get, "/_sim/africastalking/behaviour").at("reports").as_string(), "normal");
}

TEST(SimulatorCredentials, UnsetCredentialsAcceptAnyValue) {
  mmsim::Simulator sim{mmsim::SimConfig{}};
  auto cfg = mmsim::service_config(0, "warn");
  cfg.host = "127.0.0.1";
  rto::Service service(cfg);
  sim.install(service);
  rto::http::Client client("http://127.0.0.1:" + std::to_string(service.start_in_background()));
  Headers h;
  h.set("Ocp-Apim-Subscription-Key", "anything");
  h.set("Authorization", "Basic " + rto::crypto::base64_encode("who:ever"));
  EXPECT_EQ(client.send(Method::Post, "/collection/token/", h).status, 200);
  service.stop();
}

}  // namespace
