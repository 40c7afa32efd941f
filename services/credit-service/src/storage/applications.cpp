#include <rto/errors.hpp>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace credit_service::storage {
using namespace detail;
namespace js = boost::json;

namespace {

ApplicationRecord read_application(const pqxx::row& row) {
  ApplicationRecord a;
  a.id = row[0].as<std::string>();
  a.customer_id = row[1].as<std::string>();
  a.vehicle_id = row[2].as<std::string>();
  a.template_id = row[3].as<std::string>();
  a.status = row[4].as<std::string>();
  a.currency = row[5].as<std::string>();
  a.answers = object_of(row[6]);
  a.contacts = object_of(row[7]);
  a.instalment = object_of(row[8]);
  a.vehicle = object_of(row[9]);
  a.applicant_age = row[10].as<int>();
  a.note = opt_text(row[11]);
  a.decision_id = opt_text(row[12]);
  a.created_at = time_of(row[13]);
  a.updated_at = time_of(row[14]);
  a.decided_at = opt_time(row[15]);
  a.expires_at = opt_time(row[16]);
  a.withdrawn_at = opt_time(row[17]);
  if (!row[18].is_null()) {
    DecisionRecord d;
    d.id = row[18].as<std::string>();
    d.application_id = a.id;
    d.kind = row[19].as<std::string>();
    d.decision = row[20].as<std::string>();
    d.model_version = row[21].as<int>();
    d.score = row[22].as<int>();
    d.grade = row[23].as<std::string>();
    auto reasons = json_of(row[24]);
    if (reasons.is_array()) d.reasons = std::move(reasons.as_array());
    d.terms = json_of(row[25]);
    d.breakdown = object_of(row[26]);
    d.officer_id = opt_text(row[27]);
    d.note = opt_text(row[28]);
    d.created_at = time_of(row[29]);
    d.expires_at = opt_time(row[30]);
    a.decision = std::move(d);
  }
  a.plan_id = opt_text(row[31]);
  a.used_at = opt_time(row[32]);
  return a;
}

std::vector<ApplicationRecord> read_all(const pqxx::result& r) {
  std::vector<ApplicationRecord> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_application(row));
  return out;
}

}  // namespace

Context context(Tx& tx, const std::string& customer_id, const UsageWindow& usage_window) {
  auto r = tx.exec_prepared1(sql::kContext.name, customer_id, format_date(Date{usage_window.from}),
                             format_date(Date{usage_window.until}));
  Context c;
  c.open_application = opt_text(r[0]);
  if (!r[1].is_null()) c.active_model = r[1].as<int>();
  if (!r[2].is_null()) {
    RepaymentHistory h;
    h.on_time = r[2].as<std::int64_t>();
    h.late = r[3].as<std::int64_t>();
    h.worst_days_late = r[4].as<std::int64_t>();
    h.worst_days_past_due = r[5].as<std::int64_t>();
    h.payments = r[6].as<std::int64_t>();
    c.history = h;
  }
  c.usage = usage_days_from_json(json_of(r[7]));
  return c;
}

void insert_application(Tx& tx, const NewApplication& a) {
  try {
    tx.exec_prepared0(sql::kAppInsert.name, a.id, a.customer_id, a.vehicle_id, a.template_id, a.currency,
                      js::serialize(a.answers), js::serialize(a.contacts), a.guarantor_national_id_sealed,
                      a.guarantor_phone_sealed, a.reference_phones_sealed, js::serialize(a.instalment),
                      js::serialize(a.vehicle), a.applicant_age, a.note, to_micros(a.now));
  } catch (const pqxx::unique_violation&) {
    throw rto::Conflict("you already have an open credit application; withdraw it or wait for it to close first")
        .with_code("application-open");
  }
}

std::optional<ApplicationRecord> find_application(Tx& tx, const std::string& id, bool for_update) {
  auto r = tx.exec_prepared(for_update ? sql::kAppByIdForUpdate.name : sql::kAppById.name, id);
  if (r.empty()) return std::nullopt;
  return read_application(r[0]);
}

std::optional<ApplicationRecord> find_by_decision(Tx& tx, const std::string& decision_id) {
  auto r = tx.exec_prepared(sql::kAppByDecision.name, decision_id);
  if (r.empty()) return std::nullopt;
  return read_application(r[0]);
}

std::vector<ApplicationRecord> applications_of(Tx& tx, const std::string& customer_id, int limit) {
  return read_all(tx.exec_prepared(sql::kAppsOfCustomer.name, customer_id, limit));
}

QueuePage review_queue(Tx& tx, const PageQuery& q) {
  // One row more than asked tells whether another page follows.
  auto r = q.after ? tx.exec_prepared(sql::kQueueAfter.name, q.limit + 1, q.after->created_us, q.after->id)
                   : tx.exec_prepared(sql::kQueueFirst.name, q.limit + 1);
  QueuePage page;
  page.items = read_all(r);
  if (page.items.size() > static_cast<std::size_t>(q.limit)) {
    page.items.resize(static_cast<std::size_t>(q.limit));
    const auto& last = page.items.back();
    page.next = PageCursor{to_micros(last.created_at), last.id};
  }
  return page;
}

void set_decision(Tx& tx, const std::string& id, std::string_view status, const std::string& decision_id,
                  TimePoint now, std::optional<TimePoint> expires_at) {
  tx.exec_prepared0(sql::kAppSetDecision.name, id, std::string(status), decision_id, to_micros(now),
                    opt_micros(expires_at));
}

void set_status(Tx& tx, const std::string& id, std::string_view status, TimePoint now) {
  tx.exec_prepared0(sql::kAppSetStatus.name, id, std::string(status), to_micros(now));
}

std::optional<std::string> mark_used(Tx& tx, const std::string& decision_id, const std::string& plan_id, TimePoint now) {
  auto r = tx.exec_prepared(sql::kAppMarkUsed.name, decision_id, plan_id, to_micros(now));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

std::vector<ExpiredApproval> expire_due(Tx& tx, TimePoint now, int limit) {
  std::vector<ExpiredApproval> out;
  for (const auto& row : tx.exec_prepared(sql::kExpireDue.name, to_micros(now), limit))
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].is_null() ? "" : row[2].as<std::string>(),
                   row[3].as<std::string>()});
  return out;
}

void add_history(Tx& tx, const std::string& application_id, std::optional<std::string_view> from, std::string_view to,
                 std::string_view actor, const std::optional<std::string>& actor_id,
                 const std::optional<std::string>& note, TimePoint at) {
  std::optional<std::string> from_text;
  if (from) from_text = std::string(*from);
  tx.exec_prepared0(sql::kHistoryInsert.name, application_id, from_text, std::string(to), std::string(actor), actor_id,
                    note, to_micros(at));
}

std::vector<HistoryEntry> history_of(Tx& tx, const std::string& application_id) {
  std::vector<HistoryEntry> out;
  for (const auto& row : tx.exec_prepared(sql::kHistoryOf.name, application_id))
    out.push_back({opt_text(row[0]), row[1].as<std::string>(), row[2].as<std::string>(), opt_text(row[3]),
                   opt_text(row[4]), time_of(row[5])});
  return out;
}

void insert_decision(Tx& tx, const DecisionRecord& d) {
  std::optional<std::string> terms;
  if (!d.terms.is_null()) terms = js::serialize(d.terms);
  tx.exec_prepared0(sql::kDecisionInsert.name, d.id, d.application_id, d.kind, d.decision, d.model_version, d.score,
                    d.grade, js::serialize(d.reasons), terms, js::serialize(d.breakdown), d.officer_id, d.note,
                    to_micros(d.created_at), opt_micros(d.expires_at));
}

}  // namespace credit_service::storage
