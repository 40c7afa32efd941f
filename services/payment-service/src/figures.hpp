#pragma once
// The business figures the payment service reports on /metrics, for the operators' dashboards
// and alerts (k8s/monitoring). As the money moves, after each commit: collections by provider
// and currency (payment_collections_amount_minor_total), mobile-money requests finished by
// provider and result (payment_requests_finished_total). From the database, by a job
// (refresh()): plans by status, portfolio at risk, what waits for staff, the oldest request
// still waiting for its provider. Until use() names a registry, nothing is reported.
#include <atomic>
#include <cstdint>
#include <rto/db.hpp>
#include <rto/metrics.hpp>
#include <set>
#include <string>

#include "domain/calendar.hpp"

namespace payment_service {

class Figures {
 public:
  void use(rto::metrics::Metrics& m) noexcept { metrics_.store(&m); }
  void collected(const std::string& provider, const std::string& currency, std::int64_t amount_minor) const;
  void request_finished(const std::string& provider, const std::string& result) const;
  // Reads the database's figures (one round trip and the portfolio's totals) into the gauges.
  void refresh(rto::db::Pool& db, TimePoint now);

 private:
  std::atomic<rto::metrics::Metrics*> metrics_{nullptr};
  std::set<std::string> currencies_seen_;  // refresh() only (one job thread)
};

}  // namespace payment_service
