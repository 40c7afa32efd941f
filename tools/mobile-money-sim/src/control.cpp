// The /_sim control API: behaviour (fault injection, callback tweaks), reset, the request
// log, transaction lookup, callback replay, M-Pesa C2B confirmations, and Africa's Talking's
// faults, received messages and delivery-report replay.
#include <algorithm>
#include <charconv>

#include <rto/errors.hpp>

#include "sim.hpp"

namespace mmsim {

namespace {

std::string_view to_string(CallbackMode m) {
  switch (m) {
    case CallbackMode::Normal: return "normal";
    case CallbackMode::Drop: return "drop";
    case CallbackMode::Duplicate: return "duplicate";
    case CallbackMode::Reorder: return "reorder";
  }
  return "normal";
}

CallbackMode callback_mode(std::string_view s) {
  for (auto m : {CallbackMode::Normal, CallbackMode::Drop, CallbackMode::Duplicate, CallbackMode::Reorder})
    if (to_string(m) == s) return m;
  throw rto::BadField("callback", "one of normal, drop, duplicate, reorder");
}

std::int64_t integer_in(const json::object& o, std::string_view key, std::int64_t lo, std::int64_t hi) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64() || v->get_int64() < lo || v->get_int64() > hi)
    throw rto::BadField(std::string(key), "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v->get_int64();
}

json::object body_object(const http::Request& req) {
  if (req.body.empty()) return {};
  auto o = parse_object(req.body);
  if (!o) throw rto::BadRequest("the body must be a JSON object");
  return std::move(*o);
}

// The changes a POST /_sim/behaviour asks for; absent fields leave the setting alone.
struct BehaviourChange {
  std::optional<CallbackMode> callback;
  std::optional<int> duplicates;
  std::optional<std::chrono::milliseconds> callback_delay;
  std::optional<std::pair<int, int>> fail;  // status, count

  static BehaviourChange parse(const json::object& o) {
    BehaviourChange c;
    if (o.contains("callback")) {
      auto s = string_at(o, "callback");
      if (!s) throw rto::BadField("callback", "one of normal, drop, duplicate, reorder");
      c.callback = callback_mode(*s);
    }
    if (o.contains("duplicates")) c.duplicates = static_cast<int>(integer_in(o, "duplicates", 0, 20));
    if (o.contains("callback_delay_ms"))
      c.callback_delay = std::chrono::milliseconds(integer_in(o, "callback_delay_ms", 0, 3'600'000));
    if (o.contains("fail_requests")) {
      const auto* f = object_at(o, "fail_requests");
      if (!f) throw rto::BadField("fail_requests", "an object {status, count}");
      c.fail = {static_cast<int>(integer_in(*f, "status", 400, 599)), static_cast<int>(integer_in(*f, "count", 0, 100000))};
    }
    return c;
  }

  void apply(Behaviour& b) const {
    if (callback) b.callback = *callback;
    if (duplicates) b.duplicates = *duplicates;
    if (callback_delay) b.callback_delay = *callback_delay;
    if (fail) std::tie(b.fail_status, b.fail_remaining) = *fail;
  }
};

json::object describe(const Behaviour& b) {
  json::object o{{"callback", to_string(b.callback)},
                 {"duplicates", b.duplicates},
                 {"fail_requests", json::object{{"status", b.fail_status}, {"count", b.fail_remaining}}}};
  o["callback_delay_ms"] = b.callback_delay ? json::value(b.callback_delay->count()) : json::value(nullptr);
  return o;
}

// POST /_sim/africastalking/behaviour; absent fields leave the setting alone.
void apply_at_change(const json::object& o, AtBehaviour& b) {
  AtBehaviour next = b;  // all or nothing: a bad field changes no setting
  if (o.contains("fail_requests")) {
    const auto* f = object_at(o, "fail_requests");
    if (!f) throw rto::BadField("fail_requests", "an object {status, count}");
    next.fail_status = static_cast<int>(integer_in(*f, "status", 400, 599));
    next.fail_remaining = static_cast<int>(integer_in(*f, "count", 0, 100000));
  }
  if (o.contains("timeout_requests")) {
    const auto* f = object_at(o, "timeout_requests");
    if (!f) throw rto::BadField("timeout_requests", "an object {count, delay_ms}");
    next.timeout_remaining = static_cast<int>(integer_in(*f, "count", 0, 100000));
    if (f->contains("delay_ms"))
      next.timeout_delay = std::chrono::milliseconds(integer_in(*f, "delay_ms", 0, 600'000));
  }
  if (o.contains("recipient_status")) {
    const auto* f = object_at(o, "recipient_status");
    if (!f) throw rto::BadField("recipient_status", "an object {code, count}");
    auto code = static_cast<int>(integer_in(*f, "code", 100, 599));
    if (at_status_name(code).empty())
      throw rto::BadField("recipient_status.code", "a statusCode Africa's Talking uses (PROTOCOLS.md §5)");
    next.recipient_code = code;
    next.recipient_remaining = static_cast<int>(integer_in(*f, "count", 0, 100000));
  }
  if (o.contains("reports")) {
    auto s = string_at(o, "reports");
    if (!s || (*s != "normal" && *s != "drop")) throw rto::BadField("reports", "normal or drop");
    next.drop_reports = *s == "drop";
  }
  if (o.contains("report_delay_ms"))
    next.report_delay = std::chrono::milliseconds(integer_in(o, "report_delay_ms", 0, 3'600'000));
  b = next;
}

json::object describe(const AtBehaviour& b) {
  json::object o{{"fail_requests", json::object{{"status", b.fail_status}, {"count", b.fail_remaining}}},
                 {"timeout_requests", json::object{{"count", b.timeout_remaining}, {"delay_ms", b.timeout_delay.count()}}},
                 {"recipient_status", json::object{{"code", b.recipient_code}, {"count", b.recipient_remaining}}},
                 {"reports", b.drop_reports ? "drop" : "normal"}};
  o["report_delay_ms"] = b.report_delay ? json::value(b.report_delay->count()) : json::value(nullptr);
  return o;
}

std::optional<Provider> provider_filter(std::optional<std::string_view> name) {
  if (!name) return std::nullopt;
  if (auto p = provider_from_string(*name)) return p;
  throw rto::BadField("provider", "one of mtn_momo, airtel_money, mpesa");
}

std::uint64_t since_param(const http::Request& req) {
  auto s = req.query_param("since").value_or("0");
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) throw rto::BadField("since", "a sequence number");
  return v;
}

}  // namespace

void Simulator::Impl::install_control(http::Router& r) {
  auto anyone = http::Access::anyone();

  auto behaviour_view = [this] {
    json::object out;
    for (auto p : kProviders) out[to_string(p)] = describe(behaviour(p));
    return out;
  };
  r.get("/_sim/behaviour", anyone, [this, behaviour_view](http::Request&) {
    std::lock_guard lk(mu);
    return http::Response::json(behaviour_view());
  });
  r.post("/_sim/behaviour", anyone, [this, behaviour_view](http::Request& req) {
    auto body = body_object(req);
    auto only = provider_filter(string_at(body, "provider"));
    auto change = BehaviourChange::parse(body);
    std::lock_guard lk(mu);
    for (auto p : kProviders)
      if (!only || *only == p) change.apply(behaviour(p));
    return http::Response::json(behaviour_view());
  });

  r.post("/_sim/reset", anyone, [this](http::Request&) {
    std::lock_guard lk(mu);
    behaviours = {};
    at_behaviour = {};
    requests.clear();  // last_seq keeps counting, so a client's `since` stays meaningful
    return http::Response::json(json::object{{"reset", true}});
  });

  r.get("/_sim/requests", anyone, [this](http::Request& req) {
    auto only = provider_filter(req.query_param("provider"));
    auto since = since_param(req);
    json::array items;
    std::lock_guard lk(mu);
    for (const auto& rec : requests)
      if (rec.seq > since && (!only || rec.provider == *only)) items.push_back(rec.entry);
    return http::Response::json(json::object{{"items", std::move(items)}, {"last_seq", last_seq}});
  });

  r.get("/_sim/transactions/{id}", anyone, [this](http::Request& req) {
    auto t = find(req.param("id"));
    if (!t) throw rto::NotFound("no transaction with this id");
    auto url = t->provider == Provider::AirtelMoney ? airtel_callback_url() : t->callback_url;
    return http::Response::json(json::object{{"provider", to_string(t->provider)},
                                             {"id", t->id},
                                             {"msisdn", t->msisdn},
                                             {"amount", t->amount},
                                             {"currency", t->currency},
                                             {"status", to_string(t->status(Clock::now()))},
                                             {"provider_txn_id", t->provider_txn_id},
                                             {"callback_url", url},
                                             {"callbacks_sent", t->callbacks_sent}});
  });

  r.post("/_sim/transactions/{id}/callback", anyone, [this](http::Request& req) {
    std::string id(req.param("id"));
    if (!find(id)) throw rto::NotFound("no transaction with this id");
    return http::Response::json(delivery_report(replay(id)));
  });

  r.get("/_sim/africastalking/behaviour", anyone, [this](http::Request&) {
    std::lock_guard lk(mu);
    return http::Response::json(describe(at_behaviour));
  });
  r.post("/_sim/africastalking/behaviour", anyone, [this](http::Request& req) {
    auto body = body_object(req);
    std::lock_guard lk(mu);
    apply_at_change(body, at_behaviour);
    return http::Response::json(describe(at_behaviour));
  });

  r.get("/_sim/africastalking/messages", anyone, [this](http::Request& req) {
    auto to = req.query_param("to");
    json::array items;
    std::lock_guard lk(mu);
    for (const auto& m : at_messages)
      if (!to || m.number == *to) items.push_back(africastalking::describe(m));
    return http::Response::json(json::object{{"items", std::move(items)}, {"requests", at_requests}});
  });

  r.post("/_sim/africastalking/messages/{id}/report", anyone, [this](http::Request& req) {
    std::string id(req.param("id"));
    {
      std::lock_guard lk(mu);
      if (std::none_of(at_messages.begin(), at_messages.end(), [&](const AtMessage& m) { return m.id == id; }))
        throw rto::NotFound("no message with this id");
    }
    return http::Response::json(delivery_report(africastalking::send_report(*this, id)));
  });

  r.post("/_sim/mpesa/c2b", anyone, [this](http::Request& req) {
    return http::Response::json(mpesa::c2b(*this, body_object(req)));
  });
}

}  // namespace mmsim
