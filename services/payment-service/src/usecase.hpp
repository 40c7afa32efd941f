#pragma once
// What the payment service's use cases share: the database, the clock and the configuration,
// with the operator's calendar. The App owns them; each use case (plans, payments, closing,
// collections, review, jobs) holds references, and takes only the clients it needs.
#include <memory>
#include <rto/clock.hpp>
#include <rto/db.hpp>
#include <string>

#include "config.hpp"
#include "domain/calendar.hpp"

namespace payment_service {

class UseCase {
 public:
  UseCase(rto::db::Pool& db, std::shared_ptr<const rto::Clock> clock, const PaymentConfig& cfg)
      : db_(db), clock_(std::move(clock)), cfg_(cfg) {}

  TimePoint now() const { return clock_->now(); }
  Date today() const { return cfg_.zone.local_date(now()); }
  Date local_date(TimePoint t) const { return cfg_.zone.local_date(t); }
  // The events' source: the service's name.
  const std::string& source() const noexcept { return cfg_.common.service; }

 protected:
  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  const PaymentConfig& cfg_;
};

}  // namespace payment_service
