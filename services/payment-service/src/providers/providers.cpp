#include "providers/providers.hpp"

#include <rto/crypto.hpp>
#include <rto/http_client.hpp>
#include <rto/log.hpp>

namespace payment_service::momo {
namespace js = boost::json;
using rto::http::ClientResponse;
using rto::http::Headers;
using rto::http::Method;

namespace {

rto::http::ClientOptions client_options() {
  rto::http::ClientOptions o;
  o.connect_timeout = std::chrono::milliseconds(3000);
  o.request_timeout = std::chrono::milliseconds(15000);  // providers answer slowly at peak
  o.max_idle = 16;
  return o;
}

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + rto::crypto::base64_encode(user + ":" + password);
}

js::value json_of(const ClientResponse& r, std::string_view what) {
  boost::system::error_code ec;
  auto v = js::parse(r.body, ec);
  if (ec) throw Unreachable(std::string(what) + ": answer is not JSON (HTTP " + std::to_string(r.status) + ")");
  return v;
}

std::string member_text(const js::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  auto it = v.get_object().find(key);
  if (it == v.get_object().end()) return {};
  if (it->value().is_string()) return std::string(it->value().get_string());
  if (it->value().is_int64()) return std::to_string(it->value().get_int64());
  return {};
}

// An OAuth-style bearer token, fetched on demand and reused until shortly before it expires.
class TokenCache {
 public:
  explicit TokenCache(std::shared_ptr<const rto::Clock> clock) : clock_(std::move(clock)) {}

  template <class Fetch>  // Fetch() -> pair<token, lifetime in seconds>
  std::string get(Fetch&& fetch) {
    std::lock_guard lock(mu_);
    const auto now = clock_->now();
    if (!token_.empty() && now < expires_) return token_;
    auto [token, seconds] = fetch();
    token_ = std::move(token);
    // Refresh a tenth early (Airtel's tokens live three minutes), at least 5 s early.
    const auto margin = std::max<std::int64_t>(5, seconds / 10);
    expires_ = now + std::chrono::seconds(std::max<std::int64_t>(1, seconds - margin));
    return token_;
  }
  void forget() {
    std::lock_guard lock(mu_);
    token_.clear();
  }

 private:
  std::shared_ptr<const rto::Clock> clock_;
  std::mutex mu_;
  std::string token_;
  rto::Clock::time_point expires_{};
};

std::int64_t lifetime(const js::value& body) {
  // MTN sends a number, Airtel and Daraja a string.
  auto s = member_text(body, "expires_in");
  try {
    return s.empty() ? 300 : std::stoll(s);
  } catch (const std::exception&) {
    return 300;
  }
}

// A token endpoint's answer: {access_token, expires_in}, else Unreachable.
std::pair<std::string, std::int64_t> token_of(const ClientResponse& r, const std::string& what) {
  if (r.status != 200) throw Unreachable(what + ": HTTP " + std::to_string(r.status));
  auto v = json_of(r, what);
  auto t = member_text(v, "access_token");
  if (t.empty()) throw Unreachable(what + ": no access_token");
  return {std::move(t), lifetime(v)};
}

// Sends one request; network failures become Unreachable.
ClientResponse send(rto::http::Client& c, Method m, const std::string& target, const Headers& h, std::string_view body,
                    std::string_view what) {
  try {
    return c.send(m, target, h, body);
  } catch (const rto::http::UpstreamError& e) {
    throw Unreachable(std::string(what) + ": " + e.what());
  }
}

// ---- MTN MoMo Collection ----------------------------------------------------------------------

class Mtn final : public Provider {
 public:
  Mtn(const ProviderSettings& s, std::string callback_url, std::shared_ptr<const rto::Clock> clock)
      : Provider(s.country, s.currency), s_(s), callback_url_(std::move(callback_url)), http_(s.base_url, client_options()),
        token_(std::move(clock)) {}
  ProviderId id() const noexcept override { return ProviderId::mtn_momo; }

  Started start(const Order& o) override {
    auto h = headers();
    h.set("X-Reference-Id", o.request_id);
    h.set("X-Callback-Url", callback_url_);
    h.set("Content-Type", "application/json");
    const auto body = mtn_request_body(o.amount, o.request_id, o.e164, "Payment " + o.account_reference, o.account_reference);
    auto r = send(http_, Method::Post, "/collection/v1_0/requesttopay", h, body, "MTN request to pay");
    if (r.status == 202 || r.status == 409) return {};  // 409: this reference id exists already (a retry)
    if (r.status == 401) token_.forget();
    if (r.status >= 500 || r.status == 401) throw Unreachable("MTN request to pay: HTTP " + std::to_string(r.status));
    auto code = member_text(json_of_or_empty(r), "code");
    throw Refused(code.empty() ? "HTTP_" + std::to_string(r.status) : code,
                  "MTN refused the request to pay (HTTP " + std::to_string(r.status) + ")");
  }

  ProviderResult status(const std::string& request_id, const std::string&) override {
    auto r = send(http_, Method::Get, "/collection/v1_0/requesttopay/" + request_id, headers(), {}, "MTN status");
    if (r.status == 404) {  // never reached MTN: stays pending until it expires
      ProviderResult p;
      p.code = "RESOURCE_NOT_FOUND";
      p.message = "MTN does not know this request";
      return p;
    }
    if (r.status == 401) token_.forget();
    if (r.status != 200) throw Unreachable("MTN status: HTTP " + std::to_string(r.status));
    try {
      return mtn_result(json_of(r, "MTN status"), currency());
    } catch (const std::invalid_argument& e) {
      throw Unreachable(std::string("MTN status: ") + e.what());
    }
  }

 private:
  static js::value json_of_or_empty(const ClientResponse& r) {
    boost::system::error_code ec;
    auto v = js::parse(r.body, ec);
    return ec ? js::value() : v;
  }

  Headers headers() {
    Headers h;
    h.set("Authorization", "Bearer " + token());
    h.set("X-Target-Environment", s_.target_environment);
    h.set("Ocp-Apim-Subscription-Key", s_.key);
    return h;
  }

  std::string token() {
    return token_.get([&] {
      Headers h;
      h.set("Authorization", basic(s_.user, s_.secret));
      h.set("Ocp-Apim-Subscription-Key", s_.key);
      return token_of(send(http_, Method::Post, "/collection/token/", h, {}, "MTN token"), "MTN token");
    });
  }

  ProviderSettings s_;
  std::string callback_url_;
  rto::http::Client http_;
  TokenCache token_;
};

// ---- Airtel Money -----------------------------------------------------------------------------

class Airtel final : public Provider {
 public:
  Airtel(const ProviderSettings& s, std::shared_ptr<const rto::Clock> clock)
      : Provider(s.country, s.currency), s_(s), http_(s.base_url, client_options()), token_(std::move(clock)) {
    if (!s.callback_key.empty()) signature_ = hmac_transaction_signature(s.callback_key);
  }
  ProviderId id() const noexcept override { return ProviderId::airtel_money; }

  Started start(const Order& o) override {
    std::string body;
    try {
      body = airtel_payment_body(o.amount, o.request_id, o.e164, country(), o.account_reference);
    } catch (const std::invalid_argument& e) {
      throw Refused("INVALID_AMOUNT", e.what());
    }
    auto h = headers();
    h.set("Content-Type", "application/json");
    auto r = send(http_, Method::Post, "/merchant/v1/payments/", h, body, "Airtel payment");
    if (r.status == 401) token_.forget();
    if (r.status >= 500 || r.status == 401) throw Unreachable("Airtel payment: HTTP " + std::to_string(r.status));
    auto v = json_of(r, "Airtel payment");
    const auto* st = v.is_object() ? v.get_object().if_contains("status") : nullptr;
    const bool ok = st && st->is_object() && st->get_object().if_contains("success") &&
                    st->get_object().at("success").is_bool() && st->get_object().at("success").get_bool();
    if (r.status < 300 && ok) return {};
    auto code = st ? member_text(*st, "response_code") : std::string();
    throw Refused(code.empty() ? "HTTP_" + std::to_string(r.status) : code,
                  "Airtel refused the payment (" + (st ? member_text(*st, "message") : std::string("no status")) + ")");
  }

  ProviderResult status(const std::string& request_id, const std::string&) override {
    auto r = send(http_, Method::Get, "/standard/v1/payments/" + request_id, headers(), {}, "Airtel enquiry");
    if (r.status == 401) token_.forget();
    if (r.status >= 500 || r.status == 401) throw Unreachable("Airtel enquiry: HTTP " + std::to_string(r.status));
    try {
      return airtel_enquiry_result(json_of(r, "Airtel enquiry"));
    } catch (const std::invalid_argument& e) {
      throw Unreachable(std::string("Airtel enquiry: ") + e.what());
    }
  }

  bool authentic(const js::value& body) const override {
    if (!signature_) return true;
    try {
      return signature_->verify(parse_airtel_callback(body));
    } catch (const std::invalid_argument&) {
      return false;
    }
  }

 private:
  Headers headers() {
    Headers h;
    h.set("Authorization", "Bearer " + token());
    h.set("X-Country", country());
    h.set("X-Currency", std::string(currency().code()));
    h.set("Accept", "*/*");
    return h;
  }

  std::string token() {
    return token_.get([&] {
      Headers h;
      h.set("Content-Type", "application/json");
      h.set("Accept", "*/*");
      const auto body = js::serialize(
          js::object{{"client_id", s_.user}, {"client_secret", s_.secret}, {"grant_type", "client_credentials"}});
      return token_of(send(http_, Method::Post, "/auth/oauth2/token", h, body, "Airtel token"), "Airtel token");
    });
  }

  ProviderSettings s_;
  rto::http::Client http_;
  TokenCache token_;
  std::unique_ptr<CallbackSignature> signature_;
};

// ---- M-Pesa Daraja ----------------------------------------------------------------------------

// Daraja's refusal of a call: {errorCode, errorMessage} or a non-zero ResponseCode.
Refused daraja_refusal(const js::value& v, int status, std::string_view what) {
  auto code = member_text(v, "errorCode");
  if (code.empty()) code = member_text(v, "ResponseCode");
  auto msg = member_text(v, "errorMessage");
  if (msg.empty()) msg = member_text(v, "ResponseDescription");
  return Refused(code.empty() ? "HTTP_" + std::to_string(status) : code,
                 "M-Pesa refused " + std::string(what) + " (" + msg + ")");
}

class Mpesa final : public Provider {
 public:
  Mpesa(const ProviderSettings& s, std::string callback_url, std::shared_ptr<const rto::Clock> clock)
      : Provider(s.country, s.currency), s_(s), callback_url_(std::move(callback_url)), clock_(clock),
        http_(s.base_url, client_options()), token_(std::move(clock)) {}
  ProviderId id() const noexcept override { return ProviderId::mpesa; }
  std::string_view collection_account() const noexcept override { return s_.shortcode; }

  Started start(const Order& o) override {
    auto whole = whole_major(o.amount);
    if (!whole) throw Refused("INVALID_AMOUNT", "M-Pesa takes whole shillings");
    const auto ts = mpesa_timestamp(clock_->now());
    const auto body = mpesa_stk_body(s_.shortcode, s_.passkey, ts, *whole, o.e164, callback_url_, o.account_reference,
                                     "Vehicle plan");
    auto r = send(http_, Method::Post, "/mpesa/stkpush/v1/processrequest", headers(), body, "M-Pesa STK push");
    if (r.status == 401) token_.forget();
    if (r.status >= 500 || r.status == 401) throw Unreachable("M-Pesa STK push: HTTP " + std::to_string(r.status));
    auto v = json_of(r, "M-Pesa STK push");
    if (r.status == 200 && member_text(v, "ResponseCode") == "0") {
      auto checkout = member_text(v, "CheckoutRequestID");
      if (checkout.empty()) throw Unreachable("M-Pesa STK push: no CheckoutRequestID");
      return {checkout};
    }
    throw daraja_refusal(v, r.status, "the STK push");
  }

  ProviderResult status(const std::string&, const std::string& checkout_request_id) override {
    ProviderResult pending;
    if (checkout_request_id.empty()) {
      pending.code = "NO_CHECKOUT_ID";
      pending.message = "the STK push was never acknowledged";
      return pending;
    }
    const auto ts = mpesa_timestamp(clock_->now());
    auto r = send(http_, Method::Post, "/mpesa/stkpushquery/v1/query", headers(),
                  mpesa_query_body(s_.shortcode, s_.passkey, ts, checkout_request_id), "M-Pesa query");
    if (r.status == 401) token_.forget();
    auto v = json_of(r, "M-Pesa query");
    if (auto res = mpesa_query_result(v)) return *res;
    if (member_text(v, "errorCode") == "500.001.1001") {  // still being processed
      pending.code = "500.001.1001";
      pending.message = member_text(v, "errorMessage");
      return pending;
    }
    throw Unreachable("M-Pesa query: HTTP " + std::to_string(r.status) + " " + member_text(v, "errorMessage"));
  }

  bool confirms_receipts() const noexcept override { return !s_.initiator.empty(); }

  std::string query_receipt(const std::string& receipt, const std::string& remarks) override {
    if (s_.initiator.empty()) throw std::logic_error("MPESA_INITIATOR is not set");
    const auto body = mpesa_transaction_status_body(s_.initiator, s_.security_credential, receipt, s_.shortcode,
                                                    callback_url_, remarks);
    auto r = send(http_, Method::Post, "/mpesa/transactionstatus/v1/query", headers(), body, "M-Pesa transaction status");
    if (r.status == 401) token_.forget();
    if (r.status >= 500 || r.status == 401)
      throw Unreachable("M-Pesa transaction status: HTTP " + std::to_string(r.status));
    auto v = json_of(r, "M-Pesa transaction status");
    if (r.status == 200 && member_text(v, "ResponseCode") == "0") {
      auto conversation = member_text(v, "ConversationID");
      if (conversation.empty()) throw Unreachable("M-Pesa transaction status: no ConversationID");
      return conversation;
    }
    throw daraja_refusal(v, r.status, "the transaction status query");
  }

 private:
  Headers headers() {
    Headers h;
    h.set("Authorization", "Bearer " + token());
    h.set("Content-Type", "application/json");
    return h;
  }

  std::string token() {
    return token_.get([&] {
      Headers h;
      h.set("Authorization", basic(s_.user, s_.secret));
      return token_of(send(http_, Method::Get, "/oauth/v1/generate?grant_type=client_credentials", h, {}, "M-Pesa token"),
                      "M-Pesa token");
    });
  }

  ProviderSettings s_;
  std::string callback_url_;
  std::shared_ptr<const rto::Clock> clock_;
  rto::http::Client http_;
  TokenCache token_;
};

class HmacTransactionSignature final : public CallbackSignature {
 public:
  explicit HmacTransactionSignature(std::string key) : key_(std::move(key)) {}
  bool verify(const AirtelCallback& cb) const override {
    if (cb.hash.empty()) return false;
    const auto expected = rto::crypto::base64_encode(rto::crypto::hmac_sha256(key_, airtel_signed_bytes(cb)));
    return rto::crypto::constant_time_equal(expected, cb.hash);
  }

 private:
  std::string key_;
};

ProviderSettings read_settings(rto::config::Env& env, const std::string& prefix, const char* country,
                               const char* currency, bool development) {
  const auto base = prefix + "_BASE_URL", country_var = prefix + "_COUNTRY", currency_var = prefix + "_CURRENCY";
  ProviderSettings s;
  s.base_url = env.string(base.c_str(), "");
  s.country = env.string(country_var.c_str(), country);
  s.currency = env.string(currency_var.c_str(), currency);
  const auto callback_var = prefix + "_CALLBACK_URL";
  s.callback_url = env.string(callback_var.c_str(), "");
  for (const auto& [var, url] : {std::pair{&base, &s.base_url}, std::pair{&callback_var, &s.callback_url}})
    if (!url->empty() && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      env.fail(var->c_str(), "must be an http(s):// URL");
    else if (!development && url->rfind("http://", 0) == 0)
      env.fail(var->c_str(), "must be an https:// URL outside development (DEPLOY_ENV)");
  if (s.country.size() != 2) env.fail(country_var.c_str(), "must be an ISO 3166 alpha-2 code such as UG");
  if (!rto::Currency::find(s.currency)) env.fail(currency_var.c_str(), "must be a supported ISO 4217 code such as UGX");
  return s;
}

}  // namespace

std::unique_ptr<CallbackSignature> hmac_transaction_signature(std::string key) {
  return std::make_unique<HmacTransactionSignature>(std::move(key));
}

ProvidersConfig ProvidersConfig::read(rto::config::Env& env, rto::config::Deployment deployment) {
  using rto::config::Deployment;
  const bool development = deployment == Deployment::development || deployment == Deployment::test;
  ProvidersConfig c;
  c.callback_base_url = env.string("PAYMENT_CALLBACK_BASE_URL", "");
  while (!c.callback_base_url.empty() && c.callback_base_url.back() == '/') c.callback_base_url.pop_back();
  if (!development && c.callback_base_url.rfind("http://", 0) == 0)
    env.fail("PAYMENT_CALLBACK_BASE_URL", "must be an https:// URL outside development (DEPLOY_ENV)");

  c.mtn = read_settings(env, "MTN_MOMO", "UG", "UGX", development);
  if (!c.mtn.base_url.empty()) {
    c.mtn.user = env.required("MTN_MOMO_API_USER");
    c.mtn.secret = env.required("MTN_MOMO_API_KEY");
    c.mtn.key = env.required("MTN_MOMO_SUBSCRIPTION_KEY");
    // Production names its MTN environment (mtnuganda, mtnghana, …): never the sandbox by default.
    if (deployment == Deployment::production) {
      c.mtn.target_environment = env.required("MTN_MOMO_TARGET_ENVIRONMENT");
      if (c.mtn.target_environment == "sandbox")
        env.fail("MTN_MOMO_TARGET_ENVIRONMENT", "must name the live environment (such as mtnuganda) in production");
    } else {
      c.mtn.target_environment = env.string("MTN_MOMO_TARGET_ENVIRONMENT", "sandbox");
    }
  }
  c.airtel = read_settings(env, "AIRTEL_MONEY", "UG", "UGX", development);
  if (!c.airtel.base_url.empty()) {
    c.airtel.user = env.required("AIRTEL_MONEY_CLIENT_ID");
    c.airtel.secret = env.required("AIRTEL_MONEY_CLIENT_SECRET");
    c.airtel.callback_key = env.string("AIRTEL_MONEY_CALLBACK_KEY", "");
  }
  c.mpesa = read_settings(env, "MPESA", "KE", "KES", development);
  if (!c.mpesa.base_url.empty()) {
    c.mpesa.user = env.required("MPESA_CONSUMER_KEY");
    c.mpesa.secret = env.required("MPESA_CONSUMER_SECRET");
    c.mpesa.shortcode = env.required("MPESA_SHORTCODE");
    c.mpesa.passkey = env.required("MPESA_PASSKEY");
    c.mpesa.initiator = env.string("MPESA_INITIATOR", "");
    c.mpesa.security_credential = env.string("MPESA_SECURITY_CREDENTIAL", "");
    if (c.mpesa.initiator.empty() != c.mpesa.security_credential.empty())
      env.fail(c.mpesa.initiator.empty() ? "MPESA_INITIATOR" : "MPESA_SECURITY_CREDENTIAL",
               "is required with " + std::string(c.mpesa.initiator.empty() ? "MPESA_SECURITY_CREDENTIAL" : "MPESA_INITIATOR") +
                   " (both or neither: they let the service confirm paybill receipts itself)");
  }
  const bool needs_base = (!c.mtn.base_url.empty() && c.mtn.callback_url.empty()) || !c.airtel.base_url.empty() ||
                          (!c.mpesa.base_url.empty() && c.mpesa.callback_url.empty());
  if (needs_base && c.callback_base_url.empty())
    env.fail("PAYMENT_CALLBACK_BASE_URL", "is required when a mobile-money provider is enabled");
  return c;
}

Providers::Providers(const ProvidersConfig& cfg, std::shared_ptr<const rto::Clock> clock)
    : callback_base_(cfg.callback_base_url) {
  // A provider's own callback URL wins (MTN's sandbox takes only http, Daraja only https).
  auto url = [&](const ProviderSettings& s, ProviderId id) {
    return s.callback_url.empty() ? callback_url(id) : s.callback_url;
  };
  if (!cfg.mtn.base_url.empty()) mtn_ = std::make_unique<Mtn>(cfg.mtn, url(cfg.mtn, ProviderId::mtn_momo), clock);
  if (!cfg.airtel.base_url.empty()) airtel_ = std::make_unique<Airtel>(cfg.airtel, clock);
  if (!cfg.mpesa.base_url.empty()) mpesa_ = std::make_unique<Mpesa>(cfg.mpesa, url(cfg.mpesa, ProviderId::mpesa), clock);
}

Providers::~Providers() = default;

Provider* Providers::find(ProviderId id) const noexcept {
  switch (id) {
    case ProviderId::mtn_momo: return mtn_.get();
    case ProviderId::airtel_money: return airtel_.get();
    case ProviderId::mpesa: return mpesa_.get();
  }
  return nullptr;
}

std::string Providers::callback_url(ProviderId id) const {
  return callback_base_ + "/api/v1/webhooks/" + std::string(to_string(id));
}

bool Providers::any() const noexcept { return mtn_ || airtel_ || mpesa_; }

}  // namespace payment_service::momo
