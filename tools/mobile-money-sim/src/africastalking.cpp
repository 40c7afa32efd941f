// Africa's Talking bulk SMS (PROTOCOLS.md §5): POST /version1/messaging, answered per recipient,
// and the delivery report POSTed form-encoded to the account's callback URL after a delay.
#include <algorithm>
#include <cstdio>
#include <thread>

#include <rto/log.hpp>
#include <rto/clock.hpp>

#include "sim.hpp"

namespace mmsim::africastalking {

namespace {

constexpr std::string_view kCost = "KES 0.8000";  // the sandbox bills every part in KES
constexpr std::size_t kMaxMessages = 10000;

// AT answers errors of the request itself in plain text.
http::Response refuse(int status, std::string text) { return http::Response::text(status, std::move(text)); }

std::string total_cost(int sent) {
  char out[48];
  std::snprintf(out, sizeof out, "KES %d.%04d", sent * 8 / 10, (sent * 8 % 10) * 1000);
  return out;
}

std::optional<std::string_view> field(const std::vector<std::pair<std::string, std::string>>& form, std::string_view name) {
  for (const auto& [k, v] : form)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

http::Response messaging(Simulator::Impl& sim, const http::Request& req) {
  std::optional<std::chrono::milliseconds> hang;
  int fail = 0;
  {
    std::lock_guard lk(sim.mu);
    ++sim.at_requests;
    auto& b = sim.at_behaviour;
    if (b.timeout_remaining > 0) {
      --b.timeout_remaining;
      hang = b.timeout_delay;
    } else if (b.fail_remaining > 0) {
      --b.fail_remaining;
      fail = b.fail_status;
    }
  }
  if (hang) {
    // Long enough for the client to give up; nothing is sent.
    std::this_thread::sleep_for(*hang);
    return refuse(504, "Gateway Timeout");
  }
  if (fail) return refuse(fail, std::string(reason_phrase(fail)));

  auto type = req.header("Content-Type").value_or("");
  if (!type.starts_with("application/x-www-form-urlencoded"))
    return refuse(400, "Content-Type must be application/x-www-form-urlencoded");
  auto form = parse_form(req.body);
  if (!form) return refuse(400, "Invalid request body");
  auto username = field(*form, "username");
  if (!username || username->empty()) return refuse(400, "Request is missing required form field 'username'");
  {
    std::lock_guard lk(sim.mu);
    if (!credential_matches(sim.cfg.at_username, *username) ||
        !credential_matches(sim.cfg.at_api_key, req.header("apiKey").value_or("")))
      return refuse(401, "The supplied authentication is invalid");
  }
  auto recipients = at_recipients(field(*form, "to").value_or(""));
  if (recipients.empty()) return refuse(400, "Request is missing required form field 'to'");
  if (recipients.size() > 1000) return refuse(400, "Too many recipients: at most 1000 a request");
  auto text = field(*form, "message");
  if (!text || text->empty()) return refuse(400, "Request is missing required form field 'message'");
  std::string from(field(*form, "from").value_or(""));

  json::array out;
  int sent = 0;
  std::vector<std::string> to_report;
  Clock::time_point report_due;
  {
    std::lock_guard lk(sim.mu);
    auto& b = sim.at_behaviour;
    std::optional<int> forced;
    if (b.recipient_remaining > 0) {
      --b.recipient_remaining;
      forced = b.recipient_code;
    }
    report_due = Clock::now() + b.report_delay.value_or(sim.cfg.at_report_delay);
    for (const auto& number : recipients) {
      AtMessage m;
      m.number = number;
      m.text = std::string(*text);
      m.from = from;
      m.username = std::string(*username);
      m.status_code = forced.value_or(at_recipient_status(number));
      m.status = std::string(at_status_name(m.status_code));
      if (m.status.empty()) m.status = "Failed";
      m.created_at = WallClock::now();
      bool accepted = m.status_code >= 100 && m.status_code <= 102;
      m.id = accepted ? at_message_id(sim.rng) : "None";
      if (accepted) {
        ++sent;
        m.report = at_report_for(number, sim.cfg.at_failure_rules);
        to_report.push_back(m.id);
      }
      out.push_back(json::object{{"statusCode", m.status_code},
                                 {"number", m.number},
                                 {"status", m.status},
                                 {"cost", accepted ? kCost : std::string_view("0")},
                                 {"messageId", m.id}});
      sim.at_messages.push_back(std::move(m));
      if (sim.at_messages.size() > kMaxMessages) sim.at_messages.pop_front();
    }
  }
  for (const auto& id : to_report)
    sim.sender.schedule(report_due, [&sim, id] {
      {
        std::lock_guard lk(sim.mu);
        if (sim.at_behaviour.drop_reports) {
          rto::log::info("delivery report dropped by behaviour", {{"id", id}});
          return;
        }
      }
      send_report(sim, id);
    });
  auto summary = "Sent to " + std::to_string(sent) + "/" + std::to_string(recipients.size()) +
                 " Total Cost: " + total_cost(sent);
  return http::Response::json(
      201, json::object{{"SMSMessageData", json::object{{"Message", summary}, {"Recipients", std::move(out)}}}});
}

}  // namespace

void install(Simulator::Impl& sim, http::Router& r) {
  r.post("/version1/messaging", http::Access::anyone(), [&sim](http::Request& req) { return messaging(sim, req); });
}

json::object describe(const AtMessage& m) {
  json::object o{{"id", m.id},
                 {"number", m.number},
                 {"message", m.text},
                 {"from", m.from},
                 {"username", m.username},
                 {"status_code", m.status_code},
                 {"status", m.status},
                 {"created_at", rto::to_rfc3339(m.created_at)},
                 {"reports_sent", m.reports_sent}};
  if (m.status_code >= 100 && m.status_code <= 102) {
    json::object report{{"status", m.report.status}};
    if (!m.report.failure_reason.empty()) report["failureReason"] = m.report.failure_reason;
    report["last_status"] = m.last_report_status ? json::value(*m.last_report_status) : json::value(nullptr);
    o["report"] = std::move(report);
  } else {
    o["report"] = nullptr;
  }
  return o;
}

std::optional<int> send_report(Simulator::Impl& sim, const std::string& id) {
  Callback cb;
  {
    std::lock_guard lk(sim.mu);
    auto it = std::find_if(sim.at_messages.begin(), sim.at_messages.end(), [&](const AtMessage& m) { return m.id == id; });
    if (it == sim.at_messages.end() || sim.cfg.at_callback_url.empty()) return std::nullopt;
    std::vector<std::pair<std::string, std::string>> form{{"id", it->id},
                                                          {"status", it->report.status},
                                                          {"phoneNumber", it->number},
                                                          {"networkCode", std::string(at_network_code(it->number))}};
    if (!it->report.failure_reason.empty()) form.emplace_back("failureReason", it->report.failure_reason);
    form.emplace_back("retryCount", std::to_string(it->reports_sent));
    cb.url = sim.cfg.at_callback_url;
    cb.body = form_encode(form);
    cb.content_type = "application/x-www-form-urlencoded";
  }
  auto status = sim.sender.deliver(cb);
  std::lock_guard lk(sim.mu);
  auto it = std::find_if(sim.at_messages.begin(), sim.at_messages.end(), [&](const AtMessage& m) { return m.id == id; });
  if (it != sim.at_messages.end()) {
    if (status) ++it->reports_sent;
    it->last_report_status = status;
  }
  return status;
}

}  // namespace mmsim::africastalking
