// Payment recording benchmark: how many payments per second POST /internal/payments records
// (allocation, journal entry, schedule and plan update, outbox event, in one transaction)
// against one database, the latency of each request, and how long until every
// `payment.collection.received` is on the broker.
//
//   payment_record_bench [--plans 200] [--payments 20000] [--concurrency 16] [--http-workers 8]
//                        [--db-pool 8] [--batch-max 32] [--batch-writers 2] [--amount 0]
//                        [--timeout 600] [--log-level warn]
//
// Everything runs in this process on the test infrastructure (TEST_PG_URL, TEST_AMQP_URL, as
// for the integration tests), from payment_bench_support: a fresh database, a private topic
// exchange, a stub for the services the plan saga calls, and the payment service itself with
// its HTTP server, background jobs and outbox relay, wired as main.cpp does.
//
// Set-up (not timed): P active plans (deposit paid), and N request bodies. Payment i goes to
// plan i % P (named by plan_id for even i, by plan_ref for odd i), with its own provider_txn_id,
// for about one instalment: the plan's instalment, or less when the plan's share of the N
// payments would otherwise pay it off (--plans 1), so every payment is allocated over the
// schedule of an active plan. --amount sets it instead. Then VACUUM (ANALYZE), so autovacuum's
// work on the freshly filled database stays out of the timed part.
// Timed: C threads, each with its own keep-alive connection and service token, post the N
// payments as fast as the service answers.
//   throughput = N / (first post → last answer)
//   latency    = per request, post → answer
// Then (not timed) the bench waits for every payment's event on a subscriber of the exchange
// (they leave through the outbox relay), and checks the database: N payments recorded, every
// journal entry balanced, every plan agreeing with its ledger and its schedule. It also reports
// where the CPU went during the timed part (client threads, the rest of this process, the
// PostgreSQL backends of the bench's database, the whole machine) and the database's work per
// payment (pg_stat_database, read 11 s after set-up and after the timed part, when idle
// backends have published their counters). Exit status 1 unless everything succeeded.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <rto/clock.hpp>
#include <rto/http_client.hpp>

#include "bench_util.hpp"
#include "payment_bench_support.hpp"

namespace {

namespace js = boost::json;
using namespace paybench;
using rto::http::Method;
using namespace std::chrono_literals;

constexpr const char* kProvider = "bench";  // every timed payment's provider

struct Options {
  int plans = 200;
  int payments = 20'000;
  int concurrency = 16;
  int http_workers = 8;
  int db_pool = 8;
  int batch_max = 32;     // PAYMENT_BATCH_MAX (1: a transaction per payment)
  int batch_writers = 2;  // PAYMENT_BATCH_WRITERS
  std::int64_t amount = 0;  // UGX; 0: about one instalment (see above)
  int timeout_s = 600;
  std::string log_level = "warn";
};

void usage() {
  std::cerr << "usage: payment_record_bench [--plans P] [--payments N] [--concurrency C] [--http-workers H]\n"
               "                            [--db-pool S] [--batch-max B] [--batch-writers W] [--amount UGX]\n"
               "                            [--timeout SECONDS] [--log-level L]\n"
               "needs TEST_PG_URL and TEST_AMQP_URL (set -a; . .data/test/infra.env; set +a)\n";
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  bench::Flags f;
  f.ints = {{"--plans", &o.plans}, {"--payments", &o.payments}, {"--concurrency", &o.concurrency},
             {"--http-workers", &o.http_workers}, {"--db-pool", &o.db_pool}, {"--timeout", &o.timeout_s},
             {"--batch-max", &o.batch_max}, {"--batch-writers", &o.batch_writers}};
  f.int64s = {{"--amount", &o.amount}};
  f.strings = {{"--log-level", &o.log_level}};
  if (!bench::parse_flags(argc, argv, f)) return std::nullopt;
  if (o.plans < 1 || o.payments < 1 || o.concurrency < 1 || o.http_workers < 1 || o.db_pool < 1 || o.batch_max < 1 ||
      o.batch_writers < 1 || o.amount < 0 ||
      o.timeout_s < 1)
    return std::nullopt;
  return o;
}

// ---- set-up ------------------------------------------------------------------------------------

// One instalment, unless the payments of the plan with the largest share would together reach
// 90 % of what the plan owes: then an equal part of that, so no plan is paid off (a paid-off
// plan takes the payoff path, a completed one holds money as credit without allocating).
std::int64_t default_amount(const std::vector<Plan>& plans, int payments) {
  std::int64_t instalment = plans.front().instalment, owed = plans.front().outstanding;
  for (const auto& p : plans) {
    instalment = std::min(instalment, p.instalment);
    owed = std::min(owed, p.outstanding);
  }
  const std::int64_t per_plan = (payments + static_cast<std::int64_t>(plans.size()) - 1) /
                                static_cast<std::int64_t>(plans.size());
  return std::max<std::int64_t>(1, std::min(instalment, owed * 9 / 10 / per_plan));
}

std::string txn_id(int i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "pay-%08d", i);
  return buf;
}

std::string payment_body(const Plan& p, std::int64_t amount, int i, const std::string& paid_at) {
  js::object b{{"amount", amount},
               {"currency", "UGX"},
               {"provider", kProvider},
               {"provider_txn_id", txn_id(i)},
               {"paid_at", paid_at}};
  if (i % 2 == 0)
    b["plan_id"] = p.id;
  else
    b["plan_ref"] = p.reference;
  return js::serialize(b);
}

// The database's own counters (pg_stat_database) for the bench's database. Backends publish
// theirs within 10 s of going idle (PGSTAT_IDLE_INTERVAL), so they are read that long after
// each phase.
constexpr auto kStatsSettle = 11s;

struct DbCounters {
  std::int64_t commits = 0, rollbacks = 0, inserted = 0, updated = 0, fetched = 0, returned = 0;
};

DbCounters db_counters(pqxx::connection& c) {
  pqxx::nontransaction tx(c);
  tx.exec("SELECT pg_stat_clear_snapshot()");
  auto r = tx.exec(
      "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched, tup_returned "
      "FROM pg_stat_database WHERE datname = current_database()")[0];
  return {r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
          r[3].as<std::int64_t>(), r[4].as<std::int64_t>(), r[5].as<std::int64_t>()};
}

// ---- the timed run -----------------------------------------------------------------------------

struct Posted {
  std::vector<SysClock::time_point> sent, answered;  // per payment
  SysClock::time_point first{}, last_answer{};
  std::atomic<int> refused{0};
  std::mutex mu;
  std::string first_refusal;
  double client_cpu_us = 0;  // the posting threads' own CPU time
};

// C threads, each with its own keep-alive connection and service token, post the payments as
// fast as the service answers.
void post_payments(const std::string& url, Rig& rig, const std::vector<std::string>& bodies, int concurrency,
                   std::chrono::seconds timeout, Posted& out) {
  const auto n = static_cast<int>(bodies.size());
  out.sent.assign(bodies.size(), {});
  out.answered.assign(bodies.size(), {});
  rto::http::ClientOptions copts;
  copts.request_timeout = timeout;
  std::vector<std::unique_ptr<rto::http::Client>> clients;
  std::vector<rto::http::Headers> headers(static_cast<std::size_t>(concurrency));
  for (int t = 0; t < concurrency; ++t) {
    clients.push_back(std::make_unique<rto::http::Client>(url, copts));
    headers[static_cast<std::size_t>(t)].set("Content-Type", "application/json");
  }
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  out.first = SysClock::now();
  for (int t = 0; t < concurrency; ++t)
    threads.emplace_back([&, t] {
      auto& h = headers[static_cast<std::size_t>(t)];
      auto& client = *clients[static_cast<std::size_t>(t)];
      std::optional<SysClock::time_point> issued;
      for (int i = next++; i < n; i = next++) {
        const auto k = static_cast<std::size_t>(i);
        out.sent[k] = SysClock::now();
        if (!issued || out.sent[k] - *issued > 1min) {  // tokens live 5 minutes
          h.set("Authorization", "Bearer " + rig.service_token("operations"));
          issued = out.sent[k];
        }
        std::string refusal;  // empty: recorded (201)
        try {
          auto r = client.send(Method::Post, "/internal/payments", h, bodies[k]);
          if (r.status != 201) refusal = "HTTP " + std::to_string(r.status) + " " + r.body;
        } catch (const std::exception& e) {
          refusal = e.what();
        }
        out.answered[k] = SysClock::now();
        if (!refusal.empty() && out.refused++ == 0) {
          std::lock_guard lk(out.mu);
          out.first_refusal = "payment " + std::to_string(i) + ": " + refusal;
        }
      }
      const double cpu = thread_cpu_us();
      std::lock_guard lk(out.mu);
      out.client_cpu_us += cpu;
    });
  for (auto& t : threads) t.join();
  out.last_answer = *std::max_element(out.answered.begin(), out.answered.end());
}

// Polls until every payment's event has arrived, or the time is up.
bool wait_events(const Arrivals& arrivals, std::size_t n, std::chrono::seconds limit) {
  const auto until = SysClock::now() + limit;
  while (SysClock::now() < until) {
    if (arrivals.size() >= n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return arrivals.size() >= n;
}

// ---- checks ------------------------------------------------------------------------------------

struct Checked {
  std::int64_t payments = 0, paid = 0;  // the bench's payments in the database, and their sum
  std::int64_t unbalanced = 0, thin = 0, total = 0;  // journal entries off balance, with < 2 lines; sum of all lines
  std::int64_t plans_off_ledger = 0, plans_off_schedule = 0;
  bool ok(std::int64_t n, std::int64_t amount) const {
    return payments == n && paid == n * amount && unbalanced == 0 && thin == 0 && total == 0 &&
           plans_off_ledger == 0 && plans_off_schedule == 0;
  }
};

// As the ledger integration tests check it: every entry balances per currency and has two
// lines or more; every plan's outstanding, credit balance and paid total agree with its
// receivable, customer-credit and clearing accounts, and its outstanding with the open
// schedule and fees.
Checked check_database(const std::string& db_url) {
  pqxx::connection c(db_url);
  pqxx::read_transaction tx(c);
  Checked k;
  auto p = tx.exec_params("SELECT count(*), COALESCE(sum(amount), 0)::int8 FROM payments WHERE provider = $1",
                          std::string(kProvider))[0];
  k.payments = p[0].as<std::int64_t>();
  k.paid = p[1].as<std::int64_t>();
  k.unbalanced = tx.exec("SELECT count(*) FROM (SELECT entry_id FROM journal_lines GROUP BY entry_id, currency "
                         "HAVING sum(amount) <> 0) x")[0][0].as<std::int64_t>();
  k.thin = tx.exec("SELECT count(*) FROM journal_entries e WHERE (SELECT count(*) FROM journal_lines l "
                   "WHERE l.entry_id = e.id) < 2")[0][0].as<std::int64_t>();
  k.total = tx.exec("SELECT COALESCE(sum(amount), 0)::int8 FROM journal_lines")[0][0].as<std::int64_t>();
  k.plans_off_ledger =
      tx.exec("SELECT count(*) FROM plans p WHERE p.outstanding <> (SELECT COALESCE(sum(amount), 0) FROM journal_lines l "
              "WHERE l.plan_id = p.id AND l.account = 'receivable') OR p.credit_balance <> -(SELECT COALESCE(sum(amount), 0) "
              "FROM journal_lines l WHERE l.plan_id = p.id AND l.account = 'customer_credit') OR p.paid_total <> "
              "(SELECT COALESCE(sum(amount), 0) FROM journal_lines l WHERE l.plan_id = p.id AND l.account LIKE 'clearing:%')")
          [0][0].as<std::int64_t>();
  k.plans_off_schedule =
      tx.exec("SELECT count(*) FROM plans p WHERE p.outstanding <> "
              "(SELECT COALESCE(sum(amount - paid - waived), 0) FROM schedule s WHERE s.plan_id = p.id) + "
              "(SELECT COALESCE(sum(amount - paid), 0) FROM late_fees f WHERE f.plan_id = p.id)")[0][0].as<std::int64_t>();
  return k;
}

// ---- the run -----------------------------------------------------------------------------------

int run(const Options& o) {
  Rig rig("payrec_bench", o.log_level);
  auto cfg = rig.config(o.http_workers, o.db_pool);
  // Local minutes never reach 24 h: the daily delinquency run, which would lock every plan in
  // turn, stays out of the measurement.
  cfg.delinquency_run_minutes = 24 * 60;
  cfg.record_batch_max = o.batch_max;
  cfg.record_writers = o.batch_writers;
  const auto service_url = rig.start(std::move(cfg));

  std::fprintf(stderr, "set-up: %d active plans...\n", o.plans);
  const auto setup_start = SysClock::now();
  const auto plans = rig.active_plans(o.plans);
  const std::int64_t amount = o.amount > 0 ? o.amount : default_amount(plans, o.payments);
  const auto paid_at = rto::to_rfc3339(SysClock::now());
  std::vector<std::string> bodies;
  bodies.reserve(static_cast<std::size_t>(o.payments));
  for (int i = 0; i < o.payments; ++i)
    bodies.push_back(payment_body(plans[static_cast<std::size_t>(i % o.plans)], amount, i, paid_at));
  rig.wait_outbox_drained();
  rig.vacuum_analyze();
  std::fprintf(stderr, "set-up took %.1f s\n", ms(SysClock::now() - setup_start) / 1000);

  Arrivals arrivals(rig, "payment.collection.received", "provider_txn_id", "payment-record-bench");
  arrivals.start();

  // An idle backend publishes its statistics within PGSTAT_IDLE_INTERVAL (10 s): let the
  // set-up's land before the counters are read.
  std::this_thread::sleep_for(kStatsSettle);
  pqxx::connection stats(rig.db_url());
  const auto load_before = loadavg();
  const auto counters_before = db_counters(stats);
  const auto backends_before = backend_cpu(stats);
  const auto machine_before = machine_cpu();
  const double process_before = process_cpu_us();

  Posted posted;
  post_payments(service_url, rig, bodies, o.concurrency, std::chrono::seconds(o.timeout_s), posted);

  const double process_used = process_cpu_us() - process_before;
  const auto machine_after = machine_cpu();
  const double backends_used = backend_delta(backends_before, backend_cpu(stats));
  const auto load_after = loadavg();

  const bool all_events = wait_events(arrivals, bodies.size(), std::chrono::seconds(o.timeout_s));
  arrivals.stop();
  std::this_thread::sleep_until(posted.last_answer + kStatsSettle);
  const auto counters_after = db_counters(stats);
  const auto checked = check_database(rig.db_url());

  const auto n = o.payments;
  std::vector<double> latency, to_event;
  SysClock::time_point last_event{};
  for (int i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    latency.push_back(ms(posted.answered[k] - posted.sent[k]));
    if (auto a = arrivals.find(txn_id(i))) {
      to_event.push_back(ms(*a - posted.sent[k]));
      last_event = std::max(last_event, *a);
    }
  }
  const auto lat = percentiles(latency), ev = percentiles(to_event);
  const int refused = posted.refused.load();
  const auto recorded = n - refused;
  const double window_s = ms(posted.last_answer - posted.first) / 1000;
  const double throughput = refused == 0 && window_s > 0 ? n / window_s : 0;
  // Whole milliseconds (+ 0.0 makes -0 a 0); negative when the last event arrived before the
  // last answer did.
  const double event_after_ms = ev.n ? std::round(ms(last_event - posted.last_answer)) + 0.0 : 0;
  const double event_window_s = ev.n ? ms(last_event - posted.first) / 1000 : 0;

  // CPU per payment in µs during the timed part.
  const double client_us = posted.client_cpu_us / n;
  const double service_us = (process_used - posted.client_cpu_us) / n;
  const double db_us = backends_used / n;
  const double machine_busy_us = (machine_after.busy_us - machine_before.busy_us) / n;
  const double machine_busy_pct = 100 * (machine_after.busy_us - machine_before.busy_us) /
                                   std::max(1.0, machine_after.total_us - machine_before.total_us);
  const double other_us = machine_busy_us - client_us - service_us - db_us;
  auto per = [n](std::int64_t a, std::int64_t b) { return static_cast<double>(b - a) / n; };
  const double commits = per(counters_before.commits, counters_after.commits);
  const double inserted = per(counters_before.inserted, counters_after.inserted);
  const double updated = per(counters_before.updated, counters_after.updated);
  const double fetched = per(counters_before.fetched, counters_after.fetched);
  const double rollbacks = per(counters_before.rollbacks, counters_after.rollbacks);
  const bool ledger_ok = checked.ok(n, amount);

  std::printf("payments recorded over HTTP (POST /internal/payments): %d payments of UGX %lld over %d plans, "
              "%d senders, %d HTTP workers, %d pooled connections, batches of up to %d, %d at a time\n",
              n, static_cast<long long>(amount), o.plans, o.concurrency, o.http_workers, o.db_pool, o.batch_max,
              o.batch_writers);
  std::printf("  recorded %d of %d (%d refused)%s%s\n", recorded, n, refused, refused ? "; first: " : "",
              posted.first_refusal.c_str());
  std::printf("  throughput %.0f payments/s (first post to last answer %.2f s; target >= 2000)\n", throughput, window_s);
  print_percentiles("post -> answer", lat);
  print_percentiles("post -> event received", ev);
  std::printf("  events: %zu of %d received; the last %.0f ms after the last answer (%.2f s after the first post)\n",
              ev.n, n, event_after_ms, event_window_s);
  std::printf("  database: %lld bench payments (UGX %lld), %lld unbalanced and %lld one-line entries, lines sum to "
              "%lld, %lld plans off their ledger, %lld off their schedule: %s\n",
              static_cast<long long>(checked.payments), static_cast<long long>(checked.paid),
              static_cast<long long>(checked.unbalanced), static_cast<long long>(checked.thin),
              static_cast<long long>(checked.total), static_cast<long long>(checked.plans_off_ledger),
              static_cast<long long>(checked.plans_off_schedule), ledger_ok ? "ok" : "WRONG");
  std::printf("  CPU per payment: client %.0f us, service %.0f us, PostgreSQL backends %.0f us, other %.0f us; "
              "machine %.0f %% busy\n",
              client_us, service_us, db_us, other_us, machine_busy_pct);
  std::printf("  database per payment (relay included): %.2f commits, %.2f rollbacks, %.2f rows inserted, "
              "%.2f updated, %.1f fetched\n",
              commits, rollbacks, inserted, updated, fetched);
  std::printf("  load average %s before, %s after\n", load_before.c_str(), load_after.c_str());
  std::printf(R"({"bench":"payment_record","plans":%d,"payments":%d,"amount":%lld,"concurrency":%d,)"
              R"("http_workers":%d,"db_pool":%d,"batch_max":%d,"batch_writers":%d,"recorded":%d,"refused":%d,)"
              R"("throughput_per_s":%.0f,)"
              R"("latency_ms":%s,"event_latency_ms":%s,"last_event_after_last_answer_ms":%.0f,)"
              R"("ledger_ok":%s,"cpu_us_per_payment":{"client":%.0f,"service":%.0f,"db":%.0f,"other":%.0f},)"
              R"("machine_busy_pct":%.0f,"db_per_payment":{"commits":%.2f,"inserted":%.2f,"updated":%.2f},)"
              R"("loadavg_before":"%s","loadavg_after":"%s"})"
              "\n",
              o.plans, n, static_cast<long long>(amount), o.concurrency, o.http_workers, o.db_pool, o.batch_max,
              o.batch_writers, recorded, refused, throughput, to_json(lat).c_str(), to_json(ev).c_str(), event_after_ms,
              ledger_ok ? "true" : "false",
              client_us, service_us, db_us, other_us, machine_busy_pct, commits, inserted, updated,
              load_before.c_str(), load_after.c_str());

  rig.stop();
  return refused == 0 && all_events && ev.n == static_cast<std::size_t>(n) && ledger_ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  return bench::main_of("payment_record_bench", argc, argv, parse_options, usage, run);
}
