#include "app.hpp"

namespace payment_service {

App::App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, PaymentConfig cfg)
    : db_(db),
      clock_(std::move(clock)),
      cfg_(std::move(cfg)),
      clients_(cfg_, tokens),
      providers_(cfg_.providers, clock_),
      plans_(db_, clock_, cfg_, clients_),
      payments_(db_, clock_, cfg_, clients_),
      closing_(db_, clock_, cfg_, clients_),
      review_(db_, clock_, cfg_, providers_, payments_),
      approvals_(db_, clock_, cfg_, review_, closing_, payments_),
      collections_(db_, clock_, cfg_, providers_, payments_),
      jobs_(db_, clock_, cfg_, clients_, collections_) {}

App::~App() { collections_.stop_callback_workers(); }

}  // namespace payment_service
