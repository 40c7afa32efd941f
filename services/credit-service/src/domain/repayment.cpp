#include "domain/repayment.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>

#include "domain/time.hpp"

namespace credit_service {
namespace js = boost::json;

namespace {

const js::object& data_object(const js::value& v) {
  if (!v.is_object()) throw rto::BadRequest("event data is not an object");
  return v.as_object();
}

std::string required_text(const js::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string() || v->as_string().empty() || v->as_string().size() > 128)
    throw rto::BadRequest(std::string("event data lacks '") + key + "'");
  return std::string(v->as_string());
}

std::string customer_of(const js::object& o) {
  auto id = required_text(o, "customer_id");
  if (!rto::crypto::is_uuid(id)) throw rto::BadRequest("event data's customer_id is not a UUID");
  for (auto& c : id)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return id;
}

std::int64_t whole(const js::value* v, const char* what, std::int64_t min, std::int64_t max) {
  if (!v || !v->is_int64() || v->as_int64() < min || v->as_int64() > max)
    throw rto::BadRequest(std::string("event data's ") + what + " is not a whole number in range");
  return v->as_int64();
}

}  // namespace

Collection parse_collection(const js::value& data) {
  const auto& o = data_object(data);
  Collection c;
  c.plan_id = required_text(o, "plan_id");
  c.customer_id = customer_of(o);
  if (const auto* p = o.if_contains("payment_id"); p && p->is_string()) c.payment_id = std::string(p->as_string());
  const auto* list = o.if_contains("instalments_settled");
  if (!list || list->is_null()) return c;  // a payment that settled no instalment in full
  if (!list->is_array()) throw rto::BadRequest("event data's instalments_settled is not an array");
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) throw rto::BadRequest("an instalments_settled item is not an object");
    const auto& io = item.as_object();
    SettledInstalment s;
    s.seq = whole(io.if_contains("seq"), "seq", 1, 100000);
    s.days_late = whole(io.if_contains("days_late"), "days_late", 0, 100000);
    if (const auto* d = io.if_contains("due_date"); d && d->is_string() && parse_date(d->as_string()))
      s.due_date = std::string(d->as_string());
    c.settled.push_back(std::move(s));
  }
  return c;
}

Reversal parse_reversal(const js::value& data) {
  const auto& o = data_object(data);
  Reversal r;
  r.plan_id = required_text(o, "plan_id");
  r.customer_id = customer_of(o);
  r.payment_id = required_text(o, "payment_id");
  return r;
}

std::string settled_param(const Collection& c) {
  js::array a;
  for (const auto& s : c.settled)
    a.push_back(js::object{{"seq", s.seq},
                           {"due_date", s.due_date ? js::value(*s.due_date) : js::value(nullptr)},
                           {"days_late", s.days_late}});
  return js::serialize(a);
}

Delinquency parse_delinquency(const js::value& data) {
  const auto& o = data_object(data);
  Delinquency d;
  d.plan_id = required_text(o, "plan_id");
  d.customer_id = customer_of(o);
  d.days_past_due = whole(o.if_contains("days_past_due"), "days_past_due", 0, 100000);
  return d;
}

}  // namespace credit_service
