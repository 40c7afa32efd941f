#pragma once
// One upstream service: a keep-alive connection pool for proxied requests, a separate small
// pool with short timeouts for its /ready probe, and its Prometheus figures.
#include <array>
#include <chrono>
#include <functional>
#include <variant>
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "rto/http_async.hpp"
#include "rto/http_client.hpp"
#include "rto/errors.hpp"

namespace gateway {

struct UpstreamOptions {
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds ready_timeout{1000};
  std::size_t pool = 64;
};

// Families shared by every upstream, registered once on the service's registry.
struct UpstreamMetrics {
  explicit UpstreamMetrics(prometheus::Registry& registry);
  prometheus::Family<prometheus::Counter>& requests;    // gateway_upstream_requests_total{upstream,status_class}
  prometheus::Family<prometheus::Histogram>& latency;   // gateway_upstream_request_duration_seconds{upstream,status_class}
  prometheus::Family<prometheus::Counter>& failures;    // gateway_upstream_failures_total{upstream,kind}
};

class Upstream {
 public:
  Upstream(std::string name, const std::string& base_url, UpstreamOptions opts, UpstreamMetrics& metrics);

  // Sends the request; maps transport failures to rto::Error: connect -> 503, timeout -> 504,
  // anything else (malformed or oversized reply) -> 502. Records count and latency either way.
  rto::http::ClientResponse send(rto::http::Method m, std::string_view target, const rto::http::Headers& headers,
                                 std::string_view body);
  // The same without blocking: the exchange runs on `io` and `done` gets the response or the
  // rto::Error above. `done` must not throw.
  using Outcome = std::variant<rto::http::ClientResponse, rto::Error>;
  void send_async(rto::http::IoContext& io, rto::http::Method m, std::string_view target,
                  const rto::http::Headers& headers, std::string body, std::function<void(Outcome)> done);
  // GET <upstream>/ready within the ready timeout; false on any failure.
  bool ready() noexcept;

  const std::string& name() const noexcept { return name_; }

 private:
  void record(int status, std::chrono::steady_clock::duration took);
  rto::Error failure(const rto::http::UpstreamError& e, std::chrono::steady_clock::time_point t0);
  // Series resolved once per status class ("1xx".."5xx", "other"): no label map per request.
  struct Series {
    prometheus::Counter* requests;
    prometheus::Histogram* latency;
  };
  Series& series(int status);
  std::string name_;
  UpstreamOptions opts_;
  rto::http::Client client_;
  rto::http::AsyncClient async_;
  rto::http::Client probe_;
  UpstreamMetrics& metrics_;
  std::array<Series, 6> series_;
};

// "2xx", "4xx", ... for a status code.
std::string status_class(int status);

}  // namespace gateway
