#pragma once
// Sends callbacks the way a provider does: later, from its own thread, one HTTP request each.
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <rto/http.hpp>
#include <rto/http_client.hpp>

#include "mmsim/rules.hpp"

namespace mmsim {

// One HTTP request to a callback receiver.
struct Callback {
  std::string url;  // absolute http URL, path and query included
  rto::http::Method method = rto::http::Method::Post;
  std::string body;
  std::string content_type = "application/json";
};

class CallbackSender {
 public:
  using Job = std::function<void()>;
  CallbackSender();
  ~CallbackSender();  // drops jobs not yet due and joins the worker
  CallbackSender(const CallbackSender&) = delete;
  CallbackSender& operator=(const CallbackSender&) = delete;

  // Runs job on the worker thread at `due` (jobs run one at a time, earliest first).
  void schedule(Clock::time_point due, Job job);
  // Sends cb now on the calling thread: the receiver's HTTP status, or empty when the URL is
  // unusable or the receiver could not be reached.
  std::optional<int> deliver(const Callback& cb);

 private:
  void run(std::stop_token stop);
  rto::http::Client& client_for(const std::string& base_url);

  std::mutex queue_mu_;
  std::condition_variable_any queue_cv_;
  std::multimap<Clock::time_point, Job> queue_;
  std::mutex clients_mu_;
  std::map<std::string, std::unique_ptr<rto::http::Client>> clients_;  // one keep-alive pool per receiver
  std::jthread worker_;  // last member: stopped and joined before the queue it reads
};

}  // namespace mmsim
