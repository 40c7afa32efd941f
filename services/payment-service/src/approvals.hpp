#pragma once
// Four eyes on money no provider confirmed: crediting a held request or a held paybill
// confirmation, recording a refund and reversing a payment are proposed by one staff member,
// with their evidence, and carried out only when a different staff member approves. The
// proposal is checked when made and again when approved; the approval is marked in the same
// transaction that carries out the action, so an action happens once and always under an
// approval. Nothing reaches the ledger or the customer's statement before that.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "closing.hpp"
#include "domain/inputs.hpp"
#include "payments.hpp"
#include "review.hpp"
#include "usecase.hpp"

namespace payment_service {

class Approvals : public UseCase {
 public:
  Approvals(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg, Review& review,
            Closing& closing, Payments& payments)
      : UseCase(db, std::move(clock), cfg), review_(review), closing_(closing), payments_(payments) {}

  // Each proposal keeps `body`, the request as received, and is carried out from it on approval.
  storage::ApprovalRow propose_request_credit(const std::string& request_id, const ResolveInput& in,
                                              const boost::json::object& body, const std::string& actor);
  storage::ApprovalRow propose_callback_credit(std::int64_t callback_id, const ResolveInput& in,
                                               const boost::json::object& body, const std::string& actor);
  storage::ApprovalRow propose_refund(const std::string& plan_id, const RefundInput& in,
                                      const boost::json::object& body, const std::string& actor);
  storage::ApprovalRow propose_reversal(const std::string& payment_id, const std::string& reason,
                                        const boost::json::object& body, const std::string& actor);

  // What an approval carried out: a credit, a refund, or a reversed payment.
  using Outcome = std::variant<Review::Resolved, Closing::Refunded, storage::PaymentRow>;
  struct Approved {
    storage::ApprovalRow approval;
    Outcome outcome;
  };
  // By a staff member other than the proposer (403 four-eyes); once (409 already-decided).
  Approved approve(const std::string& id, const std::string& actor, const std::optional<std::string>& note);
  // Declines a proposal, or withdraws one's own.
  storage::ApprovalRow reject(const std::string& id, const std::string& actor, const std::string& note);

  storage::ApprovalRow get(const std::string& id);
  std::vector<storage::ApprovalRow> list(const storage::ApprovalFilter& f);

 private:
  storage::ApprovalRow propose(storage::ApprovalRow a, const boost::json::object& body);
  storage::ApprovalRow pending(const std::string& id, const std::string& actor, bool approving);

  Review& review_;
  Closing& closing_;
  Payments& payments_;
};

}  // namespace payment_service
