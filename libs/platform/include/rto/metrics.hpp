#pragma once
// Prometheus metrics (prometheus-cpp core). The registry is scraped by the service's own
// GET /metrics; no separate exposer thread.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace rto::metrics {

class Metrics {
 public:
  explicit Metrics(std::string service);
  prometheus::Registry& registry() noexcept { return *registry_; }

  // One request finished: counted by route template, method and status; latency by route.
  void observe_request(const std::string& route, std::string_view method, int status, std::chrono::nanoseconds took);
  void in_flight(int delta) noexcept;

  // A gauge whose value is read from `fn` at every scrape (pool sizes, outbox backlog, …).
  void gauge_fn(const std::string& name, const std::string& help, std::function<double()> fn,
                const std::map<std::string, std::string>& labels = {});

  // A counter series the caller increments (prometheus::Counter is thread-safe): the family is
  // made on first use of `name`, the series on first use of `labels`; later calls find them.
  prometheus::Counter& counter(const std::string& name, const std::string& help,
                               const std::map<std::string, std::string>& labels = {});
  // A gauge series the caller sets (a periodic job's latest figure, say); as counter().
  prometheus::Gauge& gauge(const std::string& name, const std::string& help,
                           const std::map<std::string, std::string>& labels = {});

  std::string scrape();  // Prometheus text format

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  // Label lookups in prometheus-cpp allocate and lock; the hot path resolves each
  // (route, method, status) once and then only increments.
  struct Series {
    prometheus::Counter* count;
    prometheus::Histogram* latency;
  };
  std::shared_mutex series_mu_;
  std::unordered_map<std::string, Series> series_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Gauge* in_flight_;
  prometheus::Family<prometheus::Gauge>* dynamic_family_ = nullptr;
  struct Dyn {
    prometheus::Gauge* gauge;
    std::function<double()> fn;
  };
  std::mutex mu_;
  std::vector<Dyn> dynamic_;
  std::map<std::string, prometheus::Family<prometheus::Gauge>*> gauge_families_;
  std::map<std::string, prometheus::Family<prometheus::Counter>*> counter_families_;
};

}  // namespace rto::metrics
