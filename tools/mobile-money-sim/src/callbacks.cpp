#include "callbacks.hpp"

#include <boost/url/parse.hpp>

#include <rto/log.hpp>

namespace mmsim {

namespace http = rto::http;

CallbackSender::CallbackSender() : worker_([this](std::stop_token st) { run(st); }) {}

CallbackSender::~CallbackSender() {
  worker_.request_stop();
  queue_cv_.notify_all();
}

void CallbackSender::schedule(Clock::time_point due, Job job) {
  {
    std::lock_guard lk(queue_mu_);
    queue_.emplace(due, std::move(job));
  }
  queue_cv_.notify_all();
}

void CallbackSender::run(std::stop_token stop) {
  std::unique_lock lk(queue_mu_);
  while (!stop.stop_requested()) {
    if (queue_.empty()) {
      queue_cv_.wait(lk, stop, [this] { return !queue_.empty(); });
      continue;
    }
    auto due = queue_.begin()->first;
    if (Clock::now() < due) {
      // Wakes early when an earlier job is scheduled; the loop then looks again.
      queue_cv_.wait_until(lk, stop, due, [this, due] { return queue_.begin()->first < due; });
      continue;
    }
    auto job = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    lk.unlock();
    try {
      job();
    } catch (const std::exception& e) {
      rto::log::error("callback job failed", {{"error", e.what()}});
    }
    lk.lock();
  }
}

http::Client& CallbackSender::client_for(const std::string& base_url) {
  std::lock_guard lk(clients_mu_);
  auto& c = clients_[base_url];
  if (!c) {
    http::ClientOptions opts;
    opts.request_timeout = std::chrono::milliseconds(5000);
    c = std::make_unique<http::Client>(base_url, opts);
  }
  return *c;
}

std::optional<int> CallbackSender::deliver(const Callback& cb) {
  auto url = boost::urls::parse_absolute_uri(cb.url);
  if (!url || url->host().empty()) {
    rto::log::warn("callback not sent: not an absolute URL", {{"url", cb.url}});
    return std::nullopt;
  }
  // The client refuses schemes it cannot speak (ConfigError, caught below as undelivered).
  std::string base = std::string(url->scheme()) + "://" + std::string(url->encoded_host_and_port());
  std::string target = url->encoded_path().empty() ? "/" : std::string(url->encoded_path());
  if (url->has_query()) target += "?" + std::string(url->encoded_query());
  http::Headers headers;
  headers.set("Content-Type", cb.content_type);
  try {
    auto res = client_for(base).send(cb.method, target, headers, cb.body);
    rto::log::info("callback sent", {{"url", cb.url}, {"status", res.status}});
    return res.status;
  } catch (const std::exception& e) {
    rto::log::warn("callback not delivered", {{"url", cb.url}, {"error", e.what()}});
    return std::nullopt;
  }
}

}  // namespace mmsim
