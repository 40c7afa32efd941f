#include "sms/provider.hpp"

#include <rto/http_client.hpp>

namespace support_service {

sms::SendResult DevOutboxProvider::send(const std::string&, const std::string&, const std::string& reference) {
  sms::SendResult r;
  r.outcome = sms::Outcome::Sent;
  r.message_id = "outbox-" + reference;
  r.status_code = 101;
  r.detail = "Stored";
  return r;
}

AfricasTalkingProvider::AfricasTalkingProvider(AfricasTalkingSettings s) : s_(std::move(s)) {
  rto::http::ClientOptions opts;
  opts.request_timeout = s_.timeout;
  client_ = std::make_unique<rto::http::Client>(s_.base_url, opts);
}

AfricasTalkingProvider::~AfricasTalkingProvider() = default;

sms::SendResult AfricasTalkingProvider::send(const std::string& phone, const std::string& text, const std::string&) {
  std::vector<std::pair<std::string, std::string>> form = {{"username", s_.username}, {"to", phone}, {"message", text}};
  if (!s_.sender_id.empty()) form.emplace_back("from", s_.sender_id);
  rto::http::Headers h;
  h.set("apiKey", s_.api_key);
  h.set("Accept", "application/json");
  h.set("Content-Type", "application/x-www-form-urlencoded");
  try {
    auto res = client_->send(rto::http::Method::Post, "/version1/messaging", h, sms::form_encode(form));
    return sms::read_africastalking_answer(res.status, res.body);
  } catch (const rto::http::UpstreamError& e) {
    sms::SendResult r;
    r.outcome = sms::Outcome::Retry;
    r.detail = std::string("provider unreachable: ") + e.what();
    return r;
  }
}

}  // namespace support_service
