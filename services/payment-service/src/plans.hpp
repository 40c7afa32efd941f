#pragma once
// Plans: quotes, the plan-creation saga and payoff quotes.
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "clients.hpp"
#include "domain/inputs.hpp"
#include "domain/schedule.hpp"
#include "storage/storage.hpp"
#include "usecase.hpp"

namespace payment_service {

class Plans : public UseCase {
 public:
  Plans(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg, Clients& clients)
      : UseCase(db, std::move(clock), cfg), clients_(clients) {}

  // The current version of a template named by id (any version) or slug; 422 on template_id
  // when there is none or it is withdrawn.
  PlanTemplate resolve_template(pqxx::transaction_base& tx, const std::string& id_or_slug) const;

  Quote quote(const QuoteInput& in);

  struct Created {
    Plan plan;
    bool created = false;  // false: the plan of this credit decision already existed
  };
  // The saga: credit decision → template and vehicle → quote within the approved terms →
  // reserve the vehicle → plan, schedule, contract entry and payment.plan.created. A failure
  // after the reservation releases it again. Idempotent per credit decision.
  Created create_plan(const PlanInput& in, const std::string& customer_id);

  PayoffQuote payoff(const Plan& plan, Date on);

  // The customer's name for the ownership certificate (nullopt when user-service is not
  // configured or does not answer).
  std::optional<std::string> customer_name(const std::string& customer_id);

 private:
  Clients& clients_;
};

// A UUID derived from a name (its SHA-256), so retries of one request reuse one id.
std::string derived_uuid(std::string_view name);

}  // namespace payment_service
