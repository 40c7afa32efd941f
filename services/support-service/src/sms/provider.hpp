#pragma once
// Where SMS go: Africa's Talking's bulk SMS API (PROTOCOLS.md §5), or the development outbox
// (messages are only stored; `make run` uses it). One interface; the delivery job calls send().
#include <memory>
#include <string>

#include "domain/sms.hpp"

namespace rto::http {
class Client;
}

namespace support_service {

class SmsProvider {
 public:
  virtual ~SmsProvider() = default;
  virtual std::string name() const = 0;
  // One message to one E.164 number. Never throws for provider or network trouble: that is a
  // Retry (network, 5xx) or Failed (4xx) result.
  virtual sms::SendResult send(const std::string& phone, const std::string& text, const std::string& reference) = 0;
};

// Stores nothing itself: the message row is the outbox. Every send "succeeds" at once.
class DevOutboxProvider final : public SmsProvider {
 public:
  std::string name() const override { return "outbox"; }
  sms::SendResult send(const std::string& phone, const std::string& text, const std::string& reference) override;
};

struct AfricasTalkingSettings {
  std::string base_url = "https://api.africastalking.com";  // AT_BASE_URL
  std::string username;                                     // AT_USERNAME ("sandbox" in the sandbox)
  std::string api_key;                                      // AT_API_KEY
  std::string sender_id;                                    // AT_SENDER_ID (optional "from")
  std::chrono::milliseconds timeout{10000};
};

class AfricasTalkingProvider final : public SmsProvider {
 public:
  explicit AfricasTalkingProvider(AfricasTalkingSettings s);
  ~AfricasTalkingProvider() override;
  std::string name() const override { return "africastalking"; }
  sms::SendResult send(const std::string& phone, const std::string& text, const std::string& reference) override;

 private:
  AfricasTalkingSettings s_;
  std::unique_ptr<rto::http::Client> client_;
};

}  // namespace support_service
