// The scorecard against the model version 1 that migration V0001 seeds.
//
// Model v1 scaling: pdo 40, base score 600 at odds 30:1.
//   factor = 40 / ln 2                 = 57.7078
//   offset = 600 - 57.7078 * ln 30     = 600 - 57.7078 * 3.401197 = 403.7244
//   base points = round(offset + factor * intercept 3.4) = round(403.7244 + 196.2065) = 600
// Bin points are round(57.7078 * log_odds):
//   0.60 -> 35   0.45 -> 26   0.35 -> 20   0.30 -> 17   0.25 -> 14   0.20 -> 12   0.15 -> 9
//   0.10 -> 6    0 -> 0       -0.15 -> -9  -0.20 -> -12 -0.25 -> -14 -0.30 -> -17 -0.35 -> -20
//   -0.40 -> -23 -0.45 -> -26 -0.50 -> -29 -0.70 -> -40 -0.80 -> -46 -0.90 -> -52 -1.50 -> -87
// so each factor's points (best first) are:
//   affordability        35 | 20 | 0 | -20 | -46       (<=15 %, <=25 %, <=35 %, <=40 %, more)
//   income_stability     salaried 20 | business, ride_hailing 9 | delivery, boda, taxi 6 | other -14
//   months_in_work       <6: -29 | 6-11: -12 | 12-23: 6 | 24-47: 17 | 48+: 26
//   mobile_money_inflow  <30 %: -26 | 30-59: -9 | 60-89: 6 | 90+: 17
//   mobile_money_activity <10: -20 | 10-29: 0 | 30-59: 12 | 60+: 17
//   mobile_money_history <3: -26 | 3-11: -9 | 12-23: 9 | 24+: 14
//   residence_stability  <6: -17 | 6-23: 0 | 24-59: 12 | 60+: 17
//   dependants           0-2: 6 | 3-4: 0 | 5+: -12
//   guarantor_references <=2: 0 | 3: 6 | 4+: 9
//   repayment_on_time    none: 0 (not a reason) | <70: -40 | 70-84: -12 | 85-94: 14 | 95+: 35
//   repayment_arrears    none: 0 (not a reason) | 0: 12 | 1-7: 0 | 8-30: -23 | 31-60: -52 | 61+: -87
#include <gtest/gtest.h>

#include <cmath>

#include "domain/scorecard.hpp"
#include "seed_model.hpp"

using namespace credit_service;

namespace {

const Model& model() {
  static const Model m = seed_model();
  return m;
}

rto::Money ugx(std::int64_t a) { return rto::Money::of(a, "UGX"); }

// The rider of the example body.
ApplicationInput boda_rider() {
  ApplicationInput in;
  in.employment_type = "boda_rider";
  in.months_in_work = 30;
  in.monthly_income = ugx(1'200'000);
  in.monthly_obligations = ugx(100'000);
  in.mobile_money = {18, 1'100'000, 60};
  in.dependants = 2;
  in.months_at_residence = 24;
  in.guarantor = Guarantor{"Grace Nakato", "+256701234567", "sister", "CM12345678ABCD"};
  in.references = {{"John Okello", "+256772000001"}, {"Sarah Auma", "+256772000002"}};
  return in;
}

int points_of(const ScoreResult& r, std::string_view code) {
  for (const auto& f : r.factors)
    if (model().factors[f.factor].code == code) return f.points;
  ADD_FAILURE() << "no factor " << code;
  return 0;
}

std::vector<std::string> reason_codes(const std::vector<Reason>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(r.code);
  return out;
}

}  // namespace

TEST(Scorecard, ScalingConstants) {
  const auto& s = model().scaling;
  EXPECT_NEAR(s.factor, 57.7078, 1e-4);
  EXPECT_NEAR(s.offset, 403.7244, 1e-4);
  EXPECT_EQ(model().base_points, 600);
  // 600 points stand for 30:1; every 40 points more doubles the odds.
  EXPECT_NEAR(odds_at(s, 600), 30.0, 1e-9);
  EXPECT_NEAR(odds_at(s, 640), 60.0, 1e-9);
  EXPECT_NEAR(odds_at(s, 560), 15.0, 1e-9);
}

// Worked example 1: the boda rider with a weekly quote of UGX 80,000.
//   monthly instalment = floor(80,000 * 52 / 12) = floor(346,666.67) = 346,666
//   disposable income  = 1,200,000 - 100,000 = 1,100,000
//   affordability      = ceil(346,666 * 10,000 / 1,100,000) = ceil(3151.51) = 3152 bp -> 25-35 % -> 0
//   boda_rider 6; 30 months in work 17; inflow 1,100,000 / 1,200,000 = 91 % -> 17;
//   60 transactions 17; 18 months of history 9; 24 months at residence 12; 2 dependants 6;
//   2 references 0; no repayment history 0 + 0
//   score = 600 + 0 + 6 + 17 + 17 + 17 + 9 + 12 + 6 + 0 + 0 + 0 = 684 -> grade B
//   points lost: affordability 35, income_stability 14, months_in_work 9, guarantor_references 9,
//   mobile_money_history 5, residence 5 -> reasons: affordability, income stability, then
//   months_in_work (ties keep the model's order, and it comes before guarantor_references).
TEST(Scorecard, WorkedExampleBodaRider) {
  auto c = characteristics_of(boda_rider(), ugx(346'666), std::nullopt);
  EXPECT_EQ(c.get(Input::AffordabilityBp), 3152);
  EXPECT_EQ(c.get(Input::InflowToIncomePercent), 91);
  EXPECT_EQ(c.get(Input::ReferencesCount), 2);
  EXPECT_EQ(c.get(Input::RepaymentOnTimePercent), std::nullopt);
  EXPECT_EQ(c.get(Input::RepaymentWorstDaysPastDue), std::nullopt);

  auto r = score(model(), c);
  EXPECT_EQ(points_of(r, "affordability"), 0);
  EXPECT_EQ(points_of(r, "income_stability"), 6);
  EXPECT_EQ(points_of(r, "months_in_work"), 17);
  EXPECT_EQ(points_of(r, "mobile_money_inflow"), 17);
  EXPECT_EQ(points_of(r, "mobile_money_activity"), 17);
  EXPECT_EQ(points_of(r, "mobile_money_history"), 9);
  EXPECT_EQ(points_of(r, "residence_stability"), 12);
  EXPECT_EQ(points_of(r, "dependants"), 6);
  EXPECT_EQ(points_of(r, "guarantor_references"), 0);
  EXPECT_EQ(points_of(r, "repayment_on_time"), 0);
  EXPECT_EQ(points_of(r, "repayment_arrears"), 0);
  EXPECT_EQ(r.raw_score, 684);
  EXPECT_EQ(r.score, 684);
  EXPECT_EQ(model().grades[r.grade].grade, "B");
  EXPECT_EQ(reason_codes(r.reasons),
            (std::vector<std::string>{"instalment_share_high", "income_less_steady", "short_time_in_work"}));
}

// Worked example 2: a salaried returning customer.
//   disposable 2,000,000 - 200,000 = 1,800,000; instalment 250,000 monthly
//   affordability = ceil(250,000 * 10,000 / 1,800,000) = ceil(1388.9) = 1389 bp -> 35
//   salaried 20; 60 months 26; inflow 1,900,000 / 2,000,000 = 95 % -> 17; 45 transactions 12;
//   36 months of history 14; 72 months at residence 17; 3 dependants 0; 4 references 9;
//   19 on time of 20 = 95 % -> 35; worst days past due max(3 late, 5 delinquent) = 5 -> 0
//   score = 600 + 35 + 20 + 26 + 17 + 12 + 14 + 17 + 0 + 9 + 35 + 0 = 785 -> grade A
//   points lost: arrears 12, dependants 6, activity 5 (and nothing else).
TEST(Scorecard, WorkedExampleReturningSalaried) {
  ApplicationInput in = boda_rider();
  in.employment_type = "salaried";
  in.months_in_work = 60;
  in.monthly_income = ugx(2'000'000);
  in.monthly_obligations = ugx(200'000);
  in.mobile_money = {36, 1'900'000, 45};
  in.dependants = 3;
  in.months_at_residence = 72;
  in.references.push_back({"Peter Ouma", "+256772000003"});
  in.references.push_back({"Ruth Akello", "+256772000004"});
  RepaymentHistory h{19, 1, 3, 5, 20};

  auto c = characteristics_of(in, ugx(250'000), h);
  EXPECT_EQ(c.get(Input::AffordabilityBp), 1389);
  EXPECT_EQ(c.get(Input::RepaymentOnTimePercent), 95);
  EXPECT_EQ(c.get(Input::RepaymentWorstDaysPastDue), 5);
  auto r = score(model(), c);
  EXPECT_EQ(r.score, 785);
  EXPECT_EQ(model().grades[r.grade].grade, "A");
  EXPECT_EQ(reason_codes(r.reasons),
            (std::vector<std::string>{"past_arrears", "many_dependants", "low_mobile_money_activity"}));
}

// Worked example 3: a weak application.
//   disposable 600,000 - 150,000 = 450,000; instalment 170,000
//   affordability = ceil(170,000 * 10,000 / 450,000) = ceil(3777.8) = 3778 bp -> -20
//   other -14; 4 months -29; inflow 150,000 / 600,000 = 25 % -> -26; 8 transactions -20;
//   2 months of history -26; 3 months at residence -17; 5 dependants -12; 2 references 0
//   score = 600 - 20 - 14 - 29 - 26 - 20 - 26 - 17 - 12 = 436 -> grade E
//   points lost: affordability 55, months_in_work 55, inflow 43, history 40, activity 37, …
TEST(Scorecard, WorkedExampleWeakApplication) {
  ApplicationInput in = boda_rider();
  in.employment_type = "other";
  in.months_in_work = 4;
  in.monthly_income = ugx(600'000);
  in.monthly_obligations = ugx(150'000);
  in.mobile_money = {2, 150'000, 8};
  in.dependants = 5;
  in.months_at_residence = 3;
  auto r = score(model(), characteristics_of(in, ugx(170'000), std::nullopt));
  EXPECT_EQ(r.raw_score, 436);
  EXPECT_EQ(r.score, 436);
  EXPECT_EQ(model().grades[r.grade].grade, "E");
  EXPECT_EQ(reason_codes(r.reasons),
            (std::vector<std::string>{"instalment_share_high", "short_time_in_work", "low_mobile_money_inflow"}));
}

// Worked example 4: example 1 with 8 months in work (-12), 20 transactions (0), 6 months of
// history (-9) and 4 months at the residence (-17):
//   600 + 0 + 6 - 12 + 17 + 0 - 9 - 17 + 6 + 0 = 591 -> grade D (referred)
TEST(Scorecard, WorkedExampleReferred) {
  ApplicationInput in = boda_rider();
  in.months_in_work = 8;
  in.mobile_money = {6, 1'100'000, 20};
  in.months_at_residence = 4;
  auto r = score(model(), characteristics_of(in, ugx(346'666), std::nullopt));
  EXPECT_EQ(r.score, 591);
  EXPECT_EQ(model().grades[r.grade].grade, "D");
}

TEST(Scorecard, ScoreIsClampedTo300) {
  // Every worst bin: 600 - 46 - 14 - 29 - 26 - 20 - 26 - 17 - 12 + 0 - 40 - 87 = 283 -> 300
  ApplicationInput in = boda_rider();
  in.employment_type = "other";
  in.months_in_work = 0;
  in.monthly_obligations = ugx(1'200'000);
  in.mobile_money = {0, 0, 0};
  in.dependants = 9;
  in.months_at_residence = 0;
  auto r = score(model(), characteristics_of(in, ugx(346'666), RepaymentHistory{1, 9, 90, 120, 10}));
  EXPECT_EQ(r.raw_score, 283);
  EXPECT_EQ(r.score, 300);
  EXPECT_EQ(model().grades[r.grade].grade, "E");
}

TEST(Scorecard, ScoreIsClampedTo850) {
  auto doc = seed_model_document();
  doc["intercept_log_odds"] = 8.0;  // base points round(403.7244 + 57.7078 * 8) = 865
  auto m = parse_model(doc);
  EXPECT_EQ(m.base_points, 865);
  auto r = score(m, characteristics_of(boda_rider(), ugx(346'666), std::nullopt));
  EXPECT_EQ(r.raw_score, 865 + 84);
  EXPECT_EQ(r.score, 850);
}

TEST(Scorecard, BoundaryBins) {
  auto c = characteristics_of(boda_rider(), ugx(346'666), std::nullopt);
  auto aff = [&](std::int64_t bp) {
    c.set(Input::AffordabilityBp, bp);
    return points_of(score(model(), c), "affordability");
  };
  EXPECT_EQ(aff(0), 35);
  EXPECT_EQ(aff(1500), 35);
  EXPECT_EQ(aff(1501), 20);
  EXPECT_EQ(aff(2500), 20);
  EXPECT_EQ(aff(2501), 0);
  EXPECT_EQ(aff(3500), 0);
  EXPECT_EQ(aff(3501), -20);
  EXPECT_EQ(aff(4000), -20);
  EXPECT_EQ(aff(4001), -46);
  EXPECT_EQ(aff(kNoDisposableIncome), -46);

  auto months = [&](std::int64_t m) {
    c.set(Input::MonthsInWork, m);
    return points_of(score(model(), c), "months_in_work");
  };
  EXPECT_EQ(months(5), -29);
  EXPECT_EQ(months(6), -12);
  EXPECT_EQ(months(11), -12);
  EXPECT_EQ(months(12), 6);
  EXPECT_EQ(months(47), 17);
  EXPECT_EQ(months(48), 26);

  auto arrears = [&](std::optional<std::int64_t> d) {
    c.set(Input::RepaymentWorstDaysPastDue, d);
    return points_of(score(model(), c), "repayment_arrears");
  };
  EXPECT_EQ(arrears(std::nullopt), 0);
  EXPECT_EQ(arrears(0), 12);
  EXPECT_EQ(arrears(1), 0);
  EXPECT_EQ(arrears(7), 0);
  EXPECT_EQ(arrears(8), -23);
  EXPECT_EQ(arrears(60), -52);
  EXPECT_EQ(arrears(61), -87);

  for (auto [type, pts] : std::vector<std::pair<std::string, int>>{{"salaried", 20},
                                                                   {"business", 9},
                                                                   {"ride_hailing", 9},
                                                                   {"delivery", 6},
                                                                   {"boda_rider", 6},
                                                                   {"taxi", 6},
                                                                   {"other", -14}}) {
    c.employment_type = type;
    EXPECT_EQ(points_of(score(model(), c), "income_stability"), pts) << type;
  }
}

TEST(Scorecard, AffordabilityRoundsUpSoOverTheLimitIsOverInBasisPoints) {
  // disposable 1,100,000: 440,000 is exactly 40 %; one shilling more is over.
  EXPECT_EQ(affordability_bp(ugx(440'000), ugx(1'200'000), ugx(100'000)), 4000);
  EXPECT_EQ(affordability_bp(ugx(440'001), ugx(1'200'000), ugx(100'000)), 4001);
  EXPECT_EQ(affordability_bp(ugx(1), ugx(1'200'000), ugx(1'200'000)), kNoDisposableIncome);
  EXPECT_EQ(affordability_bp(ugx(1), ugx(1'200'000), ugx(1'300'000)), kNoDisposableIncome);
  EXPECT_EQ(affordability_bp(ugx(10'000'000'000'000), ugx(2), ugx(1)), kNoDisposableIncome);  // capped
}

TEST(Scorecard, ReasonOrderAndTies) {
  // Lost points per factor in model order; ties keep that order; zero-cost factors and bins
  // marked "explain": false never become reasons.
  std::vector<FactorResult> fs;
  auto add = [&](std::size_t f, std::size_t bin, int lost) { fs.push_back({f, bin, 0, lost}); };
  add(0, 2, 35);   // affordability
  add(1, 2, 14);   // income_stability
  add(2, 3, 9);    // months_in_work
  add(8, 0, 9);    // guarantor_references, same loss: after months_in_work
  add(9, 0, 35);   // repayment_on_time "no earlier plan": explain false
  add(5, 2, 0);    // costs nothing
  EXPECT_EQ(reason_codes(top_reasons(model(), fs)),
            (std::vector<std::string>{"instalment_share_high", "income_less_steady", "short_time_in_work"}));
  EXPECT_EQ(reason_codes(top_reasons(model(), fs, 5)),
            (std::vector<std::string>{"instalment_share_high", "income_less_steady", "short_time_in_work",
                                      "few_references"}));
  fs[3].points_lost = 10;
  EXPECT_EQ(reason_codes(top_reasons(model(), fs))[2], "few_references");
}

TEST(Scorecard, ReasonsArePlainWords) {
  auto r = score(model(), characteristics_of(boda_rider(), ugx(346'666), std::nullopt));
  ASSERT_EQ(r.reasons.size(), 3u);
  EXPECT_EQ(r.reasons[0].message,
            "The instalment takes a large share of your income after your existing monthly obligations.");
}

TEST(Scorecard, BreakdownNamesEveryFactor) {
  auto c = characteristics_of(boda_rider(), ugx(346'666), std::nullopt);
  auto r = score(model(), c);
  auto b = breakdown_json(model(), c, r);
  ASSERT_EQ(b.size(), model().factors.size());
  const auto& first = b[0].as_object();
  EXPECT_EQ(first.at("code"), "affordability");
  EXPECT_EQ(first.at("input"), "affordability_bp");
  EXPECT_EQ(first.at("value"), 3152);
  EXPECT_EQ(first.at("bin"), "25% to 35%");
  EXPECT_EQ(first.at("points"), 0);
  EXPECT_EQ(first.at("max_points"), 35);
  EXPECT_EQ(first.at("points_lost"), 35);
  EXPECT_TRUE(b[9].as_object().at("value").is_null());  // no repayment history
  EXPECT_EQ(b[1].as_object().at("value"), "boda_rider");
  int sum = r.base_points;
  for (const auto& f : b) sum += static_cast<int>(f.as_object().at("points").as_int64());
  EXPECT_EQ(sum, r.raw_score);
}

TEST(Scorecard, PrequalificationWithoutReferencesCountsTheMinimum) {
  ApplicationInput in = boda_rider();
  in.guarantor.reset();
  in.references.clear();
  EXPECT_EQ(characteristics_of(in, ugx(346'666), std::nullopt).get(Input::ReferencesCount), 2);
}

// ---- the vehicle-usage factor (migration V0004: version 1 plus vehicle_usage at weight zero) ----

namespace {

const Model& usage_model_v() {
  static const Model m = usage_model();
  return m;
}

UsageSummary usage_with(std::int64_t days_with_data, std::int64_t active_days) {
  UsageSummary s;
  s.window = usage_window_before(Day{std::chrono::year(2026) / 6 / 15});
  s.days_with_data = days_with_data;
  s.active_days = active_days;
  return s;
}

}  // namespace

TEST(UsageFactor, IsPresentWithWeightZeroAndVersionOneOtherwise) {
  const auto& v1 = model();
  const auto& m = usage_model_v();
  ASSERT_EQ(m.factors.size(), v1.factors.size() + 1);
  const auto& f = m.factors.back();
  EXPECT_EQ(f.code, "vehicle_usage");
  EXPECT_EQ(f.input, Input::UsageActiveDaysPercent);
  EXPECT_EQ(f.reason_code, "low_vehicle_usage");
  EXPECT_EQ(f.max_points, 0);
  ASSERT_EQ(f.bins.size(), 4u);
  EXPECT_TRUE(f.bins[0].missing);
  EXPECT_FALSE(f.bins[0].explain);
  for (const auto& b : f.bins) {
    EXPECT_EQ(b.log_odds, 0.0) << b.label;
    EXPECT_EQ(b.points, 0) << b.label;
  }
  // Everything else is version 1's.
  EXPECT_EQ(m.base_points, v1.base_points);
  EXPECT_EQ(m.grades.size(), v1.grades.size());
  for (std::size_t i = 0; i < v1.factors.size(); ++i) {
    EXPECT_EQ(m.factors[i].code, v1.factors[i].code);
    EXPECT_EQ(m.factors[i].max_points, v1.factors[i].max_points);
    ASSERT_EQ(m.factors[i].bins.size(), v1.factors[i].bins.size());
    for (std::size_t b = 0; b < v1.factors[i].bins.size(); ++b)
      EXPECT_EQ(m.factors[i].bins[b].points, v1.factors[i].bins[b].points) << m.factors[i].code;
  }
}

TEST(UsageFactor, TheCharacteristicIsTheShareOfActiveDays) {
  auto in = boda_rider();
  EXPECT_EQ(characteristics_of(in, ugx(346'666), std::nullopt).get(Input::UsageActiveDaysPercent), std::nullopt);
  EXPECT_EQ(characteristics_of(in, ugx(346'666), std::nullopt, usage_with(3, 2)).get(Input::UsageActiveDaysPercent),
            66);
  EXPECT_EQ(characteristics_of(in, ugx(346'666), std::nullopt, usage_with(0, 0)).get(Input::UsageActiveDaysPercent),
            std::nullopt);
  auto c = characteristics_json(characteristics_of(in, ugx(346'666), std::nullopt, usage_with(90, 81)));
  EXPECT_EQ(c.at("usage_active_days_percent"), 90);
}

// At weight zero the factor changes no score, grade or reason: the worked examples, and the
// clamped ones, with no usage and with usage in every bin.
TEST(UsageFactor, ChangesNothingAtWeightZero) {
  std::vector<std::pair<ApplicationInput, rto::Money>> cases;
  cases.push_back({boda_rider(), ugx(346'666)});  // 684, B
  {
    auto in = boda_rider();  // 436, E
    in.employment_type = "other";
    in.months_in_work = 4;
    in.monthly_income = ugx(600'000);
    in.monthly_obligations = ugx(150'000);
    in.mobile_money = {2, 150'000, 8};
    in.dependants = 5;
    in.months_at_residence = 3;
    cases.push_back({in, ugx(170'000)});
  }
  {
    auto in = boda_rider();  // 591, D
    in.months_in_work = 8;
    in.mobile_money = {6, 1'100'000, 20};
    in.months_at_residence = 4;
    cases.push_back({in, ugx(346'666)});
  }
  {
    auto in = boda_rider();  // raw 283, clamped to 300
    in.employment_type = "other";
    in.months_in_work = 0;
    in.monthly_obligations = ugx(1'200'000);
    in.mobile_money = {0, 0, 0};
    in.dependants = 9;
    in.months_at_residence = 0;
    cases.push_back({in, ugx(346'666)});
  }
  const std::vector<std::optional<UsageSummary>> usages = {std::nullopt, usage_with(10, 0), usage_with(10, 6),
                                                           usage_with(90, 90)};
  const std::vector<std::optional<RepaymentHistory>> histories = {std::nullopt, RepaymentHistory{19, 1, 3, 5, 20}};
  for (const auto& [in, instalment] : cases)
    for (const auto& h : histories)
      for (const auto& u : usages) {
        const auto before = score(model(), characteristics_of(in, instalment, h));
        const auto c = characteristics_of(in, instalment, h, u);
        const auto after = score(usage_model_v(), c);
        EXPECT_EQ(after.raw_score, before.raw_score);
        EXPECT_EQ(after.score, before.score);
        EXPECT_EQ(usage_model_v().grades[after.grade].grade, model().grades[before.grade].grade);
        EXPECT_EQ(reason_codes(after.reasons), reason_codes(before.reasons));
        // ...and the usage is in the breakdown, in its bin, with no points.
        auto b = breakdown_json(usage_model_v(), c, after);
        ASSERT_EQ(b.size(), 12u);
        const auto& f = b.back().as_object();
        EXPECT_EQ(f.at("code"), "vehicle_usage");
        EXPECT_EQ(f.at("points"), 0);
        EXPECT_EQ(f.at("points_lost"), 0);
        if (!u) {
          EXPECT_TRUE(f.at("value").is_null());
          EXPECT_EQ(f.at("bin"), "no usage data");
        } else {
          EXPECT_EQ(f.at("value"), u->active_days_percent());
          EXPECT_EQ(f.at("bin"), u->active_days_percent() < 50   ? "under 50%"
                                 : u->active_days_percent() < 80 ? "50% to 79%"
                                                                 : "80% or more");
        }
      }
}
