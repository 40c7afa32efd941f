#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "rto/request_body.hpp"
#include "rto/service.hpp"

TEST(Problem, MapsErrorToRfc9457) {
  rto::http::Request req;
  req.path = "/api/v1/things";
  req.request_id = "rid-1";
  auto e = rto::BadRequest("2 fields are invalid", {{"phone", "is required"}, {"password", "too short"}});
  auto r = rto::problem(e, req);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/problem+json");
  auto o = boost::json::parse(r.body).as_object();
  EXPECT_EQ(o.at("status").as_int64(), 400);
  EXPECT_EQ(o.at("title").as_string(), "Bad Request");
  EXPECT_EQ(o.at("detail").as_string(), "2 fields are invalid");
  EXPECT_EQ(o.at("instance").as_string(), "/api/v1/things");
  EXPECT_EQ(o.at("request_id").as_string(), "rid-1");
  EXPECT_EQ(o.at("type").as_string(), "/problems/bad-request");
  ASSERT_EQ(o.at("errors").as_array().size(), 2u);
  EXPECT_EQ(o.at("errors").as_array()[0].as_object().at("field").as_string(), "phone");
}

TEST(Problem, RetryAfterCodeAndHeaders) {
  rto::http::Request req;
  auto e = rto::TooManyRequests("slow down", std::chrono::seconds(7));
  e.with_code("rate-limited");
  auto r = rto::problem(e, req);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.headers.get("Retry-After").value_or(""), "7");
  EXPECT_EQ(boost::json::parse(r.body).at("type").as_string(), "/problems/rate-limited");
  EXPECT_FALSE(boost::json::parse(r.body).as_object().contains("errors"));
}

// A JSON route's body must come as JSON: anything else is 415 naming Content-Type, before the
// body is read; an empty body is the 400 it always was.
TEST(JsonBody, OnlyJsonMediaTypesAreRead) {
  using rto::http::is_json_media_type;
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("application/merge-patch+json"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/x-www-form-urlencoded"));
  EXPECT_FALSE(is_json_media_type("application/+json"));
  EXPECT_FALSE(is_json_media_type(""));

  rto::http::Request req;
  req.method = rto::http::Method::Post;
  req.body = R"({"full_name":"Amina"})";
  auto status_of = [&] {
    try {
      rto::http::json_body(req);
      return 200;
    } catch (const rto::Error& e) {
      return e.status();
    }
  };
  EXPECT_EQ(status_of(), 415);  // no Content-Type
  req.headers.set("Content-Type", "text/plain");
  EXPECT_EQ(status_of(), 415);
  try {
    rto::http::json_body(req);
  } catch (const rto::Error& e) {
    ASSERT_FALSE(e.fields().empty());
    EXPECT_EQ(e.fields().front().field, "Content-Type");
  }
  req.headers.set("Content-Type", "application/json; charset=utf-8");
  EXPECT_EQ(rto::http::json_body(req).at("full_name").as_string(), "Amina");
  req.body.clear();
  EXPECT_EQ(status_of(), 400);
}
