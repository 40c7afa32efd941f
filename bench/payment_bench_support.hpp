#pragma once
// Shared by the payment service's end-to-end benchmarks (momo_callback_bench,
// payment_record_bench): the payment service running in this process on the test
// infrastructure (TEST_PG_URL, TEST_AMQP_URL, as for the integration tests), active plans to
// pay, an event watch on the service's exchange, and the latency summary.
//
// A Rig owns a fresh database, a private topic exchange and a stub for the credit and vehicle
// services the plan saga calls; start() then installs the payment service on them as main.cpp
// does (routes, background jobs, callback workers, the outbox relay) and serves HTTP on an
// ephemeral port.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pqxx/pqxx>
#include <rto/events.hpp>

#include "bench_util.hpp"

#include "app.hpp"
#include "config.hpp"

namespace paybench {

using SysClock = std::chrono::system_clock;

constexpr const char* kTemplate = "motorcycle-daily-18m";
constexpr std::int64_t kPrice = 4'000'000;           // UGX
constexpr std::int64_t kDeposit = kPrice * 15 / 100;  // the template's minimum deposit

// Runs fn(i) for i in [0, n) on `threads` threads; the first exception is rethrown.
void parallel_for(int n, int threads, const std::function<void(int)>& fn);

double ms(SysClock::duration d);

// ---- CPU accounting (microseconds) -------------------------------------------------------------

double thread_cpu_us();   // the calling thread's user + system time
double process_cpu_us();  // this process's
// user + system time of a process from /proc (the PostgreSQL backends run on this machine);
// nullopt when it is gone or unreadable.
std::optional<double> proc_cpu_us(int pid);
// Busy and total time of all CPUs since boot, from /proc/stat.
struct MachineCpu {
  double busy_us = 0, total_us = 0;
};
MachineCpu machine_cpu();
std::string loadavg();
// The backends connected to `c`'s database, by pid: the service's pooled connections, the
// relay's and the bench's own.
std::map<int, double> backend_cpu(pqxx::connection& c);
// CPU used by the backends between two samples (a backend opened meanwhile counts from 0).
double backend_delta(const std::map<int, double>& before, const std::map<int, double>& after);

// An active plan: through the saga, its deposit paid (instalments count from today).
struct Plan {
  std::string id, reference, customer;
  std::int64_t instalment = 0;   // the regular instalment
  std::int64_t outstanding = 0;  // owed after the deposit
};

class Rig {
 public:
  // A fresh database and exchange named after `name` ([a-z0-9_]), and the stub serving.
  Rig(std::string_view name, const std::string& log_level);
  ~Rig();
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  // The payment service's configuration, pointed at this rig's database, exchange and stub;
  // the caller adds what its bench needs (providers, callback workers, ...).
  payment_service::PaymentConfig config(int http_workers, int db_pool) const;
  // Installs the payment service in main.cpp's order (install, the outbox relay, serving) and
  // returns its base URL. Once only.
  std::string start(payment_service::PaymentConfig cfg);
  payment_service::App& app();

  // n active plans, created on a few threads.
  std::vector<Plan> active_plans(int n);
  // Waits until every committed event has been published, so set-up events are out of the way.
  void wait_outbox_drained() const;
  // VACUUM (ANALYZE) of the bench's database after its set-up: a fresh database filled in
  // seconds is what autovacuum works on next, and its work (and plans made on statistics from
  // before the set-up) would otherwise land in the timed part, which is meant to show a database
  // in its steady state.
  void vacuum_analyze() const;
  // A service token the payment service accepts (valid 5 minutes).
  std::string service_token(std::string_view caller) const;

  const std::string& db_url() const;
  const std::string& exchange() const;

  // Stops serving and the background work before the App and the database go away, then the
  // stub. Also done by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// When each event of one type reached a subscriber on the rig's exchange, by one string field
// of its data (payment_id, provider_txn_id, ...).
class Arrivals {
 public:
  Arrivals(const Rig& rig, std::string type, std::string key_field, std::string name);
  ~Arrivals();
  // Subscribes and waits until the subscriber is connected; throws when it cannot connect.
  void start();
  void stop();
  std::size_t size() const;
  std::optional<SysClock::time_point> find(const std::string& key) const;

 private:
  std::string key_field_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, SysClock::time_point> at_;
  rto::events::Subscriber sub_;
};

using bench::Percentiles;
using bench::percentiles;
using bench::print_percentiles;
using bench::to_json;

}  // namespace paybench
