#pragma once
// Request bodies and query strings of the payment endpoints, parsed and validated without
// I/O. Each parser throws rto::Error (400) naming every bad field; unknown fields are refused.
#include <boost/json.hpp>
#include <optional>
#include <rto/json.hpp>
#include <rto/money.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/delinquency.hpp"

namespace payment_service {

// RFC 3339 with Z or a ±hh:mm offset, optional fraction: "2026-03-01T08:15:00Z".
std::optional<TimePoint> parse_rfc3339(std::string_view s);

// POST /api/v1/plans/quote {vehicle_id | price, template_id, deposit?}
struct QuoteInput {
  std::optional<std::string> vehicle_id;
  std::optional<rto::Money> price;
  std::string template_id;  // uuid of a version, or a template's slug
  std::optional<rto::Money> deposit;
};
QuoteInput parse_quote(const boost::json::object& body);

// POST /api/v1/plans {credit_decision_id, vehicle_id, template_id, deposit}
struct PlanInput {
  std::string credit_decision_id;
  std::string vehicle_id;
  std::string template_id;
  rto::Money deposit;
};
PlanInput parse_plan(const boost::json::object& body);

// POST /internal/payments {plan_ref | plan_id, amount, currency, provider, provider_txn_id, paid_at}
struct PaymentInput {
  std::optional<std::string> plan_id;
  std::optional<std::string> plan_ref;  // canonical RTO-XXXXXX
  rto::Money amount;
  std::string provider;
  std::string provider_txn_id;
  TimePoint paid_at{};
};
PaymentInput parse_payment(const boost::json::object& body);

// POST /api/v1/plans/{id}/cash-payments {amount: {amount, currency}, receipt_number, paid_at?}
struct CashInput {
  rto::Money amount;
  std::string receipt_number;
  std::optional<TimePoint> paid_at;
};
CashInput parse_cash(const boost::json::object& body);

// {reason}: POST /api/v1/payments/{id}/reverse and POST /api/v1/plans/{id}/repossess
std::string parse_reason(const boost::json::object& body);

// POST /api/v1/plans/{id}/refunds: credit held for the customer, paid back to them.
struct RefundInput {
  rto::Money amount;
  std::string method;     // cash, mtn_momo, airtel_money, mpesa, bank
  std::string reference;  // the method's own reference: voucher number, provider transaction id
  std::string reason;
};
RefundInput parse_refund(const boost::json::object& body);

// POST /api/v1/payments/{id}/resolve and POST /api/v1/payments/review/callbacks/{id}/resolve:
// {action: credit | dismiss, note, provider_txn_id?, amount?, plan_ref?}.
struct ResolveInput {
  bool credit = false;  // else dismiss
  std::string note;
  std::optional<std::string> provider_txn_id;  // when the provider sent none
  std::optional<rto::Money> amount;            // when the provider confirmed none
  std::optional<std::string> plan_ref;         // the plan a paybill payment is for, when it named none we know
};
ResolveInput parse_resolve(const boost::json::object& body);

// POST /internal/delinquency/run {as_of?} (an empty body is allowed)
std::optional<Date> parse_delinquency_run(std::string_view body);

// GET /api/v1/plans?bucket=&status=&limit=&cursor=
struct PlanListQuery {
  std::optional<Bucket> bucket;
  std::optional<std::string> status;
  int limit = 50;
  std::optional<std::pair<int, std::string>> after;  // (days_past_due, id) of the last row
};
PlanListQuery parse_plan_list(const std::vector<std::pair<std::string, std::string>>& query);
std::string encode_plan_cursor(int days_past_due, const std::string& id);

// GET /api/v1/payments/review?list=&provider=&status=&order=&limit=&cursor=: every list's first
// page, or one list (held | stuck | callbacks | approvals) paged by `cursor`.
struct ReviewQuery {
  std::optional<std::string> list, provider, status;
  bool newest = true;
  int limit = 100;
  std::optional<std::pair<std::int64_t, std::string>> after;  // (instant in µs, id) of the last row
};
ReviewQuery parse_review_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string encode_review_cursor(std::int64_t at_micros, const std::string& id);

// GET /api/v1/payments/approvals?status=&kind=&limit=&cursor=: pending ones oldest first, decided
// ones newest first.
struct ApprovalQuery {
  std::optional<std::string> status, kind;
  int limit = 50;
  std::optional<std::int64_t> after_seq;
};
ApprovalQuery parse_approval_query(const std::vector<std::pair<std::string, std::string>>& query);
std::string encode_approval_cursor(std::int64_t seq);

// {note?}: POST /api/v1/payments/approvals/{id}/approve; {note}: …/reject.
std::optional<std::string> parse_decision_note(const boost::json::object& body, bool required);

// Field readers shared by the parsers: a positive {amount, currency}, and a UUID (lower-cased).
std::optional<rto::Money> read_money(rto::json::Reader& r, const boost::json::object& body, std::string_view key,
                                     bool required);
std::optional<std::string> read_uuid(rto::json::Reader& r, std::string_view key, bool required);

// A path id that must be a UUID (lower-cased), or nullopt.
std::optional<std::string> uuid_of(std::string_view s);

// Why a cash receipt's paid_at cannot be taken, or nullopt when it can: it must lie between the
// plan's creation and now (five minutes of clock difference allowed), and at most `max_back`
// before now.
std::optional<std::string> cash_paid_at_problem(TimePoint paid_at, TimePoint plan_created, TimePoint now,
                                                std::chrono::days max_back);

}  // namespace payment_service
