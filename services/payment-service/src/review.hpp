#pragma once
// The staff review queue of mobile money: held requests (the provider confirmed what we did not
// ask for, or too late), requests stuck pending, and callbacks that need a person. Staff resolve
// an item once: credit it through Payments::record_payment, or dismiss it.
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
  std::map<std::string, std::string> references;  // plan id → account reference, for held and stuck
};

class Review : public UseCase {
 public:
  Review(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg,
         momo::Providers& providers, Payments& payments)
      : UseCase(db, std::move(clock), cfg), providers_(providers), payments_(payments) {}

  ReviewQueue review_queue(int limit);

  struct Resolved {
    storage::ResolutionRow resolution;
    std::optional<Recorded> recorded;  // the ledger payment of a credit
  };
  // Credit a held request for what the provider confirmed, or dismiss it.
  Resolved resolve_request(const std::string& request_id, const ResolveInput& in, const std::string& actor);
  // Credit a held paybill (C2B) confirmation to its plan, or dismiss it.
  Resolved resolve_callback(std::int64_t callback_id, const ResolveInput& in, const std::string& actor);

 private:
  momo::Providers& providers_;
  Payments& payments_;
};

}  // namespace payment_service
