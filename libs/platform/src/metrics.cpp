#include "rto/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace rto::metrics {

Metrics::Metrics(std::string service) : registry_(std::make_shared<prometheus::Registry>()) {
  requests_ = &prometheus::BuildCounter()
                   .Name("http_requests_total")
                   .Help("HTTP requests by route template, method and status")
                   .Labels({{"service", service}})
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("http_request_duration_seconds")
                  .Help("HTTP request latency by route template")
                  .Labels({{"service", service}})
                  .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("http_requests_in_flight")
                    .Help("HTTP requests being handled")
                    .Labels({{"service", service}})
                    .Register(*registry_)
                    .Add({});
}

void Metrics::observe_request(const std::string& route, std::string_view method, int status,
                              std::chrono::nanoseconds took) {
  static const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1,   0.25,   0.5,   1,    2.5,   5};
  std::string key;
  key.reserve(route.size() + method.size() + 6);
  key.append(route).append(1, ' ').append(method).append(1, ' ').append(std::to_string(status));
  Series s{};
  {
    std::shared_lock lk(series_mu_);
    if (auto it = series_.find(key); it != series_.end()) s = it->second;
  }
  if (!s.count) {
    std::unique_lock lk(series_mu_);
    s.count = &requests_->Add({{"route", route}, {"method", std::string(method)}, {"status", std::to_string(status)}});
    s.latency = &latency_->Add({{"route", route}}, buckets);
    series_.emplace(std::move(key), s);
  }
  s.count->Increment();
  s.latency->Observe(std::chrono::duration<double>(took).count());
}

void Metrics::in_flight(int delta) noexcept { in_flight_->Increment(delta); }

namespace {
// The family called `name`, registered on first use.
template <typename T, typename Build>
prometheus::Family<T>& family_of(std::map<std::string, prometheus::Family<T>*>& families, prometheus::Registry& registry,
                                 const std::string& name, const std::string& help, Build build) {
  auto it = families.find(name);
  if (it == families.end()) it = families.emplace(name, &build().Name(name).Help(help).Register(registry)).first;
  return *it->second;
}
}  // namespace

void Metrics::gauge_fn(const std::string& name, const std::string& help, std::function<double()> fn,
                       const std::map<std::string, std::string>& labels) {
  std::lock_guard lk(mu_);
  auto& family = family_of(gauge_families_, *registry_, name, help, [] { return prometheus::BuildGauge(); });
  dynamic_.push_back({&family.Add(labels), std::move(fn)});
}

prometheus::Counter& Metrics::counter(const std::string& name, const std::string& help,
                                      const std::map<std::string, std::string>& labels) {
  std::lock_guard lk(mu_);
  return family_of(counter_families_, *registry_, name, help, [] { return prometheus::BuildCounter(); }).Add(labels);
}

prometheus::Gauge& Metrics::gauge(const std::string& name, const std::string& help,
                                  const std::map<std::string, std::string>& labels) {
  std::lock_guard lk(mu_);
  return family_of(gauge_families_, *registry_, name, help, [] { return prometheus::BuildGauge(); }).Add(labels);
}

std::string Metrics::scrape() {
  {
    std::lock_guard lk(mu_);
    for (auto& d : dynamic_) {
      try {
        d.gauge->Set(d.fn());
      } catch (...) {
        // A failing probe leaves the last value; scraping must not fail.
      }
    }
  }
  prometheus::TextSerializer ser;
  std::ostringstream os;
  ser.Serialize(os, registry_->Collect());
  return os.str();
}

}  // namespace rto::metrics
