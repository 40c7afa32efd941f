#pragma once
// An injectable clock so tests can move time.
#include <atomic>
#include <chrono>
#include <string>

namespace rto {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point t = std::chrono::system_clock::now()) : t_(t.time_since_epoch().count()) {}
  time_point now() const override { return time_point(time_point::duration(t_.load())); }
  void advance(std::chrono::system_clock::duration d) { t_ += d.count(); }
  void set(time_point t) { t_ = t.time_since_epoch().count(); }

 private:
  std::atomic<time_point::rep> t_;
};

// RFC 3339 UTC with milliseconds: "2026-11-26T14:29:44.123Z"
std::string to_rfc3339(std::chrono::system_clock::time_point t);

}  // namespace rto
