#pragma once
// Internals shared by the simulator's translation units: the state behind one mutex, the
// provider route wrapper, and each provider's routes and callback bodies.
#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <rto/http.hpp>
#include <rto/router.hpp>

#include "callbacks.hpp"
#include "mmsim/rules.hpp"
#include "mmsim/simulator.hpp"

namespace mmsim {

namespace http = rto::http;
namespace json = boost::json;
using WallClock = std::chrono::system_clock;

enum class CallbackMode { Normal, Drop, Duplicate, Reorder };

// Fault injection and callback tweaks set through POST /_sim/behaviour, per provider.
struct Behaviour {
  CallbackMode callback = CallbackMode::Normal;
  int duplicates = 1;  // extra copies in Duplicate mode
  std::optional<std::chrono::milliseconds> callback_delay;
  int fail_status = 500;
  int fail_remaining = 0;  // the next this-many API calls answer fail_status
};

// Africa's Talking faults set through POST /_sim/africastalking/behaviour.
struct AtBehaviour {
  int fail_status = 500;
  int fail_remaining = 0;     // the next this-many sends answer fail_status
  int timeout_remaining = 0;  // the next this-many sends answer only after timeout_delay (a 504)
  std::chrono::milliseconds timeout_delay{15000};
  int recipient_code = 500;
  int recipient_remaining = 0;  // the next this-many sends give every recipient recipient_code
  bool drop_reports = false;
  std::optional<std::chrono::milliseconds> report_delay;
};

// One recipient of an accepted Africa's Talking send.
struct AtMessage {
  std::string id;  // messageId ("None" for a refused recipient, which gets no id of its own)
  std::string number, text, from, username;
  int status_code = 101;
  std::string status;  // Success, InvalidPhoneNumber, …
  AtReport report;     // the delivery report it gets (Success or Failed)
  WallClock::time_point created_at;
  int reports_sent = 0;  // reports the receiver answered (any status)
  std::optional<int> last_report_status;
};

struct Transaction {
  Provider provider = Provider::MtnMomo;
  bool c2b = false;  // an M-Pesa C2B confirmation rather than a collection request
  std::string id;    // MTN X-Reference-Id, Airtel transaction.id, M-Pesa CheckoutRequestID or TransID
  std::string msisdn;
  std::int64_t amount = 0;  // major units, as on the wire
  std::string currency, country;
  Outcome outcome = Outcome::Success;
  Clock::time_point settles_at, expires_at;
  WallClock::time_point created_at;
  std::string provider_txn_id;  // financialTransactionId, airtel_money_id or MpesaReceiptNumber
  std::string callback_url;     // empty for Airtel: its URL is an application setting
  int callbacks_sent = 0;       // callbacks the receiver answered (any status)
  // Request fields the provider echoes back.
  std::string external_id, payer_message, payee_note, party_id_type;  // MTN
  std::string merchant_request_id, shortcode, bill_ref;                // M-Pesa

  Status status(Clock::time_point now) const { return status_at(outcome, settles_at, expires_at, now); }
};

// Thrown by a provider handler to answer in that provider's own error shape.
class ProviderFault : public std::runtime_error {
 public:
  explicit ProviderFault(http::Response r) : std::runtime_error("provider fault"), response(std::move(r)) {}
  http::Response response;
};

// Small readers for request bodies: absent or wrong type gives empty.
const json::object* object_at(const json::object& o, std::string_view key) noexcept;
std::optional<std::string_view> string_at(const json::object& o, std::string_view key) noexcept;
// A string, or an integer written as a number (providers' samples use both for numbers).
std::optional<std::string> digits_at(const json::object& o, std::string_view key);
// A positive whole number; a double with no fraction counts unless integers_only.
std::optional<std::int64_t> positive_whole_number(const json::value* v, bool integers_only) noexcept;
std::optional<json::object> parse_object(std::string_view body) noexcept;
json::value to_json(std::string_view text);  // JSON when it parses, else the text as a string
std::string_view reason_phrase(int status) noexcept;
// {"delivered": receiver answered 2xx, "status": its HTTP status or null when unreachable}
json::object delivery_report(std::optional<int> status);

struct Simulator::Impl {
  enum class CallKind { Token, Api };

  explicit Impl(SimConfig c) : cfg(std::move(c)), rng(std::random_device{}()) {}

  // Wraps a provider handler: records the call, applies injected faults, checks the bearer
  // token of API calls and turns ProviderFault into the provider's error response.
  http::Handler provider_route(Provider p, CallKind kind, http::Handler h);
  using ProviderHandler = http::Response (*)(Impl&, const http::Request&);
  http::Handler provider_route(Provider p, CallKind kind, ProviderHandler h) {
    return provider_route(p, kind, [this, h](http::Request& req) { return h(*this, req); });
  }
  std::string issue_token(Provider p, std::chrono::seconds ttl);
  // Registers a new collection (false: the id is taken) and schedules its callback.
  bool create(Transaction t);
  // Registers a transaction that has already succeeded (M-Pesa C2B); no callback is scheduled.
  void add_settled(Transaction t);
  std::optional<Transaction> find(std::string_view id, std::optional<Provider> p = std::nullopt) const;
  template <class F>
  auto random(F f) {
    std::lock_guard lk(mu);
    return f(rng);
  }
  // Sends the transaction's current callback now; the receiver's status, empty when undelivered.
  std::optional<int> replay(const std::string& id);
  std::optional<int> deliver(const std::string& id, const Callback& cb);
  std::string airtel_callback_url() const;

  void install_control(http::Router& r);

  SimConfig cfg;
  mutable std::mutex mu;  // guards everything below except sender
  std::map<std::string, Transaction, std::less<>> transactions;
  struct Token {
    Provider provider;
    Clock::time_point expires_at;
  };
  std::map<std::string, Token, std::less<>> tokens;
  std::array<Behaviour, 3> behaviours{};
  struct Recorded {
    std::uint64_t seq;
    Provider provider;
    json::object entry;
  };
  std::deque<Recorded> requests;
  std::uint64_t last_seq = 0;
  AtBehaviour at_behaviour;
  std::deque<AtMessage> at_messages;  // accepted recipients, oldest first
  std::uint64_t at_requests = 0;      // POSTs to /version1/messaging, refused ones included
  Rng rng;
  CallbackSender sender;  // last member: its thread stops before the state it uses goes away

  Behaviour& behaviour(Provider p) { return behaviours[static_cast<std::size_t>(p)]; }

 private:
  void record(Provider p, const http::Request& req);
  bool take_injected_fault(Provider p, int& status);
  bool token_valid(Provider p, const http::Request& req) const;
  void fire(const std::string& id);
  std::optional<Callback> render(const Transaction& t, Status s) const;  // needs mu held
};

// Per-provider routes, error bodies and callback bodies.
namespace mtn {
void install(Simulator::Impl& sim, http::Router& r);
http::Response error(int status, std::string_view code, std::string_view message);
std::optional<Callback> callback(const Transaction& t, Status s);
}  // namespace mtn
namespace airtel {
void install(Simulator::Impl& sim, http::Router& r);
http::Response error(int status, std::string_view message, std::string_view response_code = {});
std::optional<Callback> callback(const Transaction& t, Status s, const std::string& url, const std::string& key);
}  // namespace airtel
namespace africastalking {
void install(Simulator::Impl& sim, http::Router& r);
// The message as /_sim/africastalking/messages lists it (needs mu held).
json::object describe(const AtMessage& m);
// Sends the delivery report of the message now; the receiver's status, empty when undelivered.
std::optional<int> send_report(Simulator::Impl& sim, const std::string& id);
}  // namespace africastalking
namespace mpesa {
void install(Simulator::Impl& sim, http::Router& r);
http::Response error(int status, std::string_view code, std::string_view message);
std::optional<Callback> callback(const Transaction& t, Status s);
// Posts a C2B confirmation (POST /_sim/mpesa/c2b).
json::object c2b(Simulator::Impl& sim, const json::object& body);
}  // namespace mpesa

// A provider's error for an injected fault or a refused token, by HTTP status.
http::Response generic_error(Provider p, int status);

}  // namespace mmsim
