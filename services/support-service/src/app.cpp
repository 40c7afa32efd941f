#include "app.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>
#include <rto/phone.hpp>

#include "domain/sms.hpp"
#include "domain/templates.hpp"

namespace support_service {
namespace js = boost::json;

namespace {

js::value opt_json(const std::optional<std::string>& s) { return s ? js::value(*s) : js::value(nullptr); }
js::value opt_time_json(const std::optional<TimePoint>& t) { return t ? js::value(rto::to_rfc3339(*t)) : js::value(nullptr); }

js::object ticket_event_data(const Ticket& t) {
  return {{"ticket_id", t.id},
          {"customer_id", t.customer_id},
          {"category", t.category},
          {"priority", to_string(t.priority)},
          {"status", to_string(t.status)},
          {"assignee_id", opt_json(t.assignee_id)}};
}

}  // namespace

App::App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock,
         SupportConfig cfg, std::shared_ptr<SmsProvider> sms)
    : db_(db), clock_(std::move(clock)), cfg_(std::move(cfg)), sms_(std::move(sms)) {
  if (!cfg_.user_service_url.empty()) {
    rto::http::ClientOptions opts;
    opts.request_timeout = std::chrono::milliseconds(3000);
    users_ = std::make_unique<rto::ServiceClient>(cfg_.user_service_url, tokens, cfg_.common.service, "user-service", opts);
  }
  if (!cfg_.payment_service_url.empty()) {
    rto::http::ClientOptions opts;
    opts.request_timeout = std::chrono::milliseconds(3000);
    payments_ = std::make_unique<rto::ServiceClient>(cfg_.payment_service_url, tokens, cfg_.common.service,
                                                     "payment-service", opts);
  }
}

js::object App::ticket_json(const Ticket& t, bool staff) const {
  auto live = sla_state(t.due, t.first_response_at, t.resolved_at, now());
  js::object o{{"id", t.id},
               {"customer_id", t.customer_id},
               {"category", t.category},
               {"priority", to_string(t.priority)},
               {"status", to_string(t.status)},
               {"subject", t.subject},
               {"description", t.description},
               {"plan_id", opt_json(t.plan_id)},
               {"vehicle_id", opt_json(t.vehicle_id)},
               {"first_response_due", rto::to_rfc3339(t.due.first_response)},
               {"resolution_due", rto::to_rfc3339(t.due.resolution)},
               {"first_response_at", opt_time_json(t.first_response_at)},
               {"resolved_at", opt_time_json(t.resolved_at)},
               {"closed_at", opt_time_json(t.closed_at)},
               {"sla_breached", t.first_response_breached || t.resolution_breached || live.breached()},
               {"rating", t.rating ? js::value(*t.rating) : js::value(nullptr)},
               {"created_at", rto::to_rfc3339(t.created_at)},
               {"updated_at", rto::to_rfc3339(t.updated_at)}};
  if (staff) {
    o["assignee_id"] = opt_json(t.assignee_id);
    o["origin"] = t.origin;
    o["first_response_breached"] = t.first_response_breached || live.first_response_breached;
    o["resolution_breached"] = t.resolution_breached || live.resolution_breached;
  }
  return o;
}

bool App::open_ticket(pqxx::transaction_base& tx, Ticket& t, const std::string& actor) {
  if (t.id.empty()) t.id = rto::crypto::uuid_v4();
  t.created_at = t.updated_at = now();
  t.status = Status::Open;
  t.due = sla_due(t.priority, t.created_at, cfg_.sla);
  if (!storage::insert_ticket(tx, t)) return false;
  storage::add_history(tx, t.id, {actor, "created", std::nullopt, std::string(to_string(t.status)), t.created_at});
  // Auto-assignment: to the available agent with the fewest open tickets (agents say whether
  // they take tickets through PUT /api/v1/support/agents/me); unassigned when none is.
  bool auto_assigned = false;
  if (!t.assignee_id) {
    if (auto agent = storage::take_least_loaded_agent(tx, t.created_at)) {
      t.assignee_id = std::move(agent);
      storage::update_ticket(tx, t);
      storage::add_history(tx, t.id, {"system", "assigned", std::nullopt, t.assignee_id, t.created_at});
      auto_assigned = true;
    }
  }
  rto::events::enqueue(tx, source(), {"support.ticket.created", t.id, ticket_event_data(t)});
  if (auto_assigned) rto::events::enqueue(tx, source(), {"support.ticket.assigned", t.id, ticket_event_data(t)});
  rto::log::info("ticket opened", {{"ticket_id", t.id}, {"origin", t.origin}, {"priority", to_string(t.priority)}});
  return true;
}

std::size_t App::hand_over_tickets(pqxx::transaction_base& tx, const std::string& agent_id, const std::string& actor) {
  auto tickets = storage::lock_active_tickets_of(tx, agent_id);
  for (const auto& before : tickets) {
    Ticket after = before;
    after.assignee_id = storage::take_least_loaded_agent(tx, now());
    save_ticket(tx, before, after, actor, "assigned", "support.ticket.assigned");
  }
  if (!tickets.empty())
    rto::log::info("tickets handed over", {{"agent_id", agent_id}, {"tickets", static_cast<std::int64_t>(tickets.size())}});
  return tickets.size();
}

void App::save_ticket(pqxx::transaction_base& tx, const Ticket& before, Ticket& after, const std::string& actor,
                      const std::string& action, const std::string& event_type) {
  after.updated_at = now();
  storage::update_ticket(tx, after);
  std::optional<std::string> old_value, new_value;
  if (action == "status") {
    old_value = std::string(to_string(before.status));
    new_value = std::string(to_string(after.status));
  } else if (action == "assigned") {
    old_value = before.assignee_id;
    new_value = after.assignee_id;
  } else if (action == "rated") {
    new_value = after.rating ? std::optional<std::string>(std::to_string(*after.rating)) : std::nullopt;
  }
  storage::add_history(tx, after.id, {actor, action, old_value, new_value, after.updated_at});
  if (!event_type.empty()) {
    auto data = ticket_event_data(after);
    if (action == "status") data["old_status"] = to_string(before.status);
    rto::events::enqueue(tx, source(), {event_type, after.id, std::move(data)});
  }
}

UserInfo App::user_info(const js::object& o) const {
  auto s = [&](const char* k) -> std::string {
    if (const auto* x = o.if_contains(k); x && x->is_string()) return std::string(x->as_string());
    return {};
  };
  UserInfo u;
  if (auto e164 = rto::phone::normalize(s("phone"), cfg_.default_region)) u.phone = *e164;
  u.language = s("language");
  u.name = s("full_name");
  return u;
}

std::optional<UserInfo> App::lookup_user(const std::string& user_id) {
  if (!users_) return std::nullopt;
  auto v = users_->get_json("/internal/users/" + user_id);
  if (!v || !v->is_object()) return std::nullopt;
  return user_info(v->as_object());
}

std::unordered_map<std::string, UserInfo> App::lookup_users(const std::vector<std::string>& user_ids) {
  std::unordered_map<std::string, UserInfo> out;
  if (!users_ || user_ids.empty()) return out;
  if (user_ids.size() == 1) {
    if (auto u = lookup_user(user_ids.front())) out.emplace(user_ids.front(), std::move(*u));
    return out;
  }
  constexpr std::size_t kChunk = 200;  // the user service's limit a call
  for (std::size_t from = 0; from < user_ids.size(); from += kChunk) {
    js::array ids;
    for (std::size_t i = from; i < std::min(user_ids.size(), from + kChunk); ++i) ids.emplace_back(user_ids[i]);
    auto r = users_->call(rto::http::Method::Post, "/internal/users/lookup", js::serialize(js::object{{"ids", std::move(ids)}}));
    if (r.status != 200) {
      rto::log::warn("user lookup refused", {{"status", r.status}});
      throw rto::Unavailable("the user service is unavailable; try again shortly");
    }
    auto v = r.json();
    const auto* items = v.is_object() ? v.as_object().if_contains("items") : nullptr;
    if (!items || !items->is_array()) throw rto::Unavailable("the user service gave an answer without items");
    for (const auto& it : items->as_array()) {
      if (!it.is_object()) continue;
      const auto* id = it.as_object().if_contains("id");
      if (id && id->is_string()) out.emplace(std::string(id->as_string()), user_info(it.as_object()));
    }
  }
  return out;
}

std::vector<CustomerPlan> App::customer_plans(const std::string& customer_id) {
  if (!payments_) throw rto::Unavailable("plans and vehicles cannot be checked: the payment service is not configured");
  auto answer = payments_->get_json("/internal/customers/" + customer_id + "/plans");
  if (!answer) throw rto::Unavailable("the payment service does not know the customer's plans");
  std::vector<CustomerPlan> out;
  const auto& v = *answer;
  const auto* items = v.is_object() ? v.as_object().if_contains("items") : nullptr;
  if (!items || !items->is_array()) throw rto::Unavailable("the payment service gave an answer without items");
  for (const auto& it : items->as_array()) {
    if (!it.is_object()) continue;
    auto s = [&](const char* k) -> std::string {
      if (const auto* x = it.as_object().if_contains(k); x && x->is_string()) return std::string(x->as_string());
      return {};
    };
    out.push_back({s("id"), s("status"), s("vehicle_id")});
  }
  return out;
}

int App::mark_breaches() {
  int total = 0;
  for (;;) {
    int n = db_.transact([&](pqxx::work& tx) {
      const auto now = this->now();
      auto due = storage::due_breaches(tx, now, 100);
      for (const auto& before : due) {
        Ticket after = before;
        auto s = sla_state(before.due, before.first_response_at, before.resolved_at, now);
        std::vector<std::string> kinds;
        if (s.first_response_breached && !before.first_response_breached) {
          after.first_response_breached = true;
          kinds.emplace_back("first_response");
        }
        if (s.resolution_breached && !before.resolution_breached) {
          after.resolution_breached = true;
          kinds.emplace_back("resolution");
        }
        after.updated_at = now;
        storage::update_ticket(tx, after);
        for (const auto& k : kinds) {
          storage::add_history(tx, after.id, {"system", "sla_breached", std::nullopt, k, now});
          // Staff-facing: no customer_id, so the hub does not push it to the rider.
          rto::events::enqueue(tx, source(),
                               {"support.ticket.sla_breached", after.id,
                                {{"ticket_id", after.id},
                                 {"breach", k},
                                 {"priority", to_string(after.priority)},
                                 {"category", after.category},
                                 {"assignee_id", opt_json(after.assignee_id)},
                                 {"due", rto::to_rfc3339(k == "first_response" ? after.due.first_response
                                                                               : after.due.resolution)}}});
        }
      }
      return static_cast<int>(due.size());
    });
    total += n;
    if (n < 100) break;
  }
  if (total > 0) rto::log::info("SLA breaches marked", {{"count", total}});
  return total;
}

int App::deliver_sms() {
  const auto now = this->now();
  const bool quiet = sms::in_quiet_hours(now, cfg_.quiet);
  if (now - last_stuck_sweep_ > std::chrono::minutes(1)) {
    // A message left 'sending' by a process that stopped mid-send may or may not have gone out:
    // it is not sent again (never twice), it is marked failed so that staff see it.
    last_stuck_sweep_ = now;
    auto n = db_.transact([&](pqxx::work& tx) { return storage::fail_stuck_sms(tx, now - std::chrono::minutes(10), now); });
    if (n) rto::log::warn("SMS left sending by a stopped process marked failed", {{"count", n}});
  }
  auto batch = db_.transact([&](pqxx::work& tx) { return storage::claim_sms(tx, now, quiet, cfg_.sms_batch); });
  if (batch.empty()) return 0;
  // The claimed messages are committed as 'sending' before any is sent, so none goes twice;
  // up to sms_concurrency sends are in flight at once, and the outcomes are written together.
  std::vector<storage::SmsOutcome> outcomes(batch.size());
  auto send_one = [&](std::size_t i) {
    const auto& m = batch[i];
    auto r = sms_->send(m.phone, m.body, m.id);
    auto& o = outcomes[i];
    o.id = m.id;
    o.provider = sms_->name();
    o.code = r.status_code;
    switch (r.outcome) {
      case sms::Outcome::Sent:
        o.status = "sent";
        o.message_id = r.message_id;
        o.status_text = r.detail;
        break;
      case sms::Outcome::Failed:
        o.status = "failed";
        o.reason = r.detail;
        break;
      case sms::Outcome::Retry:
        if (m.attempts >= cfg_.sms_max_attempts) {
          o.status = "failed";
          o.reason = "gave up after retries: " + r.detail;
        } else {
          o.status = "pending";
          o.reason = r.detail;
          o.next_attempt_at = this->now() + sms::backoff(m.attempts, cfg_.sms_retry_base, cfg_.sms_retry_max);
        }
        break;
    }
  };
  const std::size_t lanes = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, cfg_.sms_concurrency)), batch.size());
  std::atomic<std::size_t> next{0};
  auto lane = [&] {
    for (std::size_t i = next++; i < batch.size(); i = next++) {
      try {
        send_one(i);
      } catch (const std::exception& e) {  // a provider breaking its promise not to throw
        outcomes[i] = {batch[i].id, "pending", sms_->name(), std::nullopt, std::nullopt, std::string(e.what()), 0,
                       this->now() + sms::backoff(batch[i].attempts, cfg_.sms_retry_base, cfg_.sms_retry_max)};
      }
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (std::size_t k = 1; k < lanes; ++k) helpers.emplace_back(lane);
    lane();
  }
  db_.transact([&](pqxx::work& tx) { storage::record_sms_outcomes(tx, outcomes, this->now()); });
  for (std::size_t i = 0; i < batch.size(); ++i)
    rto::log::info("sms attempt", {{"sms_id", batch[i].id},
                                   {"attempt", batch[i].attempts},
                                   {"outcome", outcomes[i].status == "pending" ? "retry" : outcomes[i].status},
                                   {"status_code", outcomes[i].code}});
  return static_cast<int>(batch.size());
}

}  // namespace support_service
