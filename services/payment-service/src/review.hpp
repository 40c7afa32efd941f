#pragma once
// The staff review queue of mobile money: held requests (the provider confirmed what we did not
// ask for, or too late), requests stuck pending, and callbacks that need a person. Staff resolve
// an item once: dismiss it, or credit it through Payments::record_payment — a credit is money no
// provider confirmed to us, so it is proposed by one staff member and carried out only when
// another approves (Approvals).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/inputs.hpp"
#include "payments.hpp"
#include "providers/providers.hpp"
#include "usecase.hpp"

namespace payment_service {

struct ReviewQueue {
  std::vector<storage::RequestRow> held, stuck;
  std::vector<storage::CallbackRow> callbacks;
  std::vector<storage::ApprovalRow> approvals;     // pending
  std::map<std::string, std::string> references;  // plan id → account reference, for held and stuck
};

// GET /api/v1/payments/review: every list (the first page of each), or one list paged.
enum class ReviewList { all, held, stuck, callbacks, approvals };

class Review : public UseCase {
 public:
  Review(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg,
         momo::Providers& providers, Payments& payments)
      : UseCase(db, std::move(clock), cfg), providers_(providers), payments_(payments) {}

  ReviewQueue review_queue(ReviewList list, const storage::ReviewPage& page);

  struct Resolved {
    storage::ResolutionRow resolution;
    std::optional<Recorded> recorded;  // the ledger payment of a credit
  };
  // Dismiss a held request, or a callback on the queue: no money moves.
  Resolved dismiss_request(const std::string& request_id, const std::string& note, const std::string& actor);
  Resolved dismiss_callback(std::int64_t callback_id, const std::string& note, const std::string& actor);

  // The payment crediting a held request would record (for what the provider confirmed), or a
  // held paybill (C2B) confirmation (to the plan it names, or `in.plan_ref`), checked against
  // the item as it is now; nothing is written. `recorded_by` is the staff member who proposes it.
  PaymentRequest request_credit(const std::string& request_id, const ResolveInput& in, const std::string& recorded_by);
  PaymentRequest callback_credit(std::int64_t callback_id, const ResolveInput& in, const std::string& recorded_by);
  // Records a credit prepared above, as decided by `approved`, in one transaction.
  Resolved credit(PaymentRequest pay, const storage::Decision& approved);

 private:
  momo::Providers& providers_;
  Payments& payments_;
};

}  // namespace payment_service
