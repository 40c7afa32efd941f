#pragma once
// The values every decoder produces and the pipeline keeps: a fix (one position report) and
// the device facts that may come with it. Pure data, no I/O.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace telematics {

using TimePoint = std::chrono::system_clock::time_point;

// A malformed frame or request from a device. `field` names what was wrong.
class DecodeError : public std::runtime_error {
 public:
  DecodeError(std::string field, const std::string& message)
      : std::runtime_error(field + ": " + message), field_(std::move(field)), message_(message) {}
  const std::string& field() const noexcept { return field_; }
  const std::string& message() const noexcept { return message_; }

 private:
  std::string field_;
  std::string message_;
};

struct Fix {
  TimePoint time{};            // device time (UTC)
  double lat = 0;              // degrees, WGS84
  double lon = 0;
  double speed_kmh = 0;
  double course = 0;           // degrees from north
  std::optional<double> altitude;
  int satellites = 0;
  bool valid = true;           // the device says it had a GPS fix
  std::optional<bool> ignition;
  std::optional<double> battery_percent;
  std::optional<double> external_voltage;
};

}  // namespace telematics
