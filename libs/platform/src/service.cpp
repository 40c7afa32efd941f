#include "rto/service.hpp"
#include <algorithm>

#include <boost/json.hpp>

#include <malloc.h>

#include <condition_variable>
#include <stop_token>

#include "rto/crypto.hpp"
#include "rto/errors.hpp"
#include "rto/http_server.hpp"
#include "rto/log.hpp"

namespace rto {

namespace js = boost::json;

class ServerHolder {
 public:
  ServerHolder(http::ServerOptions o, http::Handler h, http::ErrorResponder e)
      : server(std::move(o), std::move(h), std::move(e)) {}
  http::Server server;
};

struct Service::Job {
  std::jthread thread;
};

ServiceClient::ServiceClient(std::string_view base_url, const auth::Tokens& tokens, std::string self,
                             std::string audience, http::ClientOptions opts)
    : client_(base_url, opts), tokens_(tokens), self_(std::move(self)), audience_(std::move(audience)) {
  // "user-service" -> "the user service"
  display_ = "the " + audience_;
  std::replace(display_.begin(), display_.end(), '-', ' ');
}

http::ClientResponse ServiceClient::call(http::Method m, std::string_view target, std::string_view body) {
  try {
    return send(m, target, body);
  } catch (const http::UpstreamError& e) {
    log::warn("neighbour unreachable", {{"service", audience_}, {"target", target}, {"error", e.what()}});
    throw Unavailable(display_ + " cannot be reached; try again shortly");
  }
}

std::optional<boost::json::value> ServiceClient::get_json(std::string_view target) {
  auto res = call(http::Method::Get, target);
  if (res.status == 404) return std::nullopt;
  if (res.status != 200) {
    log::warn("neighbour answered with an error", {{"service", audience_}, {"target", target}, {"status", res.status}});
    throw Unavailable(display_ + " is unavailable; try again shortly");
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  if (ec) throw Error(ErrorKind::BadGateway, display_ + " sent an answer this service cannot read");
  return v;
}

http::ClientResponse ServiceClient::send(http::Method m, std::string_view target, std::string_view body,
                                         http::Headers headers) {
  headers.set("Authorization", "Bearer " + tokens_.issue_service(self_, audience_));
  if (!body.empty() && !headers.contains("Content-Type")) headers.set("Content-Type", "application/json");
  return client_.send(m, target, headers, body);
}

namespace {
// The caller's X-Request-Id when it is a valid one, else a new id.
void assign_request_id(http::Request& req) {
  auto rid = req.headers.get("X-Request-Id");
  req.request_id = rid && http::valid_request_id(*rid) ? std::string(*rid) : crypto::uuid_v4();
}

}  // namespace

Service::Service(config::Common cfg)
    : cfg_(std::move(cfg)),
      tokens_(auth::AccessKeys::parse(cfg_.jwt_private_key, cfg_.jwt_public_keys), cfg_.service_token_secret),
      metrics_(cfg_.service),
      metrics_from_(net::AddressSet::parse(cfg_.metrics_allow_from)) {
  log::init(cfg_.service, cfg_.log_level);
  crypto::init();
}

Service::~Service() { stop(); }

db::Pool& Service::use_database(std::vector<db::Statement> statements, std::vector<db::Migration> migrations) {
  const auto prepared = db::prepare(cfg_.database_url, cfg_.database_migration_url, migrations);
  if (prepared.separate_roles)
    log::info("database ready: migrated as the owner; runtime role granted",
              {{"role", prepared.runtime_role}, {"append_only_tables", prepared.append_only.size()}});
  else if (!cfg_.is_development())
    log::warn("DATABASE_MIGRATION_URL is not set: the service runs as the owner of its database, "
              "which may alter its tables and disable their triggers",
              {{"role", prepared.runtime_role}});
  migrations_ = std::move(migrations);
  pool_ = std::make_unique<db::Pool>(cfg_.database_url, static_cast<std::size_t>(cfg_.db_pool_size), std::move(statements),
                                     db::Limits{cfg_.db_connect_timeout, cfg_.db_statement_timeout, cfg_.db_lock_timeout});
  auto* pool = pool_.get();
  metrics_.gauge_fn("db_pool_connections", "Database pool connections by state",
                    [pool] { return static_cast<double>(pool->stats().idle); }, {{"state", "idle"}});
  metrics_.gauge_fn("db_pool_connections", "Database pool connections by state",
                    [pool] { return static_cast<double>(pool->stats().in_use); }, {{"state", "in_use"}});
  metrics_.gauge_fn("db_pool_waiting", "Requests waiting for a database connection",
                    [pool] { return static_cast<double>(pool->stats().waiting); });
  // Connections a burst opened are closed again once idle, and the memory they held (and
  // whatever else the burst freed) is given back.
  every("db-pool-idle", std::min<std::chrono::milliseconds>(cfg_.db_pool_idle / 2, std::chrono::seconds(30)),
        [pool, idle = cfg_.db_pool_idle] {
          if (auto n = pool->close_idle(idle, 1)) {
            malloc_trim(0);
            log::debug("closed idle database connections", {{"closed", n}});
          }
        });
  add_ready_check("database", [this] {
    try {
      return pool_->read([this](pqxx::read_transaction& tx) {
        return db::migrations_applied(tx, "platform", db::platform_migrations()) &&
               db::migrations_applied(tx, "service", migrations_);
      });
    } catch (...) {
      return false;
    }
  });
  return *pool_;
}

db::Pool& Service::db() {
  if (!pool_) throw std::logic_error("use_database() was not called");
  return *pool_;
}

void Service::use_outbox() {
  relay_ = std::make_unique<events::OutboxRelay>(db(), events::BrokerConfig{cfg_.amqp_url, cfg_.exchange, cfg_.quorum_queues}, cfg_.service);
  auto* relay = relay_.get();
  metrics_.gauge_fn("outbox_pending_events", "Committed events not yet published",
                    [relay] { return static_cast<double>(relay->pending()); });
  metrics_.gauge_fn("outbox_unroutable_events", "Events no queue was bound to take, parked in <exchange>.unroutable",
                    [relay] { return static_cast<double>(relay->unroutable()); });
  add_ready_check("broker", [relay] { return relay->connected(); }, Need::Optional);
  relay_->start();
}

void Service::consume(events::ConsumerOptions opts, events::EventHandler handler) {
  consume(std::move(opts), events::BatchHandler([h = std::move(handler)](pqxx::work& tx, std::span<const events::Received> evs) {
            for (const auto& e : evs) h(tx, e);
          }));
}

void Service::consume(events::ConsumerOptions opts, events::BatchHandler handler) {
  auto queue = opts.queue;
  auto c = std::make_unique<events::Consumer>(db(), events::BrokerConfig{cfg_.amqp_url, cfg_.exchange, cfg_.quorum_queues}, std::move(opts),
                                              std::move(handler));
  auto* cp = c.get();
  metrics_.gauge_fn("events_dead_lettered_total", "Events sent to the dead-letter queue",
                    [cp] { return static_cast<double>(cp->dead_lettered()); }, {{"queue", queue}});
  metrics_.gauge_fn("events_batches_split_total", "Event batches that failed and were handled again one event at a time",
                    [cp] { return static_cast<double>(cp->batches_split()); }, {{"queue", queue}});
  add_ready_check("consumer:" + queue, [cp] { return cp->connected(); }, Need::Optional);
  c->start();
  consumers_.push_back(std::move(c));
}

void Service::every(std::string name, std::chrono::milliseconds period, std::function<void()> f) {
  auto job = std::make_unique<Job>();
  job->thread = std::jthread([name = std::move(name), period, f = std::move(f)](std::stop_token st) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!st.stop_requested()) {
      {
        std::unique_lock lk(mu);
        if (cv.wait_for(lk, st, period, [] { return false; })) break;
      }
      if (st.stop_requested()) break;
      try {
        log::RequestScope scope("job-" + name);
        f();
      } catch (const std::exception& e) {
        log::error("periodic job failed", {{"job", name}, {"error", e.what()}});
      }
    }
  });
  jobs_.push_back(std::move(job));
}

void Service::add_ready_check(std::string name, std::function<bool()> check, Need need) {
  auto gauge = std::make_shared<std::atomic<int>>(0);
  metrics_.gauge_fn("ready_check_ok", "Readiness checks: 1 passing, 0 failing (as of the last run)",
                    [gauge] { return static_cast<double>(gauge->load()); }, {{"check", name}});
  std::lock_guard lk(readiness_->mu);
  readiness_->gauges.push_back(std::move(gauge));
  ready_checks_.push_back({std::move(name), std::move(check), need});
}

void Service::set_body_limits(std::function<std::size_t(std::string_view, std::string_view)> limit_for) {
  body_limit_for_ = std::move(limit_for);
}

http::Response Service::probe_ready() {
  js::object checks;
  bool ok = true, degraded = false;
  std::vector<int> states;
  for (const auto& c : ready_checks_) {
    bool pass = false;
    try {
      pass = c.check();
    } catch (...) {
    }
    checks[c.name] = pass ? "ok" : (c.need == Need::Required ? "failing" : "degraded");
    if (!pass) {
      if (c.need == Need::Required) ok = false;
      else degraded = true;
    }
    states.push_back(pass ? 1 : 0);
  }
  const char* status = !ok ? "not_ready" : degraded ? "degraded" : "ready";
  auto res = http::Response::json(ok ? 200 : 503, js::object{{"status", status}, {"service", cfg_.service},
                                                             {"checks", std::move(checks)}});
  std::lock_guard lk(readiness_->mu);
  for (std::size_t i = 0; i < states.size() && i < readiness_->gauges.size(); ++i) readiness_->gauges[i]->store(states[i]);
  readiness_->answer = res;
  readiness_->at = std::chrono::steady_clock::now();
  return res;
}

void Service::start_ready_probe() {
  probe_ready();
  every("ready-probe", std::chrono::seconds(2), [this] { probe_ready(); });
}

// /health and /ready on the I/O thread: never behind busy workers, never blocking (the checks
// ran on the probe's thread). A probe that stopped reporting (stuck for 10 s) is not ready.
std::optional<http::Response> Service::immediate(http::Request& req) {
  if (req.method != http::Method::Get && req.method != http::Method::Head) return std::nullopt;
  if (req.path != "/health" && req.path != "/ready") return std::nullopt;
  auto started = std::chrono::steady_clock::now();
  metrics_.in_flight(1);
  assign_request_id(req);
  req.route = req.path;
  http::Response res;
  if (req.path == "/health") {
    res = http::Response::json(js::object{{"status", "ok"}, {"service", cfg_.service}});
  } else {
    std::lock_guard lk(readiness_->mu);
    if (readiness_->answer && started - readiness_->at < std::chrono::seconds(10)) {
      res = *readiness_->answer;
    } else {
      res = http::Response::json(503, js::object{{"status", "not_ready"}, {"service", cfg_.service},
                                                 {"checks", js::object{{"probe", "stale"}}}});
    }
  }
  finish(req, res, started);
  return res;
}

void Service::set_fallback(http::Handler h) { fallback_ = std::move(h); }

void Service::set_async_fallback(http::AsyncHandler h) { async_fallback_ = std::move(h); }

void Service::authorize(const http::Route& r, http::Request& req) const {
  auto token = auth::bearer_token(req.headers.get("Authorization").value_or(""));
  switch (r.access.kind) {
    case http::Access::Kind::Public:
      if (!token.empty()) {
        try {
          req.identity = tokens_.verify_access(token);
        } catch (const Error&) {
          // A public route works without a valid token.
        }
      }
      return;
    case http::Access::Kind::Service: {
      if (token.empty()) throw Unauthorized("service token required");
      // The callers it accepts; none listed: a test stand-in for another service, which takes
      // any service's token meant for any service.
      if (r.access.roles.empty()) {
        req.identity = tokens_.verify_service(token, "");
        return;
      }
      req.identity = tokens_.verify_service(token, cfg_.service);
      for (const auto& caller : r.access.roles)
        if (req.identity->subject == caller) return;
      throw Forbidden(req.identity->subject + " may not call this route");
    }
    case http::Access::Kind::User: {
      if (token.empty()) throw Unauthorized("authentication required: send an access token as 'Authorization: Bearer …'");
      req.identity = tokens_.verify_access(token);
      if (r.access.roles.empty()) return;
      for (const auto& role : r.access.roles)
        if (req.identity->has_role(role)) return;
      throw Forbidden("your role does not allow this action");
    }
  }
}

http::Response Service::builtin(http::Request& req, bool& handled) {
  handled = false;
  if (req.method != http::Method::Get && req.method != http::Method::Head) return {};
  if (req.path == "/health") {
    handled = true;
    req.route = "/health";
    return http::Response::json(js::object{{"status", "ok"}, {"service", cfg_.service}});
  }
  if (req.path == "/ready") {  // served by immediate() when running; here for dispatch() in tests
    handled = true;
    req.route = "/ready";
    return probe_ready();
  }
  if (req.path == "/metrics") {
    handled = true;
    req.route = "/metrics";
    // Only to callers that came straight from a trusted network: not through an ingress or a
    // proxy (which add X-Forwarded-For or Forwarded), and not from the internet.
    const bool forwarded = req.headers.contains("X-Forwarded-For") || req.headers.contains("Forwarded");
    // (No address: dispatch() called in-process, as tests do; the server always sets one.)
    if (forwarded || (!req.remote_addr.empty() && !metrics_from_.contains(req.remote_addr)))
      throw NotFound("no resource at " + req.path);
    return http::Response::text(200, metrics_.scrape(), "text/plain; version=0.0.4; charset=utf-8");
  }
  return {};
}

namespace {
// Baseline headers on every response of every service (an API serves no HTML). A handler or
// the gateway may set its own values first; those are kept.
void add_baseline_headers(http::Response& r) {
  auto set_default = [&](const char* k, const char* v) {
    if (!r.headers.contains(k)) r.headers.add(k, v);
  };
  set_default("X-Content-Type-Options", "nosniff");
  set_default("X-Frame-Options", "DENY");
  set_default("Referrer-Policy", "no-referrer");
  set_default("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  set_default("Cache-Control", "no-store");
}

}  // namespace

http::Response Service::dispatch(http::Request& req) {
  auto started = std::chrono::steady_clock::now();
  metrics_.in_flight(1);
  assign_request_id(req);
  log::RequestScope scope(req.request_id);
  http::Response res;
  try {
    bool handled = false;
    res = builtin(req, handled);
    if (!handled) {
      auto m = router_.match(req.method, req.path);
      if (m.route) {
        req.route = m.route->pattern;
        req.params = std::move(m.params);
        authorize(*m.route, req);
        res = m.route->handler(req);
      } else if (fallback_) {
        res = (*fallback_)(req);
      } else if (!m.allowed.empty()) {
        std::string allow;
        for (auto a : m.allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(a));
        Error e(ErrorKind::MethodNotAllowed, std::string(http::to_string(req.method)) + " is not allowed here");
        e.with_header("Allow", allow);
        throw e;
      } else {
        throw NotFound("no resource at " + req.path);
      }
    }
  } catch (...) {
    res = error_to_problem(std::current_exception(), req);
  }
  finish(req, res, started);
  return res;
}

http::Response Service::error_to_problem(std::exception_ptr ep, http::Request& req) {
  try {
    std::rethrow_exception(ep);
  } catch (const Error& e) {
    auto res = problem(e, req);
    if (e.status() == 401) res.headers.set("WWW-Authenticate", "Bearer");
    if (e.status() >= 500) log::error("request failed", {{"status", e.status()}, {"detail", e.detail()}});
    return res;
  } catch (const pqxx::broken_connection& e) {
    log::error("database connection lost", {{"error", e.what()}, {"route", req.route}});
    return problem(503, "the database is unavailable; try again shortly", req);
  } catch (const pqxx::in_doubt_error& e) {
    log::error("database connection lost during commit", {{"error", e.what()}, {"route", req.route}});
    return problem(503, "the database is unavailable; try again shortly", req);
  } catch (const pqxx::sql_error& e) {
    // query_canceled (statement_timeout) and lock_not_available (lock_timeout): db::Limits.
    if (e.sqlstate() == "57014" || e.sqlstate() == "55P03") {
      log::error("database call timed out", {{"sqlstate", e.sqlstate()}, {"route", req.route}});
      return problem(503, "the database is busy; try again shortly", req);
    }
    log::error("unhandled database error", {{"error", e.what()}, {"sqlstate", e.sqlstate()}, {"route", req.route}});
  } catch (const std::exception& e) {
    log::error("unhandled error", {{"error", e.what()}, {"route", req.route}});
  } catch (...) {
    log::error("unhandled error", {{"route", req.route}});
  }
  return problem(500, "an unexpected error occurred; it has been logged with the request id", req);
}

void Service::finish(const http::Request& req, http::Response& res, std::chrono::steady_clock::time_point started) {
  res.headers.set("X-Request-Id", req.request_id);
  add_baseline_headers(res);
  auto took = std::chrono::steady_clock::now() - started;
  static const std::string unmatched = "unmatched";
  const std::string& route = req.route.empty() ? unmatched : req.route;
  metrics_.observe_request(route, http::to_string(req.method), res.status, took);
  metrics_.in_flight(-1);
  bool probe = route == "/health" || route == "/ready" || route == "/metrics";
  if (probe ? log::enabled(log::Level::Debug) : log::enabled(log::Level::Info)) {
    log::write(probe ? log::Level::Debug : log::Level::Info, "request",
               {{"method", http::to_string(req.method)},
                {"route", route},
                {"status", res.status},
                {"ms", std::chrono::duration<double, std::milli>(took).count()}});
  }
}

// Requests for the built-in endpoints or a routed handler go to the worker pool; the rest go to
// the asynchronous fallback on the I/O thread.
bool Service::dispatch_async(http::Request& req, http::IoContext& io, http::Respond& respond) {
  if (!async_fallback_) return false;
  if (req.path == "/health" || req.path == "/ready" || req.path == "/metrics") return false;
  if (router_.match(req.method, req.path).route) return false;

  auto started = std::chrono::steady_clock::now();
  metrics_.in_flight(1);
  assign_request_id(req);
  log::RequestScope scope(req.request_id);
  // `req` lives until `respond` has been called: the connection waits for the answer.
  auto once = std::make_shared<std::atomic<bool>>(false);
  http::Respond answer = [this, &req, started, once, respond = std::move(respond)](http::Response res) {
    if (once->exchange(true)) return;
    finish(req, res, started);
    respond(std::move(res));
  };
  try {
    (*async_fallback_)(req, io, answer);
  } catch (...) {
    answer(error_to_problem(std::current_exception(), req));  // ignored if it had answered
  }
  return true;
}

http::ServerOptions Service::server_options(bool signals) {
  const auto& c = cfg_;
  http::ServerOptions o;
  if (async_fallback_)
    o.fast = [this](http::Request& r, http::IoContext& io, http::Respond& respond) {
      return dispatch_async(r, io, respond);
    };
  o.websocket = websocket_;
  o.host = c.host;
  o.port = c.port;
  o.io_threads = c.io_threads;
  o.workers = c.http_workers;
  o.body_limit = c.body_limit;
  o.body_limit_for = body_limit_for_;
  o.max_connections_per_ip = c.max_connections_per_ip;
  o.immediate = [this](http::Request& r) { return immediate(r); };
  o.header_timeout = c.header_timeout;
  o.idle_timeout = c.idle_timeout;
  o.shutdown_grace = c.shutdown_grace;
  o.handle_signals = signals;
  return o;
}

int Service::run() {
  start_ready_probe();
  server_ = std::make_unique<ServerHolder>(
      server_options(true), [this](http::Request& r) { return dispatch(r); },
      [](int status, std::string_view detail, const http::Request& r) {
        http::Request copy = r;
        copy.request_id = crypto::uuid_v4();
        auto res = problem(status, detail, copy);
        res.headers.set("X-Request-Id", copy.request_id);
        add_baseline_headers(res);
        return res;
      });
  server_->server.listen();
  // Start-up frees most of what it allocated (migration scripts, the parsed phone metadata's
  // intermediate copies); give those pages back instead of keeping them resident for the life of
  // the process. (With jemalloc linked in this is a no-op: jemalloc returns pages on its own.)
  malloc_trim(0);
  log::info("listening", {{"host", cfg_.host}, {"port", server_->server.port()}});
  server_->server.run();
  stop();
  log::info("stopped");
  return 0;
}

std::uint16_t Service::start_in_background() {
  start_ready_probe();
  server_ = std::make_unique<ServerHolder>(
      server_options(false), [this](http::Request& r) { return dispatch(r); },
      [](int status, std::string_view detail, const http::Request& r) {
        auto res = problem(status, detail, r);
        add_baseline_headers(res);
        return res;
      });
  server_->server.listen();
  auto port = server_->server.port();
  server_thread_ = std::thread([this] { server_->server.run(); });
  return port;
}

void Service::use_websocket(ws::Endpoint endpoint) {
  websocket_ = std::make_shared<const ws::Endpoint>(std::move(endpoint));
}

std::size_t Service::websocket_sessions() const noexcept {
  return server_ ? server_->server.websocket_sessions() : 0;
}

void Service::subscribe(events::SubscriberOptions opts, events::SubscriberHandler handler) {
  auto s = std::make_unique<events::Subscriber>(events::BrokerConfig{cfg_.amqp_url, cfg_.exchange, cfg_.quorum_queues}, std::move(opts),
                                                std::move(handler));
  auto* raw = s.get();
  add_ready_check("subscriber", [raw] { return raw->connected(); }, Need::Optional);
  s->start();
  subscribers_.push_back(std::move(s));
}

void Service::stop() {
  if (server_thread_.joinable()) {
    server_->server.stop();
    server_thread_.join();
  }
  jobs_.clear();  // jthreads request stop and join
  for (auto& c : consumers_) c->stop();
  for (auto& s : subscribers_) s->stop();
  if (relay_) relay_->stop();
}

}  // namespace rto
