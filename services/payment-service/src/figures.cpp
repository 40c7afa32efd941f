#include "figures.hpp"

#include "storage/storage.hpp"

namespace payment_service {

namespace {
double ratio(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}
}  // namespace

void Figures::collected(const std::string& provider, const std::string& currency, std::int64_t amount_minor) const {
  if (auto* m = metrics_.load())
    m->counter("payment_collections_amount_minor_total",
               "Money credited to plans, in minor units, by provider (cash for staff-recorded receipts) and currency",
               {{"provider", provider}, {"currency", currency}})
        .Increment(static_cast<double>(amount_minor));
}

void Figures::request_finished(const std::string& provider, const std::string& result) const {
  if (auto* m = metrics_.load())
    m->counter("payment_requests_finished_total",
               "Mobile-money collection requests finished, by provider and result (succeeded, failed, expired, held)",
               {{"provider", provider}, {"result", result}})
        .Increment();
}

void Figures::refresh(rto::db::Pool& db, TimePoint now) {
  auto* m = metrics_.load();
  if (!m) return;
  const auto f = db.read([&](pqxx::read_transaction& tx) { return storage::business_figures(tx, now); });
  for (auto s : kPlanStatuses) {  // every status, 0 when none
    const std::string status(to_string(s));
    auto it = f.plans_by_status.find(status);
    m->gauge("payment_plans", "Plans by status", {{"status", status}})
        .Set(it == f.plans_by_status.end() ? 0.0 : static_cast<double>(it->second));
  }
  m->gauge("payment_callbacks_for_review", "Provider callbacks held for staff review, not yet resolved")
      .Set(static_cast<double>(f.callbacks_held));
  m->gauge("payment_requests_held", "Collection requests held for staff (a late or contradicted confirmation)")
      .Set(static_cast<double>(f.requests_held));
  m->gauge("payment_requests_pending_oldest_seconds",
           "Age of the oldest collection request still waiting for its provider (0: none)")
      .Set(static_cast<double>(f.oldest_open_request_us) / 1e6);
  // Portfolio at risk: the outstanding balance of live plans at least 1, 7, 30 days past due, as
  // a share of all that is outstanding, per currency. A currency whose plans all closed reads 0.
  std::set<std::string> now_seen;
  auto set_par = [&](const std::string& currency, const char* bucket, double v) {
    m->gauge("payment_portfolio_at_risk_ratio", "Outstanding balance at least N days past due over all outstanding (PAR)",
             {{"bucket", bucket}, {"currency", currency}})
        .Set(v);
  };
  for (const auto& r : f.at_risk) {
    now_seen.insert(r.currency);
    set_par(r.currency, "par1", ratio(r.par1, r.outstanding));
    set_par(r.currency, "par7", ratio(r.par7, r.outstanding));
    set_par(r.currency, "par30", ratio(r.par30, r.outstanding));
  }
  for (const auto& c : currencies_seen_)
    if (!now_seen.count(c))
      for (const char* b : {"par1", "par7", "par30"}) set_par(c, b, 0.0);
  currencies_seen_.insert(now_seen.begin(), now_seen.end());
}

}  // namespace payment_service
