#pragma once
// Closing a plan: repossession of a defaulted plan, and refunds of credit held for a customer.
#include <string>

#include "clients.hpp"
#include "domain/inputs.hpp"
#include "storage/storage.hpp"
#include "usecase.hpp"

namespace payment_service {

class Closing : public UseCase {
 public:
  Closing(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg, Clients& clients)
      : UseCase(db, std::move(clock), cfg), clients_(clients) {}

  struct Repossessed {
    Plan plan;
    storage::RepossessionRow record;
    bool already = false;  // the plan was repossessed before; nothing changed
  };
  // defaulted → repossessed: what is still owed is written off the receivable (see
  // repossession_entry), payment.plan.repossessed is published and the vehicle service told.
  Repossessed repossess(const std::string& plan_id, const std::string& reason, const std::string& actor);

  struct Refunded {
    storage::RefundRow refund;
    Plan plan;
    bool duplicate = false;  // this (method, reference) was recorded before with the same amount
  };
  // Checks that the refund can be proposed now (the plan exists, the amount is in its currency
  // and within the credit it holds, the reference is unused); returns the plan. Nothing is written.
  Plan refundable(const std::string& plan_id, const RefundInput& in);
  // Pays credit held for the customer back to them, as `approved` decides, in the transaction
  // that marks the approval; `paid_by` proposed it. Idempotent by (method, reference).
  Refunded refund(const std::string& plan_id, const RefundInput& in, const std::string& paid_by,
                  const storage::Decision& approved);

 private:
  Clients& clients_;
};

}  // namespace payment_service
