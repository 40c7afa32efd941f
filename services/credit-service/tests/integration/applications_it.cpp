// Applications end to end through the service's pipeline: submit -> score -> decision and its
// events, the neighbours' answers (KYC, vehicle, quote and its fallback), one open application,
// visibility, withdrawal, expiry, prequalification and the internal decision API.
#include <rto/crypto.hpp>
#include <thread>

#include "fixture.hpp"

using namespace it;
using namespace std::chrono;

namespace {

const js::object& decision_of(const Reply& r) { return r.obj().at("decision").as_object(); }

std::string decision_id(const Reply& r) { return text(decision_of(r).at("id")); }

Reply internal(const std::string& decision) { return get("/internal/credit/decisions/" + decision, service_token()); }

int count(const std::string& sql, const std::string& param) {
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  return tx.exec_params1(sql, param)[0].as<int>();
}

}  // namespace

TEST(Submit, ScoresDecidesAndPublishesBothEvents) {
  auto p = customer();
  auto v = vehicle(4'800'000);
  auto r = apply(p, application_body(v));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& a = r.obj();
  auto id = text(a.at("id"));
  EXPECT_EQ(a.at("status"), "approved");
  EXPECT_EQ(text(a.at("customer_id")), p.id);
  EXPECT_EQ(text(a.at("vehicle_id")), v);
  EXPECT_EQ(a.at("employment_type"), "boda_rider");
  // The instalment came from the payment service's weekly quote: 80,000 * 52 / 12.
  const auto& inst = a.at("instalment").as_object();
  EXPECT_EQ(inst.at("source"), "payment-service");
  EXPECT_EQ(inst.at("monthly").as_object().at("amount"), 346'666);
  EXPECT_EQ(inst.at("quoted").as_object().at("frequency"), "weekly");
  EXPECT_EQ(neighbours().last_quote_authorization, "Bearer " + p.token);  // the customer's own token

  // Worked example 1 of the unit tests: 684, grade B, approved, deposit 15 %.
  const auto& d = decision_of(r);
  EXPECT_EQ(d.at("decision"), "approved");
  EXPECT_EQ(d.at("kind"), "automatic");
  EXPECT_EQ(d.at("score"), 684);
  EXPECT_EQ(d.at("grade"), "B");
  EXPECT_EQ(d.at("model_version"), 2);  // version 1 with the usage factor at weight zero (V0004)
  const auto& terms = d.at("terms").as_object();
  EXPECT_EQ(terms.at("min_deposit_percent"), 15);
  EXPECT_EQ(terms.at("max_term_days"), 730);
  EXPECT_EQ(terms.at("max_financed").as_object().at("amount"), 4'080'000);
  EXPECT_EQ(text(d.at("expires_at")), rto::to_rfc3339(world().clock->now() + days(30)));
  ASSERT_EQ(d.at("reasons").as_array().size(), 3u);
  EXPECT_EQ(d.at("reasons").as_array()[0].as_object().at("code"), "instalment_share_high");
  EXPECT_EQ(d.at("breakdown").as_array().size(), 12u);
  EXPECT_FALSE(d.contains("audit"));  // the full audit record is for staff

  // Both events, in the same transaction as the decision; data carries customer_id.
  auto submitted = events(id, "credit.application.submitted");
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(text(submitted[0].at("data").as_object().at("customer_id")), p.id);
  EXPECT_EQ(submitted[0].at("data").as_object().at("instalment_source"), "payment-service");
  auto decided = events(id, "credit.application.decided");
  ASSERT_EQ(decided.size(), 1u);
  const auto& data = decided[0].at("data").as_object();
  EXPECT_EQ(text(data.at("customer_id")), p.id);
  EXPECT_EQ(text(data.at("application_id")), id);
  EXPECT_EQ(text(data.at("decision_id")), decision_id(r));
  EXPECT_EQ(data.at("decision"), "approved");
  EXPECT_EQ(data.at("grade"), "B");
  EXPECT_EQ(data.at("score"), 684);
  EXPECT_EQ(data.at("terms"), d.at("terms"));
  EXPECT_EQ(data.at("reasons"), d.at("reasons"));

  // The decision row keeps the model version and the full breakdown.
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto row = tx.exec_params1(
      "SELECT model_version, breakdown->>'base_points', jsonb_array_length(breakdown->'factors'), "
      "breakdown->'characteristics'->>'affordability_bp' FROM decisions WHERE id = $1::uuid",
      decision_id(r));
  EXPECT_EQ(row[0].as<int>(), 2);
  EXPECT_EQ(row[1].as<int>(), 600);
  EXPECT_EQ(row[2].as<int>(), 12);
  EXPECT_EQ(row[3].as<int>(), 3152);
  auto hist = tx.exec_params("SELECT coalesce(from_status, '-') || '>' || to_status FROM application_history "
                             "WHERE application_id = $1::uuid ORDER BY id", id);
  ASSERT_EQ(hist.size(), 3u);
  EXPECT_EQ(hist[0][0].as<std::string>(), "->submitted");
  EXPECT_EQ(hist[1][0].as<std::string>(), "submitted>scored");
  EXPECT_EQ(hist[2][0].as<std::string>(), "scored>approved");
}

TEST(Submit, TheInternalApiSaysTheApprovalIsValid) {
  auto p = customer();
  auto v = vehicle();
  auto r = apply(p, application_body(v));
  ASSERT_EQ(r.status, 201) << r.body;
  auto i = internal(decision_id(r));
  ASSERT_EQ(i.status, 200) << i.body;
  EXPECT_EQ(i.obj().at("valid"), true);
  EXPECT_EQ(i.obj().at("decision"), "approved");
  EXPECT_EQ(text(i.obj().at("customer_id")), p.id);
  EXPECT_EQ(text(i.obj().at("vehicle_id")), v);
  EXPECT_EQ(i.obj().at("template_id"), kWeekly);
  EXPECT_EQ(i.obj().at("application_id"), r.obj().at("id"));
  EXPECT_EQ(i.obj().at("terms").as_object().at("min_deposit_percent"), 15);
  EXPECT_EQ(i.obj().at("grade"), "B");
  EXPECT_EQ(i.obj().at("score"), 684);

  // Service token only.
  EXPECT_EQ(get("/internal/credit/decisions/" + decision_id(r), p.token).status, 401);
  EXPECT_EQ(get("/internal/credit/decisions/" + decision_id(r)).status, 401);
  EXPECT_EQ(internal(rto::crypto::uuid_v4()).status, 404);
  EXPECT_EQ(internal("not-a-uuid").status, 404);
}

TEST(Submit, KycNotVerifiedIsAConflict) {
  for (auto status : {"pending", "none", "rejected"}) {
    auto p = customer(status);
    auto r = apply(p, application_body(vehicle()));
    EXPECT_EQ(r.status, 409) << status;
    EXPECT_TRUE(r.is_problem());
    EXPECT_EQ(r.type(), "/problems/kyc-not-verified");
    EXPECT_NE(r.str("detail").find(status), std::string::npos) << r.body;
  }
  // Unknown to the user service.
  Person ghost{rto::crypto::uuid_v4(), "", ""};
  ghost.token = world().service->tokens().issue_access(ghost.id, {"customer"});
  auto r = apply(ghost, application_body(vehicle()));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.type(), "/problems/kyc-not-verified");
  EXPECT_EQ(count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", ghost.id), 0);
}

TEST(Submit, UserServiceDownIs503) {
  auto p = customer();
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().user_status = 500;
  }
  auto r = apply(p, application_body(vehicle()));
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().user_status = 0;
  }
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(r.is_problem());
}

TEST(Submit, ASecondOpenApplicationIsAConflict) {
  auto p = customer();
  auto first = apply(p, application_body(vehicle()));
  ASSERT_EQ(first.status, 201) << first.body;
  auto quotes = neighbours().quotes.load();
  auto second = apply(p, application_body(vehicle()));
  EXPECT_EQ(second.status, 409);
  EXPECT_EQ(second.type(), "/problems/application-open");
  EXPECT_EQ(neighbours().quotes.load(), quotes);  // refused before any call to another service
  EXPECT_EQ(count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", p.id), 1);
}

TEST(Submit, ConcurrentSubmissionsOpenOnlyOne) {
  auto p = customer();
  auto body = application_body(vehicle());
  std::vector<std::thread> ts;
  std::atomic<int> created{0}, conflicts{0};
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      auto r = apply(p, body);
      if (r.status == 201) ++created;
      if (r.status == 409) ++conflicts;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", p.id), 1);
}

TEST(Submit, TheVehicleMustExistAndBeAvailable) {
  auto p = customer();
  auto r = apply(p, application_body(vehicle(4'800'000, "reserved")));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.type(), "/problems/vehicle-not-available");
  EXPECT_TRUE(r.names_field("vehicle_id"));
  r = apply(p, application_body(rto::crypto::uuid_v4()));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.type(), "/problems/vehicle-not-found");
  EXPECT_TRUE(r.names_field("vehicle_id"));
  EXPECT_EQ(count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", p.id), 0);
}

TEST(Submit, ValidationNamesEveryBadField) {
  auto p = customer();
  auto body = application_body(vehicle());
  body["employment_type"] = "astronaut";
  body["monthly_income"] = js::object{{"amount", -5}, {"currency", "UGX"}};
  body["guarantor"].as_object()["national_id"] = "x";
  body["references"].as_array().pop_back();
  body["status"] = "approved";
  auto r = apply(p, body);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(r.is_problem());
  for (auto f : {"employment_type", "monthly_income.amount", "guarantor.national_id", "references", "status"})
    EXPECT_TRUE(r.names_field(f)) << f << " " << r.body;
  EXPECT_EQ(apply(p, js::string("x")).status, 400);
  EXPECT_EQ(call(Method::Post, "/api/v1/credit/applications", "{not json", p.token).status, 400);
}

TEST(Submit, TheApplicantIsNotTheirOwnGuarantor) {
  auto p = customer();
  auto body = application_body(vehicle());
  body["guarantor"].as_object()["phone"] = p.phone;
  auto r = apply(p, body);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("guarantor.phone")) << r.body;
}

TEST(Submit, OnlyCustomersApply) {
  auto body = application_body(vehicle());
  EXPECT_EQ(apply(staff({"dealer"}), body).status, 403);
  EXPECT_EQ(apply(staff({"credit_officer"}), body).status, 403);
  EXPECT_EQ(post("/api/v1/credit/applications", body).status, 401);
}

TEST(Submit, ContactDetailsAreEncryptedAndShownMasked) {
  auto p = customer();
  auto body = application_body(vehicle());
  auto gphone = text(body["guarantor"].as_object()["phone"]);
  auto r = apply(p, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& g = r.obj().at("guarantor").as_object();
  EXPECT_EQ(g.at("national_id_masked"), "**********678Q");
  EXPECT_EQ(g.at("name"), "Grace Nakato");
  EXPECT_EQ(r.body.find("CM90012345678Q"), std::string::npos);
  EXPECT_EQ(r.body.find(gphone), std::string::npos);
  EXPECT_EQ(r.body.find(gphone.substr(4)), std::string::npos);

  auto id = text(r.obj().at("id"));
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  auto row = tx.exec_params1("SELECT guarantor_national_id, guarantor_phone, reference_phones, row_to_json(a)::text "
                             "FROM applications a WHERE id = $1::uuid", id);
  auto whole = row[3].as<std::string>();
  EXPECT_EQ(whole.find("CM90012345678Q"), std::string::npos);
  EXPECT_EQ(whole.find(gphone.substr(4)), std::string::npos);
  // They open again with the key (bound to this application and column).
  credit_service::SealedContacts sealed{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()};
  auto open = world().app->open(id, sealed);
  EXPECT_EQ(open.guarantor_national_id, "CM90012345678Q");
  EXPECT_EQ(open.guarantor_phone, gphone);
  EXPECT_NE(open.reference_phones.find(text(body["references"].as_array()[0].as_object()["phone"])), std::string::npos);
  EXPECT_ANY_THROW(world().app->open(rto::crypto::uuid_v4(), sealed));
}

TEST(Submit, UnderEighteenIsDeclined) {
  // 2026-06-15: born 2008-06-16 is one day short of 18.
  auto p = customer("verified", "2008-06-16");
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("status"), "declined");
  const auto& d = decision_of(r);
  EXPECT_EQ(d.at("decision"), "declined");
  EXPECT_EQ(d.at("reasons").as_array()[0].as_object().at("code"), "applicant_under_18");
  EXPECT_TRUE(d.at("terms").is_null());
  // Declined is not open: the customer may apply again (and is 18 the next day).
  world().clock->advance(days(1));
  auto again = apply(p, application_body(vehicle()));
  world().clock->advance(-days(1));
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.obj().at("status"), "approved");
}

TEST(Submit, AnInstalmentOverTheAffordabilityLimitIsDeclined) {
  auto p = customer();
  auto body = application_body(vehicle(), kDaily);  // 12,000 a day = 360,000 a month
  body["monthly_income"] = js::object{{"amount", 950'000}, {"currency", "UGX"}};
  body["monthly_obligations"] = js::object{{"amount", 50'000}, {"currency", "UGX"}};
  // 360,000 / 900,000 = exactly 40 %: allowed.
  auto ok = apply(p, body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_NE(ok.obj().at("status"), "declined");
  EXPECT_EQ(decision_of(ok).at("hard_rules").as_array()[1].as_object().at("outcome"), "passed");
  ASSERT_EQ(post("/api/v1/credit/applications/" + text(ok.obj().at("id")) + "/withdraw", js::object{}, p.token).status,
            200);

  body["monthly_obligations"] = js::object{{"amount", 50'001}, {"currency", "UGX"}};  // now over 40 %
  auto r = apply(p, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("status"), "declined");
  EXPECT_EQ(decision_of(r).at("reasons").as_array()[0].as_object().at("code"), "instalment_over_limit");
  EXPECT_EQ(decision_of(r).at("hard_rules").as_array()[1].as_object().at("outcome"), "failed");
}

TEST(Submit, AReferredApplicationHasNoTermsYet) {
  auto p = customer();
  auto body = application_body(vehicle());
  // Worked example 4: 591, grade D.
  body["months_in_work"] = 8;
  body["mobile_money"] =
      js::object{{"months_of_history", 6}, {"avg_monthly_inflow", 1'100'000}, {"avg_monthly_transactions", 20}};
  body["months_at_residence"] = 4;
  auto r = apply(p, body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("status"), "referred");
  EXPECT_EQ(decision_of(r).at("score"), 591);
  EXPECT_TRUE(decision_of(r).at("terms").is_null());
  EXPECT_EQ(internal(decision_id(r)).obj().at("valid"), false);
}

TEST(Quote, ATemplateUnknownToThePaymentServiceFallsBackToTheDeclaredInstalment) {
  auto p = customer();
  auto body = application_body(vehicle(), "no-such-template");
  auto r = apply(p, body);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.type(), "/problems/template-not-found");
  EXPECT_TRUE(r.names_field("template_id"));

  body["instalment"] = js::object{{"amount", 300'000}, {"currency", "UGX"}};
  r = apply(p, body);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto& inst = r.obj().at("instalment").as_object();
  EXPECT_EQ(inst.at("source"), "declared");
  EXPECT_EQ(inst.at("monthly").as_object().at("amount"), 300'000);
  EXPECT_NE(text(r.obj().at("note")).find("no plan template"), std::string::npos) << r.body;
  auto submitted = events(text(r.obj().at("id")), "credit.application.submitted");
  ASSERT_EQ(submitted.size(), 1u);
  EXPECT_EQ(submitted[0].at("data").as_object().at("instalment_source"), "declared");
}

TEST(Quote, APaymentServiceThatIsDownIs503EvenWithADeclaredInstalment) {
  auto p = customer();
  auto body = application_body(vehicle());
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().payment_status = 503;
  }
  auto down = apply(p, body);
  // The amount typed in is not decided on: the plan's real instalment may be larger.
  body["instalment"] = js::object{{"amount", 346'666}, {"currency", "UGX"}};
  auto declared = apply(p, body);
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().payment_status = 0;
  }
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.type(), "/problems/quote-unavailable");
  EXPECT_EQ(declared.status, 503) << declared.body;
  EXPECT_EQ(declared.type(), "/problems/quote-unavailable");
  // Once it answers again, the application goes through on the quoted instalment.
  auto again = apply(p, body);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.obj().at("instalment").as_object().at("source"), "payment-service");
}

TEST(Quote, RefusedQuotesAndOtherCurrenciesAre422) {
  auto p = customer();
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().payment_status = 422;
  }
  auto refused = apply(p, application_body(vehicle()));
  {
    std::lock_guard lk(neighbours().mu);
    neighbours().payment_status = 0;
  }
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.type(), "/problems/quote-refused");
  auto kes = apply(p, application_body(vehicle(4'800'000, "available", "KES")));
  EXPECT_EQ(kes.status, 422);
  EXPECT_TRUE(kes.names_field("monthly_income.currency")) << kes.body;
}

TEST(Quote, DailyAndMonthlyTemplatesConvertToMonthly) {
  auto p = customer();
  auto r = apply(p, application_body(vehicle(), kDaily));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("instalment").as_object().at("monthly").as_object().at("amount"), 360'000);  // 12,000 x 30
  ASSERT_EQ(post("/api/v1/credit/applications/" + text(r.obj().at("id")) + "/withdraw", js::object{}, p.token).status,
            200);
  r = apply(p, application_body(vehicle(), kMonthly));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.obj().at("instalment").as_object().at("monthly").as_object().at("amount"), 350'000);
}

TEST(Visibility, OwnerAndStaffSeeAnApplicationOthersGet404) {
  auto owner = customer();
  auto r = apply(owner, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  auto path = "/api/v1/credit/applications/" + text(r.obj().at("id"));

  auto mine = get(path, owner.token);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.obj().at("status"), "approved");
  EXPECT_FALSE(mine.obj().contains("history"));

  auto other = customer();
  auto hidden = get(path, other.token);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_TRUE(hidden.is_problem());
  EXPECT_EQ(get(path, staff({"dealer"}).token).status, 404);
  EXPECT_EQ(get(path, staff({"agent"}).token).status, 404);
  EXPECT_EQ(get("/api/v1/credit/applications/" + rto::crypto::uuid_v4(), owner.token).status, 404);
  EXPECT_EQ(get("/api/v1/credit/applications/12", owner.token).status, 404);

  for (auto role : {"credit_officer", "support_agent", "admin"}) {
    auto s = get(path, staff({role}).token);
    ASSERT_EQ(s.status, 200) << role;
    EXPECT_EQ(s.obj().at("history").as_array().size(), 3u);
    EXPECT_TRUE(s.obj().at("decision").as_object().contains("audit"));
  }

  auto list = get("/api/v1/credit/applications/mine", owner.token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.obj().at("items").as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/credit/applications/mine", other.token).obj().at("items").as_array().size(), 0u);
}

TEST(Withdraw, TheOwnerWithdrawsAndMayApplyAgain) {
  auto p = customer();
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  auto id = text(r.obj().at("id"));
  auto path = "/api/v1/credit/applications/" + id + "/withdraw";

  EXPECT_EQ(post(path, js::object{}, customer().token).status, 404);  // another customer
  EXPECT_EQ(post(path, js::object{}, staff({"credit_officer"}).token).status, 404);

  auto w = post(path, js::object{}, p.token);
  ASSERT_EQ(w.status, 200) << w.body;
  EXPECT_EQ(w.obj().at("status"), "withdrawn");
  EXPECT_EQ(text(w.obj().at("withdrawn_at")), rto::to_rfc3339(world().clock->now()));
  auto ev = events(id, "credit.application.withdrawn");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("data").as_object().at("customer_id")), p.id);
  // The approval is no longer valid.
  EXPECT_EQ(internal(decision_id(r)).obj().at("valid"), false);

  auto again = post(path, js::object{}, p.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.type(), "/problems/cannot-withdraw");

  EXPECT_EQ(apply(p, application_body(vehicle())).status, 201);
}

TEST(Withdraw, ADeclinedApplicationCannotBeWithdrawn) {
  auto p = customer("verified", "2010-01-01");
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.obj().at("status"), "declined");
  auto w = post("/api/v1/credit/applications/" + text(r.obj().at("id")) + "/withdraw", js::object{}, p.token);
  EXPECT_EQ(w.status, 409);
}

TEST(Expiry, AnUnusedApprovalExpiresAfterTheConfiguredDays) {
  auto p = customer();
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  auto id = text(r.obj().at("id"));
  auto did = decision_id(r);

  world().clock->advance(days(30) - seconds(1));
  EXPECT_EQ(world().app->expire_approvals(), 0);
  EXPECT_EQ(internal(did).obj().at("valid"), true);

  world().clock->advance(seconds(1));  // exactly 30 days after the decision
  EXPECT_EQ(internal(did).obj().at("valid"), false);  // no longer valid, even before the job runs
  EXPECT_GE(world().app->expire_approvals(), 1);
  auto after = get("/api/v1/credit/applications/" + id, p.token);
  EXPECT_EQ(after.obj().at("status"), "expired");
  auto ev = events(id, "credit.application.expired");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(text(ev[0].at("data").as_object().at("customer_id")), p.id);
  EXPECT_EQ(text(ev[0].at("data").as_object().at("decision_id")), did);
  EXPECT_EQ(world().app->expire_approvals(), 0);  // once
  world().clock->advance(-days(30));

  // Expired is closed: the customer may apply again.
  EXPECT_EQ(apply(p, application_body(vehicle())).status, 201);
}

TEST(Expiry, AnApprovalUsedForAPlanIsClosedAndNeverExpires) {
  auto p = customer();
  auto r = apply(p, application_body(vehicle()));
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.obj().at("status"), "approved") << r.body;
  const auto id = text(r.obj().at("id"));
  const auto plan = rto::crypto::uuid_v4();
  // The payment service signed a plan on it (delivered twice, as a broker may).
  rto::events::Received ev;
  ev.id = rto::crypto::uuid_v4();
  ev.type = "payment.plan.created";
  ev.data = js::object{{"plan_id", plan}, {"customer_id", p.id}, {"credit_decision_id", decision_id(r)}};
  for (int i = 0; i < 2; ++i)
    world().app->db().transact([&](pqxx::work& tx) { world().app->on_payment_event(tx, ev); });

  auto used = get("/api/v1/credit/applications/" + id, p.token);
  EXPECT_EQ(used.obj().at("status"), "approved");
  EXPECT_EQ(text(used.obj().at("plan_id")), plan);
  EXPECT_EQ(text(used.obj().at("used_at")), rto::to_rfc3339(world().clock->now()));
  // It cannot be withdrawn now, and it does not block a new application.
  auto w = post("/api/v1/credit/applications/" + id + "/withdraw", js::object{}, p.token);
  EXPECT_EQ(w.status, 409);
  EXPECT_EQ(w.type(), "/problems/approval-used");
  // Past its expiry the job leaves it alone: no "expired" notice to a customer with a plan.
  world().clock->advance(days(31));
  world().app->expire_approvals();  // other tests' approvals may expire; this one must not
  EXPECT_EQ(get("/api/v1/credit/applications/" + id, p.token).obj().at("status"), "approved");
  EXPECT_TRUE(events(id, "credit.application.expired").empty());
  world().clock->advance(-days(31));
  EXPECT_EQ(apply(p, application_body(vehicle())).status, 201);
}

TEST(Prequalify, ScoresWithoutKeepingARecord) {
  auto p = customer("pending");  // no KYC needed to see what one can afford
  auto before = count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", p.id);
  auto body = application_body(vehicle());
  body.erase("vehicle_id");
  body.erase("template_id");
  body.erase("guarantor");
  body.erase("references");
  body["instalment"] = js::object{{"amount", 346'666}, {"currency", "UGX"}};
  auto r = post("/api/v1/credit/prequalify", body, p.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("score"), 684);
  EXPECT_EQ(r.obj().at("grade"), "B");
  EXPECT_EQ(r.obj().at("decision"), "approved");
  EXPECT_EQ(r.obj().at("reasons").as_array().size(), 3u);
  EXPECT_EQ(r.obj().at("reasons").as_array()[0].as_object().at("message"),
            "The instalment takes a large share of your income after your existing monthly obligations.");
  EXPECT_EQ(r.obj().at("breakdown").as_array().size(), 12u);  // version 1 and vehicle_usage
  EXPECT_TRUE(r.obj().at("terms").as_object().at("max_financed").is_null());  // no vehicle, no price
  // 40 % of (1,200,000 - 100,000)
  EXPECT_EQ(r.obj().at("affordable_monthly_instalment").as_object().at("amount"), 440'000);
  EXPECT_EQ(count("SELECT count(*) FROM applications WHERE customer_id = $1::uuid", p.id), before);
  auto c = raw_db();
  pqxx::read_transaction tx(c);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM outbox WHERE envelope LIKE '%" + p.id + "%'")[0].as<int>(), 0);
}

TEST(Prequalify, WithAVehicleAndTemplateUsesTheQuote) {
  auto p = customer();
  auto body = application_body(vehicle(4'800'000, "reserved"));  // availability does not matter here
  auto r = post("/api/v1/credit/prequalify", body, p.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("instalment").as_object().at("source"), "payment-service");
  EXPECT_EQ(r.obj().at("score"), 684);
  EXPECT_EQ(r.obj().at("terms").as_object().at("max_financed").as_object().at("amount"), 4'080'000);
  EXPECT_FALSE(r.obj().at("instalment").as_object().contains("quote"));
}

TEST(Prequalify, TheAgeRuleAppliesWhenTheBirthDateIsKnown) {
  auto p = customer("pending", "2010-01-01");
  auto body = application_body(vehicle());
  auto r = post("/api/v1/credit/prequalify", body, p.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("decision"), "declined");
  EXPECT_EQ(r.obj().at("reasons").as_array()[0].as_object().at("code"), "applicant_under_18");

  auto unknown = customer("none", "");
  r = post("/api/v1/credit/prequalify", body, unknown.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("hard_rules").as_array()[0].as_object().at("outcome"), "not_checked");
}

TEST(Prequalify, NeedsAnInstalmentOrAQuoteSource) {
  auto p = customer();
  auto body = application_body(vehicle());
  body.erase("vehicle_id");
  body.erase("template_id");
  auto r = post("/api/v1/credit/prequalify", body, p.token);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.names_field("instalment"));
  EXPECT_EQ(post("/api/v1/credit/prequalify", body, staff({"dealer"}).token).status, 403);
}
