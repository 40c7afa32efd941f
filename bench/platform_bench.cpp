// Hot-path pieces every request touches: routing, token verification, problem serialisation.
#include <benchmark/benchmark.h>

#include "rto/auth.hpp"
#include "rto/router.hpp"
#include "rto/service.hpp"
#include "rto/testing/service.hpp"

#include <string>
#include <vector>

using namespace rto;

static void BM_RouterMatch(benchmark::State& st) {
  http::Router r;
  auto ok = [](http::Request&) { return http::Response::no_content(); };
  for (auto p : {"/api/v1/users/me", "/api/v1/users/{id}", "/api/v1/users/{id}/roles", "/api/v1/users/{id}/kyc/verify",
                 "/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/auth/refresh", "/internal/users/{id}"})
    r.get(p, http::Access::anyone(), ok);
  for (auto _ : st) benchmark::DoNotOptimize(r.match(http::Method::Get, "/api/v1/users/8f1c2d3e/kyc/verify"));
}
BENCHMARK(BM_RouterMatch);

// ES256 access tokens: signed with the test private key, verified as the gateway does.
static void BM_VerifyAccessToken(benchmark::State& st) {
  auth::Tokens signer(auth::AccessKeys::parse(testing::kJwtPrivateKey, testing::kJwtPublicKeys), "");
  auth::Tokens t(auth::AccessKeys::parse("", testing::kJwtPublicKeys), "");
  auto tok = signer.issue_access("8f1c2d3e-0000-4000-8000-000000000000", {"customer"});
  for (auto _ : st) benchmark::DoNotOptimize(t.verify_access(tok));  // from the cache after the first
}
BENCHMARK(BM_VerifyAccessToken);

// Every token new to the verifier: the ES256 signature checked in full each time.
static void BM_VerifyAccessTokenFirstSight(benchmark::State& st) {
  auth::Tokens signer(auth::AccessKeys::parse(testing::kJwtPrivateKey, testing::kJwtPublicKeys), "");
  std::vector<std::string> tokens;
  for (int i = 0; i < 4096; ++i) tokens.push_back(signer.issue_access("user-" + std::to_string(i), {"customer"}));
  std::size_t i = 0;
  for (auto _ : st) {
    st.PauseTiming();
    auth::Tokens t(auth::AccessKeys::parse("", testing::kJwtPublicKeys), "");  // an empty cache
    st.ResumeTiming();
    benchmark::DoNotOptimize(t.verify_access(tokens[i++ % tokens.size()]));
  }
}
BENCHMARK(BM_VerifyAccessTokenFirstSight);

static void BM_Problem(benchmark::State& st) {
  http::Request req;
  req.path = "/api/v1/auth/register";
  req.request_id = "8f1c2d3e-0000-4000-8000-000000000000";
  auto e = BadRequest("2 fields are invalid", {{"phone", "is not a valid phone number"}, {"password", "too short"}});
  for (auto _ : st) benchmark::DoNotOptimize(problem(e, req));
}
BENCHMARK(BM_Problem);

BENCHMARK_MAIN();
