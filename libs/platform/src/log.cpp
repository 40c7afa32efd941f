#include "rto/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json.hpp>

#include "rto/clock.hpp"

namespace rto::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::Info)};
std::shared_ptr<spdlog::logger> g_logger;
std::string g_service = "rto";
thread_local std::string t_request_id;

constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};

spdlog::logger& logger() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!g_logger) {
      g_logger = spdlog::stdout_logger_mt("rto-json");
      g_logger->set_pattern("%v");
      g_logger->set_level(spdlog::level::trace);
      // Warnings and errors reach the log at once; the rest is flushed every second, so an
      // access-log line does not cost a write(2) per request.
      g_logger->flush_on(spdlog::level::warn);
    }
  });
  return *g_logger;
}

}  // namespace

void init(std::string_view service, std::string_view level) {
  g_service = std::string(service);
  for (int i = 0; i < 4; ++i)
    if (kNames[i] == level) g_level = i;
  logger();
  static std::once_flag flusher;
  std::call_once(flusher, [] { spdlog::flush_every(std::chrono::seconds(1)); });
}

bool enabled(Level l) noexcept { return static_cast<int>(l) >= g_level.load(std::memory_order_relaxed); }

void write(Level l, std::string_view msg, boost::json::object fields) {
  if (!enabled(l)) return;
  boost::json::object line;
  line.reserve(fields.size() + 5);
  line["time"] = to_rfc3339(std::chrono::system_clock::now());
  line["level"] = kNames[static_cast<int>(l)];
  line["service"] = g_service;
  line["msg"] = msg;
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  // The JSON text goes out verbatim: no format-string parsing of user text.
  auto text = boost::json::serialize(line);
  logger().log(l >= Level::Warn ? spdlog::level::warn : spdlog::level::info, spdlog::string_view_t(text.data(), text.size()));
}

const std::string& request_id() noexcept { return t_request_id; }

RequestScope::RequestScope(std::string id) : previous_(std::move(t_request_id)) { t_request_id = std::move(id); }
RequestScope::~RequestScope() { t_request_id = std::move(previous_); }

}  // namespace rto::log
