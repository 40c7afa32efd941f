#include "proxy/upstream.hpp"

#include "rto/errors.hpp"
#include "rto/log.hpp"

namespace gateway {
namespace {

rto::http::ClientOptions pool_options(const UpstreamOptions& o) {
  rto::http::ClientOptions c;
  c.connect_timeout = o.connect_timeout;
  c.request_timeout = o.timeout;
  c.max_idle = o.pool;
  return c;
}

rto::http::ClientOptions probe_options(const UpstreamOptions& o) {
  rto::http::ClientOptions c;
  c.connect_timeout = std::min(o.connect_timeout, o.ready_timeout);
  c.request_timeout = o.ready_timeout;
  c.max_idle = 1;
  c.response_limit = 64 << 10;
  return c;
}

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

std::string_view kind_name(rto::http::UpstreamError::Kind k) {
  switch (k) {
    case rto::http::UpstreamError::Kind::Connect: return "connect";
    case rto::http::UpstreamError::Kind::Timeout: return "timeout";
    case rto::http::UpstreamError::Kind::Protocol: return "protocol";
  }
  return "protocol";
}

}  // namespace

std::string status_class(int status) {
  if (status < 100 || status > 599) return "other";
  return std::to_string(status / 100) + "xx";
}

UpstreamMetrics::UpstreamMetrics(prometheus::Registry& registry)
    : requests(prometheus::BuildCounter()
                   .Name("gateway_upstream_requests_total")
                   .Help("Requests the gateway sent to each upstream, by the status class it answered")
                   .Register(registry)),
      latency(prometheus::BuildHistogram()
                  .Name("gateway_upstream_request_duration_seconds")
                  .Help("Time from sending a request to an upstream to having its whole response")
                  .Register(registry)),
      failures(prometheus::BuildCounter()
                   .Name("gateway_upstream_failures_total")
                   .Help("Upstream requests that got no usable response, by kind (connect, timeout, protocol)")
                   .Register(registry)) {}

Upstream::Upstream(std::string name, const std::string& base_url, UpstreamOptions opts, UpstreamMetrics& metrics)
    : name_(std::move(name)),
      opts_(opts),
      client_(base_url, pool_options(opts)),
      async_(base_url, pool_options(opts)),
      probe_(base_url, probe_options(opts)),
      metrics_(metrics) {
  static constexpr std::array<int, 6> kClassOf{100, 200, 300, 400, 500, 0};
  for (std::size_t i = 0; i < series_.size(); ++i) {
    std::map<std::string, std::string> labels{{"upstream", name_}, {"status_class", status_class(kClassOf[i])}};
    series_[i] = {&metrics_.requests.Add(labels), &metrics_.latency.Add(labels, latency_buckets())};
  }
}

Upstream::Series& Upstream::series(int status) {
  if (status < 100 || status > 599) return series_[5];
  return series_[static_cast<std::size_t>(status / 100 - 1)];
}

void Upstream::record(int status, std::chrono::steady_clock::duration took) {
  auto& s = series(status);
  s.requests->Increment();
  s.latency->Observe(std::chrono::duration<double>(took).count());
}

rto::Error Upstream::failure(const rto::http::UpstreamError& e, std::chrono::steady_clock::time_point t0) {
  auto kind = kind_name(e.kind);
  metrics_.failures.Add({{"upstream", name_}, {"kind", std::string(kind)}}).Increment();
  rto::log::warn("upstream request failed", {{"upstream", name_}, {"kind", kind}, {"error", e.what()}});
  switch (e.kind) {
    case rto::http::UpstreamError::Kind::Connect: {
      record(503, std::chrono::steady_clock::now() - t0);
      rto::Error err(rto::ErrorKind::Unavailable, "the service behind this route is unavailable; try again shortly");
      err.with_code("upstream-unavailable").with_retry_after(std::chrono::seconds(1));
      return err;
    }
    case rto::http::UpstreamError::Kind::Timeout:
      record(504, std::chrono::steady_clock::now() - t0);
      return rto::Error(rto::ErrorKind::GatewayTimeout, "the service behind this route did not answer in time")
          .with_code("upstream-timeout");
    case rto::http::UpstreamError::Kind::Protocol:
      break;
  }
  record(502, std::chrono::steady_clock::now() - t0);
  return rto::Error(rto::ErrorKind::BadGateway, "the service behind this route gave an invalid response")
      .with_code("upstream-bad-response");
}

rto::http::ClientResponse Upstream::send(rto::http::Method m, std::string_view target, const rto::http::Headers& headers,
                                         std::string_view body) {
  auto t0 = std::chrono::steady_clock::now();
  try {
    auto r = client_.send(m, target, headers, body, opts_.timeout);
    record(r.status, std::chrono::steady_clock::now() - t0);
    return r;
  } catch (const rto::http::UpstreamError& e) {
    throw failure(e, t0);
  } catch (const rto::Error&) {
    throw;
  } catch (const std::exception& e) {
    // Anything else the client library raises is still a failed exchange with the upstream.
    throw failure(rto::http::UpstreamError(rto::http::UpstreamError::Kind::Protocol, e.what()), t0);
  }
}

void Upstream::send_async(rto::http::IoContext& io, rto::http::Method m, std::string_view target,
                          const rto::http::Headers& headers, std::string body, std::function<void(Outcome)> done) {
  auto t0 = std::chrono::steady_clock::now();
  async_.send(io, m, target, headers, std::move(body), opts_.timeout,
              [this, t0, done = std::move(done)](rto::http::AsyncResult r) {
                if (auto* ok = std::get_if<rto::http::ClientResponse>(&r)) {
                  record(ok->status, std::chrono::steady_clock::now() - t0);
                  done(std::move(*ok));
                } else {
                  done(failure(std::get<rto::http::UpstreamError>(r), t0));
                }
              });
}

bool Upstream::ready() noexcept {
  try {
    return probe_.get("/ready").status == 200;
  } catch (...) {
    return false;
  }
}

}  // namespace gateway
