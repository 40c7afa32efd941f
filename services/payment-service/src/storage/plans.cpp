// Templates, plans, schedules and late fees.
#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <rto/errors.hpp>
#include <unordered_map>

#include "storage/queries.hpp"
#include "storage/rows.hpp"
#include "storage/storage.hpp"

namespace payment_service::storage {
using namespace detail;
namespace js = boost::json;

namespace {

PlanTemplate read_template(const pqxx::row& r) {
  auto t = template_from_terms(js::parse(r[0].as<std::string>()).as_object());
  t.active = r[1].as<bool>();
  t.superseded_by = opt_text(r[2]);
  return t;
}

std::vector<PlanTemplate> templates(const pqxx::result& res) {
  std::vector<PlanTemplate> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_template(r));
  return out;
}

// The parsed terms of a plan, from a cache of recently read plans: a plan's terms never change,
// and parsing them (1–2 KB of JSON and the template's rules) was most of the cost of reading a
// plan on the payment path. An entry also remembers the hash and size of the text it was parsed
// from, so a plan id whose row was rolled back and written again with other terms is parsed
// again. Bounded: the cache starts over when full.
std::shared_ptr<const PlanTerms> parsed_terms(const std::string& plan_id, std::string_view text) {
  constexpr std::size_t kCapacity = 4096;
  struct Cached {
    std::size_t hash, size;
    std::shared_ptr<const PlanTerms> terms;
  };
  static std::mutex mu;
  static std::unordered_map<std::string, Cached> cache;
  const std::size_t hash = std::hash<std::string_view>{}(text);
  {
    std::lock_guard lk(mu);
    if (auto it = cache.find(plan_id); it != cache.end() && it->second.hash == hash && it->second.size == text.size())
      return it->second.terms;
  }
  auto t = std::make_shared<PlanTerms>();
  t->doc = js::parse(text).as_object();
  t->rules = template_from_terms(t->doc.at("template").as_object());
  std::lock_guard lk(mu);
  if (cache.size() >= kCapacity) cache.clear();
  cache.insert_or_assign(plan_id, Cached{hash, text.size(), t});
  return t;
}

// Reads the columns of sql::kPlanColumns, in that order.
Plan read_plan(const pqxx::row& r) {
  Plan p;
  p.id = r[0].as<std::string>();
  p.reference = r[1].as<std::string>();
  p.customer_id = r[2].as<std::string>();
  p.vehicle_id = r[3].as<std::string>();
  p.template_id = r[4].as<std::string>();
  p.credit_decision_id = r[5].as<std::string>();
  p.status = plan_status_from(r[6].as<std::string>()).value();
  p.currency = rto::Currency::of(r[7].as<std::string>());
  p.price = r[8].as<std::int64_t>();
  p.deposit = r[9].as<std::int64_t>();
  p.financed = r[10].as<std::int64_t>();
  p.charge = r[11].as<std::int64_t>();
  p.total_payable = r[12].as<std::int64_t>();
  p.instalment = r[13].as<std::int64_t>();
  p.last_instalment = r[14].as<std::int64_t>();
  p.instalment_count = r[15].as<int>();
  p.fixed = parsed_terms(p.id, std::string_view(r[16].c_str(), r[16].size()));
  p.schedule_start = from_days(r[17].as<int>());
  p.deposit_due_by = time_of(r[18]);
  p.created_at = time_of(r[19]);
  p.activated_at = opt_time(r[20]);
  p.completed_at = opt_time(r[21]);
  p.defaulted_at = opt_time(r[22]);
  p.cancelled_at = opt_time(r[23]);
  p.cancel_reason = opt_text(r[24]);
  p.outstanding = r[25].as<std::int64_t>();
  p.credit_balance = r[26].as<std::int64_t>();
  p.paid_total = r[27].as<std::int64_t>();
  p.discount_total = r[28].as<std::int64_t>();
  p.delinquency.days_past_due = r[29].as<int>();
  p.delinquency.bucket = bucket_from(r[30].as<std::string>()).value_or(Bucket::Current);
  p.delinquency.locked = r[31].as<bool>();
  return p;
}

std::optional<Plan> one_plan(const pqxx::result& res) {
  if (res.empty()) return std::nullopt;
  return read_plan(res[0]);
}

std::vector<Plan> plans(const pqxx::result& res) {
  std::vector<Plan> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_plan(r));
  return out;
}

ScheduleRow read_schedule_row(const pqxx::row& r) {
  ScheduleRow s;
  s.seq = r[0].as<int>();
  s.due = from_days(r[1].as<int>());
  s.amount = r[2].as<std::int64_t>();
  s.principal = r[3].as<std::int64_t>();
  s.charge = r[4].as<std::int64_t>();
  s.paid = r[5].as<std::int64_t>();
  s.waived = r[6].as<std::int64_t>();
  s.settled_on = opt_date(r[7]);
  return s;
}

std::vector<OpenInstalment> open_rows(const pqxx::result& res) {
  std::vector<OpenInstalment> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_schedule_row(r).open());
  return out;
}

// Reads the columns of sql::kFeeColumns, in that order.
OpenFee read_fee(const pqxx::row& r) {
  return {r[0].as<std::int64_t>(), r[1].as<int>(), from_days(r[2].as<int>()), r[3].as<std::int64_t>(),
          r[4].as<std::int64_t>()};
}

std::vector<OpenFee> fees(const pqxx::result& res) {
  std::vector<OpenFee> out;
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_fee(r));
  return out;
}

}  // namespace

// ---- templates --------------------------------------------------------------------------------

std::vector<PlanTemplate> current_templates(Tx& tx) { return templates(tx.exec_prepared(sql::kTemplatesCurrent.name)); }
std::vector<PlanTemplate> all_templates(Tx& tx) { return templates(tx.exec_prepared(sql::kTemplatesAll.name)); }

std::optional<PlanTemplate> find_template(Tx& tx, const std::string& id, bool for_update) {
  auto res = tx.exec_prepared(for_update ? sql::kTemplateLockCurrent.name : sql::kTemplateById.name, id);
  if (res.empty()) return std::nullopt;
  return read_template(res[0]);
}

std::optional<PlanTemplate> current_template_by_slug(Tx& tx, const std::string& slug) {
  auto res = tx.exec_prepared(sql::kTemplateCurrentBySlug.name, slug);
  if (res.empty()) return std::nullopt;
  return read_template(res[0]);
}

bool insert_template(Tx& tx, const PlanTemplate& t, const std::string& created_by, TimePoint now) {
  auto res = tx.exec_prepared(sql::kTemplateInsert.name, t.id, t.slug, t.version, t.active,
                              js::serialize(terms_json(t)), created_by, to_micros(now));
  return !res.empty();
}

bool supersede_template(Tx& tx, const std::string& old_id, const std::string& new_id) {
  return !tx.exec_prepared(sql::kTemplateSupersede.name, old_id, new_id).empty();
}

// ---- plans ------------------------------------------------------------------------------------

std::optional<Plan> find_plan(Tx& tx, const std::string& id) { return one_plan(tx.exec_prepared(sql::kPlanById.name, id)); }
std::optional<Plan> find_plan_by_reference(Tx& tx, const std::string& ref) {
  return one_plan(tx.exec_prepared(sql::kPlanByRef.name, ref));
}
std::optional<Plan> find_plan_by_decision(Tx& tx, const std::string& id) {
  return one_plan(tx.exec_prepared(sql::kPlanByDecision.name, id));
}
std::optional<Plan> lock_plan(Tx& tx, const std::string& id) {
  return one_plan(tx.exec_prepared(sql::kPlanLockById.name, id));
}

bool insert_plan(Tx& tx, const NewPlan& p) {
  const auto& q = p.quote;
  auto res = tx.exec_prepared(sql::kPlanInsert.name, p.id, p.reference, p.customer_id, p.vehicle_id, p.template_id,
                              p.credit_decision_id, std::string(q.currency.code()), q.price, q.deposit, q.financed,
                              q.charge, q.total_payable, q.instalment, q.last_instalment, q.instalment_count,
                              js::serialize(p.terms), to_days(q.start), to_micros(p.deposit_due_by), to_micros(p.now));
  return !res.empty();
}

void insert_schedule(Tx& tx, const std::string& plan_id, const Quote& q) {
  js::array rows;
  rows.reserve(q.instalments.size() + 1);
  rows.push_back(js::object{{"seq", 0}, {"due", to_days(q.start)}, {"amount", q.deposit}, {"principal", q.deposit},
                            {"charge", 0}});
  for (const auto& in : q.instalments)
    rows.push_back(js::object{{"seq", in.seq}, {"due", to_days(in.due)}, {"amount", in.amount},
                              {"principal", in.principal}, {"charge", in.charge}});
  tx.exec_prepared0(sql::kScheduleInsert.name, plan_id, js::serialize(rows));
}

void update_plan(Tx& tx, const Plan& p, TimePoint now) { update_plans(tx, {&p}, now); }

void reanchor_schedule(Tx& tx, const std::string& plan_id, Date start, Frequency f) {
  tx.exec_prepared0(sql::kScheduleReanchor.name, plan_id, to_days(start), std::string(to_string(f)));
}

std::vector<Plan> plans_of_customer(Tx& tx, const std::string& customer_id) {
  return plans(tx.exec_prepared(sql::kPlansOfCustomer.name, customer_id));
}

std::map<std::string, std::string> plan_references(Tx& tx, const std::vector<std::string>& plan_ids) {
  std::map<std::string, std::string> out;
  if (plan_ids.empty()) return out;
  js::array ids;
  for (const auto& id : plan_ids) ids.emplace_back(id);
  for (const auto& r : tx.exec_prepared(sql::kPlanReferences.name, js::serialize(ids)))
    out.emplace(r[0].as<std::string>(), r[1].as<std::string>());
  return out;
}

std::vector<Plan> collections(Tx& tx, const PlanListQuery& q) {
  std::optional<std::string> bucket;
  if (q.bucket) bucket = std::string(to_string(*q.bucket));
  if (q.after)
    return plans(tx.exec_prepared(sql::kPlansCollectionsAfter.name, bucket, q.status, q.limit + 1, q.after->first,
                                  q.after->second));
  return plans(tx.exec_prepared(sql::kPlansCollectionsFirst.name, bucket, q.status, q.limit + 1));
}

std::vector<std::string> deposit_expired(Tx& tx, TimePoint now, int limit) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kPlansDepositExpired.name, to_micros(now), limit))
    out.push_back(r[0].as<std::string>());
  return out;
}

std::vector<std::string> plans_for_run(Tx& tx, Date as_of, int limit) {
  std::vector<std::string> out;
  for (const auto& r : tx.exec_prepared(sql::kPlansForRun.name, to_days(as_of), limit)) out.push_back(r[0].as<std::string>());
  return out;
}

// ---- schedule and fees ------------------------------------------------------------------------

std::vector<ScheduleRow> schedule(Tx& tx, const std::string& plan_id) {
  std::vector<ScheduleRow> out;
  auto res = tx.exec_prepared(sql::kScheduleAll.name, plan_id);
  out.reserve(res.size());
  for (const auto& r : res) out.push_back(read_schedule_row(r));
  return out;
}

std::vector<OpenInstalment> open_instalments(Tx& tx, const std::string& plan_id) {
  return open_rows(tx.exec_prepared(sql::kScheduleOpen.name, plan_id));
}

std::vector<OpenInstalment> overdue_instalments(Tx& tx, const std::string& plan_id, Date as_of) {
  return open_rows(tx.exec_prepared(sql::kScheduleOverdue.name, plan_id, to_days(as_of)));
}

std::vector<OpenFee> open_fees(Tx& tx, const std::string& plan_id) { return fees(tx.exec_prepared(sql::kFeesOpen.name, plan_id)); }
std::vector<OpenFee> all_fees(Tx& tx, const std::string& plan_id) { return fees(tx.exec_prepared(sql::kFeesAll.name, plan_id)); }

std::vector<int> charged_seqs(Tx& tx, const std::string& plan_id) {
  std::vector<int> out;
  for (const auto& r : tx.exec_prepared(sql::kFeeSeqs.name, plan_id)) out.push_back(r[0].as<int>());
  return out;
}

bool insert_fee(Tx& tx, const std::string& plan_id, int seq, Date on, std::int64_t amount) {
  return !tx.exec_prepared(sql::kFeeInsert.name, plan_id, seq, to_days(on), amount).empty();
}

void rewrite_projection(Tx& tx, const std::string& plan_id, const Replayed& r) {
  std::map<int, Date> settled;
  for (const auto& a : r.allocations)
    for (const auto& s : a.settled) settled[s.seq] = s.on;
  js::array rows;
  for (const auto& in : r.items.instalments) {
    auto it = settled.find(in.seq);
    js::value on = in.remaining() == 0 && it != settled.end() ? js::value(to_days(it->second)) : js::value(nullptr);
    rows.push_back(js::object{{"seq", in.seq}, {"paid", in.paid}, {"waived", in.waived}, {"settled", on}});
  }
  js::array fee_rows;
  for (const auto& f : r.items.fees) fee_rows.push_back(js::object{{"id", f.id}, {"paid", f.paid}});
  if (!rows.empty()) tx.exec_prepared0(sql::kScheduleRewrite.name, plan_id, js::serialize(rows));
  if (!fee_rows.empty()) tx.exec_prepared0(sql::kFeesRewrite.name, js::serialize(fee_rows));
}

// ---- recording several payments in one transaction --------------------------------------------

std::vector<Plan> lock_plans(Tx& tx, const std::vector<std::string>& ids, const std::vector<std::string>& references) {
  js::array a, b;
  a.reserve(ids.size());
  b.reserve(references.size());
  for (const auto& x : ids) a.emplace_back(x);
  for (const auto& x : references) b.emplace_back(x);
  return plans(tx.exec_prepared(sql::kPlansLock.name, js::serialize(a), js::serialize(b)));
}

std::map<std::string, std::vector<OpenFee>> open_fees_of(Tx& tx, const std::vector<std::string>& plan_ids) {
  std::map<std::string, std::vector<OpenFee>> out;
  if (plan_ids.empty()) return out;
  js::array ids;
  ids.reserve(plan_ids.size());
  for (const auto& x : plan_ids) ids.emplace_back(x);
  for (const auto& r : tx.exec_prepared(sql::kFeesOpenOf.name, js::serialize(ids)))
    out[r[5].as<std::string>()].push_back(read_fee(r));
  return out;
}

std::map<std::string, std::vector<OpenInstalment>> open_instalments_of(Tx& tx, const std::vector<Reach>& reach) {
  std::map<std::string, std::vector<OpenInstalment>> out;
  if (reach.empty()) return out;
  js::array rows;
  rows.reserve(reach.size());
  for (const auto& x : reach) {
    // Only the first open instalment can be part-paid (the waterfall fills in order); every other
    // one still owes at least the smallest instalment. So amount reaches at most this many.
    const bool all = x.amount < 0;
    const std::int64_t unit = std::max<std::int64_t>(1, x.smallest_instalment);
    const std::int64_t bound = all ? 1'000'000 : std::min<std::int64_t>(2 + x.amount / unit, 1'000'000);
    rows.push_back(js::object{{"plan_id", x.plan_id},
                              {"amount", all ? std::numeric_limits<std::int64_t>::max() : x.amount},
                              {"bound", bound}});
  }
  for (const auto& r : tx.exec_prepared(sql::kScheduleOpenUpToOf.name, js::serialize(rows)))
    out[r[8].as<std::string>()].push_back(read_schedule_row(r).open());
  return out;
}

void apply_schedule(Tx& tx, const std::vector<ScheduleDelta>& d) {
  if (d.empty()) return;
  js::array rows;
  rows.reserve(d.size());
  for (const auto& x : d)
    rows.push_back(js::object{{"plan_id", x.plan_id}, {"seq", x.seq}, {"paid", x.paid}, {"waived", x.waived},
                              {"settled", to_days(x.on)}});
  tx.exec_prepared0(sql::kScheduleApplyMany.name, js::serialize(rows));
}

void apply_fees(Tx& tx, const std::vector<std::pair<std::int64_t, std::int64_t>>& paid) {
  if (paid.empty()) return;
  js::array rows;
  rows.reserve(paid.size());
  for (auto [id, amount] : paid) rows.push_back(js::object{{"id", id}, {"paid", amount}});
  tx.exec_prepared0(sql::kFeesApply.name, js::serialize(rows));
}

void update_plans(Tx& tx, const std::vector<const Plan*>& list, TimePoint now) {
  if (list.empty()) return;
  auto opt = [](const std::optional<TimePoint>& t) -> js::value {
    return t ? js::value(to_micros(*t)) : js::value(nullptr);
  };
  js::array rows;
  rows.reserve(list.size());
  for (const Plan* p : list)
    rows.push_back(js::object{{"id", p->id},
                              {"status", to_string(p->status)},
                              {"schedule_start", to_days(p->schedule_start)},
                              {"activated_at", opt(p->activated_at)},
                              {"completed_at", opt(p->completed_at)},
                              {"defaulted_at", opt(p->defaulted_at)},
                              {"cancelled_at", opt(p->cancelled_at)},
                              {"cancel_reason", p->cancel_reason ? js::value(*p->cancel_reason) : js::value(nullptr)},
                              {"outstanding", p->outstanding},
                              {"credit_balance", p->credit_balance},
                              {"paid_total", p->paid_total},
                              {"discount_total", p->discount_total},
                              {"days_past_due", p->delinquency.days_past_due},
                              {"bucket", to_string(p->delinquency.bucket)},
                              {"locked", p->delinquency.locked}});
  tx.exec_prepared0(sql::kPlansUpdate.name, js::serialize(rows), to_micros(now));
}

}  // namespace payment_service::storage
