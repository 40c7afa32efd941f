#include "app.hpp"

#include <rto/crypto.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>

#include "domain/repayment.hpp"
#include "storage/queries.hpp"
#include "storage/storage.hpp"

namespace credit_service {
namespace js = boost::json;

App::App(rto::db::Pool& db, const rto::auth::Tokens& tokens, std::shared_ptr<const rto::Clock> clock, CreditConfig cfg)
    : db_(db), clock_(std::move(clock)), cfg_(std::move(cfg)), cipher_(cfg_.encryption_key), clients_(cfg_, tokens) {}

std::shared_ptr<const Model> App::model(int version) {
  {
    std::lock_guard lk(models_mu_);
    if (auto it = models_.find(version); it != models_.end()) return it->second;
  }
  auto row = db_.query([&](pqxx::nontransaction& tx) { return storage::find_model(tx, version); });
  if (!row) throw rto::Unavailable("the scorecard model is not available; try again shortly");
  auto m = std::make_shared<Model>(parse_model(row->model));
  m->version = row->version;
  std::lock_guard lk(models_mu_);
  return models_.emplace(version, std::move(m)).first->second;
}

namespace {

rto::Error conflict(std::string detail, std::string code, std::vector<rto::FieldError> fields = {}) {
  rto::Error e = rto::Conflict(std::move(detail), std::move(fields));
  e.with_code(std::move(code));
  return e;
}

rto::Error unprocessable(std::string detail, std::string code, std::vector<rto::FieldError> fields) {
  rto::Error e = rto::Unprocessable(std::move(detail), std::move(fields));
  e.with_code(std::move(code));
  return e;
}

void require_verified(const std::optional<Customer>& c) {
  if (!c) throw conflict("your identity (KYC) must be verified before you apply for credit; no profile was found",
                         "kyc-not-verified");
  if (c->status == "disabled") {
    rto::Error e = rto::Forbidden("this account is disabled");
    e.with_code("account-disabled");
    throw e;
  }
  if (c->kyc_status != "verified")
    throw conflict("your identity (KYC) must be verified before you apply for credit; its status is '" +
                       (c->kyc_status.empty() ? std::string("none") : c->kyc_status) + "'",
                   "kyc-not-verified");
  if (!c->date_of_birth)
    throw conflict("your KYC profile has no date of birth; it must be completed and verified before you apply",
                   "kyc-not-verified");
}

// The applicant's own number cannot be their guarantor's or a reference's.
void require_other_people(const ApplicationInput& in, const Customer& c) {
  if (c.phone.empty()) return;
  std::vector<rto::FieldError> errs;
  if (in.guarantor && in.guarantor->phone == c.phone)
    errs.push_back({"guarantor.phone", "must be someone else's number, not yours"});
  for (std::size_t i = 0; i < in.references.size(); ++i)
    if (in.references[i].phone == c.phone)
      errs.push_back({"references[" + std::to_string(i) + "].phone", "must be someone else's number, not yours"});
  if (!errs.empty()) {
    std::string detail = errs.size() == 1 ? "invalid field '" + errs[0].field + "': " + errs[0].message
                                          : std::to_string(errs.size()) + " fields are invalid";
    throw rto::BadRequest(std::move(detail), std::move(errs));
  }
}

}  // namespace

void App::resolve_instalment(Assessment& a, std::string_view authorization) {
  const auto& in = a.input;
  auto declared = [&](std::string note) {
    a.monthly_instalment = *in.instalment;
    a.instalment = js::object{{"monthly", in.instalment->to_json()},
                              {"source", "declared"},
                              {"quoted", nullptr},
                              {"declared", in.instalment->to_json()}};
    a.note = std::move(note);
  };
  if (!in.vehicle_id || !in.template_id) {
    declared("The instalment is the monthly amount typed in; no plan was quoted.");
    return;
  }
  auto q = clients_.quote(*in.vehicle_id, *in.template_id, authorization);
  switch (q.kind) {
    case QuoteOutcome::Kind::Quoted: {
      const auto& quote = *q.quote;
      if (!(quote.instalment.currency == in.monthly_income.currency))
        throw unprocessable("the plan is quoted in " + std::string(quote.instalment.currency.code()) +
                                "; declare your income in that currency",
                            "currency-mismatch", {{"monthly_income.currency", "must be the plan's currency"}});
      a.monthly_instalment = monthly_equivalent(quote.instalment, quote.frequency);
      a.instalment = js::object{{"monthly", a.monthly_instalment.to_json()},
                                {"source", "payment-service"},
                                {"quoted",
                                 {{"amount", quote.instalment.to_json()},
                                  {"frequency", to_string(quote.frequency)},
                                  {"count", quote.instalment_count}}},
                                {"declared", in.instalment ? in.instalment->to_json() : js::value(nullptr)},
                                {"quote", quote.raw}};
      return;
    }
    case QuoteOutcome::Kind::NotFound:
      if (in.instalment) {
        declared("The instalment is the amount the applicant declared: the payment service has no plan template '" +
                 *in.template_id + "' for this vehicle.");
        return;
      }
      throw unprocessable("the payment service has no plan template '" + *in.template_id +
                              "' for this vehicle; send 'instalment' ({amount, currency}, monthly) to apply with a "
                              "declared amount",
                          "template-not-found",
                          {{"template_id", "the payment service has no such plan template for this vehicle"}});
    case QuoteOutcome::Kind::Refused:
      throw unprocessable("the payment service cannot quote this vehicle on this plan template" +
                              (q.detail.empty() ? std::string() : ": " + q.detail),
                          "quote-refused", {{"template_id", "cannot be quoted for this vehicle"}});
    case QuoteOutcome::Kind::Unavailable:
      // Not a decision on the amount typed in: the plan's real instalment may be larger.
      throw rto::Unavailable("the payment service cannot be reached to quote the instalment; try again shortly")
          .with_code("quote-unavailable");
  }
}

Assessment App::assess(ApplicationInput in, const std::string& customer_id,
                       const std::optional<RepaymentHistory>& history, const std::optional<UsageSummary>& usage,
                       int model_version, std::string_view authorization, Purpose purpose) {
  const bool apply = purpose == Purpose::Application;
  Assessment a;
  a.input = std::move(in);
  const auto now = this->now();

  if (apply) {
    a.customer = clients_.customer(customer_id);
    require_verified(a.customer);
    require_other_people(a.input, *a.customer);
  } else {
    // Prequalification: the age rule applies when the date of birth is known; nothing else
    // depends on the user service, so it may be down.
    try {
      a.customer = clients_.customer(customer_id);
    } catch (const rto::Error& e) {
      rto::log::warn("prequalification without the user service", {{"error", e.detail()}});
    }
  }

  if (a.input.vehicle_id) {
    a.vehicle = clients_.vehicle(*a.input.vehicle_id);
    if (!a.vehicle)
      throw conflict("no vehicle with this id is listed", "vehicle-not-found", {{"vehicle_id", "no such vehicle"}});
    if (apply && a.vehicle->status != "available")
      throw conflict("this vehicle is not available (it is " + a.vehicle->status + ")", "vehicle-not-available",
                     {{"vehicle_id", "is not available"}});
    if (!(a.vehicle->price.currency == a.input.monthly_income.currency))
      throw unprocessable("the vehicle is priced in " + std::string(a.vehicle->price.currency.code()) +
                              "; declare your income in that currency",
                          "currency-mismatch", {{"monthly_income.currency", "must be the vehicle price's currency"}});
  }
  resolve_instalment(a, authorization);

  a.model = model(model_version);
  a.usage = usage;
  a.characteristics = characteristics_of(a.input, a.monthly_instalment, history, usage);
  a.score = score(*a.model, a.characteristics);
  a.policy.affordability_bp = *a.characteristics.get(Input::AffordabilityBp);
  a.policy.affordability_limit_percent = cfg_.affordability_max_percent;
  if (a.customer && a.customer->date_of_birth) a.policy.age_years = age_on(*a.customer->date_of_birth, utc_date(now));
  if (a.vehicle) a.policy.vehicle_price = a.vehicle->price;
  a.policy.now = now;
  a.policy.approval_ttl = std::chrono::days(cfg_.approval_ttl_days);
  a.outcome = decide(*a.model, a.score, a.policy);
  a.audit = audit_json(*a.model, a.characteristics, a.score, a.outcome, a.policy);
  a.audit["instalment"] = a.instalment;
  a.audit["usage"] = usage_json(usage);  // what the decision saw of the customer's vehicle usage
  return a;
}

// Associated data binds each ciphertext to its application and field, so sealed values cannot
// be moved between rows or columns without failing authentication.
static std::string ad(std::string_view application_id, std::string_view field) {
  return "application:" + std::string(application_id) + ":" + std::string(field);
}

SealedContacts App::seal(const std::string& id, const ApplicationInput& in) const {
  SealedContacts s;
  const auto& g = *in.guarantor;
  s.guarantor_national_id = cipher_.encrypt(g.national_id, ad(id, "guarantor_national_id"));
  s.guarantor_phone = cipher_.encrypt(g.phone, ad(id, "guarantor_phone"));
  js::array phones;
  for (const auto& r : in.references) phones.emplace_back(r.phone);
  s.reference_phones = cipher_.encrypt(js::serialize(phones), ad(id, "reference_phones"));
  return s;
}

SealedContacts App::open(const std::string& id, const SealedContacts& sealed) const {
  return {cipher_.decrypt(sealed.guarantor_national_id, ad(id, "guarantor_national_id")),
          cipher_.decrypt(sealed.guarantor_phone, ad(id, "guarantor_phone")),
          cipher_.decrypt(sealed.reference_phones, ad(id, "reference_phones"))};
}

js::object App::decided_event(const ApplicationRecord& a, const DecisionRecord& d) const {
  return {{"customer_id", a.customer_id},
          {"application_id", a.id},
          {"decision_id", d.id},
          {"decision", d.decision},
          {"kind", d.kind},
          {"grade", d.grade},
          {"score", d.score},
          {"model_version", d.model_version},
          {"terms", d.terms},
          {"reasons", d.reasons},
          {"expires_at", d.expires_at ? js::value(rto::to_rfc3339(*d.expires_at)) : js::value(nullptr)},
          {"vehicle_id", a.vehicle_id},
          {"template_id", a.template_id}};
}

int App::expire_approvals() {
  constexpr int kBatch = 200;
  int total = 0;
  for (;;) {
    const auto now = this->now();
    const auto n = db_.transact([&](pqxx::work& tx) {
      auto rows = storage::expire_due(tx, now, kBatch);
      for (const auto& r : rows) {
        storage::add_history(tx, r.id, "approved", "expired", "system", std::nullopt,
                             "the approval was not used within " + std::to_string(cfg_.approval_ttl_days) + " days",
                             now);
        rto::events::enqueue(tx, source(),
                             {"credit.application.expired", r.id,
                              {{"customer_id", r.customer_id},
                               {"application_id", r.id},
                               {"decision_id", r.decision_id},
                               {"vehicle_id", r.vehicle_id}}});
      }
      return static_cast<int>(rows.size());
    });
    total += n;
    if (n < kBatch) break;
  }
  if (total > 0) rto::log::info("approvals expired", {{"count", total}});
  return total;
}

}  // namespace credit_service
