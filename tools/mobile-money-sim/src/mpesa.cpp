// Safaricom M-Pesa Daraja: OAuth token, STK push, STK query, STK callback, C2B confirmation and
// Transaction Status (query, then its result at ResultURL).
#include <boost/url/parse.hpp>

#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "sim.hpp"

namespace mmsim::mpesa {

namespace {

using Kind = Simulator::Impl::CallKind;
constexpr std::chrono::seconds kTokenTtl{3599};
constexpr std::string_view kDefaultShortcode = "174379";  // Safaricom's sandbox paybill

ProviderFault invalid(std::string_view field) {
  return ProviderFault(error(400, "400.002.02", "Bad Request - Invalid " + std::string(field)));
}

bool is_http_url(std::string_view s) {
  auto u = boost::urls::parse_absolute_uri(s);
  return u && (u->scheme() == "http" || u->scheme() == "https") && !u->host().empty();
}

std::string_view length_between(std::optional<std::string_view> s, std::size_t lo, std::size_t hi) {
  return s && s->size() >= lo && s->size() <= hi ? *s : std::string_view{};
}

http::Response token(Simulator::Impl& sim, const http::Request& req) {
  if (req.query_param("grant_type") != std::optional<std::string_view>("client_credentials"))
    throw ProviderFault(error(400, "400.008.02", "Invalid grant type passed"));
  auto creds = parse_basic_auth(req.header("Authorization").value_or(""));
  if (!creds || !credential_matches(sim.cfg.mpesa_consumer_key, creds->first) ||
      !credential_matches(sim.cfg.mpesa_consumer_secret, creds->second))
    throw ProviderFault(error(401, "400.008.01", "Invalid Authentication passed"));
  return http::Response::json(json::object{{"access_token", sim.issue_token(Provider::Mpesa, kTokenTtl)},
                                           {"expires_in", std::to_string(kTokenTtl.count())}});
}

// BusinessShortCode, Timestamp and Password, common to push and query. Returns the shortcode.
std::string check_credentials(const SimConfig& cfg, const json::object& body) {
  auto shortcode = digits_at(body, "BusinessShortCode");
  if (!shortcode || !all_digits(*shortcode) || shortcode->size() < 5 || shortcode->size() > 7 ||
      !credential_matches(cfg.mpesa_shortcode, *shortcode))
    throw invalid("BusinessShortCode");
  auto timestamp = string_at(body, "Timestamp");
  if (!timestamp || timestamp->size() != 14 || !all_digits(*timestamp)) throw invalid("Timestamp");
  auto password = string_at(body, "Password");
  if (!password || (!cfg.mpesa_passkey.empty() && *password != mpesa_password(*shortcode, cfg.mpesa_passkey, *timestamp)))
    throw invalid("Password");
  return *shortcode;
}

std::string payer_number(const json::object& body, std::string_view field) {
  auto n = digits_at(body, field);
  if (!n || !valid_mpesa_msisdn(*n)) throw invalid(field);
  return *n;
}

// Validates the STK push body field by field, as Daraja does, into a new transaction.
Transaction read_push(const SimConfig& cfg, const json::object& body) {
  Transaction t;
  t.provider = Provider::Mpesa;
  t.shortcode = check_credentials(cfg, body);
  auto type = string_at(body, "TransactionType");
  if (type != std::optional<std::string_view>("CustomerPayBillOnline") &&
      type != std::optional<std::string_view>("CustomerBuyGoodsOnline"))
    throw invalid("TransactionType");
  auto amount = positive_whole_number(body.if_contains("Amount"), true);
  if (!amount) throw invalid("Amount");
  t.amount = *amount;
  payer_number(body, "PartyA");
  auto party_b = digits_at(body, "PartyB");
  if (!party_b || !all_digits(*party_b)) throw invalid("PartyB");
  t.msisdn = payer_number(body, "PhoneNumber");
  auto url = string_at(body, "CallBackURL");
  if (!url || !is_http_url(*url)) throw invalid("CallBackURL");
  t.callback_url = std::string(*url);
  if (length_between(string_at(body, "AccountReference"), 1, 12).empty()) throw invalid("AccountReference");
  if (length_between(string_at(body, "TransactionDesc"), 1, 13).empty()) throw invalid("TransactionDesc");
  t.currency = "KES";
  t.country = "KE";
  t.outcome = outcome_for_msisdn(t.msisdn);
  return t;
}

http::Response push(Simulator::Impl& sim, const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) throw ProviderFault(error(400, "400.002.02", "Bad Request - Invalid JSON"));
  auto t = read_push(sim.cfg, *body);
  auto now = WallClock::now();
  t.id = sim.random([now](Rng& rng) { return mpesa_checkout_request_id(rng, now); });
  t.merchant_request_id = sim.random([](Rng& rng) { return mpesa_merchant_request_id(rng); });
  json::object ack{{"MerchantRequestID", t.merchant_request_id},
                   {"CheckoutRequestID", t.id},
                   {"ResponseCode", "0"},
                   {"ResponseDescription", "Success. Request accepted for processing"},
                   {"CustomerMessage", "Success. Request accepted for processing"}};
  if (!sim.create(std::move(t))) throw ProviderFault(error(500, "500.001.1001", "Unable to lock subscriber"));
  return http::Response::json(ack);
}

std::pair<int, std::string_view> result(const Transaction& t, Status s) {
  if (auto f = failure_for(t.outcome, s)) return {f->mpesa_result_code, f->mpesa_result_desc};
  return {0, "The service request is processed successfully."};
}

http::Response query(Simulator::Impl& sim, const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) throw ProviderFault(error(400, "400.002.02", "Bad Request - Invalid JSON"));
  check_credentials(sim.cfg, *body);
  auto id = string_at(*body, "CheckoutRequestID");
  auto t = id ? sim.find(*id, Provider::Mpesa) : std::nullopt;
  if (!t || t->c2b) throw invalid("CheckoutRequestID");
  auto s = t->status(Clock::now());
  if (s == Status::Pending) throw ProviderFault(error(500, "500.001.1001", "The transaction is being processed"));
  auto [code, desc] = result(*t, s);
  // Daraja's answer, typo included; codes are strings here, numbers in the callback.
  return http::Response::json(json::object{{"ResponseCode", "0"},
                                           {"ResponseDescription", "The service request has been accepted successsfully"},
                                           {"MerchantRequestID", t->merchant_request_id},
                                           {"CheckoutRequestID", t->id},
                                           {"ResultCode", std::to_string(code)},
                                           {"ResultDesc", desc}});
}

std::int64_t as_number(std::string_view digits) { return std::stoll(std::string(digits)); }

json::object stk_callback(const Transaction& t, Status s) {
  auto [code, desc] = result(t, s);
  json::object cb{{"MerchantRequestID", t.merchant_request_id},
                  {"CheckoutRequestID", t.id},
                  {"ResultCode", code},
                  {"ResultDesc", desc}};
  if (s == Status::Succeeded) {
    json::array items{json::object{{"Name", "Amount"}, {"Value", reported_amount(t.outcome, t.amount)}},
                      json::object{{"Name", "MpesaReceiptNumber"}, {"Value", t.provider_txn_id}},
                      json::object{{"Name", "Balance"}},  // Daraja sends it without a Value
                      json::object{{"Name", "TransactionDate"}, {"Value", as_number(mpesa_timestamp(t.created_at))}},
                      json::object{{"Name", "PhoneNumber"}, {"Value", as_number(t.msisdn)}}};
    cb["CallbackMetadata"] = json::object{{"Item", std::move(items)}};
  }
  return json::object{{"Body", json::object{{"stkCallback", std::move(cb)}}}};
}

json::object c2b_confirmation(const Transaction& t) {
  return json::object{{"TransactionType", "Pay Bill"},
                      {"TransID", t.id},
                      {"TransTime", mpesa_timestamp(t.created_at)},
                      {"TransAmount", std::to_string(t.amount) + ".00"},
                      {"BusinessShortCode", t.shortcode},
                      {"BillRefNumber", t.bill_ref},
                      {"InvoiceNumber", ""},
                      {"OrgAccountBalance", ""},
                      {"ThirdPartyTransID", ""},
                      {"MSISDN", t.msisdn},
                      {"FirstName", "John"}};
}

// The Transaction Status result Daraja posts to ResultURL: for a paybill receipt it knows,
// what it records about it; else the query's failure.
json::object status_result(const std::optional<Transaction>& t, bool credential_ok, const std::string& conversation,
                           const std::string& originator) {
  json::object r{{"ResultType", 0},
                 {"ResultCode", 0},
                 {"ResultDesc", "The service request is processed successfully."},
                 {"OriginatorConversationID", originator},
                 {"ConversationID", conversation},
                 {"TransactionID", "SB60000000"}};  // a placeholder: the receipt is ReceiptNo
  if (!credential_ok) {
    r["ResultCode"] = 2001;
    r["ResultDesc"] = "The initiator information is invalid.";
  } else if (!t || !t->c2b) {
    r["ResultCode"] = 2032;
    r["ResultDesc"] = "The transaction receipt number does not exist.";
  } else {
    const auto at = as_number(mpesa_timestamp(t->created_at));
    json::array p{json::object{{"Key", "DebitPartyName"}, {"Value", t->msisdn + " - John"}},
                  json::object{{"Key", "CreditPartyName"}, {"Value", t->shortcode + " - RTO MOTORS LTD"}},
                  json::object{{"Key", "OriginatorConversationID"}, {"Value", originator}},
                  json::object{{"Key", "InitiatedTime"}, {"Value", at}},
                  json::object{{"Key", "CreditPartyCharges"}},  // sent without a Value
                  json::object{{"Key", "DebitAccountType"}, {"Value", "MMF Account For Customer"}},
                  json::object{{"Key", "TransactionReason"}},
                  json::object{{"Key", "ReasonType"}, {"Value", "Pay Bill Online"}},
                  json::object{{"Key", "TransactionStatus"}, {"Value", "Completed"}},
                  json::object{{"Key", "FinalisedTime"}, {"Value", at}},
                  json::object{{"Key", "Amount"}, {"Value", static_cast<double>(t->amount)}},  // a number, 1.0 style
                  json::object{{"Key", "ConversationID"}, {"Value", conversation}},
                  json::object{{"Key", "ReceiptNo"}, {"Value", t->id}}};
    r["ResultParameters"] = json::object{{"ResultParameter", std::move(p)}};
  }
  r["ReferenceData"] = json::object{{"ReferenceItem", json::object{{"Key", "Occasion"}, {"Value", "Query"}}}};
  return json::object{{"Result", std::move(r)}};
}

// POST /mpesa/transactionstatus/v1/query: accepted at once, answered later at ResultURL.
http::Response transaction_status(Simulator::Impl& sim, const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body) throw ProviderFault(error(400, "400.002.02", "Bad Request - Invalid JSON"));
  if (length_between(string_at(*body, "Initiator"), 1, 100).empty()) throw invalid("Initiator");
  auto credential = string_at(*body, "SecurityCredential");
  if (!credential || credential->empty()) throw invalid("SecurityCredential");
  try {
    rto::crypto::base64_decode(*credential);
  } catch (const std::invalid_argument&) {
    throw invalid("SecurityCredential");
  }
  if (string_at(*body, "CommandID") != std::optional<std::string_view>("TransactionStatusQuery")) throw invalid("CommandID");
  auto receipt = string_at(*body, "TransactionID");
  if (!receipt || receipt->empty()) throw invalid("TransactionID");
  const auto shortcode = sim.cfg.mpesa_shortcode.empty() ? std::string(kDefaultShortcode) : sim.cfg.mpesa_shortcode;
  if (digits_at(*body, "PartyA") != std::optional<std::string>(shortcode)) throw invalid("PartyA");
  if (digits_at(*body, "IdentifierType") != std::optional<std::string>("4")) throw invalid("IdentifierType");
  auto result_url = string_at(*body, "ResultURL");
  if (!result_url || !is_http_url(*result_url)) throw invalid("ResultURL");
  auto timeout_url = string_at(*body, "QueueTimeOutURL");
  if (!timeout_url || !is_http_url(*timeout_url)) throw invalid("QueueTimeOutURL");
  if (length_between(string_at(*body, "Remarks"), 1, 100).empty()) throw invalid("Remarks");

  const auto now = WallClock::now();
  auto [conversation, originator] = sim.random([now](Rng& rng) {
    return std::pair{mpesa_conversation_id(rng, now), mpesa_originator_conversation_id(rng)};
  });
  const bool credential_ok =
      sim.cfg.mpesa_security_credential.empty() || credential_matches(sim.cfg.mpesa_security_credential, *credential);
  Callback cb{std::string(*result_url), http::Method::Post,
              json::serialize(status_result(sim.find(*receipt, Provider::Mpesa), credential_ok, conversation, originator))};
  int copies = 1;
  std::chrono::milliseconds delay = sim.cfg.callback_delay;
  {
    std::lock_guard lk(sim.mu);
    const auto& b = sim.behaviour(Provider::Mpesa);
    if (b.callback == CallbackMode::Drop) copies = 0;
    if (b.callback == CallbackMode::Duplicate) copies = 1 + b.duplicates;
    delay = b.callback_delay.value_or(delay);
  }
  for (int i = 0; i < copies; ++i) sim.sender.schedule(Clock::now() + delay, [&sim, cb] { sim.sender.deliver(cb); });
  return http::Response::json(json::object{{"OriginatorConversationID", originator},
                                           {"ConversationID", conversation},
                                           {"ResponseCode", "0"},
                                           {"ResponseDescription", "Accept the service request successfully."}});
}

}  // namespace

http::Response error(int status, std::string_view code, std::string_view message) {
  return http::Response::json(
      status, json::object{{"requestId", rto::crypto::uuid_v4()}, {"errorCode", code}, {"errorMessage", message}});
}

std::optional<Callback> callback(const Transaction& t, Status s) {
  if (t.c2b) return Callback{t.callback_url, http::Method::Post, json::serialize(c2b_confirmation(t))};
  if (s == Status::Pending) return std::nullopt;  // M-Pesa sends only the final result
  return Callback{t.callback_url, http::Method::Post, json::serialize(stk_callback(t, s))};
}

json::object c2b(Simulator::Impl& sim, const json::object& body) {
  Transaction t;
  t.provider = Provider::Mpesa;
  t.c2b = true;
  auto bill_ref = string_at(body, "bill_ref");
  auto amount = body.contains("amount") && body.at("amount").is_string()
                    ? parse_positive_amount(body.at("amount").get_string())
                    : positive_whole_number(body.if_contains("amount"), true);
  auto msisdn = digits_at(body, "msisdn");
  auto url = string_at(body, "confirmation_url");
  if (!bill_ref || !amount || !msisdn || !all_digits(*msisdn) || !url || !is_http_url(*url))
    throw rto::BadRequest("c2b needs bill_ref, amount (whole shillings), msisdn (digits) and confirmation_url");
  t.bill_ref = std::string(*bill_ref);
  t.amount = *amount;
  t.msisdn = *msisdn;
  t.callback_url = std::string(*url);
  t.currency = "KES";
  t.country = "KE";
  t.shortcode = sim.cfg.mpesa_shortcode.empty() ? std::string(kDefaultShortcode) : sim.cfg.mpesa_shortcode;
  t.id = t.provider_txn_id = sim.random([](Rng& rng) { return mpesa_receipt_number(rng); });
  auto id = t.id;
  sim.add_settled(std::move(t));
  auto report = delivery_report(sim.replay(id));
  report.emplace("trans_id", id);
  return report;
}

void install(Simulator::Impl& sim, http::Router& r) {
  auto anyone = http::Access::anyone();
  auto p = Provider::Mpesa;
  r.get("/oauth/v1/generate", anyone, sim.provider_route(p, Kind::Token, token));
  r.post("/mpesa/stkpush/v1/processrequest", anyone, sim.provider_route(p, Kind::Api, push));
  r.post("/mpesa/stkpushquery/v1/query", anyone, sim.provider_route(p, Kind::Api, query));
  r.post("/mpesa/transactionstatus/v1/query", anyone, sim.provider_route(p, Kind::Api, transaction_status));
}

}  // namespace mmsim::mpesa
