// The simulator's core: configuration, state, the provider route wrapper, tokens and callbacks.
#include <cctype>
#include <cmath>

#include <rto/auth.hpp>
#include <rto/config.hpp>
#include <rto/crypto.hpp>
#include <rto/log.hpp>

#include "sim.hpp"

namespace mmsim {

namespace {
// Enough recent calls for any test or debugging session, without growing without bound.
constexpr std::size_t kMaxRecorded = 10000;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

SimConfig SimConfig::from_environment() {
  rto::config::Env env;
  SimConfig c;
  c.callback_delay = env.millis("SIM_CALLBACK_DELAY_MS", 300, 0, 3'600'000);
  c.expiry = env.millis("SIM_EXPIRY_MS", 60000, 0, 86'400'000);
  c.airtel_callback_url = env.string("SIM_AIRTEL_CALLBACK_URL", "");
  c.mtn_api_user = env.string("MTN_MOMO_API_USER", "");
  c.mtn_api_key = env.string("MTN_MOMO_API_KEY", "");
  c.mtn_subscription_key = env.string("MTN_MOMO_SUBSCRIPTION_KEY", "");
  c.mtn_target_environment = env.string("MTN_MOMO_TARGET_ENVIRONMENT", "sandbox");
  c.airtel_client_id = env.string("AIRTEL_MONEY_CLIENT_ID", "");
  c.airtel_client_secret = env.string("AIRTEL_MONEY_CLIENT_SECRET", "");
  c.airtel_callback_key = env.string("AIRTEL_MONEY_CALLBACK_KEY", "");
  c.mpesa_consumer_key = env.string("MPESA_CONSUMER_KEY", "");
  c.mpesa_consumer_secret = env.string("MPESA_CONSUMER_SECRET", "");
  c.mpesa_shortcode = env.string("MPESA_SHORTCODE", "");
  c.mpesa_passkey = env.string("MPESA_PASSKEY", "");
  c.mpesa_security_credential = env.string("MPESA_SECURITY_CREDENTIAL", "");
  c.at_username = env.string("AT_USERNAME", "");
  c.at_api_key = env.string("AT_API_KEY", "");
  c.at_callback_url = env.string("SIM_AT_CALLBACK_URL", "");
  c.at_report_delay = env.millis("SIM_AT_REPORT_DELAY_MS", 300, 0, 3'600'000);
  auto rules = parse_at_failure_rules(env.string("SIM_AT_FAILED_NUMBERS", "99:AbsentSubscriber"));
  if (rules)
    c.at_failure_rules = std::move(*rules);
  else
    env.fail("SIM_AT_FAILED_NUMBERS",
             "a comma-separated list of digit suffixes, each optionally followed by :reason (InsufficientCredit, "
             "UserIsInactive, UserInBlackList, AbsentSubscriber or DeliveryFailure)");
  env.done();
  return c;
}

rto::config::Common service_config(std::uint16_t port, std::string log_level) {
  rto::config::Common c;
  c.service = "mobile-money-sim";
  c.host = "0.0.0.0";
  c.port = port;
  c.http_workers = 4;
  c.io_threads = 1;
  c.shutdown_grace = std::chrono::milliseconds(2000);
  // No route here checks platform tokens: the simulator holds no keys.
  c.log_level = std::move(log_level);
  return c;
}

// --- small helpers shared by the provider files ---

const json::object* object_at(const json::object& o, std::string_view key) noexcept {
  auto it = o.find(key);
  return it != o.end() ? it->value().if_object() : nullptr;
}

std::optional<std::string_view> string_at(const json::object& o, std::string_view key) noexcept {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return std::nullopt;
  return std::string_view(it->value().get_string());
}

std::optional<std::string> digits_at(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->value().is_string()) return std::string(it->value().get_string());
  if (it->value().is_int64() && it->value().get_int64() >= 0) return std::to_string(it->value().get_int64());
  if (it->value().is_uint64()) return std::to_string(it->value().get_uint64());
  return std::nullopt;
}

std::optional<std::int64_t> positive_whole_number(const json::value* v, bool integers_only) noexcept {
  if (!v) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= 1'000'000'000'000'000ULL) n = static_cast<std::int64_t>(v->get_uint64());
  // Some JSON writers print whole doubles as 1E3; accept them where the provider would.
  if (!integers_only && v->is_double() && v->get_double() == std::floor(v->get_double()) && std::fabs(v->get_double()) < 1e15)
    n = static_cast<std::int64_t>(v->get_double());
  if (n && *n > 0) return n;
  return std::nullopt;
}

std::optional<json::object> parse_object(std::string_view body) noexcept {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

json::value to_json(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? json::value(json::string(text)) : v;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 429: return "Too Many Requests";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

json::object delivery_report(std::optional<int> status) {
  return json::object{{"delivered", status && *status >= 200 && *status < 300},
                      {"status", status ? json::value(*status) : json::value(nullptr)}};
}

http::Response generic_error(Provider p, int status) {
  auto phrase = reason_phrase(status);
  switch (p) {
    case Provider::MtnMomo: {
      std::string_view code = status == 401   ? "UNAUTHORIZED"
                              : status == 503 ? "SERVICE_UNAVAILABLE"
                              : status >= 500 ? "INTERNAL_PROCESSING_ERROR"
                                              : "NOT_ALLOWED";
      return mtn::error(status, code, phrase);
    }
    case Provider::AirtelMoney: return airtel::error(status, phrase);
    case Provider::Mpesa:
      return mpesa::error(status, status == 401 ? "404.001.03" : std::to_string(status) + ".003.01",
                          status == 401 ? "Invalid Access Token" : phrase);
  }
  return mtn::error(status, "NOT_ALLOWED", phrase);
}

// --- Impl ---

void Simulator::Impl::record(Provider p, const http::Request& req) {
  json::object headers;
  for (const auto& [name, value] : req.headers) {
    auto key = lower(name);
    if (auto* prev = headers.if_contains(key))
      *prev = std::string(prev->get_string()) + ", " + value;  // repeated header, as one line
    else
      headers[key] = value;
  }
  auto q = req.target.find('?');
  std::lock_guard lk(mu);
  auto seq = ++last_seq;
  json::object e{{"seq", seq},
                 {"provider", to_string(p)},
                 {"method", http::to_string(req.method)},
                 {"path", req.path},
                 {"query", q == std::string::npos ? std::string() : req.target.substr(q + 1)},
                 {"headers", std::move(headers)},
                 {"body", req.body}};
  requests.push_back({seq, p, std::move(e)});
  if (requests.size() > kMaxRecorded) requests.pop_front();
}

bool Simulator::Impl::take_injected_fault(Provider p, int& status) {
  std::lock_guard lk(mu);
  auto& b = behaviour(p);
  if (b.fail_remaining <= 0) return false;
  --b.fail_remaining;
  status = b.fail_status;
  return true;
}

bool Simulator::Impl::token_valid(Provider p, const http::Request& req) const {
  auto token = rto::auth::bearer_token(req.header("Authorization").value_or(""));
  std::lock_guard lk(mu);
  auto it = tokens.find(token);
  return it != tokens.end() && it->second.provider == p && Clock::now() < it->second.expires_at;
}

http::Handler Simulator::Impl::provider_route(Provider p, CallKind kind, http::Handler h) {
  return [this, p, kind, h = std::move(h)](http::Request& req) -> http::Response {
    record(p, req);
    try {
      if (kind == CallKind::Api) {
        if (int status = 0; take_injected_fault(p, status)) return generic_error(p, status);
        if (!token_valid(p, req)) return generic_error(p, 401);
      }
      return h(req);
    } catch (const ProviderFault& f) {
      return f.response;
    }
  };
}

std::string Simulator::Impl::issue_token(Provider p, std::chrono::seconds ttl) {
  auto token = rto::crypto::random_token(24);
  auto now = Clock::now();
  std::lock_guard lk(mu);
  std::erase_if(tokens, [now](const auto& kv) { return kv.second.expires_at <= now; });
  tokens[token] = {p, now + ttl};
  return token;
}

bool Simulator::Impl::create(Transaction t) {
  auto now = Clock::now();
  std::lock_guard lk(mu);
  if (transactions.contains(t.id)) return false;
  t.created_at = WallClock::now();
  t.settles_at = now + behaviour(t.provider).callback_delay.value_or(cfg.callback_delay);
  t.expires_at = now + cfg.expiry;
  switch (t.provider) {
    case Provider::MtnMomo: t.provider_txn_id = mtn_financial_transaction_id(rng); break;
    case Provider::AirtelMoney: t.provider_txn_id = airtel_money_id(rng, t.created_at); break;
    case Provider::Mpesa: t.provider_txn_id = mpesa_receipt_number(rng); break;
  }
  if (sends_callback(t.outcome)) sender.schedule(t.settles_at, [this, id = t.id] { fire(id); });
  transactions.emplace(t.id, std::move(t));
  return true;
}

void Simulator::Impl::add_settled(Transaction t) {
  auto now = Clock::now();
  t.created_at = WallClock::now();
  t.settles_at = t.expires_at = now;
  std::lock_guard lk(mu);
  auto id = t.id;
  transactions.insert_or_assign(std::move(id), std::move(t));
}

std::optional<Transaction> Simulator::Impl::find(std::string_view id, std::optional<Provider> p) const {
  std::lock_guard lk(mu);
  auto it = transactions.find(id);
  if (it == transactions.end() || (p && it->second.provider != *p)) return std::nullopt;
  return it->second;
}

std::string Simulator::Impl::airtel_callback_url() const {
  std::lock_guard lk(mu);
  return cfg.airtel_callback_url;
}

std::optional<Callback> Simulator::Impl::render(const Transaction& t, Status s) const {
  switch (t.provider) {
    case Provider::MtnMomo: return mtn::callback(t, s);
    case Provider::AirtelMoney: return airtel::callback(t, s, cfg.airtel_callback_url, cfg.airtel_callback_key);
    case Provider::Mpesa: return mpesa::callback(t, s);
  }
  return std::nullopt;
}

// The scheduled callback of a settled transaction, shaped by the provider's behaviour now.
void Simulator::Impl::fire(const std::string& id) {
  std::vector<Callback> batch;
  {
    std::lock_guard lk(mu);
    auto it = transactions.find(id);
    if (it == transactions.end()) return;
    const auto& t = it->second;
    auto status = t.status(Clock::now());
    auto final_cb = render(t, status);
    if (!final_cb) return;
    const auto& b = behaviour(t.provider);
    switch (b.callback) {
      case CallbackMode::Drop:
        rto::log::info("callback dropped by behaviour", {{"id", id}});
        return;
      case CallbackMode::Normal: batch.push_back(*final_cb); break;
      case CallbackMode::Duplicate: batch.assign(static_cast<std::size_t>(1 + b.duplicates), *final_cb); break;
      case CallbackMode::Reorder: {
        // M-Pesa has no intermediate callback, so its "stale" one is the final one again.
        auto stale = t.provider == Provider::Mpesa ? final_cb : render(t, Status::Pending);
        batch.push_back(*final_cb);
        if (stale) batch.push_back(*stale);
        break;
      }
    }
  }
  for (const auto& cb : batch) deliver(id, cb);
}

std::optional<int> Simulator::Impl::deliver(const std::string& id, const Callback& cb) {
  auto status = sender.deliver(cb);
  if (status) {
    std::lock_guard lk(mu);
    if (auto it = transactions.find(id); it != transactions.end()) ++it->second.callbacks_sent;
  }
  return status;
}

std::optional<int> Simulator::Impl::replay(const std::string& id) {
  std::optional<Callback> cb;
  {
    std::lock_guard lk(mu);
    auto it = transactions.find(id);
    if (it == transactions.end()) return std::nullopt;
    cb = render(it->second, it->second.status(Clock::now()));
  }
  if (!cb) return std::nullopt;
  return deliver(id, *cb);
}

// --- Simulator ---

Simulator::Simulator(SimConfig cfg) : impl_(std::make_unique<Impl>(std::move(cfg))) {}

Simulator::~Simulator() = default;

void Simulator::install(rto::Service& service) {
  auto& r = service.router();
  mtn::install(*impl_, r);
  airtel::install(*impl_, r);
  mpesa::install(*impl_, r);
  africastalking::install(*impl_, r);
  impl_->install_control(r);
}

void Simulator::set_airtel_callback_url(std::string url) {
  std::lock_guard lk(impl_->mu);
  impl_->cfg.airtel_callback_url = std::move(url);
}

void Simulator::set_at_callback_url(std::string url) {
  std::lock_guard lk(impl_->mu);
  impl_->cfg.at_callback_url = std::move(url);
}

}  // namespace mmsim
