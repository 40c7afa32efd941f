#pragma once
// Applications and decisions as stored, and their JSON views: the customer's, staff's (with the
// officer's note, the full audit record and the customer's vehicle usage) and the internal one for
// the payment service. Also the review queue's page parameters and opaque keyset cursor.
#include <boost/json.hpp>
#include <rto/paging.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/time.hpp"
#include "domain/usage.hpp"

namespace credit_service {

struct DecisionRecord {
  std::string id;
  std::string application_id;
  std::string kind;      // automatic | officer
  std::string decision;  // approved | declined | referred
  int model_version = 0;
  int score = 0;
  std::string grade;
  boost::json::array reasons;
  boost::json::value terms;  // object or null
  boost::json::object breakdown;  // the audit record (policy.hpp audit_json)
  std::optional<std::string> officer_id;
  std::optional<std::string> note;
  TimePoint created_at{};
  std::optional<TimePoint> expires_at;
};

struct ApplicationRecord {
  std::string id;
  std::string customer_id;
  std::string vehicle_id;
  std::string template_id;
  std::string status;
  std::string currency;
  boost::json::object answers;
  boost::json::object contacts;
  boost::json::object instalment;
  boost::json::object vehicle;
  int applicant_age = 0;
  std::optional<std::string> note;
  std::optional<std::string> decision_id;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> decided_at;
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> withdrawn_at;
  std::optional<DecisionRecord> decision;  // the one in force
  std::optional<std::string> plan_id;      // the payment plan an approval was used for
  std::optional<TimePoint> used_at;
};

struct HistoryEntry {
  std::optional<std::string> from;
  std::string to;
  std::string actor;  // customer | scorecard | officer | system
  std::optional<std::string> actor_id;
  std::optional<std::string> note;
  TimePoint at{};
};

boost::json::object decision_json(const DecisionRecord& d, bool staff);
// `history` and `usage` (the customer's vehicle usage before the application; `usage: null` when
// there is none) are shown to staff only, and only when given.
boost::json::object application_json(const ApplicationRecord& a, bool staff,
                                     const std::vector<HistoryEntry>* history = nullptr,
                                     const std::optional<UsageSummary>* usage = nullptr);

// An approval the payment service may act on: approved, in force, not expired or withdrawn.
bool decision_valid(const ApplicationRecord& a, const DecisionRecord& d, TimePoint now);
// GET /internal/credit/decisions/{id}
boost::json::object internal_decision_json(const ApplicationRecord& a, const DecisionRecord& d, TimePoint now);

using PageCursor = rto::paging::TimeCursor;
inline std::string encode_cursor(const PageCursor& c) { return rto::paging::encode(c); }
inline std::optional<PageCursor> decode_cursor(std::string_view text) { return rto::paging::decode(text); }

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
struct PageQuery {
  int limit = kDefaultPageSize;
  std::optional<PageCursor> after;
};
// limit (1..100) and cursor; throws rto::Error (400) naming each bad parameter.
PageQuery parse_page_query(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace credit_service
