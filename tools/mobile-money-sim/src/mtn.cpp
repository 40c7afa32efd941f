// MTN MoMo Open API, collection product: token, request-to-pay, status, PUT callback.
#include <boost/url/parse.hpp>

#include "sim.hpp"

namespace mmsim::mtn {

namespace {

using Kind = Simulator::Impl::CallKind;
constexpr std::chrono::seconds kTokenTtl{3600};

ProviderFault fault(int status, std::string_view code, std::string_view message) {
  return ProviderFault(error(status, code, message));
}

void check_subscription_key(const SimConfig& cfg, const http::Request& req) {
  auto key = req.header("Ocp-Apim-Subscription-Key");
  if (!key || !credential_matches(cfg.mtn_subscription_key, *key))
    throw fault(401, "UNAUTHORIZED", "Access denied due to invalid subscription key.");
}

void check_environment(const SimConfig& cfg, const http::Request& req) {
  if (req.header("X-Target-Environment") != std::optional<std::string_view>(cfg.mtn_target_environment))
    throw fault(400, "NOT_ALLOWED_TARGET_ENVIRONMENT", "X-Target-Environment must be '" + cfg.mtn_target_environment + "'.");
}

std::string_view status_word(Status s) {
  switch (s) {
    case Status::Pending: return "PENDING";
    case Status::Succeeded: return "SUCCESSFUL";
    default: return "FAILED";
  }
}

// The request-to-pay resource. The status API gives `reason` as a bare code, the callback as
// {code, message}: both forms are seen in the wild, and clients must accept either.
json::object resource(const Transaction& t, Status s, bool reason_as_object) {
  json::object o;
  if (s == Status::Succeeded) o["financialTransactionId"] = t.provider_txn_id;
  o["externalId"] = t.external_id;
  o["amount"] = std::to_string(reported_amount(t.outcome, t.amount));
  o["currency"] = t.currency;
  o["payer"] = json::object{{"partyIdType", t.party_id_type}, {"partyId", t.msisdn}};
  o["payerMessage"] = t.payer_message;
  o["payeeNote"] = t.payee_note;
  o["status"] = status_word(s);
  if (auto f = failure_for(t.outcome, s)) {
    if (reason_as_object)
      o["reason"] = json::object{{"code", f->mtn_reason}, {"message", f->message}};
    else
      o["reason"] = f->mtn_reason;
  }
  return o;
}

http::Response token(Simulator::Impl& sim, const http::Request& req) {
  check_subscription_key(sim.cfg, req);
  auto creds = parse_basic_auth(req.header("Authorization").value_or(""));
  if (!creds || !credential_matches(sim.cfg.mtn_api_user, creds->first) ||
      !credential_matches(sim.cfg.mtn_api_key, creds->second))
    throw fault(401, "UNAUTHORIZED", "Invalid API user or API key.");
  return http::Response::json(json::object{{"access_token", sim.issue_token(Provider::MtnMomo, kTokenTtl)},
                                            {"token_type", "access_token"},
                                            {"expires_in", kTokenTtl.count()}});
}

// Fills t from the request-to-pay body; throws a 400 fault naming the first bad field.
void read_body(const json::object& body, Transaction& t) {
  // MTN takes the amount as a JSON string; a number is refused.
  auto amount = string_at(body, "amount");
  auto parsed = amount ? parse_positive_amount(*amount) : std::nullopt;
  if (!parsed) throw fault(400, "INVALID_AMOUNT", "amount must be a string holding a positive whole number.");
  t.amount = *parsed;
  auto currency = string_at(body, "currency");
  if (!currency || currency->size() != 3) throw fault(400, "INVALID_CURRENCY", "currency must be an ISO 4217 code.");
  t.currency = std::string(*currency);
  const auto* payer = object_at(body, "payer");
  auto type = payer ? string_at(*payer, "partyIdType") : std::nullopt;
  auto id = payer ? string_at(*payer, "partyId") : std::nullopt;
  if (!type || !id || *type != "MSISDN" || !all_digits(*id))
    throw fault(400, "PAYER_NOT_FOUND", "payer must be {partyIdType: MSISDN, partyId: digits}.");
  t.party_id_type = std::string(*type);
  t.msisdn = std::string(*id);
  t.external_id = std::string(string_at(body, "externalId").value_or(""));
  t.payer_message = std::string(string_at(body, "payerMessage").value_or(""));
  t.payee_note = std::string(string_at(body, "payeeNote").value_or(""));
}

http::Response request_to_pay(Simulator::Impl& sim, const http::Request& req) {
  check_subscription_key(sim.cfg, req);
  check_environment(sim.cfg, req);
  auto ref = req.header("X-Reference-Id");
  if (!ref || !valid_uuid_v4(*ref)) throw fault(400, "INVALID_REFERENCE_ID", "X-Reference-Id must be a UUID v4.");
  auto callback = req.header("X-Callback-Url").value_or("");
  if (!callback.empty() && !boost::urls::parse_absolute_uri(callback))
    throw fault(400, "INVALID_CALLBACK_URL_HOST", "X-Callback-Url is not a URL.");
  auto body = parse_object(req.body);
  if (!body) throw fault(400, "INVALID_BODY", "The body must be a JSON object.");
  Transaction t;
  t.provider = Provider::MtnMomo;
  t.id = std::string(*ref);
  t.callback_url = std::string(callback);
  read_body(*body, t);
  t.outcome = outcome_for_msisdn(t.msisdn);
  if (!sim.create(std::move(t)))
    throw fault(409, "RESOURCE_ALREADY_EXIST", "Duplicated reference id. Creation of resource failed.");
  http::Response res;
  res.status = 202;
  return res;
}

http::Response status(Simulator::Impl& sim, const http::Request& req) {
  check_subscription_key(sim.cfg, req);
  check_environment(sim.cfg, req);
  auto t = sim.find(req.param("referenceId"), Provider::MtnMomo);
  if (!t) throw fault(404, "RESOURCE_NOT_FOUND", "Requested resource was not found.");
  return http::Response::json(resource(*t, t->status(Clock::now()), false));
}

}  // namespace

http::Response error(int status, std::string_view code, std::string_view message) {
  return http::Response::json(status, json::object{{"code", code}, {"message", message}});
}

std::optional<Callback> callback(const Transaction& t, Status s) {
  if (t.callback_url.empty()) return std::nullopt;  // X-Callback-Url is optional
  return Callback{t.callback_url, http::Method::Put, json::serialize(resource(t, s, true))};
}

void install(Simulator::Impl& sim, http::Router& r) {
  auto anyone = http::Access::anyone();
  auto p = Provider::MtnMomo;
  r.post("/collection/token/", anyone, sim.provider_route(p, Kind::Token, token));
  r.post("/collection/v1_0/requesttopay", anyone, sim.provider_route(p, Kind::Api, request_to_pay));
  r.get("/collection/v1_0/requesttopay/{referenceId}", anyone, sim.provider_route(p, Kind::Api, status));
}

}  // namespace mmsim::mtn
