#pragma once
// Every SQL statement of the support service is in storage.cpp, always with parameters. Time
// crosses the boundary as int8 microseconds since the Unix epoch, so the injected clock decides.
#include <chrono>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/preferences.hpp"
#include "domain/templates.hpp"
#include "domain/ticket.hpp"

namespace support_service {

inline std::int64_t to_micros(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
inline TimePoint from_micros(std::int64_t us) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
}

struct Ticket {
  std::string id, customer_id, category;
  Priority priority = Priority::Normal;
  Status status = Status::Open;
  std::string subject, description;
  std::optional<std::string> plan_id, vehicle_id, assignee_id;
  std::string origin = "customer";
  std::optional<std::string> origin_key;
  SlaDue due{};
  std::optional<TimePoint> first_response_at, resolved_at, closed_at;
  bool first_response_breached = false, resolution_breached = false;
  std::optional<int> rating;
  TimePoint created_at{}, updated_at{};
};

struct Comment {
  std::string id, ticket_id, author_id, author_kind, body;
  bool internal = false;
  TimePoint created_at{};
};

struct Attachment {
  std::string id, ticket_id, uploaded_by, uploaded_by_kind, content_type, sha256;
  std::int64_t size_bytes = 0;
  TimePoint created_at{};
};

struct HistoryEntry {
  std::string actor, action;
  std::optional<std::string> old_value, new_value;
  TimePoint at{};
};

struct QueueFilter {
  std::optional<std::string> customer_id;  // a customer's own tickets
  std::optional<std::string> status, priority, category, assignee_id;
  std::optional<bool> breached;
  std::optional<TimePoint> created_from, created_to;
  std::optional<std::pair<TimePoint, std::string>> after;  // keyset: (created_at, id) of the last row seen
  int limit = 20;
};

struct Agent {
  std::string id;
  bool available = false;
  std::int64_t open_tickets = 0;
  std::optional<TimePoint> last_assigned_at;
  TimePoint updated_at{};
};

struct Notification {
  std::string id, user_id, event_id, kind, language, title, body;
  std::optional<TimePoint> read_at;
  TimePoint created_at{};
};

struct SmsMessage {
  std::string id, event_id, user_id, phone, body;
  std::optional<std::string> notification_id;
  int segments = 1;
  bool gsm7 = true, urgent = false;
  std::string status = "pending";
  int attempts = 0;
  TimePoint next_attempt_at{};
  std::optional<std::string> provider, provider_message_id, provider_status, failure_reason;
  std::optional<int> provider_status_code;
  TimePoint created_at{}, updated_at{};
};

namespace storage {

// ---- tickets ----
// Inserts a ticket. With an origin_key, a second insert of the same key does nothing and
// returns false.
bool insert_ticket(pqxx::transaction_base& tx, const Ticket& t);
std::optional<Ticket> find_ticket(pqxx::transaction_base& tx, const std::string& id);
std::optional<Ticket> lock_ticket(pqxx::transaction_base& tx, const std::string& id);
// The tickets an agent still works on (not resolved or closed), locked, oldest first.
std::vector<Ticket> lock_active_tickets_of(pqxx::transaction_base& tx, const std::string& agent_id);
void update_ticket(pqxx::transaction_base& tx, const Ticket& t);
std::vector<Ticket> list_tickets(pqxx::transaction_base& tx, const QueueFilter& f);
// Open tickets whose SLA has passed without its breach being recorded (locked, skip locked).
std::vector<Ticket> due_breaches(pqxx::transaction_base& tx, TimePoint now, int limit);

void insert_comment(pqxx::transaction_base& tx, const Comment& c);
std::vector<Comment> comments(pqxx::transaction_base& tx, const std::string& ticket_id, bool include_internal);
// ---- attachments ----
std::vector<Attachment> attachments(pqxx::transaction_base& tx, const std::string& ticket_id);
void insert_attachment(pqxx::transaction_base& tx, const Attachment& a, const std::string& bytes);
// One attachment of the ticket with its bytes; nullopt when the ticket has no such attachment.
std::optional<std::pair<Attachment, std::string>> attachment_bytes(pqxx::transaction_base& tx, const std::string& ticket_id,
                                                                   const std::string& id);

void add_history(pqxx::transaction_base& tx, const std::string& ticket_id, const HistoryEntry& h);
std::vector<HistoryEntry> history(pqxx::transaction_base& tx, const std::string& ticket_id);

// ---- agents ----
// Records whether the agent takes new tickets.
void set_agent_available(pqxx::transaction_base& tx, const std::string& agent_id, bool available, TimePoint now);
// Every registered agent with their open (not resolved or closed) tickets.
std::vector<Agent> agents(pqxx::transaction_base& tx);
std::optional<Agent> find_agent(pqxx::transaction_base& tx, const std::string& agent_id);
// The available agent with the fewest open tickets (ties: given a ticket longest ago, then by
// id), marked as given one at `now`; nullopt when no agent is available. Concurrent callers are
// serialised by a transaction-scoped advisory lock taken before the count, so two tickets
// opened at once do not both go to the same least-loaded agent.
std::optional<std::string> take_least_loaded_agent(pqxx::transaction_base& tx, TimePoint now);

// ---- templates edited by staff ----
struct TemplateOverride {
  Template tmpl;
  std::string updated_by;
  TimePoint updated_at{};
};
// Every edited template, or those of one kind.
std::vector<TemplateOverride> template_overrides(pqxx::transaction_base& tx, std::optional<std::string> kind = std::nullopt);
void save_template_override(pqxx::transaction_base& tx, const TemplateOverride& o);
// False when there was none.
bool delete_template_override(pqxx::transaction_base& tx, const std::string& kind, const std::string& language);

// ---- preferences ----
struct StoredPreferences {
  Preferences choices;
  std::optional<TimePoint> updated_at;  // nullopt: the user never chose (everything on)
};
StoredPreferences preferences(pqxx::transaction_base& tx, const std::string& user_id);
// The choices of those among `user_ids` who made any (the others have the defaults).
std::unordered_map<std::string, Preferences> preferences_of(pqxx::transaction_base& tx,
                                                            const std::vector<std::string>& user_ids);
// Changes only the choices given (nullopt: as they were, or the default for a user who never
// chose) in one statement, so two partial updates at once both take effect; returns the result.
StoredPreferences update_preferences(pqxx::transaction_base& tx, const std::string& user_id,
                                     std::optional<bool> marketing_in_app, std::optional<bool> marketing_sms,
                                     TimePoint now);

// ---- notifications ----
// Once per (event_id, user_id): false when it already exists.
bool insert_notification(pqxx::transaction_base& tx, const Notification& n);
// Inserts several in one statement; returns the ids of those inserted (one already made for its
// (event, user) is not).
std::vector<std::string> insert_notifications(pqxx::transaction_base& tx, const std::vector<Notification>& ns);
std::int64_t unread_count(pqxx::transaction_base& tx, const std::string& user_id);
// A page of the user's notifications, newest first (unread only if asked; after a cursor), and the
// count of all their unread ones, in one statement (one snapshot, one round trip).
std::pair<std::vector<Notification>, std::int64_t> inbox_page(pqxx::transaction_base& tx, const std::string& user_id,
                                                              bool unread_only,
                                                              std::optional<std::pair<TimePoint, std::string>> after,
                                                              int limit);
// Marks one of the user's notifications read; false when the user has no such notification.
bool mark_read(pqxx::transaction_base& tx, const std::string& user_id, const std::string& id, TimePoint now);
std::int64_t mark_all_read(pqxx::transaction_base& tx, const std::string& user_id, TimePoint now);

// ---- SMS ----
bool insert_sms(pqxx::transaction_base& tx, const SmsMessage& m);
// Inserts several in one statement (each once per (event, user)); returns how many were new.
std::size_t insert_sms_all(pqxx::transaction_base& tx, const std::vector<SmsMessage>& ms);
// Claims up to `limit` pending messages due at `now` (only urgent ones when `urgent_only`):
// status → sending, attempts + 1. Committed before the send, so no message is sent twice.
std::vector<SmsMessage> claim_sms(pqxx::transaction_base& tx, TimePoint now, bool urgent_only, int limit);
void sms_sent(pqxx::transaction_base& tx, const std::string& id, const std::string& provider,
              const std::string& message_id, int code, const std::string& status_text, TimePoint now);
void sms_retry(pqxx::transaction_base& tx, const std::string& id, TimePoint next, int code, const std::string& reason,
               TimePoint now);
// What one send attempt left to record: status "sent" (provider, message id, status text),
// "pending" (to try again at next_attempt_at) or "failed" (reason).
struct SmsOutcome {
  std::string id, status, provider;
  std::optional<std::string> message_id, status_text, reason;
  int code = 0;
  std::optional<TimePoint> next_attempt_at;
};
// Marks failed the messages still 'sending' since before `before` (their process stopped during
// the send, so whether they went out is unknown). Returns how many.
std::int64_t fail_stuck_sms(pqxx::transaction_base& tx, TimePoint before, TimePoint now);
// Records the outcomes of several sends in one statement, as sms_sent, sms_retry and sms_failed
// would one by one.
void record_sms_outcomes(pqxx::transaction_base& tx, const std::vector<SmsOutcome>& outcomes, TimePoint now);
void sms_failed(pqxx::transaction_base& tx, const std::string& id, const std::string& provider, int code,
                const std::string& reason, TimePoint now);
// A delivery report: changes only the message with this provider id and phone number.
bool sms_delivery_report(pqxx::transaction_base& tx, const std::string& message_id, const std::string& phone,
                         const std::string& status, const std::optional<std::string>& failure_reason, TimePoint now);
std::optional<SmsMessage> find_sms(pqxx::transaction_base& tx, const std::string& id);
std::vector<SmsMessage> sms_outbox(pqxx::transaction_base& tx, std::optional<std::string> user_id, int limit);

}  // namespace storage
}  // namespace support_service
