#include "storage/storage.hpp"

#include <boost/json.hpp>

namespace support_service::storage {

namespace {

// $n as a timestamptz from int8 microseconds, and a timestamptz column back as int8 microseconds.
std::string TS(int n) { return "('epoch'::timestamptz + $" + std::to_string(n) + "::int8 * interval '1 microsecond')"; }
std::string US(const std::string& col) { return "(extract(epoch FROM " + col + ") * 1000000)::int8"; }

template <typename T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}
std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_micros(f.as<std::int64_t>());
}
std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

const std::string kTicketColumns =
    "id::text, customer_id::text, category, priority, status, subject, description, plan_id::text, vehicle_id::text, "
    "assignee_id::text, origin, origin_key, " + US("first_response_due") + ", " + US("resolution_due") + ", " +
    US("first_response_at") + ", " + US("resolved_at") + ", " + US("closed_at") +
    ", first_response_breached, resolution_breached, rating, " + US("created_at") + ", " + US("updated_at");

Ticket read_ticket(const pqxx::row& r) {
  Ticket t;
  t.id = r[0].as<std::string>();
  t.customer_id = r[1].as<std::string>();
  t.category = r[2].as<std::string>();
  t.priority = priority_from(r[3].as<std::string>()).value_or(Priority::Normal);
  t.status = status_from(r[4].as<std::string>()).value_or(Status::Open);
  t.subject = r[5].as<std::string>();
  t.description = r[6].as<std::string>();
  t.plan_id = opt<std::string>(r[7]);
  t.vehicle_id = opt<std::string>(r[8]);
  t.assignee_id = opt<std::string>(r[9]);
  t.origin = r[10].as<std::string>();
  t.origin_key = opt<std::string>(r[11]);
  t.due.first_response = from_micros(r[12].as<std::int64_t>());
  t.due.resolution = from_micros(r[13].as<std::int64_t>());
  t.first_response_at = opt_time(r[14]);
  t.resolved_at = opt_time(r[15]);
  t.closed_at = opt_time(r[16]);
  t.first_response_breached = r[17].as<bool>();
  t.resolution_breached = r[18].as<bool>();
  t.rating = opt<int>(r[19]);
  t.created_at = from_micros(r[20].as<std::int64_t>());
  t.updated_at = from_micros(r[21].as<std::int64_t>());
  return t;
}

const std::string kNotificationColumns =
    "id::text, user_id::text, event_id, kind, language, title, body, " + US("read_at") + ", " + US("created_at");

Notification read_notification(const pqxx::row& r) {
  Notification n;
  n.id = r[0].as<std::string>();
  n.user_id = r[1].as<std::string>();
  n.event_id = r[2].as<std::string>();
  n.kind = r[3].as<std::string>();
  n.language = r[4].as<std::string>();
  n.title = r[5].as<std::string>();
  n.body = r[6].as<std::string>();
  n.read_at = opt_time(r[7]);
  n.created_at = from_micros(r[8].as<std::int64_t>());
  return n;
}

const std::string kSmsColumns =
    "id::text, event_id, user_id::text, notification_id::text, phone, body, segments, gsm7, urgent, status, attempts, " +
    US("next_attempt_at") + ", provider, provider_message_id, provider_status, provider_status_code, failure_reason, " +
    US("created_at") + ", " + US("updated_at");

SmsMessage read_sms(const pqxx::row& r) {
  SmsMessage m;
  m.id = r[0].as<std::string>();
  m.event_id = r[1].as<std::string>();
  m.user_id = r[2].as<std::string>();
  m.notification_id = opt<std::string>(r[3]);
  m.phone = r[4].as<std::string>();
  m.body = r[5].as<std::string>();
  m.segments = r[6].as<int>();
  m.gsm7 = r[7].as<bool>();
  m.urgent = r[8].as<bool>();
  m.status = r[9].as<std::string>();
  m.attempts = r[10].as<int>();
  m.next_attempt_at = from_micros(r[11].as<std::int64_t>());
  m.provider = opt<std::string>(r[12]);
  m.provider_message_id = opt<std::string>(r[13]);
  m.provider_status = opt<std::string>(r[14]);
  m.provider_status_code = opt<int>(r[15]);
  m.failure_reason = opt<std::string>(r[16]);
  m.created_at = from_micros(r[17].as<std::int64_t>());
  m.updated_at = from_micros(r[18].as<std::int64_t>());
  return m;
}

}  // namespace

// ---- tickets ------------------------------------------------------------------------------------

bool insert_ticket(pqxx::transaction_base& tx, const Ticket& t) {
  static const std::string sql =
      "INSERT INTO tickets (id, customer_id, category, priority, status, subject, description, plan_id, vehicle_id, "
      "assignee_id, origin, origin_key, first_response_due, resolution_due, created_at, updated_at) VALUES "
      "($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::uuid, $9::uuid, $10::uuid, $11, $12, " + TS(13) + ", " + TS(14) +
      ", " + TS(15) + ", " + TS(15) + ") ON CONFLICT (origin_key) DO NOTHING";
  auto r = tx.exec_params(sql, t.id, t.customer_id, t.category, std::string(to_string(t.priority)),
                          std::string(to_string(t.status)), t.subject, t.description, t.plan_id, t.vehicle_id,
                          t.assignee_id, t.origin, t.origin_key, to_micros(t.due.first_response),
                          to_micros(t.due.resolution), to_micros(t.created_at));
  return r.affected_rows() == 1;
}

std::optional<Ticket> find_ticket(pqxx::transaction_base& tx, const std::string& id) {
  static const std::string sql = "SELECT " + kTicketColumns + " FROM tickets WHERE id = $1::uuid";
  auto r = tx.exec_params(sql, id);
  if (r.empty()) return std::nullopt;
  return read_ticket(r[0]);
}

std::vector<Ticket> lock_active_tickets_of(pqxx::transaction_base& tx, const std::string& agent_id) {
  static const std::string sql = "SELECT " + kTicketColumns +
                                 " FROM tickets WHERE assignee_id = $1::uuid AND status NOT IN ('resolved', 'closed') "
                                 "ORDER BY created_at, id FOR UPDATE";
  std::vector<Ticket> out;
  for (const auto& r : tx.exec_params(sql, agent_id)) out.push_back(read_ticket(r));
  return out;
}

std::optional<Ticket> lock_ticket(pqxx::transaction_base& tx, const std::string& id) {
  static const std::string sql = "SELECT " + kTicketColumns + " FROM tickets WHERE id = $1::uuid FOR UPDATE";
  auto r = tx.exec_params(sql, id);
  if (r.empty()) return std::nullopt;
  return read_ticket(r[0]);
}

void update_ticket(pqxx::transaction_base& tx, const Ticket& t) {
  static const std::string sql =
      "UPDATE tickets SET status = $2, priority = $3, assignee_id = $4::uuid, first_response_at = " + TS(5) +
      ", resolved_at = " + TS(6) + ", closed_at = " + TS(7) +
      ", first_response_breached = $8, resolution_breached = $9, rating = $10, updated_at = " + TS(11) +
      " WHERE id = $1::uuid";
  tx.exec_params(sql, t.id, std::string(to_string(t.status)), std::string(to_string(t.priority)), t.assignee_id,
                 micros(t.first_response_at), micros(t.resolved_at), micros(t.closed_at), t.first_response_breached,
                 t.resolution_breached, t.rating, to_micros(t.updated_at));
}

std::vector<Ticket> list_tickets(pqxx::transaction_base& tx, const QueueFilter& f) {
  // Every filter is a parameter that is either NULL (no filter) or compared; one statement.
  static const std::string sql =
      "SELECT " + kTicketColumns + " FROM tickets WHERE "
      "($1::uuid IS NULL OR customer_id = $1::uuid) AND ($2::text IS NULL OR status = $2) AND "
      "($3::text IS NULL OR priority = $3) AND ($4::text IS NULL OR category = $4) AND "
      "($5::uuid IS NULL OR assignee_id = $5::uuid) AND "
      "($6::bool IS NULL OR (first_response_breached OR resolution_breached) = $6) AND "
      "($7::int8 IS NULL OR created_at >= " + TS(7) + ") AND ($8::int8 IS NULL OR created_at < " + TS(8) + ") AND "
      "($9::int8 IS NULL OR (created_at, id) < (" + TS(9) + ", $10::uuid)) "
      "ORDER BY created_at DESC, id DESC LIMIT $11";
  std::optional<std::int64_t> after_at;
  std::optional<std::string> after_id;
  if (f.after) {
    after_at = to_micros(f.after->first);
    after_id = f.after->second;
  }
  auto r = tx.exec_params(sql, f.customer_id, f.status, f.priority, f.category, f.assignee_id, f.breached,
                          micros(f.created_from), micros(f.created_to), after_at, after_id, f.limit);
  std::vector<Ticket> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_ticket(row));
  return out;
}

std::vector<Ticket> due_breaches(pqxx::transaction_base& tx, TimePoint now, int limit) {
  static const std::string sql =
      "SELECT " + kTicketColumns + " FROM tickets WHERE status NOT IN ('resolved', 'closed') AND ("
      "(NOT first_response_breached AND first_response_at IS NULL AND first_response_due < " + TS(1) + ") OR "
      "(NOT resolution_breached AND resolution_due < " + TS(1) + ")) "
      "ORDER BY resolution_due LIMIT $2 FOR UPDATE SKIP LOCKED";
  auto r = tx.exec_params(sql, to_micros(now), limit);
  std::vector<Ticket> out;
  for (const auto& row : r) out.push_back(read_ticket(row));
  return out;
}

void insert_comment(pqxx::transaction_base& tx, const Comment& c) {
  static const std::string sql =
      "INSERT INTO ticket_comments (id, ticket_id, author_id, author_kind, body, internal, created_at) VALUES "
      "($1::uuid, $2::uuid, $3, $4, $5, $6, " + TS(7) + ")";
  tx.exec_params(sql, c.id, c.ticket_id, c.author_id, c.author_kind, c.body, c.internal, to_micros(c.created_at));
}

std::vector<Comment> comments(pqxx::transaction_base& tx, const std::string& ticket_id, bool include_internal) {
  static const std::string sql =
      "SELECT id::text, ticket_id::text, author_id, author_kind, body, internal, " + US("created_at") +
      " FROM ticket_comments WHERE ticket_id = $1::uuid AND ($2 OR NOT internal) ORDER BY created_at, id";
  auto r = tx.exec_params(sql, ticket_id, include_internal);
  std::vector<Comment> out;
  for (const auto& row : r)
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<bool>(),
                   from_micros(row[6].as<std::int64_t>())});
  return out;
}

// ---- attachments --------------------------------------------------------------------------------

namespace {
const std::string kAttachmentColumns = "id::text, ticket_id::text, uploaded_by, uploaded_by_kind, content_type, sha256, "
                                       "size_bytes, " + US("created_at");
Attachment read_attachment(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
          r[4].as<std::string>(), r[5].as<std::string>(), r[6].as<std::int64_t>(), from_micros(r[7].as<std::int64_t>())};
}
}  // namespace

std::vector<Attachment> attachments(pqxx::transaction_base& tx, const std::string& ticket_id) {
  static const std::string sql = "SELECT " + kAttachmentColumns +
                                 " FROM ticket_attachments WHERE ticket_id = $1::uuid ORDER BY created_at, id";
  std::vector<Attachment> out;
  for (const auto& row : tx.exec_params(sql, ticket_id)) out.push_back(read_attachment(row));
  return out;
}

void insert_attachment(pqxx::transaction_base& tx, const Attachment& a, const std::string& bytes) {
  static const std::string sql =
      "INSERT INTO ticket_attachments (id, ticket_id, uploaded_by, uploaded_by_kind, content_type, size_bytes, sha256, "
      "bytes, created_at) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, " + TS(9) + ")";
  tx.exec_params(sql, a.id, a.ticket_id, a.uploaded_by, a.uploaded_by_kind, a.content_type, a.size_bytes, a.sha256,
                 pqxx::binarystring(bytes), to_micros(a.created_at));
}

std::optional<std::pair<Attachment, std::string>> attachment_bytes(pqxx::transaction_base& tx, const std::string& ticket_id,
                                                                   const std::string& id) {
  static const std::string sql = "SELECT " + kAttachmentColumns +
                                 ", bytes FROM ticket_attachments WHERE ticket_id = $1::uuid AND id = $2::uuid";
  auto r = tx.exec_params(sql, ticket_id, id);
  if (r.empty()) return std::nullopt;
  return std::pair{read_attachment(r[0]), pqxx::binarystring(r[0][8]).str()};
}

void add_history(pqxx::transaction_base& tx, const std::string& ticket_id, const HistoryEntry& h) {
  static const std::string sql =
      "INSERT INTO ticket_history (ticket_id, actor, action, old_value, new_value, at) VALUES "
      "($1::uuid, $2, $3, $4, $5, " + TS(6) + ")";
  tx.exec_params(sql, ticket_id, h.actor, h.action, h.old_value, h.new_value, to_micros(h.at));
}

std::vector<HistoryEntry> history(pqxx::transaction_base& tx, const std::string& ticket_id) {
  static const std::string sql = "SELECT actor, action, old_value, new_value, " + US("at") +
                                 " FROM ticket_history WHERE ticket_id = $1::uuid ORDER BY id";
  auto r = tx.exec_params(sql, ticket_id);
  std::vector<HistoryEntry> out;
  for (const auto& row : r)
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), opt<std::string>(row[2]),
                   opt<std::string>(row[3]), from_micros(row[4].as<std::int64_t>())});
  return out;
}

// ---- agents -------------------------------------------------------------------------------------

namespace {
const std::string kAgentSelect =
    "SELECT a.agent_id::text, a.available, (SELECT count(*) FROM tickets t WHERE t.assignee_id = a.agent_id AND "
    "t.status NOT IN ('resolved', 'closed')), " + US("a.last_assigned_at") + ", " + US("a.updated_at") +
    " FROM support_agents a ";
Agent read_agent(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<bool>(), r[2].as<std::int64_t>(), opt_time(r[3]),
          from_micros(r[4].as<std::int64_t>())};
}
}  // namespace

void set_agent_available(pqxx::transaction_base& tx, const std::string& agent_id, bool available, TimePoint now) {
  static const std::string sql =
      "INSERT INTO support_agents (agent_id, available, updated_at) VALUES ($1::uuid, $2, " + TS(3) +
      ") ON CONFLICT (agent_id) DO UPDATE SET available = EXCLUDED.available, updated_at = EXCLUDED.updated_at";
  tx.exec_params(sql, agent_id, available, to_micros(now));
}

std::vector<Agent> agents(pqxx::transaction_base& tx) {
  static const std::string sql = kAgentSelect + "ORDER BY a.available DESC, a.agent_id LIMIT 500";
  std::vector<Agent> out;
  for (const auto& row : tx.exec(sql)) out.push_back(read_agent(row));
  return out;
}

std::optional<Agent> find_agent(pqxx::transaction_base& tx, const std::string& agent_id) {
  static const std::string sql = kAgentSelect + "WHERE a.agent_id = $1::uuid";
  auto r = tx.exec_params(sql, agent_id);
  if (r.empty()) return std::nullopt;
  return read_agent(r[0]);
}

std::optional<std::string> take_least_loaded_agent(pqxx::transaction_base& tx, TimePoint now) {
  // A statement of its own: the count below then sees every ticket committed while we waited.
  tx.exec("SELECT pg_advisory_xact_lock(hashtext('support-service.auto-assign'))");
  static const std::string sql =
      "UPDATE support_agents SET last_assigned_at = " + TS(1) + " WHERE agent_id = ("
      "SELECT a.agent_id FROM support_agents a WHERE a.available ORDER BY "
      "(SELECT count(*) FROM tickets t WHERE t.assignee_id = a.agent_id AND t.status NOT IN ('resolved', 'closed')), "
      "a.last_assigned_at NULLS FIRST, a.agent_id LIMIT 1) RETURNING agent_id::text";
  auto r = tx.exec_params(sql, to_micros(now));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

// ---- templates edited by staff -----------------------------------------------------------------

std::vector<TemplateOverride> template_overrides(pqxx::transaction_base& tx, std::optional<std::string> kind) {
  static const std::string sql = "SELECT kind, language, title, text, updated_by, " + US("updated_at") +
                                 " FROM template_overrides WHERE ($1::text IS NULL OR kind = $1) ORDER BY kind, language";
  std::vector<TemplateOverride> out;
  for (const auto& row : tx.exec_params(sql, kind))
    out.push_back({{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>()},
                   row[4].as<std::string>(),
                   from_micros(row[5].as<std::int64_t>())});
  return out;
}

void save_template_override(pqxx::transaction_base& tx, const TemplateOverride& o) {
  static const std::string sql =
      "INSERT INTO template_overrides (kind, language, title, text, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, " +
      TS(6) + ") ON CONFLICT (kind, language) DO UPDATE SET title = EXCLUDED.title, text = EXCLUDED.text, "
      "updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at";
  tx.exec_params(sql, o.tmpl.kind, o.tmpl.language, o.tmpl.title, o.tmpl.text, o.updated_by, to_micros(o.updated_at));
}

bool delete_template_override(pqxx::transaction_base& tx, const std::string& kind, const std::string& language) {
  return tx.exec_params("DELETE FROM template_overrides WHERE kind = $1 AND language = $2", kind, language)
             .affected_rows() == 1;
}

// ---- preferences --------------------------------------------------------------------------------

StoredPreferences preferences(pqxx::transaction_base& tx, const std::string& user_id) {
  static const std::string sql = "SELECT marketing_in_app, marketing_sms, " + US("updated_at") +
                                 " FROM notification_preferences WHERE user_id = $1::uuid";
  auto r = tx.exec_params(sql, user_id);
  if (r.empty()) return {};
  return {{r[0][0].as<bool>(), r[0][1].as<bool>()}, from_micros(r[0][2].as<std::int64_t>())};
}

std::unordered_map<std::string, Preferences> preferences_of(pqxx::transaction_base& tx,
                                                            const std::vector<std::string>& user_ids) {
  std::unordered_map<std::string, Preferences> out;
  if (user_ids.empty()) return out;
  boost::json::array ids;
  ids.reserve(user_ids.size());
  for (const auto& id : user_ids) ids.emplace_back(id);
  auto r = tx.exec_params(
      "SELECT user_id::text, marketing_in_app, marketing_sms FROM notification_preferences "
      "WHERE user_id IN (SELECT value::uuid FROM jsonb_array_elements_text($1::jsonb))",
      boost::json::serialize(ids));
  for (const auto& row : r) out.emplace(row[0].as<std::string>(), Preferences{row[1].as<bool>(), row[2].as<bool>()});
  return out;
}

StoredPreferences update_preferences(pqxx::transaction_base& tx, const std::string& user_id,
                                     std::optional<bool> marketing_in_app, std::optional<bool> marketing_sms,
                                     TimePoint now) {
  static const std::string sql =
      "INSERT INTO notification_preferences AS p (user_id, marketing_in_app, marketing_sms, updated_at) VALUES "
      "($1::uuid, COALESCE($2::boolean, $5::boolean), COALESCE($3::boolean, $6::boolean), " + TS(4) + ") ON CONFLICT "
      "(user_id) DO UPDATE SET "
      "marketing_in_app = COALESCE($2::boolean, p.marketing_in_app), marketing_sms = COALESCE($3::boolean, p.marketing_sms), "
      "updated_at = EXCLUDED.updated_at RETURNING marketing_in_app, marketing_sms, " + US("updated_at");
  const Preferences defaults;
  auto r = tx.exec_params1(sql, user_id, marketing_in_app, marketing_sms, to_micros(now), defaults.marketing_in_app,
                           defaults.marketing_sms);
  return {{r[0].as<bool>(), r[1].as<bool>()}, from_micros(r[2].as<std::int64_t>())};
}

// ---- notifications ------------------------------------------------------------------------------

bool insert_notification(pqxx::transaction_base& tx, const Notification& n) {
  static const std::string sql =
      "INSERT INTO notifications (id, user_id, event_id, kind, language, title, body, created_at) VALUES "
      "($1::uuid, $2::uuid, $3, $4, $5, $6, $7, " + TS(8) + ") ON CONFLICT (event_id, user_id) DO NOTHING";
  auto r = tx.exec_params(sql, n.id, n.user_id, n.event_id, n.kind, n.language, n.title, n.body, to_micros(n.created_at));
  return r.affected_rows() == 1;
}

std::vector<std::string> insert_notifications(pqxx::transaction_base& tx, const std::vector<Notification>& ns) {
  std::vector<std::string> out;
  if (ns.empty()) return out;
  boost::json::array rows;
  rows.reserve(ns.size());
  for (const auto& n : ns)
    rows.push_back(boost::json::object{{"id", n.id},
                                       {"user_id", n.user_id},
                                       {"event_id", n.event_id},
                                       {"kind", n.kind},
                                       {"language", n.language},
                                       {"title", n.title},
                                       {"body", n.body},
                                       {"created_us", to_micros(n.created_at)}});
  auto r = tx.exec_params(
      "INSERT INTO notifications (id, user_id, event_id, kind, language, title, body, created_at) "
      "SELECT r.id, r.user_id, r.event_id, r.kind, r.language, r.title, r.body, "
      "'epoch'::timestamptz + r.created_us * interval '1 microsecond' "
      "FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, user_id uuid, event_id text, kind text, language text, "
      "title text, body text, created_us int8) "
      "ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id::text",
      boost::json::serialize(rows));
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(row[0].as<std::string>());
  return out;
}

std::pair<std::vector<Notification>, std::int64_t> inbox_page(pqxx::transaction_base& tx, const std::string& user_id,
                                                              bool unread_only,
                                                              std::optional<std::pair<TimePoint, std::string>> after,
                                                              int limit) {
  // The count row is always there; the page's columns are NULL when the page is empty.
  static const std::string sql =
      "WITH page AS (SELECT " + kNotificationColumns + ", created_at AS at_, id AS id_ FROM notifications "
      "WHERE user_id = $1::uuid AND (NOT $2 OR read_at IS NULL) "
      "AND ($3::int8 IS NULL OR (created_at, id) < (" + TS(3) + ", $4::uuid)) ORDER BY created_at DESC, id DESC LIMIT $5) "
      "SELECT page.*, c.unread FROM (SELECT count(*) AS unread FROM notifications WHERE user_id = $1::uuid AND read_at IS NULL) c "
      "LEFT JOIN page ON true ORDER BY page.at_ DESC, page.id_ DESC";
  std::optional<std::int64_t> after_at;
  std::optional<std::string> after_id;
  if (after) {
    after_at = to_micros(after->first);
    after_id = after->second;
  }
  auto r = tx.exec_params(sql, user_id, unread_only, after_at, after_id, limit);
  std::pair<std::vector<Notification>, std::int64_t> out;
  out.first.reserve(r.size());
  for (const auto& row : r) {
    out.second = row[11].as<std::int64_t>();
    if (!row[0].is_null()) out.first.push_back(read_notification(row));
  }
  return out;
}

std::int64_t unread_count(pqxx::transaction_base& tx, const std::string& user_id) {
  auto r = tx.exec_params("SELECT count(*) FROM notifications WHERE user_id = $1::uuid AND read_at IS NULL", user_id);
  return r[0][0].as<std::int64_t>();
}

bool mark_read(pqxx::transaction_base& tx, const std::string& user_id, const std::string& id, TimePoint now) {
  static const std::string sql = "UPDATE notifications SET read_at = coalesce(read_at, " + TS(3) +
                                 ") WHERE id = $1::uuid AND user_id = $2::uuid";
  return tx.exec_params(sql, id, user_id, to_micros(now)).affected_rows() == 1;
}

std::int64_t mark_all_read(pqxx::transaction_base& tx, const std::string& user_id, TimePoint now) {
  static const std::string sql =
      "UPDATE notifications SET read_at = " + TS(2) + " WHERE user_id = $1::uuid AND read_at IS NULL";
  return static_cast<std::int64_t>(tx.exec_params(sql, user_id, to_micros(now)).affected_rows());
}

// ---- SMS ----------------------------------------------------------------------------------------

bool insert_sms(pqxx::transaction_base& tx, const SmsMessage& m) {
  static const std::string sql =
      "INSERT INTO sms_messages (id, event_id, user_id, notification_id, phone, body, segments, gsm7, urgent, status, "
      "next_attempt_at, created_at, updated_at) VALUES ($1::uuid, $2, $3::uuid, $4::uuid, $5, $6, $7, $8, $9, 'pending', " +
      TS(10) + ", " + TS(11) + ", " + TS(11) + ") ON CONFLICT (event_id, user_id) DO NOTHING";
  auto r = tx.exec_params(sql, m.id, m.event_id, m.user_id, m.notification_id, m.phone, m.body, m.segments, m.gsm7,
                          m.urgent, to_micros(m.next_attempt_at), to_micros(m.created_at));
  return r.affected_rows() == 1;
}

std::size_t insert_sms_all(pqxx::transaction_base& tx, const std::vector<SmsMessage>& ms) {
  if (ms.empty()) return 0;
  boost::json::array rows;
  rows.reserve(ms.size());
  for (const auto& m : ms)
    rows.push_back(boost::json::object{
        {"id", m.id},
        {"event_id", m.event_id},
        {"user_id", m.user_id},
        {"notification_id", m.notification_id ? boost::json::value(*m.notification_id) : boost::json::value(nullptr)},
        {"phone", m.phone},
        {"body", m.body},
        {"segments", m.segments},
        {"gsm7", m.gsm7},
        {"urgent", m.urgent},
        {"next_us", to_micros(m.next_attempt_at)},
        {"created_us", to_micros(m.created_at)}});
  auto r = tx.exec_params(
      "INSERT INTO sms_messages (id, event_id, user_id, notification_id, phone, body, segments, gsm7, urgent, status, "
      "next_attempt_at, created_at, updated_at) "
      "SELECT r.id, r.event_id, r.user_id, r.notification_id, r.phone, r.body, r.segments, r.gsm7, r.urgent, 'pending', "
      "'epoch'::timestamptz + r.next_us * interval '1 microsecond', "
      "'epoch'::timestamptz + r.created_us * interval '1 microsecond', "
      "'epoch'::timestamptz + r.created_us * interval '1 microsecond' "
      "FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, event_id text, user_id uuid, notification_id uuid, phone text, "
      "body text, segments int, gsm7 boolean, urgent boolean, next_us int8, created_us int8) "
      "ON CONFLICT (event_id, user_id) DO NOTHING",
      boost::json::serialize(rows));
  return static_cast<std::size_t>(r.affected_rows());
}

std::int64_t fail_stuck_sms(pqxx::transaction_base& tx, TimePoint before, TimePoint now) {
  static const std::string sql =
      "UPDATE sms_messages SET status = 'failed', failure_reason = 'outcome unknown: the service stopped during the send', "
      "updated_at = " + TS(2) + " WHERE status = 'sending' AND updated_at < " + TS(1);
  return static_cast<std::int64_t>(tx.exec_params(sql, to_micros(before), to_micros(now)).affected_rows());
}

void record_sms_outcomes(pqxx::transaction_base& tx, const std::vector<SmsOutcome>& outcomes, TimePoint now) {
  if (outcomes.empty()) return;
  auto opt = [](const std::optional<std::string>& s) { return s ? boost::json::value(*s) : boost::json::value(nullptr); };
  boost::json::array rows;
  rows.reserve(outcomes.size());
  for (const auto& o : outcomes)
    rows.push_back(boost::json::object{
        {"id", o.id},
        {"status", o.status},
        {"provider", o.provider},
        {"message_id", opt(o.message_id)},
        {"code", o.code},
        {"status_text", opt(o.status_text)},
        {"reason", opt(o.reason)},
        {"next_us", o.next_attempt_at ? boost::json::value(to_micros(*o.next_attempt_at)) : boost::json::value(nullptr)}});
  // As sms_sent / sms_retry / sms_failed: a retry keeps the provider fields it had.
  static const std::string sql =
      "UPDATE sms_messages s SET status = r.status, "
      "provider = CASE WHEN r.status = 'pending' THEN s.provider ELSE r.provider END, "
      "provider_message_id = CASE WHEN r.status = 'sent' THEN r.message_id ELSE s.provider_message_id END, "
      "provider_status = CASE WHEN r.status = 'sent' THEN r.status_text ELSE s.provider_status END, "
      "provider_status_code = r.code, "
      "failure_reason = CASE WHEN r.status = 'sent' THEN NULL ELSE r.reason END, "
      "next_attempt_at = COALESCE('epoch'::timestamptz + r.next_us * interval '1 microsecond', s.next_attempt_at), "
      "updated_at = " + TS(2) +
      " FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, status text, provider text, message_id text, code int, "
      "status_text text, reason text, next_us int8) WHERE s.id = r.id";
  tx.exec_params(sql, boost::json::serialize(rows), to_micros(now));
}

std::vector<SmsMessage> claim_sms(pqxx::transaction_base& tx, TimePoint now, bool urgent_only, int limit) {
  static const std::string sql =
      "UPDATE sms_messages SET status = 'sending', attempts = attempts + 1, updated_at = " + TS(1) +
      " WHERE id IN (SELECT id FROM sms_messages WHERE status = 'pending' AND next_attempt_at <= " + TS(1) +
      " AND (urgent OR NOT $2) ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + kSmsColumns;
  auto r = tx.exec_params(sql, to_micros(now), urgent_only, limit);
  std::vector<SmsMessage> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(read_sms(row));
  return out;
}

void sms_sent(pqxx::transaction_base& tx, const std::string& id, const std::string& provider,
              const std::string& message_id, int code, const std::string& status_text, TimePoint now) {
  static const std::string sql =
      "UPDATE sms_messages SET status = 'sent', provider = $2, provider_message_id = $3, provider_status_code = $4, "
      "provider_status = $5, failure_reason = NULL, updated_at = " + TS(6) + " WHERE id = $1::uuid";
  tx.exec_params(sql, id, provider, message_id, code, status_text, to_micros(now));
}

void sms_retry(pqxx::transaction_base& tx, const std::string& id, TimePoint next, int code, const std::string& reason,
               TimePoint now) {
  static const std::string sql =
      "UPDATE sms_messages SET status = 'pending', next_attempt_at = " + TS(2) +
      ", provider_status_code = $3, failure_reason = $4, updated_at = " + TS(5) + " WHERE id = $1::uuid";
  tx.exec_params(sql, id, to_micros(next), code, reason, to_micros(now));
}

void sms_failed(pqxx::transaction_base& tx, const std::string& id, const std::string& provider, int code,
                const std::string& reason, TimePoint now) {
  static const std::string sql =
      "UPDATE sms_messages SET status = 'failed', provider = $2, provider_status_code = $3, failure_reason = $4, "
      "updated_at = " + TS(5) + " WHERE id = $1::uuid";
  tx.exec_params(sql, id, provider, code, reason, to_micros(now));
}

bool sms_delivery_report(pqxx::transaction_base& tx, const std::string& message_id, const std::string& phone,
                         const std::string& status, const std::optional<std::string>& failure_reason, TimePoint now) {
  static const std::string sql =
      "UPDATE sms_messages SET provider_status = $3, "
      "status = CASE WHEN $3 = 'Success' THEN 'delivered' WHEN $3 IN ('Failed', 'Rejected') THEN 'failed' ELSE status END, "
      "failure_reason = coalesce($4, failure_reason), updated_at = " + TS(5) +
      " WHERE provider_message_id = $1 AND phone = $2 AND status IN ('sent', 'delivered', 'failed')";
  return tx.exec_params(sql, message_id, phone, status, failure_reason, to_micros(now)).affected_rows() == 1;
}

std::optional<SmsMessage> find_sms(pqxx::transaction_base& tx, const std::string& id) {
  static const std::string sql = "SELECT " + kSmsColumns + " FROM sms_messages WHERE id = $1::uuid";
  auto r = tx.exec_params(sql, id);
  if (r.empty()) return std::nullopt;
  return read_sms(r[0]);
}

std::vector<SmsMessage> sms_outbox(pqxx::transaction_base& tx, std::optional<std::string> user_id, int limit) {
  static const std::string sql = "SELECT " + kSmsColumns +
                                 " FROM sms_messages WHERE ($1::uuid IS NULL OR user_id = $1::uuid) "
                                 "ORDER BY created_at DESC, id DESC LIMIT $2";
  auto r = tx.exec_params(sql, user_id, limit);
  std::vector<SmsMessage> out;
  for (const auto& row : r) out.push_back(read_sms(row));
  return out;
}

}  // namespace support_service::storage
