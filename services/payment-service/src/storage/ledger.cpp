// The journal, payments and reversals, delinquency runs and the portfolio figures.
#include <algorithm>
#include <rto/events.hpp>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace payment_service::storage {
using namespace detail;
namespace js = boost::json;

namespace {

PaymentRow read_payment(const pqxx::row& r) {
  PaymentRow p;
  p.id = r[0].as<std::string>();
  p.seq = r[1].as<std::int64_t>();
  p.plan_id = r[2].as<std::string>();
  p.provider = r[3].as<std::string>();
  p.provider_txn_id = r[4].as<std::string>();
  p.amount = rto::Money::of(r[5].as<std::int64_t>(), r[6].as<std::string>());
  p.paid_at = time_of(r[7]);
  p.received_at = time_of(r[8]);
  p.recorded_by = r[9].as<std::string>();
  p.receipt_number = opt_text(r[10]);
  p.allocation = js::parse(r[11].as<std::string>()).as_object();
  p.entry_id = r[12].as<std::int64_t>();
  if (!r[13].is_null()) p.reversal = PaymentRow::Reversal{r[13].as<std::string>(), r[14].as<std::string>(), time_of(r[15])};
  return p;
}

std::optional<PaymentRow> one_payment(const pqxx::result& res) {
  if (res.empty()) return std::nullopt;
  return read_payment(res[0]);
}

js::array lines_json(const Entry& e) {
  js::array lines;
  lines.reserve(e.lines.size());
  for (const auto& l : e.lines) lines.push_back(js::object{{"account", l.account}, {"amount", l.amount}});
  return lines;
}

}  // namespace

// ---- journal ----------------------------------------------------------------------------------

std::int64_t post_entry(Tx& tx, const std::string& plan_id, const rto::Currency& c, const Entry& e,
                        const std::optional<std::string>& payment_id, TimePoint now) {
  auto res = tx.exec_prepared(sql::kJournalPost.name, plan_id, e.kind, payment_id, to_micros(now),
                              std::string(c.code()), js::serialize(lines_json(e)));
  return res[0][0].as<std::int64_t>();
}

std::vector<std::int64_t> next_entry_ids(Tx& tx, int n) {
  std::vector<std::int64_t> out;
  if (n <= 0) return out;
  out.reserve(static_cast<std::size_t>(n));
  for (const auto& r : tx.exec_prepared(sql::kJournalIds.name, n)) out.push_back(r[0].as<std::int64_t>());
  std::sort(out.begin(), out.end());
  return out;
}

void insert_entries(Tx& tx, const std::vector<EntryRow>& entries, TimePoint now) {
  if (entries.empty()) return;
  js::array rows;
  rows.reserve(entries.size());
  for (const auto& e : entries) {
    rows.push_back(js::object{{"id", e.id},
                              {"plan_id", e.plan_id},
                              {"kind", e.entry.kind},
                              {"payment_id", e.payment_id ? js::value(*e.payment_id) : js::value(nullptr)},
                              {"currency", e.currency},
                              {"lines", lines_json(e.entry)}});
  }
  tx.exec_prepared0(sql::kJournalPostMany.name, js::serialize(rows), to_micros(now));
}

Entry entry_lines(Tx& tx, std::int64_t entry_id) {
  Entry e;
  for (const auto& r : tx.exec_prepared(sql::kJournalLines.name, entry_id))
    e.lines.push_back({r[0].as<std::string>(), r[1].as<std::int64_t>()});
  return e;
}

std::int64_t account_balance(Tx& tx, const std::string& plan_id, std::string_view account) {
  return tx.exec_prepared(sql::kAccountBalance.name, plan_id, std::string(account))[0][0].as<std::int64_t>();
}

// ---- payments ---------------------------------------------------------------------------------

std::optional<PaymentRow> find_payment(Tx& tx, const std::string& id) {
  return one_payment(tx.exec_prepared(sql::kPaymentById.name, id));
}

std::vector<PaymentRow> payments_of_plan(Tx& tx, const std::string& plan_id) {
  std::vector<PaymentRow> out;
  for (const auto& r : tx.exec_prepared(sql::kPaymentsOfPlan.name, plan_id)) out.push_back(read_payment(r));
  return out;
}

std::map<std::pair<std::string, std::string>, PaymentRow> payments_by_txns(
    Tx& tx, const std::vector<std::pair<std::string, std::string>>& keys) {
  std::map<std::pair<std::string, std::string>, PaymentRow> out;
  if (keys.empty()) return out;
  js::array rows;
  rows.reserve(keys.size());
  for (const auto& [provider, txn] : keys) rows.push_back(js::object{{"provider", provider}, {"txn", txn}});
  for (const auto& r : tx.exec_prepared(sql::kPaymentsByTxns.name, js::serialize(rows)))
    out.emplace(std::pair{r[16].as<std::string>(), r[17].as<std::string>()}, read_payment(r));
  return out;
}

std::vector<std::string> insert_payments(Tx& tx, const std::vector<const PaymentRow*>& payments) {
  std::vector<std::string> out;
  if (payments.empty()) return out;
  js::array rows;
  rows.reserve(payments.size());
  for (const PaymentRow* p : payments)
    rows.push_back(js::object{{"id", p->id},
                              {"plan_id", p->plan_id},
                              {"provider", p->provider},
                              {"provider_txn_id", p->provider_txn_id},
                              {"amount", p->amount.amount},
                              {"currency", p->amount.currency.code()},
                              {"paid_at", to_micros(p->paid_at)},
                              {"received_at", to_micros(p->received_at)},
                              {"recorded_by", p->recorded_by},
                              {"receipt_number", p->receipt_number ? js::value(*p->receipt_number) : js::value(nullptr)},
                              {"allocation", p->allocation},
                              {"entry_id", p->entry_id}});
  auto res = tx.exec_prepared(sql::kPaymentsInsert.name, js::serialize(rows));
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(r[0].as<std::string>());
  return out;
}

void insert_reversal(Tx& tx, const std::string& payment_id, const std::string& reason, const std::string& by,
                     TimePoint at, std::int64_t entry_id) {
  tx.exec_prepared0(sql::kReversalInsert.name, payment_id, reason, by, to_micros(at), entry_id);
}

// ---- delinquency runs -------------------------------------------------------------------------

bool run_exists(Tx& tx, const std::string& plan_id, Date as_of) {
  return !tx.exec_prepared(sql::kRunExists.name, plan_id, to_days(as_of)).empty();
}

void insert_run(Tx& tx, const std::string& plan_id, Date as_of, const DelinquencyState& s, std::int64_t fees,
                TimePoint now) {
  tx.exec_prepared0(sql::kRunInsert.name, plan_id, to_days(as_of), s.days_past_due, std::string(to_string(s.bucket)),
                    fees, to_micros(now));
}

// ---- portfolio --------------------------------------------------------------------------------

std::vector<PortfolioRow> portfolio(Tx& tx, TimePoint today_start, TimePoint week_start, Date today, Date week_first,
                                    Date week_last, TimePoint chart_start) {
  std::vector<PortfolioRow> out;
  auto row_for = [&](const std::string& currency) -> PortfolioRow& {
    for (auto& r : out)
      if (r.currency == currency) return r;
    out.push_back({});
    out.back().currency = currency;
    return out.back();
  };
  for (const auto& r : tx.exec_prepared(sql::kPortfolioTotals.name)) {
    auto& p = row_for(r[0].as<std::string>());
    p.active = r[1].as<std::int64_t>();
    p.defaulted = r[2].as<std::int64_t>();
    p.outstanding = r[3].as<std::int64_t>();
    p.par1 = r[4].as<std::int64_t>();
    p.par7 = r[5].as<std::int64_t>();
    p.par30 = r[6].as<std::int64_t>();
    p.locked = r[7].as<std::int64_t>();
  }
  for (const auto& r : tx.exec_prepared(sql::kPortfolioAging.name)) {
    auto& p = row_for(r[0].as<std::string>());
    auto b = bucket_from(r[1].as<std::string>()).value_or(Bucket::Current);
    auto& a = p.aging[static_cast<int>(b)];
    a.plans = r[2].as<std::int64_t>();
    a.outstanding = r[3].as<std::int64_t>();
  }
  for (const auto& r : tx.exec_prepared(sql::kPortfolioCollected.name, to_micros(today_start), to_micros(week_start))) {
    auto& p = row_for(r[0].as<std::string>());
    p.collected_today = r[1].as<std::int64_t>();
    p.collected_week = r[2].as<std::int64_t>();
  }
  for (const auto& r :
       tx.exec_prepared(sql::kPortfolioExpected.name, to_days(today), to_days(week_first), to_days(week_last))) {
    auto& p = row_for(r[0].as<std::string>());
    p.expected_today = r[1].as<std::int64_t>();
    p.expected_week = r[2].as<std::int64_t>();
  }
  constexpr int kWeeks = PortfolioRow::kChartWeeks;
  const Date chart_first = week_first - std::chrono::days(7 * (kWeeks - 1));
  for (const auto& r : tx.exec_prepared(sql::kPortfolioWeeklyCollected.name, to_micros(chart_start))) {
    const auto w = r[1].as<int>();
    if (w >= 0 && w < kWeeks) row_for(r[0].as<std::string>()).weekly_collected[w] = r[2].as<std::int64_t>();
  }
  for (const auto& r :
       tx.exec_prepared(sql::kPortfolioWeeklyExpected.name, to_days(chart_first), to_days(week_last))) {
    const auto w = r[1].as<int>();
    if (w >= 0 && w < kWeeks) row_for(r[0].as<std::string>()).weekly_expected[w] = r[2].as<std::int64_t>();
  }
  return out;
}

BusinessFigures business_figures(Tx& tx, TimePoint now) {
  BusinessFigures f;
  for (const auto& r : tx.exec_prepared(sql::kBusinessFigures.name, to_micros(now))) {
    const auto kind = r[0].as<std::string>(), label = r[1].as<std::string>();
    const auto n = r[2].as<std::int64_t>();
    if (kind == "plans") f.plans_by_status[label] = n;
    else if (kind == "held") (label == "callback" ? f.callbacks_held : f.requests_held) = n;
    else if (kind == "open") f.oldest_open_request_us = n;
  }
  for (const auto& r : tx.exec_prepared(sql::kPortfolioTotals.name))
    f.at_risk.push_back({r[0].as<std::string>(), r[3].as<std::int64_t>(), r[4].as<std::int64_t>(),
                         r[5].as<std::int64_t>(), r[6].as<std::int64_t>()});
  return f;
}

void publish(Tx& tx, std::string_view source, std::vector<OutboxEvent> events) {
  if (events.empty()) return;
  std::vector<rto::events::Event> out;
  out.reserve(events.size());
  for (auto& e : events) out.push_back({std::move(e.type), std::move(e.subject), std::move(e.data)});
  rto::events::enqueue_all(tx, source, out);
}

}  // namespace payment_service::storage
