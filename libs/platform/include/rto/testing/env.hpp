#pragma once
// Sets environment variables for one test and puts the old values back when it ends
// (configuration tests read the environment the way a service does at start).
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rto::testing {

class EnvGuard {
 public:
  EnvGuard() = default;
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

  // v == nullptr unsets the variable.
  void set(const char* k, const char* v) {
    const char* old = std::getenv(k);
    saved_.emplace_back(k, old ? std::optional<std::string>(old) : std::nullopt);
    if (v)
      ::setenv(k, v, 1);
    else
      ::unsetenv(k);
  }
  void set(const char* k, const std::string& v) { set(k, v.c_str()); }

  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        ::unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace rto::testing
