#include "domain/inputs.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>

#include "domain/plan.hpp"
#include "domain/reference.hpp"

namespace payment_service {
namespace js = boost::json;
using namespace std::chrono;

std::optional<std::string> uuid_of(std::string_view s) {
  if (!rto::crypto::is_uuid(s)) return std::nullopt;
  std::string id(s);
  for (auto& c : id)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return id;
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (s.size() < 20) return std::nullopt;
  auto date = parse_date(s.substr(0, 10));
  if (!date || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':') return std::nullopt;
  // The nanosecond TimePoint ends in 2262; no payment is made after 2199.
  if (year_month_day{*date}.year() > year{2199}) return std::nullopt;
  auto two = [&](std::size_t at) -> int {
    if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return -1;
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  int hh = two(11), mm = two(14), ss = two(17);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return std::nullopt;
  std::size_t at = 19;
  std::int64_t micros = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int digits = 0;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 6; ++d) micros *= 10;
  }
  int offset_min = 0;
  if (at < s.size() && (s[at] == 'Z' || s[at] == 'z') && at + 1 == s.size()) {
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh = two(at + 1), om = two(at + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset_min = (oh * 60 + om) * (s[at] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  auto t = TimePoint(date->time_since_epoch()) + hours{hh} + minutes{mm} + seconds{std::min(ss, 59)} +
           microseconds{micros} - minutes{offset_min};
  return time_point_cast<TimePoint::duration>(t);
}

std::optional<rto::Money> read_money(rto::json::Reader& r, const js::object& body, std::string_view key, bool required) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) {
    if (required) r.fail(key, "is required");
    return std::nullopt;
  }
  try {
    auto m = rto::money_from_json(it->value(), r.path(key));
    if (m.amount <= 0) {
      r.fail(std::string(key) + ".amount", "must be greater than zero");
      return std::nullopt;
    }
    return m;
  } catch (const rto::Error& e) {
    if (e.status() == 422) throw;  // an amount beyond rto::kMaxAmount
    for (const auto& f : e.fields()) r.errors().push_back(f);
    return std::nullopt;
  }
}

std::optional<std::string> read_uuid(rto::json::Reader& r, std::string_view key, bool required) {
  auto s = r.string(key, required, 1, 64);
  if (!s) return std::nullopt;
  auto id = uuid_of(*s);
  if (!id) r.fail(key, "must be a UUID");
  return id;
}

namespace {

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':' || c == '/';
}

}  // namespace

QuoteInput parse_quote(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"vehicle_id", "price", "template_id", "deposit"});
  QuoteInput q;
  q.vehicle_id = read_uuid(r, "vehicle_id", false);
  q.price = read_money(r, body, "price", false);
  bool has_vehicle = body.contains("vehicle_id") && !body.at("vehicle_id").is_null();
  bool has_price = body.contains("price") && !body.at("price").is_null();
  if (has_vehicle && has_price) r.fail("price", "give either vehicle_id or price, not both");
  if (!has_vehicle && !has_price) r.fail("vehicle_id", "either vehicle_id or price is required");
  q.template_id = r.string("template_id", true, 1, 64).value_or("");
  q.deposit = read_money(r, body, "deposit", false);
  r.finish();
  return q;
}

PlanInput parse_plan(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"credit_decision_id", "vehicle_id", "template_id", "deposit"});
  PlanInput p;
  p.credit_decision_id = read_uuid(r, "credit_decision_id", true).value_or("");
  p.vehicle_id = read_uuid(r, "vehicle_id", true).value_or("");
  p.template_id = r.string("template_id", true, 1, 64).value_or("");
  if (auto d = read_money(r, body, "deposit", true)) p.deposit = *d;
  r.finish();
  return p;
}

PaymentInput parse_payment(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"plan_id", "plan_ref", "amount", "currency", "provider", "provider_txn_id", "paid_at"});
  PaymentInput p;
  p.plan_id = read_uuid(r, "plan_id", false);
  if (auto ref = r.string("plan_ref", false, 1, 32)) {
    p.plan_ref = normalize_reference(*ref);
    if (!p.plan_ref) r.fail("plan_ref", "is not a valid account reference (RTO-XXXXXX)");
  }
  bool has_id = body.contains("plan_id") && !body.at("plan_id").is_null();
  bool has_ref = body.contains("plan_ref") && !body.at("plan_ref").is_null();
  if (!has_id && !has_ref) r.fail("plan_ref", "either plan_ref or plan_id is required");
  auto amount = r.integer("amount", true, 1, INT64_MAX);
  if (amount && *amount > rto::kMaxAmount)
    throw rto::Unprocessable("the amount exceeds the largest amount taken",
                             {{"amount", "must be at most " + std::to_string(rto::kMaxAmount) + " minor units"}});
  auto currency = r.string("currency", true, 3, 3);
  if (currency && !rto::Currency::find(*currency)) r.fail("currency", "must be a supported ISO 4217 code");
  if (amount && currency && rto::Currency::find(*currency)) p.amount = rto::Money::of(*amount, *currency);
  if (auto provider = r.string("provider", true, 2, 32)) {
    bool ok = true;
    for (char c : *provider) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok) r.fail("provider", "may contain only a-z, 0-9 and '_'");
    p.provider = *provider;
  }
  if (auto txn = r.string("provider_txn_id", true, 1, 128)) {
    bool ok = true;
    for (char c : *txn) ok = ok && token_char(c);
    if (!ok) r.fail("provider_txn_id", "may contain only letters, digits and - _ . : /");
    p.provider_txn_id = *txn;
  }
  if (auto at = r.string("paid_at", true, 1, 40)) {
    if (auto t = parse_rfc3339(*at))
      p.paid_at = *t;
    else
      r.fail("paid_at", "must be an RFC 3339 time such as 2026-03-01T08:15:00Z");
  }
  r.finish();
  return p;
}

CashInput parse_cash(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"amount", "receipt_number", "paid_at"});
  CashInput c;
  if (auto m = read_money(r, body, "amount", true)) c.amount = *m;
  if (auto rn = r.string("receipt_number", true, 1, 64)) {
    bool ok = true;
    for (char ch : *rn) ok = ok && token_char(ch);
    if (!ok) r.fail("receipt_number", "may contain only letters, digits and - _ . : /");
    c.receipt_number = *rn;
  }
  if (auto at = r.string("paid_at", false, 1, 40)) {
    c.paid_at = parse_rfc3339(*at);
    if (!c.paid_at) r.fail("paid_at", "must be an RFC 3339 time such as 2026-03-01T08:15:00Z");
  }
  r.finish();
  return c;
}

std::string parse_reason(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"reason"});
  auto reason = r.string("reason", true, 3, 500);
  r.finish();
  return *reason;
}

RefundInput parse_refund(const js::object& body) {
  static constexpr std::string_view kMethods[] = {"cash", "mtn_momo", "airtel_money", "mpesa", "bank"};
  rto::json::Reader r(body);
  r.reject_unknown({"amount", "method", "reference", "reason"});
  RefundInput in;
  if (auto m = read_money(r, body, "amount", true)) in.amount = *m;
  if (auto method = r.string("method", true, 1, 32)) {
    if (std::find(std::begin(kMethods), std::end(kMethods), *method) == std::end(kMethods))
      r.fail("method", "must be one of cash, mtn_momo, airtel_money, mpesa, bank");
    in.method = *method;
  }
  if (auto ref = r.string("reference", true, 1, 64)) {
    bool ok = true;
    for (char ch : *ref) ok = ok && token_char(ch);
    if (!ok) r.fail("reference", "may contain only letters, digits and - _ . : /");
    in.reference = *ref;
  }
  if (auto reason = r.string("reason", true, 3, 500)) in.reason = *reason;
  r.finish();
  return in;
}

ResolveInput parse_resolve(const js::object& body) {
  rto::json::Reader r(body);
  r.reject_unknown({"action", "note", "provider_txn_id", "amount", "plan_ref"});
  ResolveInput in;
  if (auto action = r.string("action", true, 1, 16)) {
    if (*action != "credit" && *action != "dismiss") r.fail("action", "must be credit or dismiss");
    in.credit = *action == "credit";
  }
  if (auto note = r.string("note", true, 3, 500)) in.note = *note;
  if (auto txn = r.string("provider_txn_id", false, 1, 128)) {
    bool ok = true;
    for (char ch : *txn) ok = ok && token_char(ch);
    if (!ok) r.fail("provider_txn_id", "may contain only letters, digits and - _ . : /");
    in.provider_txn_id = *txn;
  }
  in.amount = read_money(r, body, "amount", false);
  if (auto ref = r.string("plan_ref", false, 1, 32)) {
    in.plan_ref = normalize_reference(*ref);
    if (!in.plan_ref) r.fail("plan_ref", "must be a plan reference such as RTO-7F3K2Q");
  }
  if (!in.credit && (in.provider_txn_id || in.amount || in.plan_ref))
    for (const char* k : {"provider_txn_id", "amount", "plan_ref"})
      if (body.contains(k)) r.fail(k, "applies only to action credit");
  r.finish();
  return in;
}

std::optional<Date> parse_delinquency_run(std::string_view body) {
  bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (blank) return std::nullopt;
  auto obj = rto::json::parse_object(body);
  rto::json::Reader r(obj);
  r.reject_unknown({"as_of"});
  std::optional<Date> out;
  if (auto s = r.string("as_of", false, 1, 10)) {
    out = parse_date(*s);
    if (!out) r.fail("as_of", "must be a date YYYY-MM-DD");
  }
  r.finish();
  return out;
}

namespace {

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (v == a) return true;
  return false;
}

std::optional<int> read_limit(std::string_view value, int max) {
  int n = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || p != value.data() + value.size() || n < 1 || n > max) return std::nullopt;
  return n;
}

// A cursor this service issues and reads: base64url of "<integer>:<rest>".
std::string cursor_text(std::int64_t n, std::string_view rest) {
  return rto::crypto::base64_encode(std::to_string(n) + ":" + std::string(rest), true);
}

std::optional<std::pair<std::int64_t, std::string>> read_cursor(std::string_view value) {
  try {
    auto raw = rto::crypto::base64_decode(value);
    auto colon = raw.find(':');
    if (colon == std::string::npos || colon + 1 >= raw.size()) return std::nullopt;
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(raw.data(), raw.data() + colon, n);
    if (ec != std::errc() || p != raw.data() + colon) return std::nullopt;
    return std::pair{n, raw.substr(colon + 1)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

[[noreturn]] void bad_query(std::vector<rto::FieldError> errors) {
  std::string detail = "invalid field '" + errors[0].field + "': " + errors[0].message;
  throw rto::BadRequest(std::move(detail), std::move(errors));
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string encode_plan_cursor(int dpd, const std::string& id) { return cursor_text(dpd, id); }

PlanListQuery parse_plan_list(const std::vector<std::pair<std::string, std::string>>& query) {
  PlanListQuery q;
  std::vector<rto::FieldError> errors;
  for (const auto& [key, value] : query) {
    if (key == "bucket") {
      q.bucket = bucket_from(value);
      if (!q.bucket) errors.push_back({"bucket", "must be one of current, 1-7, 8-30, 31-60, 61-90, 90+"});
    } else if (key == "status") {
      if (plan_status_from(value))
        q.status = value;
      else
        errors.push_back({"status", "must be a plan status"});
    } else if (key == "limit") {
      if (auto n = read_limit(value, 200))
        q.limit = *n;
      else
        errors.push_back({"limit", "must be between 1 and 200"});
    } else if (key == "cursor") {
      auto c = read_cursor(value);
      auto id = c ? uuid_of(c->second) : std::nullopt;
      if (c && id && c->first >= std::numeric_limits<int>::min() && c->first <= std::numeric_limits<int>::max())
        q.after = std::pair{static_cast<int>(c->first), *id};
      else
        errors.push_back({"cursor", "is not a cursor this service issued"});
    } else {
      errors.push_back({key, "is not a known parameter"});
    }
  }
  if (!errors.empty()) bad_query(std::move(errors));
  return q;
}

std::string encode_review_cursor(std::int64_t at_micros, const std::string& id) { return cursor_text(at_micros, id); }

ReviewQuery parse_review_query(const std::vector<std::pair<std::string, std::string>>& query) {
  ReviewQuery q;
  std::vector<rto::FieldError> errors;
  std::optional<std::string_view> cursor;
  for (const auto& [key, value] : query) {
    if (key == "list") {
      if (one_of(value, {"held", "stuck", "callbacks", "approvals"}))
        q.list = value;
      else
        errors.push_back({"list", "must be one of held, stuck, callbacks, approvals"});
    } else if (key == "provider") {
      if (one_of(value, {"mtn_momo", "airtel_money", "mpesa"}))
        q.provider = value;
      else
        errors.push_back({"provider", "must be one of mtn_momo, airtel_money, mpesa"});
    } else if (key == "status") {
      if (one_of(value, {"held", "unmatched", "rejected"}))
        q.status = value;
      else
        errors.push_back({"status", "must be one of held, unmatched, rejected (callbacks)"});
    } else if (key == "order") {
      if (one_of(value, {"newest", "oldest"}))
        q.newest = value == "newest";
      else
        errors.push_back({"order", "must be newest or oldest"});
    } else if (key == "limit") {
      if (auto n = read_limit(value, 500))
        q.limit = *n;
      else
        errors.push_back({"limit", "must be an integer 1-500"});
    } else if (key == "cursor") {
      cursor = value;
    } else {
      errors.push_back({key, "is not a known parameter"});
    }
  }
  if (cursor) {
    auto c = read_cursor(*cursor);
    const bool callbacks = q.list == "callbacks" || q.list == "approvals";
    if (!q.list)
      errors.push_back({"cursor", "pages one list: name it with list="});
    else if (c && (callbacks ? digits(c->second) : uuid_of(c->second).has_value()))
      q.after = c;
    else
      errors.push_back({"cursor", "is not a cursor this service issued"});
  }
  if (!errors.empty()) bad_query(std::move(errors));
  return q;
}

std::string encode_approval_cursor(std::int64_t seq) { return encode_review_cursor(seq, "a"); }

ApprovalQuery parse_approval_query(const std::vector<std::pair<std::string, std::string>>& query) {
  ApprovalQuery q;
  q.status = "pending";
  std::vector<rto::FieldError> errors;
  for (const auto& [key, value] : query) {
    if (key == "status") {
      if (one_of(value, {"pending", "approved", "rejected"}))
        q.status = value;
      else if (value == "any")
        q.status.reset();
      else
        errors.push_back({"status", "must be one of pending, approved, rejected, any"});
    } else if (key == "kind") {
      if (one_of(value, {"credit_request", "credit_callback", "refund", "reversal"}))
        q.kind = value;
      else
        errors.push_back({"kind", "must be one of credit_request, credit_callback, refund, reversal"});
    } else if (key == "limit") {
      if (auto n = read_limit(value, 200))
        q.limit = *n;
      else
        errors.push_back({"limit", "must be an integer 1-200"});
    } else if (key == "cursor") {
      auto c = read_cursor(value);
      if (c && c->second == "a")
        q.after_seq = c->first;
      else
        errors.push_back({"cursor", "is not a cursor this service issued"});
    } else {
      errors.push_back({key, "is not a known parameter"});
    }
  }
  if (!errors.empty()) bad_query(std::move(errors));
  return q;
}

std::optional<std::string> parse_decision_note(const boost::json::object& body, bool required) {
  rto::json::Reader r(body);
  auto note = r.string("note", required, 1, 2000);
  r.finish();
  return note;
}

std::optional<std::string> cash_paid_at_problem(TimePoint paid_at, TimePoint plan_created, TimePoint now,
                                                std::chrono::days max_back) {
  if (paid_at > now + std::chrono::minutes(5)) return "must not be in the future";
  if (paid_at < plan_created) return "must not be before the plan was made";
  if (paid_at < now - max_back)
    return "may be at most " + std::to_string(max_back.count()) + " days in the past; older receipts need a correction";
  return std::nullopt;
}

}  // namespace payment_service
