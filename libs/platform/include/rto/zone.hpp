#pragma once
// A time zone as offsets from UTC in force from given instants: what a TZif file (the tz
// database under /usr/share/zoneinfo) holds, reduced to what is needed to turn an instant into
// a local date and wall-clock time. No I/O: the caller reads the file. (libstdc++ 12 has no
// std::chrono::tzdb.) Used by the payment service (due dates) and the support service (quiet
// hours).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rto {

// A tz database name such as "Africa/Kampala": letters, digits, '/', '_', '-', '+'; not
// absolute, no "..", at most 64 characters (it becomes a path under TZDIR).
bool valid_zone_name(std::string_view name) noexcept;

class Zone {
 public:
  // A zone with one fixed offset (e.g. OPERATOR_UTC_OFFSET_MINUTES=180).
  static Zone fixed(std::string name, int offset_seconds);
  // Parses TZif data (RFC 8536, versions 1-4; the 64-bit section when present). Instants after
  // the last transition keep its offset, which is exact for zones without daylight saving
  // (all of East, Central and West Africa). Throws std::invalid_argument for malformed data.
  static Zone from_tzif(std::string name, std::string_view bytes);

  const std::string& name() const noexcept { return name_; }
  int offset_at(std::chrono::system_clock::time_point t) const noexcept;  // seconds east of UTC
  std::chrono::sys_days local_date(std::chrono::system_clock::time_point t) const noexcept;
  // Local wall-clock minutes since local midnight.
  int local_minutes(std::chrono::system_clock::time_point t) const noexcept;
  // The UTC instant of local midnight starting `d` (for "collected today" windows).
  std::chrono::system_clock::time_point start_of(std::chrono::sys_days d) const noexcept;

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_;               // offset in force from transitions_[i]
  int initial_offset_ = 0;                 // before the first transition
};

}  // namespace rto
