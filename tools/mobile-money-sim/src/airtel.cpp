// Airtel Money collections (v1): token, USSD-push payment, enquiry, callback to the URL from
// the application settings, optionally signed with the callback key.
#include "sim.hpp"

namespace mmsim::airtel {

namespace {

using Kind = Simulator::Impl::CallKind;
constexpr std::chrono::seconds kTokenTtl{180};

ProviderFault fault(int status, std::string_view message, std::string_view response_code = {}) {
  return ProviderFault(error(status, message, response_code));
}

std::string_view status_code(Status s) {
  switch (s) {
    case Status::Pending: return "TIP";
    case Status::Succeeded: return "TS";
    case Status::Failed: return "TF";
    case Status::Expired: return "TE";
  }
  return "TA";
}

std::string_view response_code(const Transaction& t, Status s) {
  if (s == Status::Pending) return "DP00800001006";  // in process
  if (auto f = failure_for(t.outcome, s)) return f->airtel_response_code;
  return "DP00800001001";  // success
}

std::string message(const Transaction& t, Status s) {
  if (s == Status::Pending) return "Transaction in progress";
  if (auto f = failure_for(t.outcome, s)) return std::string(f->message);
  return "Paid " + t.currency + " " + std::to_string(t.amount) + " to RTO SIMULATOR, Trans ID " + t.provider_txn_id + ".";
}

http::Response token(Simulator::Impl& sim, const http::Request& req) {
  auto body = parse_object(req.body);
  if (!body || string_at(*body, "grant_type") != std::optional<std::string_view>("client_credentials"))
    throw fault(400, "grant_type must be client_credentials");
  auto id = string_at(*body, "client_id");
  auto secret = string_at(*body, "client_secret");
  if (!id || !secret || !credential_matches(sim.cfg.airtel_client_id, *id) ||
      !credential_matches(sim.cfg.airtel_client_secret, *secret))
    throw fault(401, "Invalid client credentials");
  // expires_in is a string in Airtel's answer.
  return http::Response::json(json::object{{"access_token", sim.issue_token(Provider::AirtelMoney, kTokenTtl)},
                                            {"expires_in", std::to_string(kTokenTtl.count())},
                                            {"token_type", "bearer"}});
}

// X-Country and X-Currency, which every call carries.
std::pair<std::string, std::string> market(const http::Request& req) {
  auto country = req.header("X-Country");
  auto currency = req.header("X-Currency");
  if (!country || !currency || country->empty() || currency->empty())
    throw fault(400, "X-Country and X-Currency headers are required");
  return {std::string(*country), std::string(*currency)};
}

// Country and currency written in a body object must agree with the headers.
void check_market(const json::object* o, const Transaction& t, std::string_view where) {
  if (!o) return;
  auto country = string_at(*o, "country");
  auto currency = string_at(*o, "currency");
  if ((country && *country != t.country) || (currency && *currency != t.currency))
    throw fault(400, std::string(where) + " country/currency do not match X-Country/X-Currency");
}

http::Response pay(Simulator::Impl& sim, const http::Request& req) {
  Transaction t;
  t.provider = Provider::AirtelMoney;
  std::tie(t.country, t.currency) = market(req);
  auto body = parse_object(req.body);
  if (!body) throw fault(400, "The body must be a JSON object");
  const auto* subscriber = object_at(*body, "subscriber");
  const auto* txn = object_at(*body, "transaction");
  if (!subscriber || !txn) throw fault(400, "subscriber and transaction are required");
  check_market(subscriber, t, "subscriber");
  check_market(txn, t, "transaction");
  auto msisdn = string_at(*subscriber, "msisdn");
  if (!msisdn || !valid_airtel_msisdn(*msisdn))
    throw fault(400, "subscriber.msisdn must be digits without the country code");
  t.msisdn = std::string(*msisdn);
  auto amount = positive_whole_number(txn->if_contains("amount"), false);
  if (!amount) throw fault(400, "transaction.amount must be a positive number", "DP00800001004");
  t.amount = *amount;
  auto id = string_at(*txn, "id");
  if (!id || id->empty()) throw fault(400, "transaction.id is required");
  t.id = std::string(*id);
  t.outcome = outcome_for_msisdn(t.msisdn);
  if (!sim.create(t)) throw fault(409, "Duplicate transaction id");
  json::object data{{"transaction", json::object{{"id", t.id}, {"status", "SUCCESS"}}}};
  json::object status{{"code", "200"},
                      {"message", "SUCCESS"},
                      {"result_code", "ESB000010"},
                      {"response_code", "DP00800001006"},
                      {"success", true}};
  return http::Response::json(json::object{{"data", std::move(data)}, {"status", std::move(status)}});
}

http::Response enquiry(Simulator::Impl& sim, const http::Request& req) {
  market(req);
  auto t = sim.find(req.param("id"), Provider::AirtelMoney);
  if (!t) throw fault(404, "Transaction not found", "DP00800001025");
  auto s = t->status(Clock::now());
  json::object txn;
  if (s == Status::Succeeded) txn["airtel_money_id"] = t->provider_txn_id;
  txn["id"] = t->id;
  txn["message"] = message(*t, s);
  txn["status"] = status_code(s);
  json::object status{{"code", "200"},
                      {"message", "SUCCESS"},
                      {"result_code", "ESB000010"},
                      {"response_code", response_code(*t, s)},
                      {"success", true}};
  return http::Response::json(
      json::object{{"data", json::object{{"transaction", std::move(txn)}}}, {"status", std::move(status)}});
}

}  // namespace

http::Response error(int status, std::string_view message, std::string_view response_code) {
  json::object st{{"code", std::to_string(status)}, {"message", message}};
  if (!response_code.empty()) st["response_code"] = response_code;
  st["success"] = false;
  return http::Response::json(status, json::object{{"data", json::object{}}, {"status", std::move(st)}});
}

std::optional<Callback> callback(const Transaction& t, Status s, const std::string& url, const std::string& key) {
  if (url.empty()) return std::nullopt;  // no callback URL in the application settings
  json::object txn{{"id", t.id},
                   {"message", message(t, s)},
                   {"status_code", status_code(s)},
                   {"airtel_money_id", t.provider_txn_id}};
  // The body is assembled by hand so that the signed bytes are exactly the bytes sent.
  auto transaction_json = json::serialize(txn);
  std::string body = "{\"transaction\":" + transaction_json;
  if (!key.empty()) body += ",\"hash\":" + json::serialize(json::string(airtel_callback_hash(key, transaction_json)));
  body += "}";
  return Callback{url, http::Method::Post, std::move(body)};
}

void install(Simulator::Impl& sim, http::Router& r) {
  auto anyone = http::Access::anyone();
  auto p = Provider::AirtelMoney;
  r.post("/auth/oauth2/token", anyone, sim.provider_route(p, Kind::Token, token));
  r.post("/merchant/v1/payments/", anyone, sim.provider_route(p, Kind::Api, pay));
  r.get("/standard/v1/payments/{id}", anyone, sim.provider_route(p, Kind::Api, enquiry));
}

}  // namespace mmsim::airtel
