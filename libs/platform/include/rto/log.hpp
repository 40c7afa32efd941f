#pragma once
// Structured logs: one JSON object a line on stdout, built with Boost.JSON so every string is
// escaped. The current request id (set per request by the platform) is added to each line.
// Never log PII (phone numbers, names, national ids, tokens): log ids instead.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace rto::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

void init(std::string_view service, std::string_view level);  // level: debug|info|warn|error
bool enabled(Level l) noexcept;
void write(Level l, std::string_view msg, boost::json::object fields = {});

inline void debug(std::string_view m, boost::json::object f = {}) { if (enabled(Level::Debug)) write(Level::Debug, m, std::move(f)); }
inline void info(std::string_view m, boost::json::object f = {}) { if (enabled(Level::Info)) write(Level::Info, m, std::move(f)); }
inline void warn(std::string_view m, boost::json::object f = {}) { write(Level::Warn, m, std::move(f)); }
inline void error(std::string_view m, boost::json::object f = {}) { write(Level::Error, m, std::move(f)); }

// The request id of the work running on this thread ("" when none).
const std::string& request_id() noexcept;

class RequestScope {
 public:
  explicit RequestScope(std::string id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace rto::log
