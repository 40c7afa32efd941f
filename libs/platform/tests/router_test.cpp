#include <gtest/gtest.h>

#include "rto/router.hpp"

using namespace rto::http;

namespace {
Response ok(Request&) { return Response::no_content(); }
}  // namespace

TEST(Router, MatchesParamsAndPrefersLiterals) {
  Router r;
  r.get("/api/v1/users/{id}", Access::signed_in(), ok);
  r.get("/api/v1/users/me", Access::signed_in(), ok);
  r.post("/api/v1/users/{id}/kyc/verify", Access::roles_any({"admin"}), ok);
  auto m = r.match(Method::Get, "/api/v1/users/me");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/me");
  m = r.match(Method::Get, "/api/v1/users/42");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].second, "42");
  m = r.match(Method::Post, "/api/v1/users/42/kyc/verify/");
  ASSERT_TRUE(m.route);
}

TEST(Router, MethodNotAllowedListsAllowed) {
  Router r;
  r.get("/a/{x}", Access::anyone(), ok);
  r.put("/a/{x}", Access::anyone(), ok);
  auto m = r.match(Method::Delete, "/a/1");
  EXPECT_FALSE(m.route);
  ASSERT_EQ(m.allowed.size(), 2u);
  EXPECT_EQ(m.allowed[0], Method::Get);
  EXPECT_TRUE(r.match(Method::Head, "/a/1").route);  // HEAD is served by GET
}

TEST(Router, NotFound) {
  Router r;
  r.get("/a/b", Access::anyone(), ok);
  auto m = r.match(Method::Get, "/a/c");
  EXPECT_FALSE(m.route);
  EXPECT_TRUE(m.allowed.empty());
  EXPECT_FALSE(r.match(Method::Get, "/a/b/c").route);
  EXPECT_FALSE(r.match(Method::Get, "/a").route);
}
