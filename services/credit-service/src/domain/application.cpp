#include "domain/application.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/json.hpp>
#include <rto/phone.hpp>

namespace credit_service {
namespace js = boost::json;

bool is_employment_type(std::string_view s) noexcept {
  for (auto t : kEmploymentTypes)
    if (t == s) return true;
  return false;
}

std::int64_t ApplicationInput::references_count() const noexcept {
  return references.empty() ? 2 : static_cast<std::int64_t>(references.size());
}

namespace {

using rto::json::Reader;

// A money object {amount, currency}; its problems are added to the reader under key.amount /
// key.currency. Amounts must lie in [min_amount, kMaxAmount].
std::optional<rto::Money> read_money(Reader& r, const js::object& body, std::string_view key, bool required,
                                     std::int64_t min_amount) {
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) {
    if (required) r.fail(key, "is required");
    return std::nullopt;
  }
  const auto path = r.path(key);
  try {
    if (it->value().is_object()) {
      for (const auto& kv : it->value().as_object())
        if (kv.key() != "amount" && kv.key() != "currency")
          r.errors().push_back({path + "." + std::string(kv.key()), "is not allowed here"});
    }
    auto m = rto::money_from_json(it->value(), path);
    if (m.amount < min_amount || m.amount > kMaxAmount) {
      r.errors().push_back({path + ".amount", "must be between " + std::to_string(min_amount) + " and " +
                                                  std::to_string(kMaxAmount) + " minor units"});
      return std::nullopt;
    }
    return m;
  } catch (const rto::Error& e) {
    for (const auto& f : e.fields()) r.errors().push_back(f);
    return std::nullopt;
  }
}

bool valid_template_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
          c == '.' || c == ':'))
      return false;
  return true;
}

std::optional<std::string> read_phone(Reader& r, std::string_view key, std::string_view region) {
  auto raw = r.string(key, true, 1, 32);
  if (!raw) return std::nullopt;
  auto e164 = rto::phone::normalize(*raw, region);
  if (!e164) {
    r.fail(key, "is not a valid phone number");
    return std::nullopt;
  }
  return e164;
}

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

ApplicationInput parse_application(const js::object& body, std::string_view region, Mode mode) {
  const bool apply = mode == Mode::Application;
  Reader r(body);
  r.reject_unknown({"vehicle_id", "template_id", "instalment", "employment_type", "months_in_work", "monthly_income",
                    "monthly_obligations", "mobile_money", "dependants", "months_at_residence", "guarantor",
                    "references"});
  ApplicationInput in;

  if (auto v = r.string("vehicle_id", apply, 1, 64)) {
    if (rto::crypto::is_uuid(*v))
      in.vehicle_id = lower(*v);
    else
      r.fail("vehicle_id", "must be a vehicle id (UUID)");
  }
  if (auto t = r.string("template_id", apply, 1, 64)) {
    if (valid_template_id(*t))
      in.template_id = *t;
    else
      r.fail("template_id", "must be a plan template id: letters, digits, '-', '_', '.' or ':'");
  }
  in.instalment = read_money(r, body, "instalment", false, 1);
  if (!apply) {
    bool has_v = body.contains("vehicle_id") && !body.at("vehicle_id").is_null();
    bool has_t = body.contains("template_id") && !body.at("template_id").is_null();
    if (has_v && !has_t) r.fail("template_id", "is required with vehicle_id");
    if (has_t && !has_v) r.fail("vehicle_id", "is required with template_id");
    bool has_i = body.contains("instalment") && !body.at("instalment").is_null();
    if (!has_v && !has_t && !has_i) r.fail("instalment", "is required unless vehicle_id and template_id are given");
  }

  if (auto e = r.string("employment_type", true, 1, 40)) {
    if (is_employment_type(*e)) {
      in.employment_type = *e;
    } else {
      std::string list;
      for (auto t : kEmploymentTypes) list += (list.empty() ? "" : ", ") + std::string(t);
      r.fail("employment_type", "must be one of: " + list);
    }
  }
  if (auto m = r.integer("months_in_work", true, 0, 600)) in.months_in_work = *m;
  auto income = read_money(r, body, "monthly_income", true, 1);
  auto obligations = read_money(r, body, "monthly_obligations", true, 0);
  if (income) in.monthly_income = *income;
  if (obligations) in.monthly_obligations = *obligations;
  if (income && obligations && !(obligations->currency == income->currency))
    r.fail("monthly_obligations.currency", "must be the currency of monthly_income");
  if (income && in.instalment && !(in.instalment->currency == income->currency))
    r.fail("instalment.currency", "must be the currency of monthly_income");

  if (const auto* mm = r.object("mobile_money", true)) {
    Reader m(*mm, r.path("mobile_money"));
    m.reject_unknown({"months_of_history", "avg_monthly_inflow", "avg_monthly_transactions"});
    if (auto v = m.integer("months_of_history", true, 0, 600)) in.mobile_money.months_of_history = *v;
    if (auto v = m.integer("avg_monthly_inflow", true, 0, kMaxAmount)) in.mobile_money.avg_monthly_inflow = *v;
    if (auto v = m.integer("avg_monthly_transactions", true, 0, 100000)) in.mobile_money.avg_monthly_transactions = *v;
    r.merge(m);
  }
  if (auto v = r.integer("dependants", true, 0, 30)) in.dependants = *v;
  if (auto v = r.integer("months_at_residence", true, 0, 1200)) in.months_at_residence = *v;

  if (const auto* g = r.object("guarantor", apply)) {
    Reader gr(*g, r.path("guarantor"));
    gr.reject_unknown({"name", "phone", "relationship", "national_id"});
    Guarantor out;
    bool ok = true;
    if (auto n = gr.string("name", true, 2, 100)) out.name = *n; else ok = false;
    if (auto p = read_phone(gr, "phone", region)) out.phone = *p; else ok = false;
    if (auto rel = gr.string("relationship", true, 2, 50)) out.relationship = *rel; else ok = false;
    if (auto raw = gr.string("national_id", true, 1, 40)) {
      if (auto id = normalize_national_id(*raw))
        out.national_id = *id;
      else {
        gr.fail("national_id", "must be 5 to 20 letters and digits");
        ok = false;
      }
    } else {
      ok = false;
    }
    r.merge(gr);
    if (ok) in.guarantor = std::move(out);
  }

  if (const auto* refs = r.array("references", apply)) {
    if (refs->size() < 2 || refs->size() > 5) r.fail("references", "must list 2 to 5 references");
    for (std::size_t i = 0; i < refs->size() && i < 5; ++i) {
      const auto key = "references[" + std::to_string(i) + "]";
      const auto& item = (*refs)[i];
      if (!item.is_object()) {
        r.fail(key, "must be an object {name, phone}");
        continue;
      }
      Reader rr(item.as_object(), r.path(key));
      rr.reject_unknown({"name", "phone"});
      Reference ref;
      auto n = rr.string("name", true, 2, 100);
      auto p = read_phone(rr, "phone", region);
      if (n && p) {
        ref.name = *n;
        ref.phone = *p;
        bool repeated = in.guarantor && in.guarantor->phone == ref.phone;
        for (const auto& earlier : in.references) repeated = repeated || earlier.phone == ref.phone;
        if (repeated)
          rr.fail("phone", "must differ from the guarantor's and the other references' phone numbers");
        else
          in.references.push_back(std::move(ref));
      }
      r.merge(rr);
    }
  }

  r.finish();
  return in;
}

js::object answers_json(const ApplicationInput& in) {
  return {{"employment_type", in.employment_type},
          {"months_in_work", in.months_in_work},
          {"monthly_income", in.monthly_income.to_json()},
          {"monthly_obligations", in.monthly_obligations.to_json()},
          {"mobile_money",
           {{"months_of_history", in.mobile_money.months_of_history},
            {"avg_monthly_inflow", in.mobile_money.avg_monthly_inflow},
            {"avg_monthly_transactions", in.mobile_money.avg_monthly_transactions}}},
          {"dependants", in.dependants},
          {"months_at_residence", in.months_at_residence}};
}

js::object contacts_json(const ApplicationInput& in) {
  js::object o;
  if (in.guarantor) {
    o["guarantor"] = js::object{{"name", in.guarantor->name},
                                {"relationship", in.guarantor->relationship},
                                {"phone_masked", rto::phone::mask(in.guarantor->phone)},
                                {"national_id_masked", mask_national_id(in.guarantor->national_id)}};
  } else {
    o["guarantor"] = nullptr;
  }
  js::array refs;
  for (const auto& r : in.references)
    refs.push_back(js::object{{"name", r.name}, {"phone_masked", rto::phone::mask(r.phone)}});
  o["references"] = std::move(refs);
  return o;
}

}  // namespace credit_service
