#pragma once
// Mobile-money provider adapters: one interface, three implementations (MTN MoMo Collection,
// Airtel Money Collections, M-Pesa Daraja STK push). Each speaks its provider's public API over
// HTTP with credentials and base URLs from the environment; the wire formats themselves are
// the pure functions of domain/mobile_money.hpp.
//
// Environment (a provider is enabled when its *_BASE_URL is set; its credentials are then required):
//   PAYMENT_CALLBACK_BASE_URL     where providers reach our webhooks, e.g. https://pay.example.com
//                                 (callbacks go to <base>/api/v1/webhooks/<provider>)
//   MTN_MOMO_CALLBACK_URL, MPESA_CALLBACK_URL [unset]  a provider's own full callback URL instead
//                                 (MTN's sandbox calls back over http only, Daraja over https only;
//                                 Airtel's is set in its portal, so it has none)
//   MTN_MOMO_BASE_URL, MTN_MOMO_API_USER, MTN_MOMO_API_KEY, MTN_MOMO_SUBSCRIPTION_KEY,
//   MTN_MOMO_TARGET_ENVIRONMENT [sandbox], MTN_MOMO_COUNTRY [UG], MTN_MOMO_CURRENCY [UGX]
//   AIRTEL_MONEY_BASE_URL, AIRTEL_MONEY_CLIENT_ID, AIRTEL_MONEY_CLIENT_SECRET,
//   AIRTEL_MONEY_COUNTRY [UG], AIRTEL_MONEY_CURRENCY [UGX], AIRTEL_MONEY_CALLBACK_KEY [unset: no hash check]
//   MPESA_BASE_URL, MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE, MPESA_PASSKEY,
//   MPESA_COUNTRY [KE], MPESA_CURRENCY [KES]
//   MPESA_INITIATOR, MPESA_SECURITY_CREDENTIAL [unset: paybill receipts are verified by staff]
//                                 the API operator and its encrypted password, for the
//                                 Transaction Status queries that confirm paybill receipts
#include <memory>
#include <mutex>
#include <optional>
#include <rto/clock.hpp>
#include <rto/config.hpp>
#include <rto/money.hpp>
#include <stdexcept>
#include <string>

#include "domain/mobile_money.hpp"

namespace payment_service::momo {

struct ProviderSettings {
  std::string base_url;  // empty: the provider is not enabled
  std::string country;   // ISO 3166 alpha-2
  std::string currency;  // ISO 4217
  std::string user, secret, key;          // MTN: api user/api key/subscription key; Airtel: client id/secret; M-Pesa: consumer key/secret
  std::string target_environment;         // MTN
  std::string shortcode, passkey;         // M-Pesa
  std::string callback_key;               // Airtel callback hash key (empty: not checked)
  std::string callback_url;               // MTN/M-Pesa: this provider's own callback URL (empty: the common base)
  std::string initiator, security_credential;  // M-Pesa Transaction Status (empty: paybill receipts go to staff)
};

struct ProvidersConfig {
  std::string callback_base_url;
  ProviderSettings mtn, airtel, mpesa;
  // Outside development (DEPLOY_ENV staging or production) every provider and callback URL is
  // https; in production MTN_MOMO_TARGET_ENVIRONMENT is required and is not the sandbox.
  static ProvidersConfig read(rto::config::Env& env,
                              rto::config::Deployment deployment = rto::config::Deployment::production);
};

// One collection to start.
struct Order {
  std::string request_id;  // ours; MTN's X-Reference-Id, Airtel's transaction.id
  rto::Money amount;
  std::string e164;
  std::string account_reference;  // the plan's RTO-XXXXXX, shown to the payer
};

struct Started {
  std::string provider_request_id;  // M-Pesa's CheckoutRequestID; empty for the others
};

// The provider refused the request (bad number, limits, …): it failed and will not happen.
class Refused : public std::runtime_error {
 public:
  Refused(std::string code, const std::string& what) : std::runtime_error(what), code(std::move(code)) {}
  std::string code;
};
// No usable answer (network, timeout, 5xx, malformed): the outcome is unknown; ask again later.
class Unreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual ProviderId id() const noexcept = 0;
  const rto::Currency& currency() const noexcept { return currency_; }
  const std::string& country() const noexcept { return country_; }

  // Throws Refused or Unreachable.
  virtual Started start(const Order& order) = 0;
  // The provider's status of one request (its status/enquiry/query API). Throws Unreachable.
  virtual ProviderResult status(const std::string& request_id, const std::string& provider_request_id) = 0;
  // The account payers pay into, as the provider names it in its answers (M-Pesa's shortcode).
  virtual std::string_view collection_account() const noexcept { return {}; }
  // Whether query_receipt can be used (M-Pesa with an initiator configured).
  virtual bool confirms_receipts() const noexcept { return false; }
  // Asks the provider to confirm a receipt paid to us without a request of ours (an M-Pesa
  // paybill payment); its answer comes later as a callback. Returns the reference that answer
  // will carry (Daraja's ConversationID). Throws Refused or Unreachable (std::logic_error when
  // confirms_receipts() is false).
  virtual std::string query_receipt(const std::string& receipt, const std::string& remarks) {
    (void)receipt;
    (void)remarks;
    throw std::logic_error("this provider does not confirm receipts");
  }
  // Whether a callback body is authentic as far as the provider lets us tell before asking
  // its status API (Airtel's hash when configured; the others sign nothing).
  virtual bool authentic(const boost::json::value& body) const { (void)body; return true; }

 protected:
  Provider(std::string country, std::string_view currency) : currency_(rto::Currency::of(currency)), country_(std::move(country)) {}

 private:
  rto::Currency currency_;
  std::string country_;
};

// Which bytes Airtel's callback hash covers is not settled (PROTOCOLS.md §2); the check is
// an interface so the scheme can change once a real pair has been recorded.
class CallbackSignature {
 public:
  virtual ~CallbackSignature() = default;
  virtual bool verify(const AirtelCallback& cb) const = 0;
};
// base64(HMAC-SHA256(key, airtel_signed_bytes(cb))) compared in constant time.
std::unique_ptr<CallbackSignature> hmac_transaction_signature(std::string key);

class Providers {
 public:
  Providers(const ProvidersConfig& cfg, std::shared_ptr<const rto::Clock> clock);
  ~Providers();
  // nullptr when the provider is not enabled.
  Provider* find(ProviderId id) const noexcept;
  std::string callback_url(ProviderId id) const;
  bool any() const noexcept;

 private:
  std::string callback_base_;
  std::unique_ptr<Provider> mtn_, airtel_, mpesa_;
};

}  // namespace payment_service::momo
