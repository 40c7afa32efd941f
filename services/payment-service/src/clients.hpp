#pragma once
// Calls to the neighbouring services, each with a service token: the credit service's decision,
// the vehicle service's vehicle, reservation and life-cycle calls, and the user service's name
// for a certificate. Answers are read by domain/neighbours.
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <rto/service.hpp>
#include <string>

#include "config.hpp"
#include "domain/neighbours.hpp"

namespace payment_service {

class Clients {
 public:
  Clients(const PaymentConfig& cfg, const rto::auth::Tokens& tokens);

  // 422 on credit_decision_id when there is no such decision, 502 for another answer, 503 when
  // the credit service cannot be reached.
  CreditDecision credit_decision(const std::string& id);
  // 422 on vehicle_id when there is no such vehicle, 502 for another answer, 503 when unreachable.
  VehicleAnswer vehicle(const std::string& id);
  // Reserves the vehicle for the plan (idempotent for the same plan id). 409 when it is taken;
  // otherwise a failure releases it again (it may or may not have been made) and throws 502/503.
  void reserve(const std::string& vehicle_id, const std::string& plan_id, const std::string& customer_id,
               std::chrono::seconds ttl);
  // Best effort (the vehicle service also reacts to the plan events; the calls are idempotent):
  // lease, transfer, repossess, release.
  void notify_vehicle(const std::string& vehicle_id, const std::string& action, boost::json::object body);
  void release_vehicle(const std::string& vehicle_id, const std::string& plan_id, const std::string& reason);
  // The customer's full name (nullopt when the user service is not configured or does not answer).
  std::optional<std::string> customer_name(const std::string& customer_id);

 private:
  std::unique_ptr<rto::ServiceClient> vehicles_;
  std::unique_ptr<rto::ServiceClient> credit_;
  std::unique_ptr<rto::ServiceClient> users_;
};

}  // namespace payment_service
