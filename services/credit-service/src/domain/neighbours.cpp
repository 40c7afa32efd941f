#include "domain/neighbours.hpp"

#include <rto/errors.hpp>

#include "domain/application.hpp"

namespace credit_service {
namespace js = boost::json;

namespace {

[[noreturn]] void bad(const char* who) {
  throw rto::Error(rto::ErrorKind::BadGateway, std::string("the ") + who + " sent an answer this service cannot read");
}

const js::object& object_of(const js::value& v, const char* who) {
  if (!v.is_object()) bad(who);
  return v.as_object();
}

std::string text(const js::object& o, const char* key, const char* who, bool optional = false) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (optional) return {};
    bad(who);
  }
  if (!v->is_string()) bad(who);
  return std::string(v->as_string());
}

rto::Money money(const js::object& o, const char* key, const char* who) {
  const auto* v = o.if_contains(key);
  if (!v) bad(who);
  try {
    auto m = rto::money_from_json(*v, key);
    if (m.amount < 0 || m.amount > kMaxAmount) bad(who);
    return m;
  } catch (const rto::Error&) {
    bad(who);
  }
}

}  // namespace

Customer parse_customer(const js::value& v) {
  const char* who = "user service";
  const auto& o = object_of(v, who);
  Customer c;
  c.id = text(o, "id", who);
  c.phone = text(o, "phone", who, true);
  c.status = text(o, "status", who, true);
  c.kyc_status = text(o, "kyc_status", who, true);
  if (const auto* d = o.if_contains("date_of_birth"); d && d->is_string()) c.date_of_birth = parse_date(d->as_string());
  return c;
}

Vehicle parse_vehicle(const js::value& v) {
  const char* who = "vehicle service";
  const auto& o = object_of(v, who);
  Vehicle out;
  out.id = text(o, "id", who);
  out.status = text(o, "status", who);
  out.price = money(o, "price", who);
  out.category = text(o, "category", who, true);
  out.make = text(o, "make", who, true);
  out.model = text(o, "model", who, true);
  if (const auto* y = o.if_contains("year"); y && y->is_int64()) out.year = y->as_int64();
  return out;
}

js::object vehicle_json(const Vehicle& v) {
  return {{"id", v.id},       {"status", v.status}, {"price", v.price.to_json()}, {"category", v.category},
          {"make", v.make},   {"model", v.model},   {"year", v.year}};
}

std::string_view to_string(Frequency f) noexcept {
  switch (f) {
    case Frequency::Daily: return "daily";
    case Frequency::Weekly: return "weekly";
    case Frequency::Monthly: return "monthly";
  }
  return "monthly";
}

Quote parse_quote(const js::value& v) {
  const char* who = "payment service";
  const auto& o = object_of(v, who);
  Quote q;
  q.template_id = text(o, "template_id", who, true);
  auto f = text(o, "frequency", who);
  if (f == "daily")
    q.frequency = Frequency::Daily;
  else if (f == "weekly")
    q.frequency = Frequency::Weekly;
  else if (f == "monthly")
    q.frequency = Frequency::Monthly;
  else
    bad(who);
  q.instalment = money(o, "instalment", who);
  if (q.instalment.amount <= 0) bad(who);
  if (const auto* n = o.if_contains("instalment_count"); n && n->is_int64()) q.instalment_count = n->as_int64();
  q.raw = o;
  return q;
}

rto::Money monthly_equivalent(const rto::Money& instalment, Frequency f) {
  switch (f) {
    case Frequency::Daily: return instalment.times(30);
    case Frequency::Weekly: return instalment.scaled(52, 12);
    case Frequency::Monthly: return instalment;
  }
  return instalment;
}

}  // namespace credit_service
