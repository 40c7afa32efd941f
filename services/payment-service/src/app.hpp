#pragma once
// The payment service: its configuration, clock, neighbours and providers, and one object per
// use case — plans (quotes, the plan-creation saga, payoff), payments (recording, reversing),
// closing (repossession, refunds), collections (mobile money and its callbacks), review (the
// staff queue of held items), approvals (four eyes on money no provider confirmed) and jobs (the scheduled runs). Handlers parse and authorise, then
// call one use case; each state change is one transaction with its events in the outbox.
#include <memory>
#include <rto/auth.hpp>
#include <rto/clock.hpp>
#include <rto/db.hpp>
#include <rto/service.hpp>
#include <vector>

#include "approvals.hpp"
#include "clients.hpp"
#include "closing.hpp"
#include "collections.hpp"
#include "config.hpp"
#include "jobs.hpp"
#include "payments.hpp"
#include "plans.hpp"
#include "providers/providers.hpp"
#include "review.hpp"

namespace payment_service {

class App {
 public:
  App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, PaymentConfig cfg);
  ~App();

  rto::db::Pool& db() const noexcept { return db_; }
  const PaymentConfig& config() const noexcept { return cfg_; }
  TimePoint now() const { return clock_->now(); }
  Date today() const { return cfg_.zone.local_date(now()); }
  Date local_date(TimePoint t) const { return cfg_.zone.local_date(t); }

  Plans& plans() noexcept { return plans_; }
  Payments& payments() noexcept { return payments_; }
  Closing& closing() noexcept { return closing_; }
  Collections& collections() noexcept { return collections_; }
  Review& review() noexcept { return review_; }
  Approvals& approvals() noexcept { return approvals_; }
  Jobs& jobs() noexcept { return jobs_; }

 private:
  rto::db::Pool& db_;
  std::shared_ptr<const rto::Clock> clock_;
  const PaymentConfig cfg_;
  Clients clients_;
  momo::Providers providers_;
  // The use cases, in the order they depend on each other; collections last but one, so its
  // callback workers stop before what they use goes.
  Plans plans_;
  Payments payments_;
  Closing closing_;
  Review review_;
  Approvals approvals_;
  Collections collections_;
  Jobs jobs_;
};

struct InstallOptions {
  bool background_jobs = true;  // deposit expiry and the daily delinquency run
};

// Opens the database (platform and service migrations, prepared statements) and adds the
// routes and jobs.
std::shared_ptr<App> install(rto::Service& service, PaymentConfig cfg, std::shared_ptr<const rto::Clock> clock,
                             std::vector<rto::db::Migration> migrations, InstallOptions opts = {});

}  // namespace payment_service
