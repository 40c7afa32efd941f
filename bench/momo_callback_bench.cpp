// Mobile-money callback benchmark: how many provider callbacks per second the payment service
// works off end to end, with full verification, and how long a payer waits from the callback to
// the `payment.collection.received` event on the broker.
//
//   momo_callback_bench [--plans 200] [--requests 5000] [--workers 4] [--concurrency 16]
//                       [--http-workers 8] [--db-pool 8] [--amount 15000] [--timeout 600]
//                       [--rate 0] [--kind mtn|paybill] [--log-level warn]
//
// Everything runs in this process on the test infrastructure (TEST_PG_URL, TEST_AMQP_URL, as
// for the integration tests): a fresh database, a private topic exchange, the provider
// simulator, a stub for the services the plan saga calls, and the payment service itself with
// its HTTP server, background jobs, CALLBACK_WORKERS and outbox relay, wired as main.cpp does
// (all but the simulator from payment_bench_support, shared with payment_record_bench).
//
// Set-up (not timed): P active plans (deposit paid), then N pending MTN MoMo requests spread
// over them through App::collect (the real request-to-pay against the simulator). The
// simulator's own callbacks are dropped and it settles at once (payer numbers ending in 0, no
// delay), so its status API already answers SUCCESSFUL; then VACUUM (ANALYZE), so autovacuum's
// work on the freshly filled database stays out of the timed part. Timed: the bench posts every MTN
// callback to POST /api/v1/webhooks/mtn_momo over HTTP from C threads; each callback is then
// stored, verified with the simulator's status API and credited by the service's workers.
//   throughput = N / (first callback posted → last request credited, from the database)
//   latency    = callback posted → its payment.collection.received delivered to a subscriber
// Posting as fast as the webhook answers builds a backlog (storing is cheaper than verifying),
// so the latency then is mostly waiting in the queue; --rate R offers R callbacks per second
// instead, to measure the latency below saturation.
//
// --kind paybill measures M-Pesa paybill (C2B) confirmations instead: set-up has the simulator
// record N paybill payments (their confirmations not delivered), spread over the plans by
// account reference; timed, the bench posts each confirmation to POST /api/v1/webhooks/mpesa,
// and the service asks the simulator's Transaction Status API about the receipt, takes its
// answer at the same webhook and credits the plan. Throughput and latency are then per
// confirmation, to its payment (found by receipt). The simulator's M-Pesa is set up for UGX
// here, so the same plans serve; the amounts and the work are what a KES plan's would be.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <rto/crypto.hpp>
#include <rto/http_client.hpp>
#include <rto/service.hpp>

#include "bench_util.hpp"
#include "mmsim/simulator.hpp"
#include "payment_bench_support.hpp"

namespace {

namespace js = boost::json;
using namespace paybench;
using rto::http::Method;
using namespace std::chrono_literals;

struct Options {
  int plans = 200;
  int requests = 5000;
  int workers = 4;
  int concurrency = 16;
  int http_workers = 8;
  int db_pool = 8;
  std::int64_t amount = 15'000;  // UGX, about one daily instalment
  int timeout_s = 600;
  int rate = 0;  // callbacks offered per second; 0: as fast as the webhook answers
  std::string kind = "mtn";  // mtn: MTN callbacks of our requests; paybill: M-Pesa C2B confirmations
  std::string log_level = "warn";
  bool paybill() const { return kind == "paybill"; }
};

void usage() {
  std::cerr << "usage: momo_callback_bench [--plans P] [--requests N] [--workers W] [--concurrency C]\n"
               "                           [--http-workers H] [--db-pool S] [--amount UGX] [--timeout SECONDS]\n"
               "                           [--rate PER_SECOND] [--kind mtn|paybill] [--log-level L]\n"
               "needs TEST_PG_URL and TEST_AMQP_URL (set -a; . .data/test/infra.env; set +a)\n";
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  bench::Flags f;
  f.ints = {{"--plans", &o.plans}, {"--requests", &o.requests}, {"--workers", &o.workers},
             {"--concurrency", &o.concurrency}, {"--http-workers", &o.http_workers},
             {"--db-pool", &o.db_pool}, {"--timeout", &o.timeout_s}, {"--rate", &o.rate}};
  f.int64s = {{"--amount", &o.amount}};
  f.strings = {{"--log-level", &o.log_level}, {"--kind", &o.kind}};
  if (!bench::parse_flags(argc, argv, f)) return std::nullopt;
  if (o.plans < 1 || o.requests < 1 || o.workers < 1 || o.concurrency < 1) return std::nullopt;
  if (o.kind != "mtn" && o.kind != "paybill") return std::nullopt;
  return o;
}

// ---- configuration ------------------------------------------------------------------------------

mmsim::SimConfig sim_config() {
  mmsim::SimConfig sc;
  // Payments settle the moment they are asked for, so the status API already answers
  // SUCCESSFUL when the bench posts the callback.
  sc.callback_delay = 0ms;
  sc.expiry = 1h;
  sc.mtn_api_user = "bench-mtn-user";
  sc.mtn_api_key = "bench-mtn-key";
  sc.mtn_subscription_key = "bench-mtn-subscription";
  sc.mpesa_consumer_key = "bench-mpesa-key";
  sc.mpesa_consumer_secret = "bench-mpesa-secret";
  sc.mpesa_shortcode = "174379";
  sc.mpesa_security_credential = rto::crypto::base64_encode("bench initiator password");
  return sc;
}

// A port free now on the loopback interface: the service's own M-Pesa callback URL must name
// it before the service starts.
std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(a.sin_port);
}

// The rig's configuration plus the callback workers and MTN at the simulator.
payment_service::PaymentConfig payment_config(const Options& o, const Rig& rig, const std::string& sim_url,
                                              const mmsim::SimConfig& sc) {
  auto cfg = rig.config(o.http_workers, o.db_pool);
  cfg.callback_workers = o.workers;
  // Long enough that neither expiry nor reconciliation settles a request behind the bench's
  // back: what is measured is the callback path alone.
  cfg.request_ttl = std::chrono::hours(2);
  cfg.reconcile_after = std::chrono::hours(1);
  // Never called: the simulator drops its callbacks and the bench posts them itself.
  cfg.providers.callback_base_url = "http://127.0.0.1:9";
  cfg.providers.mtn = {sim_url, "UG", "UGX", sc.mtn_api_user, sc.mtn_api_key, sc.mtn_subscription_key,
                       "sandbox", "", "", ""};
  if (o.paybill()) {
    // Daraja's answers come back to this service's own webhook.
    cfg.common.port = free_port();
    cfg.providers.mpesa = {sim_url, "UG", "UGX", sc.mpesa_consumer_key, sc.mpesa_consumer_secret, "", "",
                           sc.mpesa_shortcode, "bench-passkey", ""};
    cfg.providers.mpesa.callback_url = "http://127.0.0.1:" + std::to_string(cfg.common.port) + "/api/v1/webhooks/mpesa";
    cfg.providers.mpesa.initiator = "bench-initiator";
    cfg.providers.mpesa.security_credential = sc.mpesa_security_credential;
  }
  return cfg;
}

// ---- set-up ------------------------------------------------------------------------------------

// A Ugandan MTN number ending in 0: the simulator's "succeeds" outcome.
std::string payer(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+25677%06d0", i % 1'000'000);
  return buf;
}

std::string start_request(payment_service::App& app, const Plan& p, std::int64_t amount, int i) {
  payment_service::momo::CollectionInput in{p.id, rto::Money::of(amount, "UGX"),
                                           payment_service::momo::ProviderId::mtn_momo, payer(i)};
  rto::auth::Identity who{p.customer, {"customer"}, false};
  auto c = app.collections().collect(in, rto::crypto::uuid_v4(), who);
  if (c.request.status != "pending")
    throw std::runtime_error("request " + c.request.id + " is " + c.request.status + ", not pending");
  return c.request.id;
}

void set_behaviour(const std::string& sim_url, js::object body) {
  rto::http::Client c(sim_url);
  auto r = c.post_json("/_sim/behaviour", body);
  if (r.status != 200) throw std::runtime_error("simulator behaviour: HTTP " + std::to_string(r.status) + " " + r.body);
}

// A paybill payment the simulator records as made (its confirmation sent nowhere); returns the
// confirmation Safaricom would post, and its receipt.
std::pair<std::string, std::string> paybill_payment(const std::string& sim_url, const Plan& p, std::int64_t amount,
                                                    int i) {
  char msisdn[32];
  std::snprintf(msisdn, sizeof msisdn, "2547%08d", i % 100'000'000);
  rto::http::Client c(sim_url);
  auto r = c.post_json("/_sim/mpesa/c2b", js::object{{"bill_ref", p.reference},
                                                      {"amount", amount},
                                                      {"msisdn", msisdn},
                                                      {"confirmation_url", "http://127.0.0.1:9/nowhere"}});
  if (r.status != 200) throw std::runtime_error("simulator c2b: HTTP " + std::to_string(r.status) + " " + r.body);
  const auto receipt = std::string(js::parse(r.body).at("trans_id").as_string());
  auto body = js::serialize(js::object{{"TransactionType", "Pay Bill"},
                                       {"TransID", receipt},
                                       {"TransTime", "20261127100000"},
                                       {"TransAmount", std::to_string(amount) + ".00"},
                                       {"BusinessShortCode", "174379"},
                                       {"BillRefNumber", p.reference},
                                       {"InvoiceNumber", ""},
                                       {"OrgAccountBalance", ""},
                                       {"ThirdPartyTransID", ""},
                                       {"MSISDN", msisdn},
                                       {"FirstName", "John"}});
  return {std::move(body), receipt};
}

// ---- the timed run -----------------------------------------------------------------------------

// MTN's callback is the status resource. The service does not trust it: the transaction id it
// credits comes from the status API.
std::string mtn_callback(const std::string& request_id, std::int64_t amount, int i) {
  char txn[16];
  std::snprintf(txn, sizeof txn, "%010d", 1'000'000'000 + i);
  return js::serialize(js::object{{"financialTransactionId", txn},
                                  {"externalId", request_id},
                                  {"amount", std::to_string(amount)},
                                  {"currency", "UGX"},
                                  {"status", "SUCCESSFUL"}});
}

struct Posted {
  std::vector<SysClock::time_point> at;  // per request
  SysClock::time_point first{}, last_ack{};
  std::atomic<int> refused{0};
  std::mutex mu;
  double client_cpu_us = 0;  // the posting threads' own CPU time
};

// C threads, each with its own keep-alive connection, post the callbacks as fast as the
// webhook answers, or callback i no earlier than first + i / rate.
void post_callbacks(const std::string& url, Method method, const std::string& target,
                    const std::vector<std::string>& bodies, int concurrency, int rate, Posted& out) {
  out.at.assign(bodies.size(), {});
  std::vector<std::unique_ptr<rto::http::Client>> clients;
  for (int t = 0; t < concurrency; ++t) clients.push_back(std::make_unique<rto::http::Client>(url));
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  out.first = SysClock::now();
  for (int t = 0; t < concurrency; ++t)
    threads.emplace_back([&, t] {
      rto::http::Headers h;
      h.set("Content-Type", "application/json");
      for (int i = next++; i < static_cast<int>(bodies.size()); i = next++) {
        if (rate > 0)
          std::this_thread::sleep_until(out.first + std::chrono::microseconds(std::int64_t{i} * 1'000'000 / rate));
        out.at[static_cast<std::size_t>(i)] = SysClock::now();
        auto r = clients[static_cast<std::size_t>(t)]->send(method, target, h, bodies[static_cast<std::size_t>(i)]);
        if (r.status != 200) ++out.refused;
      }
      const double cpu = thread_cpu_us();
      std::lock_guard lk(out.mu);
      out.client_cpu_us += cpu;
    });
  for (auto& t : threads) t.join();
  out.last_ack = SysClock::now();
}

// Requests credited, or (paybill) M-Pesa payments on the ledger.
std::int64_t count_credited(pqxx::connection& c, bool paybill) {
  pqxx::nontransaction tx(c);
  return tx.exec(paybill ? "SELECT count(*) FROM payments WHERE provider = 'mpesa'"
                         : "SELECT count(*) FROM payment_requests WHERE status = 'succeeded'")[0][0]
      .as<std::int64_t>();
}

// Waits until every event has arrived and then every request is credited, or the time is up.
// Every credit publishes one event, so the database is asked only once the events are all in:
// counting the requests while the service works would scan the table the service is writing
// fifty times a second and take CPU from the run it measures.
bool wait_done(const std::string& db_url, std::int64_t n, const Arrivals& arrivals, std::chrono::seconds limit,
               bool paybill) {
  pqxx::connection c(db_url);
  const auto until = SysClock::now() + limit;
  while (SysClock::now() < until) {
    if (arrivals.size() >= static_cast<std::size_t>(n) && count_credited(c, paybill) >= n) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

SysClock::time_point from_micros(std::int64_t us) { return SysClock::time_point(std::chrono::microseconds(us)); }

struct Settled {
  std::unordered_map<std::string, std::string> payment_of;  // request id (paybill: receipt) → payment id
  std::unordered_map<std::string, SysClock::time_point> at;  // request id → settled_at (paybill: receipt → received_at)
  SysClock::time_point last{};
  std::int64_t callbacks_processed = 0, callbacks_other = 0;
};

Settled read_settled(const std::string& db_url, bool paybill) {
  pqxx::connection c(db_url);
  pqxx::read_transaction tx(c);
  Settled s;
  for (const auto& r : tx.exec(paybill ? "SELECT provider_txn_id, id::text, (extract(epoch FROM received_at) * 1e6)::int8 "
                                         "FROM payments WHERE provider = 'mpesa'"
                                       : "SELECT id::text, payment_id::text, (extract(epoch FROM settled_at) * 1e6)::int8 "
                                         "FROM payment_requests WHERE status = 'succeeded'")) {
    auto id = r[0].as<std::string>();
    auto at = from_micros(r[2].as<std::int64_t>());
    s.payment_of[id] = r[1].as<std::string>();
    s.at[id] = at;
    s.last = std::max(s.last, at);
  }
  for (const auto& r : tx.exec("SELECT status, count(*) FROM provider_callbacks GROUP BY status"))
    (r[0].as<std::string>() == "processed" ? s.callbacks_processed : s.callbacks_other) += r[1].as<std::int64_t>();
  return s;
}

int run(const Options& o) {
  Rig rig("momo_bench", o.log_level);

  const auto sc = sim_config();
  mmsim::Simulator sim(sc);
  rto::Service sim_service(mmsim::service_config(0, o.log_level));
  sim.install(sim_service);
  const auto sim_url = "http://127.0.0.1:" + std::to_string(sim_service.start_in_background());
  if (!o.paybill()) set_behaviour(sim_url, {{"provider", "mtn_momo"}, {"callback", "drop"}});

  const auto service_url = rig.start(payment_config(o, rig, sim_url, sc));
  auto& app = rig.app();

  std::fprintf(stderr, "set-up: %d active plans, %d %s...\n", o.plans, o.requests,
               o.paybill() ? "paybill payments at the simulator" : "pending MTN requests");
  const auto setup_start = SysClock::now();
  const auto plans = rig.active_plans(o.plans);
  // Request i belongs to plan i % P: consecutive callbacks hit different plans, as real
  // traffic does, and no plan's row lock sees a burst.
  // Per item: our request id (mtn) or the M-Pesa receipt (paybill), and the body to post.
  std::vector<std::string> ids(static_cast<std::size_t>(o.requests));
  std::vector<std::string> bodies(static_cast<std::size_t>(o.requests));
  parallel_for(o.requests, 4, [&](int i) {
    const auto k = static_cast<std::size_t>(i);
    const auto& plan = plans[static_cast<std::size_t>(i % o.plans)];
    if (o.paybill()) {
      std::tie(bodies[k], ids[k]) = paybill_payment(sim_url, plan, o.amount, i);
    } else {
      ids[k] = start_request(app, plan, o.amount, i);
      bodies[k] = mtn_callback(ids[k], o.amount, i);
    }
  });
  rig.wait_outbox_drained();
  rig.vacuum_analyze();
  std::fprintf(stderr, "set-up took %.1f s\n", ms(SysClock::now() - setup_start) / 1000);

  Arrivals arrivals(rig, "payment.collection.received", "payment_id", "momo-callback-bench");
  arrivals.start();

  pqxx::connection stats(rig.db_url());
  const auto backends_before = backend_cpu(stats);
  const auto machine_before = machine_cpu();
  const double process_before = process_cpu_us();

  Posted posted;
  if (o.paybill())
    post_callbacks(service_url, Method::Post, "/api/v1/webhooks/mpesa", bodies, o.concurrency, o.rate, posted);
  else
    post_callbacks(service_url, Method::Put, "/api/v1/webhooks/mtn_momo", bodies, o.concurrency, o.rate, posted);
  const bool done = wait_done(rig.db_url(), o.requests, arrivals, std::chrono::seconds(o.timeout_s), o.paybill());
  // CPU from the first post until every credit's event arrived (µs).
  const double process_used = process_cpu_us() - process_before;
  const auto machine_after = machine_cpu();
  const double backends_used = backend_delta(backends_before, backend_cpu(stats));
  arrivals.stop();
  auto settled = read_settled(rig.db_url(), o.paybill());

  std::vector<double> to_event, to_credit;
  for (int i = 0; i < o.requests; ++i) {
    const auto& id = ids[static_cast<std::size_t>(i)];
    const auto sent = posted.at[static_cast<std::size_t>(i)];
    if (auto s = settled.at.find(id); s != settled.at.end()) to_credit.push_back(ms(s->second - sent));
    auto p = settled.payment_of.find(id);
    if (p == settled.payment_of.end()) continue;
    if (auto a = arrivals.find(p->second)) to_event.push_back(ms(*a - sent));
  }
  const auto n = o.requests;
  const auto credited = static_cast<std::int64_t>(settled.at.size());
  const double window_s = ms(settled.last - posted.first) / 1000;
  const double throughput = credited == n && window_s > 0 ? n / window_s : 0;
  const double post_rate = n / (ms(posted.last_ack - posted.first) / 1000);
  const auto ev = percentiles(to_event), cr = percentiles(to_credit);
  // CPU per callback: the senders; this process's other threads (the service and the provider
  // simulator); the database's backends; everything else on the machine (the broker, the kernel).
  const double senders_us = posted.client_cpu_us / n;
  const double service_us = (process_used - posted.client_cpu_us) / n;
  const double db_us = backends_used / n;
  const double machine_busy_us = (machine_after.busy_us - machine_before.busy_us) / n;
  const double other_us = machine_busy_us - senders_us - service_us - db_us;
  const double busy_pct = 100 * (machine_after.busy_us - machine_before.busy_us) /
                          std::max(1.0, machine_after.total_us - machine_before.total_us);

  std::printf("%s, end to end with verification: %d %s over %d plans, %d callback workers, "
              "%d senders%s, %d HTTP workers, %d pooled connections\n",
              o.paybill() ? "M-Pesa paybill confirmations (each confirmed with Transaction Status)" : "mobile-money callbacks",
              n, o.paybill() ? "payments" : "requests", o.plans, o.workers, o.concurrency,
              o.rate > 0 ? (" at " + std::to_string(o.rate) + "/s").c_str() : "", o.http_workers, o.db_pool);
  std::printf("  credited %lld of %d (%d refused by the webhook; callbacks processed %lld, other %lld)\n",
              static_cast<long long>(credited), n, posted.refused.load(), static_cast<long long>(settled.callbacks_processed),
              static_cast<long long>(settled.callbacks_other));
  std::printf("  throughput %.0f %s/s (first post to last credit %.2f s; target >= 1000)\n", throughput,
              o.paybill() ? "confirmations" : "callbacks", window_s);
  std::printf("  webhook accepted %.0f callbacks/s (stored and answered, not yet verified)\n", post_rate);
  print_percentiles("callback posted -> credited", cr);
  print_percentiles("callback posted -> event received", ev);
  std::printf("  CPU per callback: senders %.0f us, service and simulator %.0f us, PostgreSQL backends %.0f us, "
              "other %.0f us; machine %.0f %% busy\n",
              senders_us, service_us, db_us, other_us, busy_pct);
  std::printf(R"({"bench":"momo_callback","kind":"%s","plans":%d,"requests":%d,"workers":%d,"concurrency":%d,"rate":%d,)"
              R"("http_workers":%d,"db_pool":%d,"credited":%lld,"refused":%d,"throughput_per_s":%.0f,)"
              R"("webhook_per_s":%.0f,"credit_latency_ms":%s,"event_latency_ms":%s,)"
              R"("cpu_us_per_callback":{"senders":%.0f,"service":%.0f,"db":%.0f,"other":%.0f},"machine_busy_pct":%.0f})"
              "\n",
              o.kind.c_str(), o.plans, n, o.workers, o.concurrency, o.rate, o.http_workers, o.db_pool,
              static_cast<long long>(credited),
              posted.refused.load(), throughput, post_rate, to_json(cr).c_str(), to_json(ev).c_str(), senders_us,
              service_us, db_us, other_us, busy_pct);

  // Stop serving and the background work (callback workers call the simulator) before the
  // simulator, the App and the database go away.
  rig.stop();
  sim_service.stop();
  return done && credited == n && ev.n == static_cast<std::size_t>(n) && posted.refused == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::main_of("momo_callback_bench", argc, argv, parse_options, usage, run);
}
