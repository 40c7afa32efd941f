#pragma once
// Payments: recording a payment against a plan (batched, idempotent by the provider's
// transaction id) and reversing one (four eyes).
#include <optional>
#include <rto/batcher.hpp>
#include <string>

#include "figures.hpp"
#include "clients.hpp"
#include "domain/mobile_money.hpp"
#include "storage/storage.hpp"
#include "usecase.hpp"

namespace payment_service {

// A payment to record, from POST /internal/payments, a staff cash receipt, a settled
// mobile-money request or a paybill confirmation.
struct PaymentRequest {
  std::optional<std::string> plan_id;
  std::optional<std::string> plan_ref;
  rto::Money amount;
  std::string provider;
  std::string provider_txn_id;
  TimePoint paid_at{};
  std::optional<std::string> receipt_number;
  std::string recorded_by;  // service name or staff user id
  // Written in the recording transaction (also when the transaction was recorded before), with
  // the plan locked: a staff resolution of a review item, or the end of a paybill confirmation's
  // wait, in the same commit as the money. When the item was settled meanwhile, everything is
  // rolled back and the payment refused with NotAdmitted.
  std::optional<storage::WithPayment> also;
  // A mobile-money request this payment settles: marked succeeded in the same commit (also when
  // the transaction was recorded before), and the callback that led to it, if any, finished as
  // processed. When the request is no longer open, the payment is refused with NotAdmitted.
  // Done for a whole batch in one statement, where `also` is a statement per payment.
  std::optional<storage::RequestPaid> pays_request;
};

// The ledger payment of a paybill (C2B) confirmation for a plan, keyed by its M-Pesa receipt.
PaymentRequest paybill_payment(const std::string& plan_id, const momo::MpesaC2B& c2b, const rto::Currency& currency,
                               const storage::CallbackRow& cb, std::string recorded_by);

// Thrown by record_payment when what `also` or `pays_request` names was settled meanwhile.
struct NotAdmitted {
  std::string status;  // what the request already was
};

struct Recorded {
  storage::PaymentRow payment;
  Plan plan;  // as this payment left it
  bool duplicate = false;
};

// A payment waiting to be recorded in a batch (payments.cpp).
struct PendingPayment;

class Payments : public UseCase {
 public:
  Payments(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg, Clients& clients);

  // Idempotent by (provider, provider_txn_id); serialised per plan by its row lock. Payments
  // waiting at the same time are recorded together.
  Recorded record_payment(const PaymentRequest& in);
  // What /metrics reports of the money (collections and finished requests are counted here and
  // by Collections; the database's figures by a job).
  Figures& figures() noexcept { return figures_; }
  // Checks that `proposer` may propose reversing the payment (it exists, is not reversed, was
  // recorded by someone else, and its plan still takes payments); returns it. Nothing is written.
  storage::PaymentRow reversible(const std::string& payment_id, const std::string& proposer);
  // Reverses a payment as `approved` decides (four eyes: the approver is neither the proposer
  // nor the person who recorded the payment), in the transaction that marks the approval.
  storage::PaymentRow reverse_payment(const std::string& payment_id, const std::string& reason,
                                      const storage::Decision& approved);

 private:
  // Records the batch in one transaction; when that fails, each payment on its own. Outcomes
  // (or errors) are left in the batch's entries.
  void record_together(const std::vector<PendingPayment*>& batch) noexcept;
  void record_in(pqxx::work& tx, const std::vector<PendingPayment*>& batch);

  Clients& clients_;
  Figures figures_;
  rto::Batcher<PendingPayment> recorder_;
};

}  // namespace payment_service
