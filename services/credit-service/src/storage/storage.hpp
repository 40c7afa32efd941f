#pragma once
// Storage functions of the credit service. Each takes the caller's transaction, so a handler
// decides what commits together (a change, its history row and its outbox event). SQL is in
// queries.hpp.
#include <boost/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "domain/repayment.hpp"
#include "domain/scorecard.hpp"
#include "domain/time.hpp"
#include "domain/usage.hpp"
#include "domain/views.hpp"

namespace credit_service::storage {

using Tx = pqxx::transaction_base;

// ---- what scoring a customer needs --------------------------------------------------------------

struct Context {
  std::optional<std::string> open_application;  // id of the customer's open application
  std::optional<int> active_model;              // version
  std::optional<RepaymentHistory> history;      // none for a customer new to us
  std::vector<UsageDay> usage;                  // the customer's vehicle usage in the window asked for
};
Context context(Tx& tx, const std::string& customer_id, const UsageWindow& usage_window);

// ---- scorecard models -------------------------------------------------------------------------

struct ModelRow {
  int version = 0;
  std::string name;
  boost::json::object model;
  bool active = false;
  std::optional<std::string> created_by;
  TimePoint created_at{};
  std::optional<std::string> activated_by;
  std::optional<TimePoint> activated_at;
};
boost::json::object to_json(const ModelRow& m);

std::optional<ModelRow> find_model(Tx& tx, int version);
std::vector<ModelRow> list_models(Tx& tx);
// Serialises model writes for the rest of the transaction.
void lock_models(Tx& tx);
// The next version number, inactive.
int insert_model(Tx& tx, const std::string& name, const boost::json::object& doc, const std::string& created_by,
                 TimePoint now);
// False when the version was already the active one. The version must exist.
bool activate_model(Tx& tx, int version, const std::string& by, TimePoint now);

// ---- applications ------------------------------------------------------------------------------

struct NewApplication {
  std::string id;
  std::string customer_id;
  std::string vehicle_id;
  std::string template_id;
  std::string currency;
  boost::json::object answers;
  boost::json::object contacts;
  std::string guarantor_national_id_sealed;
  std::string guarantor_phone_sealed;
  std::string reference_phones_sealed;
  boost::json::object instalment;
  boost::json::object vehicle;
  int applicant_age = 0;
  std::optional<std::string> note;
  TimePoint now{};
};
// Throws rto::Error 409 ("application-open") when the customer already has an open application:
// the partial unique index decides, so concurrent submissions cannot both succeed.
void insert_application(Tx& tx, const NewApplication& a);

std::optional<ApplicationRecord> find_application(Tx& tx, const std::string& id, bool for_update = false);
// The application a decision belongs to, with that decision as .decision.
std::optional<ApplicationRecord> find_by_decision(Tx& tx, const std::string& decision_id);
std::vector<ApplicationRecord> applications_of(Tx& tx, const std::string& customer_id, int limit);

struct QueuePage {
  std::vector<ApplicationRecord> items;
  std::optional<PageCursor> next;
};
QueuePage review_queue(Tx& tx, const PageQuery& q);

void set_decision(Tx& tx, const std::string& id, std::string_view status, const std::string& decision_id,
                  TimePoint now, std::optional<TimePoint> expires_at);
void set_status(Tx& tx, const std::string& id, std::string_view status, TimePoint now);

struct ExpiredApproval {
  std::string id, customer_id, decision_id, vehicle_id;
};
std::vector<ExpiredApproval> expire_due(Tx& tx, TimePoint now, int limit);
// Records the plan an approval was used for; the application's id, or nullopt when there is no
// unused approval behind that decision.
std::optional<std::string> mark_used(Tx& tx, const std::string& decision_id, const std::string& plan_id, TimePoint now);

void add_history(Tx& tx, const std::string& application_id, std::optional<std::string_view> from, std::string_view to,
                 std::string_view actor, const std::optional<std::string>& actor_id,
                 const std::optional<std::string>& note, TimePoint at);
std::vector<HistoryEntry> history_of(Tx& tx, const std::string& application_id);

void insert_decision(Tx& tx, const DecisionRecord& d);

// ---- repayment history --------------------------------------------------------------------------

void record_collection(Tx& tx, const Collection& c, TimePoint now);
void record_delinquency(Tx& tx, const Delinquency& d, TimePoint now);
void record_reversal(Tx& tx, const Reversal& r, TimePoint now);

// ---- vehicle usage --------------------------------------------------------------------------------

enum class UsageWrite { Inserted, Replaced, Stale };
// Stores one vehicle's day for its customer (usage.hpp): replaces what an earlier event said
// about that vehicle and day; Stale (nothing changed) when the stored figures come from a later
// event.
UsageWrite record_usage(Tx& tx, const DailyUsage& u, const std::string& event_id, TimePoint event_time,
                        TimePoint now);

struct UsageQuery {
  std::string customer_id;
  UsageWindow window;
};
// The stored days of each customer in its window, in the order asked, in one statement.
std::vector<std::vector<UsageDay>> usage_days(Tx& tx, const std::vector<UsageQuery>& queries);

}  // namespace credit_service::storage
