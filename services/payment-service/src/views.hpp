#pragma once
// JSON (and the one HTML page) the payment service returns and publishes.
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/allocation.hpp"
#include "storage/storage.hpp"

namespace payment_service::views {

boost::json::object allocation(const Allocation& a, const rto::Currency& c);
boost::json::array settled(const std::vector<Settled>& s);
boost::json::object payment(const storage::PaymentRow& p);
// The list view: who, what, how much is left, how late.
boost::json::object plan_summary(const Plan& p);
// The statement: summary, terms, schedule (due, paid, remaining, status), fees, payments,
// balances, next due, days past due and equity (principal paid as a share of the price); refunds
// paid, and the repossession of a repossessed plan.
boost::json::object statement(const Plan& p, const std::vector<storage::ScheduleRow>& schedule,
                              const std::vector<OpenFee>& fees, const std::vector<storage::PaymentRow>& payments,
                              Date today, const std::vector<storage::RefundRow>& refunds = {},
                              const std::optional<storage::RepossessionRow>& repossession = std::nullopt);
boost::json::object refund(const storage::RefundRow& r);
boost::json::object payoff(const Plan& p, const PayoffQuote& q, Date on);
boost::json::object portfolio(const std::vector<storage::PortfolioRow>& rows, Date today, Date week_first);
// "37.52" for 3752 basis points of `whole` (0 when whole is 0).
std::string percent(std::int64_t part, std::int64_t whole);
// A printable proof of ownership (HTML, inline CSS only).
std::string ownership_certificate(const Plan& p, const std::optional<std::string>& customer_name,
                                  std::optional<Date> completed_on, Date issued_on);

// A mobile-money payment request: status, the provider's answer, and once it succeeded the
// ledger payment with its allocation and a receipt. The phone number is masked.
boost::json::object payment_request(const storage::RequestRow& r, const std::optional<storage::PaymentRow>& payment,
                                    const std::string& plan_reference);
// The staff queue: requests held (amount mismatch, ambiguous) or stuck, callbacks not credited,
// proposals waiting for a second staff member.
boost::json::array review_requests(const std::vector<storage::RequestRow>& rows,
                                   const std::map<std::string, std::string>& references);
boost::json::array review_callbacks(const std::vector<storage::CallbackRow>& rows);
boost::json::object approval(const storage::ApprovalRow& a);
boost::json::array approvals(const std::vector<storage::ApprovalRow>& rows);

// Common fields of every payment.* event about a plan.
boost::json::object event_data(const Plan& p);

}  // namespace payment_service::views
