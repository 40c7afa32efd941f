#pragma once
// A local stand-in for the MTN MoMo, Airtel Money and M-Pesa collection APIs and for Africa's
// Talking's bulk SMS API, for development and tests only. It speaks each provider's wire format (paths, headers, body shapes, status
// codes), decides the outcome of a payment from the payer's phone number, sends the
// provider's callback (or an SMS's delivery report) after a delay, and offers a control API under /_sim to record requests,
// replay callbacks and inject faults. See docs/mobile-money-sim.md.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <rto/config.hpp>
#include <rto/service.hpp>

#include "mmsim/rules.hpp"

namespace mmsim {

struct SimConfig {
  std::chrono::milliseconds callback_delay{300};
  std::chrono::milliseconds expiry{60000};
  std::string airtel_callback_url;
  // Credentials: empty means "accept any value"; a set one must match (401 otherwise).
  std::string mtn_api_user, mtn_api_key, mtn_subscription_key, mtn_target_environment = "sandbox";
  std::string airtel_client_id, airtel_client_secret, airtel_callback_key;
  std::string mpesa_consumer_key, mpesa_consumer_secret, mpesa_shortcode, mpesa_passkey;
  // The initiator's encrypted password Transaction Status queries must carry; a different one
  // is answered, as Daraja does, with a result saying the initiator information is invalid.
  std::string mpesa_security_credential;

  // Africa's Talking SMS: the account's username and API key (empty accepts any, as above),
  // where delivery reports go (none are sent when empty), how long after a send they go, and
  // which numbers get a Failed report.
  std::string at_username, at_api_key;
  std::string at_callback_url;
  std::chrono::milliseconds at_report_delay{300};
  std::vector<AtFailureRule> at_failure_rules{{"99", "AbsentSubscriber"}};

  // Reads the variables listed in docs/mobile-money-sim.md; throws rto::ConfigError naming
  // every invalid one.
  static SimConfig from_environment();
};

// The platform configuration for a service that hosts only the simulator: no database, no
// broker, fresh random token secrets (the simulator issues its own provider tokens).
rto::config::Common service_config(std::uint16_t port, std::string log_level = "info");

class Simulator {
 public:
  explicit Simulator(SimConfig cfg);
  ~Simulator();  // stops the callback thread; pending callbacks are dropped
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Adds the provider and /_sim routes (all Access::anyone) to the service's router. The
  // simulator must outlive the service's serving.
  void install(rto::Service& service);
  // Airtel's callback URL lives in the application settings, not in the request; tests learn
  // their receiver's port only after start-up.
  void set_airtel_callback_url(std::string url);
  // Africa's Talking's delivery-report URL is an account setting too.
  void set_at_callback_url(std::string url);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mmsim
