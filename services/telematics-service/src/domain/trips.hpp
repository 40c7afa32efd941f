#pragma once
// Trips and daily usage: a per-vehicle state advanced over the good fixes (plausible, newer than
// the last, oldest first) as they arrive. Pure functions with unit tests; the App stores the state
// and the results.
//
// A trip starts when the ignition turns on, or at a fix at least `start_speed_kmh` (unless that
// fix says the ignition is off). It ends at a fix that says the ignition is off; or where the
// vehicle stopped, once it has stayed below `start_speed_kmh` for `stop_after` (idling with the
// engine on ends a trip too); or at the last fix before a gap in the data longer than `max_gap`.
// Its distance is the great-circle length of its segments in which the vehicle moved (one end at
// least `start_speed_kmh`), so GPS drift while parked adds nothing.
//
// Usage per operator-local date, kept from the same walk: for each segment between consecutive
// fixes no longer than `max_gap` (split at local midnight in proportion to time),
//   moving seconds  the segment's time when it moved (as above);
//   engine seconds  its time when the ignition was on at its start, for a device that has ever
//                   reported the ignition; for one that never has, the moving time;
//   distance        the trip distance above (counted on the segment's dates);
//   trips           the trips that started that day (counted at their start).
// A day is active when the vehicle started a trip or moved (see active()). Every fix's local date
// gets a row, so a day with data and no use reads as inactive; a day without any data has none.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <rto/zone.hpp>

#include "domain/types.hpp"

namespace telematics::trips {

struct Rules {
  double start_speed_kmh = 6;
  std::chrono::milliseconds stop_after{std::chrono::minutes(5)};
  std::chrono::milliseconds max_gap{std::chrono::minutes(10)};
};

struct Point {
  TimePoint time{};
  double lat = 0, lon = 0;
  bool operator==(const Point&) const = default;
};

struct OpenTrip {
  Point start;
  double distance_m = 0;
  double max_speed_kmh = 0;
  std::optional<Point> stopped;  // where and since when it has been below the start speed
  bool operator==(const OpenTrip&) const = default;
};

// What is kept per vehicle between batches.
struct State {
  std::optional<Point> last;  // the newest fix walked
  double last_speed_kmh = 0;
  std::optional<bool> ignition;   // as last known (a fix without it keeps the previous value)
  bool reports_ignition = false;  // the device has reported the ignition at least once
  std::optional<OpenTrip> trip;
  bool operator==(const State&) const = default;
};

enum class EndReason { IgnitionOff, Stopped, DataGap };
std::string_view to_string(EndReason r) noexcept;

struct Trip {
  Point start, end;
  double distance_m = 0;
  double max_speed_kmh = 0;
  EndReason reason = EndReason::Stopped;
};

struct Day {
  std::chrono::sys_days date{};
  double distance_m = 0, engine_seconds = 0, moving_seconds = 0;
  int trips = 0;
  bool operator==(const Day&) const = default;
};

struct Outcome {
  std::vector<Trip> closed;  // in order
  std::vector<Day> days;     // the increments per local date, ascending; one per date touched
};

// Advances `state` over `fixes` (oldest first; fixes not newer than state.last are skipped).
Outcome advance(const Rules& rules, const rto::Zone& zone, State& state, const std::vector<Fix>& fixes);

// The day's active flag as the event and the API give it: a trip started, or the vehicle moved
// (at least the half second that rounds to a whole one, so the flag agrees with the figures).
inline bool active(int trips, double moving_seconds) { return trips > 0 || moving_seconds >= 0.5; }
inline bool active(const Day& d) { return active(d.trips, d.moving_seconds); }

}  // namespace telematics::trips
