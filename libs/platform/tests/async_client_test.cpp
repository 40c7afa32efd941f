// Asynchronous handling (Service::set_async_fallback) and AsyncClient over real TCP: a small
// "front" service forwards what it does not route itself to an "upstream" service, the way the
// gateway does. No database needed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <thread>

#include "rto/testing/service.hpp"
#include "rto/http_async.hpp"
#include "rto/http_client.hpp"
#include "rto/service.hpp"

using namespace rto;
using namespace std::chrono_literals;

namespace {

config::Common config(std::uint16_t port = 0) {
  config::Common c;
  c.service = "async-test";
  c.host = "127.0.0.1";
  c.port = port;
  c.http_workers = 2;
  c.shutdown_grace = 2s;
  c.jwt_public_keys = rto::testing::kJwtPublicKeys;
  c.service_token_secret = "fedcba9876543210fedcba9876543210";
  c.log_level = "error";
  return c;
}

std::unique_ptr<Service> upstream(std::uint16_t port = 0) {
  auto s = std::make_unique<Service>(config(port));
  auto echo = [](http::Request& q) {
    return http::Response::json(200, boost::json::object{{"target", q.target}, {"body", q.body}});
  };
  s->router().get("/up/{n}", http::Access::anyone(), echo);
  s->router().post("/up/{n}", http::Access::anyone(), echo);
  s->router().get("/slow", http::Access::anyone(), [](http::Request&) {
    std::this_thread::sleep_for(800ms);
    return http::Response::text(200, "late");
  });
  return s;
}

// Forwards /up/* and /slow to `to`; answers /sync itself without waiting; /throw throws.
struct Front {
  explicit Front(std::uint16_t upstream_port)
      : client(std::make_shared<http::AsyncClient>("http://127.0.0.1:" + std::to_string(upstream_port))),
        svc(std::make_unique<Service>(config())) {
    svc->router().get("/routed", http::Access::anyone(), [](http::Request&) { return http::Response::text(200, "worker"); });
    svc->set_async_fallback([c = client](http::Request& req, http::IoContext& io, http::Respond respond) {
      if (req.path == "/sync") return respond(http::Response::text(200, "now"));
      if (req.path == "/throw") throw std::runtime_error("internal detail");
      c->send(io, req.method, req.target, {}, req.body, 300ms, [respond](http::AsyncResult r) {
        if (auto* ok = std::get_if<http::ClientResponse>(&r)) {
          http::Response res;
          res.status = ok->status;
          res.body = std::move(ok->body);
          respond(std::move(res));
        } else {
          auto kind = std::get<http::UpstreamError>(r).kind;
          respond(http::Response::text(kind == http::UpstreamError::Kind::Timeout ? 504 : 503, "upstream"));
        }
      });
    });
    port = svc->start_in_background();
  }
  ~Front() { svc->stop(); }
  http::Client caller() const { return http::Client("http://127.0.0.1:" + std::to_string(port)); }

  std::shared_ptr<http::AsyncClient> client;
  std::unique_ptr<Service> svc;
  std::uint16_t port = 0;
};

std::string field(const http::ClientResponse& r, const char* name) {
  return std::string(boost::json::parse(r.body).at(name).as_string());
}

}  // namespace

TEST(AsyncFallback, ForwardsOverAReusedConnectionWhileRoutesAndBuiltinsStayOnWorkers) {
  auto up = upstream();
  auto up_port = up->start_in_background();
  Front front(up_port);
  auto c = front.caller();

  for (int i = 0; i < 5; ++i) {
    auto r = c.get("/up/" + std::to_string(i) + "?q=x%20y");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(field(r, "target"), "/up/" + std::to_string(i) + "?q=x%20y");
    EXPECT_TRUE(r.headers.contains("X-Request-Id"));  // the service pipeline ran
    EXPECT_EQ(front.client->idle(), 1u) << "one keep-alive connection, reused";
  }
  auto posted = c.send(http::Method::Post, "/up/p", {}, R"({"a":1})");
  EXPECT_EQ(field(posted, "body"), R"({"a":1})");
  EXPECT_EQ(c.get("/routed").body, "worker");
  EXPECT_EQ(c.get("/health").status, 200);
  up->stop();
}

TEST(AsyncFallback, AnswersGivenBeforeTheHandlerReturnsAndHandlerErrors) {
  auto up = upstream();
  Front front(up->start_in_background());
  auto c = front.caller();
  EXPECT_EQ(c.get("/sync").body, "now");
  auto r = c.get("/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("internal detail"), std::string::npos);
  EXPECT_EQ(c.get("/sync").body, "now");  // the connection is still good
  up->stop();
}

TEST(AsyncFallback, UpstreamRestartDownAndTimeout) {
  auto up = upstream();
  auto up_port = up->start_in_background();
  Front front(up_port);
  auto c = front.caller();
  ASSERT_EQ(c.get("/up/1").status, 200);
  ASSERT_EQ(front.client->idle(), 1u);

  // The pooled connection dies with the upstream; a new upstream on the same port is reached.
  up->stop();
  up.reset();
  EXPECT_EQ(c.get("/up/2").status, 503);  // nobody listening
  up = upstream(up_port);
  up->start_in_background();
  EXPECT_EQ(c.get("/up/3").status, 200);
  EXPECT_EQ(c.send(http::Method::Post, "/up/4", {}, "{}").status, 200);

  EXPECT_EQ(c.get("/slow").status, 504);  // the client's 300 ms timeout
  EXPECT_EQ(c.get("/up/5").status, 200);  // and the next request is fine
  up->stop();
}

TEST(AsyncFallback, ConcurrentCallersGetTheirOwnAnswers) {
  auto up = upstream();
  Front front(up->start_in_background());
  std::atomic<int> wrong{0}, done{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 8; ++t) {
    callers.emplace_back([&, t] {
      auto c = front.caller();
      for (int i = 0; i < 50; ++i) {
        auto want = "/up/" + std::to_string(t) + "-" + std::to_string(i);
        auto r = c.get(want);
        if (r.status != 200 || field(r, "target") != want) ++wrong;
        ++done;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(done.load(), 400);
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(front.client->idle(), 8u);
  up->stop();
}
