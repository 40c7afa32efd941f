// The credit service's pure scorecard: what POST /api/v1/credit/applications and
// /prequalify spend on scoring, against the model version 1 that migration V0001 seeds.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "domain/model.hpp"
#include "domain/policy.hpp"
#include "domain/scorecard.hpp"

using namespace credit_service;

namespace {

boost::json::object seed_document() {
  std::ifstream f(CREDIT_SEED_MIGRATION);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string sql = ss.str(), mark = "$model$";
  auto b = sql.find(mark);
  auto e = sql.find(mark, b + mark.size());
  return boost::json::parse(sql.substr(b + mark.size(), e - b - mark.size())).as_object();
}

const Model& model() {
  static const Model m = [] {
    auto parsed = parse_model(seed_document());
    parsed.version = 1;
    return parsed;
  }();
  return m;
}

ApplicationInput applicant() {
  ApplicationInput in;
  in.employment_type = "boda_rider";
  in.months_in_work = 30;
  in.monthly_income = rto::Money::of(1'200'000, "UGX");
  in.monthly_obligations = rto::Money::of(100'000, "UGX");
  in.mobile_money = {18, 1'100'000, 60};
  in.dependants = 2;
  in.months_at_residence = 24;
  in.guarantor = Guarantor{"Grace Nakato", "+256701234567", "sister", "CM12345678ABCD"};
  in.references = {{"John Okello", "+256772000001"}, {"Sarah Auma", "+256772000002"}};
  return in;
}

PolicyInputs policy(const Characteristics& c) {
  PolicyInputs p;
  p.age_years = 30;
  p.affordability_bp = *c.get(Input::AffordabilityBp);
  p.vehicle_price = rto::Money::of(4'800'000, "UGX");
  p.now = std::chrono::system_clock::now();
  return p;
}

}  // namespace

// Bin the characteristics and sum the points (with the top-three reasons).
static void BM_Score(benchmark::State& st) {
  const auto& m = model();
  auto c = characteristics_of(applicant(), rto::Money::of(346'666, "UGX"), RepaymentHistory{19, 1, 3, 5, 20});
  for (auto _ : st) benchmark::DoNotOptimize(score(m, c));
}
BENCHMARK(BM_Score);

// Characteristics, score and the policy decision: everything but the audit record.
static void BM_ScoreAndDecide(benchmark::State& st) {
  const auto& m = model();
  const auto in = applicant();
  const auto inst = rto::Money::of(346'666, "UGX");
  for (auto _ : st) {
    auto c = characteristics_of(in, inst, std::nullopt);
    auto s = score(m, c);
    benchmark::DoNotOptimize(decide(m, s, policy(c)));
  }
}
BENCHMARK(BM_ScoreAndDecide);

// As POST /applications does it: including the audit record (JSON) stored with the decision.
static void BM_ScoreDecideAndAudit(benchmark::State& st) {
  const auto& m = model();
  const auto in = applicant();
  const auto inst = rto::Money::of(346'666, "UGX");
  for (auto _ : st) {
    auto c = characteristics_of(in, inst, std::nullopt);
    auto s = score(m, c);
    auto p = policy(c);
    auto o = decide(m, s, p);
    benchmark::DoNotOptimize(boost::json::serialize(audit_json(m, c, s, o, p)));
  }
}
BENCHMARK(BM_ScoreDecideAndAudit);

// Validating a model document (once per version; the service caches parsed models).
static void BM_ParseModel(benchmark::State& st) {
  const auto doc = seed_document();
  for (auto _ : st) benchmark::DoNotOptimize(parse_model(doc));
}
BENCHMARK(BM_ParseModel);

BENCHMARK_MAIN();
