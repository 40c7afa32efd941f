#include "views.hpp"

#include <cstdio>
#include <rto/clock.hpp>
#include <rto/phone.hpp>

#include "domain/arith.hpp"

namespace payment_service::views {
namespace js = boost::json;

namespace {
js::value money(std::int64_t a, const rto::Currency& c) { return rto::Money{a, c}.to_json(); }
js::value opt_time(const std::optional<TimePoint>& t) { return t ? js::value(rto::to_rfc3339(*t)) : js::value(nullptr); }

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string text_of(const js::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  return {};
}
}  // namespace

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return "0.00";
  std::int64_t bp = mul_div_floor(part, 10000, whole);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(bp / 100), static_cast<long long>(bp % 100));
  return buf;
}

js::object allocation(const Allocation& a, const rto::Currency& c) { return allocation_json(a, c); }

js::array settled(const std::vector<Settled>& s) { return settled_json(s); }

js::object payment(const storage::PaymentRow& p) {
  js::object o{{"id", p.id},
               {"plan_id", p.plan_id},
               {"amount", p.amount.to_json()},
               {"provider", p.provider},
               {"provider_txn_id", p.provider_txn_id},
               {"receipt_number", p.receipt_number ? js::value(*p.receipt_number) : js::value(nullptr)},
               {"paid_at", rto::to_rfc3339(p.paid_at)},
               {"received_at", rto::to_rfc3339(p.received_at)},
               {"recorded_by", p.recorded_by},
               {"status", p.reversal ? "reversed" : "posted"},
               {"allocation", p.allocation}};
  o["reversal"] = p.reversal ? js::value(js::object{{"reason", p.reversal->reason},
                                                     {"reversed_by", p.reversal->by},
                                                     {"reversed_at", rto::to_rfc3339(p.reversal->at)}})
                             : js::value(nullptr);
  return o;
}

namespace {

js::value opt(const std::optional<std::string>& s) { return s ? js::value(*s) : js::value(nullptr); }

}  // namespace

js::object payment_request(const storage::RequestRow& r, const std::optional<storage::PaymentRow>& payment,
                           const std::string& plan_reference) {
  js::object o{{"id", r.id},
               {"plan_id", r.plan_id},
               {"plan_reference", plan_reference},
               {"provider", r.provider},
               {"phone", rto::phone::mask(r.msisdn)},
               {"amount", r.amount.to_json()},
               {"status", r.status},
               {"provider_txn_id", opt(r.provider_txn_id)},
               {"reason_code", opt(r.reason_code)},
               {"reason", opt(r.reason)},
               {"created_at", rto::to_rfc3339(r.created_at)},
               {"updated_at", rto::to_rfc3339(r.updated_at)},
               {"expires_at", rto::to_rfc3339(r.expires_at)},
               {"settled_at", opt_time(r.settled_at)}};
  if (r.confirmed_amount && r.confirmed_currency)
    o["confirmed_amount"] = rto::Money::of(*r.confirmed_amount, *r.confirmed_currency).to_json();
  if (payment) {
    o["payment"] = views::payment(*payment);
    o["receipt"] = js::object{{"receipt_number", payment->receipt_number ? *payment->receipt_number : payment->id},
                              {"plan_reference", plan_reference},
                              {"amount", payment->amount.to_json()},
                              {"provider", payment->provider},
                              {"paid_at", rto::to_rfc3339(payment->paid_at)},
                              {"allocation", payment->allocation}};
  } else {
    o["payment"] = nullptr;
    o["receipt"] = nullptr;
  }
  return o;
}

js::array review_requests(const std::vector<storage::RequestRow>& rows,
                          const std::map<std::string, std::string>& references) {
  js::array a;
  for (const auto& r : rows) {
    auto ref = references.find(r.plan_id);
    a.push_back(payment_request(r, std::nullopt, ref == references.end() ? std::string() : ref->second));
  }
  return a;
}

js::array review_callbacks(const std::vector<storage::CallbackRow>& rows) {
  js::array cbs;
  for (const auto& c : rows)
    cbs.push_back(js::object{{"id", c.id},
                             {"provider", c.provider},
                             {"key_kind", c.key_kind},
                             {"key", c.key_value},
                             {"status", c.status},
                             {"outcome", opt(c.outcome)},
                             {"request_id", opt(c.request_id)},
                             {"received_at", rto::to_rfc3339(c.received_at)}});
  return cbs;
}

js::object approval(const storage::ApprovalRow& a) {
  boost::system::error_code ec;
  auto input = js::parse(a.input, ec);
  return js::object{{"id", a.id},
                    {"kind", a.kind},
                    {"subject_id", a.subject_id},
                    {"plan_id", opt(a.plan_id)},
                    {"plan_reference", opt(a.plan_reference)},
                    {"amount", a.amount ? js::value(a.amount->to_json()) : js::value(nullptr)},
                    {"evidence", opt(a.evidence)},
                    {"note", a.note},
                    {"input", ec ? js::value(nullptr) : std::move(input)},
                    {"status", a.status},
                    {"proposed_by", a.proposed_by},
                    {"proposed_at", rto::to_rfc3339(a.proposed_at)},
                    {"decided_by", opt(a.decided_by)},
                    {"decided_at", opt_time(a.decided_at)},
                    {"decision_note", opt(a.decision_note)},
                    {"result_id", opt(a.result_id)}};
}

js::array approvals(const std::vector<storage::ApprovalRow>& rows) {
  js::array out;
  for (const auto& a : rows) out.push_back(approval(a));
  return out;
}

js::object plan_summary(const Plan& p) {
  const auto& c = p.currency;
  const auto* vehicle = p.terms().if_contains("vehicle");
  return js::object{{"id", p.id},
                    {"reference", p.reference},
                    {"status", to_string(p.status)},
                    {"customer_id", p.customer_id},
                    {"vehicle_id", p.vehicle_id},
                    {"vehicle", vehicle ? *vehicle : js::value(nullptr)},
                    {"template_id", p.template_id},
                    {"frequency", to_string(p.rules().frequency)},
                    {"price", money(p.price, c)},
                    {"deposit", money(p.deposit, c)},
                    {"instalment", money(p.instalment, c)},
                    {"instalment_count", p.instalment_count},
                    {"total_payable", money(p.total_payable, c)},
                    {"outstanding", money(p.outstanding, c)},
                    {"credit_balance", money(p.credit_balance, c)},
                    {"days_past_due", p.delinquency.days_past_due},
                    {"bucket", to_string(p.delinquency.bucket)},
                    {"locked", p.delinquency.locked},
                    {"deposit_due_by", rto::to_rfc3339(p.deposit_due_by)},
                    {"created_at", rto::to_rfc3339(p.created_at)},
                    {"activated_at", opt_time(p.activated_at)},
                    {"completed_at", opt_time(p.completed_at)},
                    {"defaulted_at", opt_time(p.defaulted_at)},
                    {"cancelled_at", opt_time(p.cancelled_at)},
                    {"cancel_reason", p.cancel_reason ? js::value(*p.cancel_reason) : js::value(nullptr)}};
}

js::object refund(const storage::RefundRow& r) {
  return js::object{{"id", r.id},
                    {"plan_id", r.plan_id},
                    {"amount", r.amount.to_json()},
                    {"method", r.method},
                    {"reference", r.reference},
                    {"reason", r.reason},
                    {"paid_by", r.paid_by},
                    {"paid_at", rto::to_rfc3339(r.paid_at)}};
}

js::object statement(const Plan& p, const std::vector<storage::ScheduleRow>& schedule,
                     const std::vector<OpenFee>& fees, const std::vector<storage::PaymentRow>& payments, Date today,
                     const std::vector<storage::RefundRow>& refunds,
                     const std::optional<storage::RepossessionRow>& repossession) {
  const auto& c = p.currency;
  // A closed plan (cancelled, repossessed) owes nothing more: what was left open is shown as
  // closed, not overdue, and there is no next due date.
  const bool open_plan = p.takes_payments() || p.status == PlanStatus::Completed;
  js::object o = plan_summary(p);
  o["terms"] = p.terms();
  js::array rows;
  std::int64_t overdue = 0, equity = 0;
  std::optional<storage::ScheduleRow> next;
  for (const auto& s : schedule) {
    std::int64_t remaining = s.amount - s.paid - s.waived;
    std::string status;
    if (remaining == 0)
      status = s.waived > 0 ? "settled" : "paid";
    else if (!open_plan)
      status = p.status == PlanStatus::Repossessed ? "written_off" : "cancelled";
    else if (s.due < today)
      status = "overdue";
    else if (s.due == today)
      status = "due";
    else if (s.paid > 0)
      status = "partial";
    else
      status = "upcoming";
    if (open_plan && remaining > 0 && s.due < today && s.seq >= 1) overdue += remaining;
    if (open_plan && remaining > 0 && !next && (s.seq >= 1 || p.status == PlanStatus::PendingDeposit)) next = s;
    // Charge is paid before principal within an instalment; what is beyond it is equity.
    std::int64_t charge_paid = std::min(s.paid, std::max<std::int64_t>(0, s.charge - s.waived));
    equity += s.paid - charge_paid;
    rows.push_back(js::object{{"seq", s.seq},
                              {"kind", s.seq == 0 ? "deposit" : "instalment"},
                              {"due_date", format_date(s.due)},
                              {"amount", money(s.amount, c)},
                              {"principal", money(s.principal, c)},
                              {"charge", money(s.charge, c)},
                              {"paid", money(s.paid, c)},
                              {"waived", money(s.waived, c)},
                              {"remaining", money(remaining, c)},
                              {"status", status},
                              {"settled_on", s.settled_on ? js::value(format_date(*s.settled_on)) : js::value(nullptr)}});
  }
  js::array fee_rows;
  std::int64_t fees_open = 0;
  for (const auto& f : fees) {
    if (open_plan) fees_open += f.remaining();
    fee_rows.push_back(js::object{{"id", f.id},
                                  {"seq", f.seq},
                                  {"assessed_on", format_date(f.assessed)},
                                  {"amount", money(f.amount, c)},
                                  {"paid", money(f.paid, c)},
                                  {"remaining", money(f.remaining(), c)}});
  }
  js::array pays;
  for (const auto& x : payments) pays.push_back(payment(x));
  o["schedule"] = std::move(rows);
  o["late_fees"] = std::move(fee_rows);
  o["payments"] = std::move(pays);
  js::array refund_rows;
  std::int64_t refunded = 0;
  for (const auto& r : refunds) {
    refunded += r.amount.amount;
    refund_rows.push_back(refund(r));
  }
  o["refunds"] = std::move(refund_rows);
  o["repossession"] = repossession ? js::value(js::object{{"reason", repossession->reason},
                                                          {"repossessed_by", repossession->by},
                                                          {"repossessed_at", rto::to_rfc3339(repossession->at)},
                                                          {"written_off", money(repossession->written_off, c)}})
                                   : js::value(nullptr);
  o["balance"] = js::object{{"outstanding", money(p.outstanding, c)},
                            {"overdue", money(overdue + fees_open, c)},
                            {"fees_outstanding", money(fees_open, c)},
                            {"paid_total", money(p.paid_total, c)},
                            {"discount_total", money(p.discount_total, c)},
                            {"credit_balance", money(p.credit_balance, c)},
                            {"refunded", money(refunded, c)},
                            {"refund_due", p.credit_balance > 0}};
  o["next_due"] = next ? js::value(js::object{{"seq", next->seq},
                                              {"due_date", format_date(next->due)},
                                              {"amount", money(next->amount - next->paid - next->waived, c)}})
                       : js::value(nullptr);
  o["equity"] = js::object{{"amount", money(equity, c)}, {"percent", percent(equity, p.price)}};
  o["as_of"] = format_date(today);
  return o;
}

js::object payoff(const Plan& p, const PayoffQuote& q, Date on) {
  const auto& c = p.currency;
  return js::object{{"plan_id", p.id},
                    {"reference", p.reference},
                    {"as_of", format_date(on)},
                    {"valid_through", format_date(on)},
                    {"amount", money(q.amount, c)},
                    {"fees", money(q.fees, c)},
                    {"due_now", money(q.due_now, c)},
                    {"future_principal", money(q.future_principal, c)},
                    {"unearned_charge", money(q.future_charge, c)},
                    {"discount", money(q.discount, c)},
                    {"discount_bps", p.rules().payoff_discount_bps}};
}

js::object portfolio(const std::vector<storage::PortfolioRow>& rows, Date today, Date week_first) {
  js::array out;
  for (const auto& r : rows) {
    auto c = rto::Currency::of(r.currency);
    js::object aging;
    for (auto b : kBuckets) {
      const auto& a = r.aging[static_cast<int>(b)];
      aging[to_string(b)] = js::object{{"plans", a.plans}, {"outstanding", money(a.outstanding, c)}};
    }
    js::array weeks;
    constexpr int kWeeks = storage::PortfolioRow::kChartWeeks;
    for (int w = 0; w < kWeeks; ++w)
      weeks.push_back(js::object{{"week_starting", format_date(week_first - std::chrono::days(7 * (kWeeks - 1 - w)))},
                                 {"expected", money(r.weekly_expected[w], c)},
                                 {"collected", money(r.weekly_collected[w], c)}});
    out.push_back(js::object{
        {"currency", r.currency},
        {"active_plans", r.active},
        {"defaulted_plans", r.defaulted},
        {"locked_plans", r.locked},
        {"outstanding", money(r.outstanding, c)},
        {"collected_today", money(r.collected_today, c)},
        {"expected_today", money(r.expected_today, c)},
        {"collected_this_week", money(r.collected_week, c)},
        {"expected_this_week", money(r.expected_week, c)},
        {"par", js::object{{"par1", js::object{{"outstanding", money(r.par1, c)}, {"ratio", percent(r.par1, r.outstanding)}}},
                           {"par7", js::object{{"outstanding", money(r.par7, c)}, {"ratio", percent(r.par7, r.outstanding)}}},
                           {"par30", js::object{{"outstanding", money(r.par30, c)}, {"ratio", percent(r.par30, r.outstanding)}}}}},
        {"aging", std::move(aging)},
        {"weeks", std::move(weeks)}});
  }
  return js::object{{"as_of", format_date(today)}, {"week_starting", format_date(week_first)}, {"portfolios", std::move(out)}};
}

std::string ownership_certificate(const Plan& p, const std::optional<std::string>& customer_name,
                                  std::optional<Date> completed_on, Date issued_on) {
  js::object vehicle;
  if (const auto* v = p.terms().if_contains("vehicle"); v && v->is_object()) vehicle = v->as_object();
  std::string name = customer_name ? *customer_name : "Customer " + p.customer_id;
  std::string what = text_of(vehicle, "year") + " " + text_of(vehicle, "make") + " " + text_of(vehicle, "model");
  std::string completed = completed_on ? format_date(*completed_on) : "";
  auto row = [](std::string_view k, std::string_view v) {
    return "<tr><th>" + escape_html(k) + "</th><td>" + escape_html(v) + "</td></tr>\n";
  };
  std::string html =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>Certificate of ownership " + escape_html(p.reference) + "</title>\n"
      "<style>body{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;padding:2rem;border:3px double #222}"
      "h1{text-align:center;font-size:1.6rem}p{line-height:1.5}table{width:100%;border-collapse:collapse;margin:1rem 0}"
      "th,td{text-align:left;padding:.35rem;border-bottom:1px solid #ccc}th{width:40%}"
      ".sig{margin-top:3rem;display:flex;justify-content:space-between}"
      "@media print{body{border:none;margin:0}}</style></head><body>\n"
      "<h1>Certificate of Ownership</h1>\n"
      "<p>This certifies that the rent-to-own plan below has been paid in full and that ownership of the vehicle "
      "passes to the customer named here.</p>\n<table>\n" +
      row("Customer", name) + row("Customer id", p.customer_id) + row("Vehicle", what) +
      row("Vehicle id", p.vehicle_id) + row("Category", text_of(vehicle, "category")) +
      row("Plan reference", p.reference) + row("Plan id", p.id) +
      row("Total paid", rto::Money{p.paid_total - p.credit_balance, p.currency}.format()) +
      row("Completed on", completed) + row("Issued on", format_date(issued_on)) +
      "</table>\n<div class=\"sig\"><span>For the operator: ____________________</span>"
      "<span>Date: ____________</span></div>\n</body></html>\n";
  return html;
}

js::object event_data(const Plan& p) { return payment_service::event_data(p); }

}  // namespace payment_service::views
