#include "domain/views.hpp"

#include <charconv>
#include <rto/clock.hpp>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>

namespace credit_service {
namespace js = boost::json;

namespace {
js::value time_or_null(const std::optional<TimePoint>& t) {
  return t ? js::value(rto::to_rfc3339(*t)) : js::value(nullptr);
}
js::value text_or_null(const std::optional<std::string>& s) { return s ? js::value(*s) : js::value(nullptr); }
js::value member_or(const js::object& o, std::string_view key, js::value def) {
  const auto* v = o.if_contains(key);
  return v ? *v : def;
}
}  // namespace

js::object decision_json(const DecisionRecord& d, bool staff) {
  js::object o{{"id", d.id},
               {"kind", d.kind},
               {"decision", d.decision},
               {"score", d.score},
               {"grade", d.grade},
               {"model_version", d.model_version},
               {"reasons", d.reasons},
               {"terms", d.terms},
               {"expires_at", time_or_null(d.expires_at)},
               {"decided_at", rto::to_rfc3339(d.created_at)},
               {"breakdown", member_or(d.breakdown, "factors", js::array{})},
               {"hard_rules", member_or(d.breakdown, "hard_rules", js::array{})}};
  if (staff) {
    o["officer_id"] = text_or_null(d.officer_id);
    o["note"] = text_or_null(d.note);
    o["suggested_terms"] = member_or(d.breakdown, "suggested_terms", nullptr);
    o["audit"] = d.breakdown;
  }
  return o;
}

js::object application_json(const ApplicationRecord& a, bool staff, const std::vector<HistoryEntry>* history,
                            const std::optional<UsageSummary>* usage) {
  js::object o;
  o.reserve(32);
  o["id"] = a.id;
  o["customer_id"] = a.customer_id;
  o["status"] = a.status;
  o["vehicle_id"] = a.vehicle_id;
  o["template_id"] = a.template_id;
  for (const auto& kv : a.answers) o[kv.key()] = kv.value();
  o["guarantor"] = member_or(a.contacts, "guarantor", nullptr);
  o["references"] = member_or(a.contacts, "references", js::array{});
  o["instalment"] = a.instalment;
  o["vehicle"] = a.vehicle;
  o["note"] = text_or_null(a.note);
  o["decision"] = a.decision ? js::value(decision_json(*a.decision, staff)) : js::value(nullptr);
  o["created_at"] = rto::to_rfc3339(a.created_at);
  o["updated_at"] = rto::to_rfc3339(a.updated_at);
  o["decided_at"] = time_or_null(a.decided_at);
  o["expires_at"] = time_or_null(a.expires_at);
  o["withdrawn_at"] = time_or_null(a.withdrawn_at);
  o["plan_id"] = a.plan_id ? boost::json::value(*a.plan_id) : boost::json::value(nullptr);
  o["used_at"] = time_or_null(a.used_at);
  if (staff) {
    o["applicant_age"] = a.applicant_age;
    if (usage) o["usage"] = usage_json(*usage);
    if (history) {
      js::array h;
      for (const auto& e : *history)
        h.push_back(js::object{{"from", text_or_null(e.from)},
                               {"to", e.to},
                               {"actor", e.actor},
                               {"actor_id", text_or_null(e.actor_id)},
                               {"note", text_or_null(e.note)},
                               {"at", rto::to_rfc3339(e.at)}});
      o["history"] = std::move(h);
    }
  }
  return o;
}

bool decision_valid(const ApplicationRecord& a, const DecisionRecord& d, TimePoint now) {
  return d.decision == "approved" && a.status == "approved" && a.decision_id == d.id && d.expires_at &&
         now < *d.expires_at;
}

js::object internal_decision_json(const ApplicationRecord& a, const DecisionRecord& d, TimePoint now) {
  return {{"id", d.id},
          {"application_id", a.id},
          {"customer_id", a.customer_id},
          {"vehicle_id", a.vehicle_id},
          {"template_id", a.template_id},
          {"decision", d.decision},
          {"valid", decision_valid(a, d, now)},
          {"expires_at", time_or_null(d.expires_at)},
          {"grade", d.grade},
          {"score", d.score},
          {"terms", d.decision == "approved" ? d.terms : js::value(nullptr)}};
}

PageQuery parse_page_query(const std::vector<std::pair<std::string, std::string>>& query) {
  PageQuery q;
  std::vector<rto::FieldError> errors;
  for (const auto& [key, value] : query) {
    if (key == "limit") {
      int n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > kMaxPageSize)
        errors.push_back({"limit", "must be a whole number from 1 to " + std::to_string(kMaxPageSize)});
      else
        q.limit = n;
    } else if (key == "cursor") {
      q.after = decode_cursor(value);
      if (!q.after) errors.push_back({"cursor", "is not a cursor this service issued"});
    } else {
      errors.push_back({key, "is not a known parameter (limit, cursor)"});
    }
  }
  rto::paging::throw_if_any(std::move(errors));
  return q;
}

}  // namespace credit_service
