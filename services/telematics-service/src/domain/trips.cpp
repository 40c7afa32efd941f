#include "domain/trips.hpp"

#include <algorithm>
#include <map>

#include "domain/motion.hpp"

namespace telematics::trips {

std::string_view to_string(EndReason r) noexcept {
  switch (r) {
    case EndReason::IgnitionOff: return "ignition_off";
    case EndReason::Stopped: return "stopped";
    case EndReason::DataGap: return "data_gap";
  }
  return "stopped";
}

namespace {

double seconds(TimePoint::duration d) { return std::chrono::duration<double>(d).count(); }

class Days {
 public:
  explicit Days(const rto::Zone& zone) : zone_(zone) {}

  Day& at(TimePoint t) {
    const auto d = zone_.local_date(t);
    auto& day = days_[d];
    day.date = d;
    return day;
  }

  // A segment [t0, t1): its time (and distance, in proportion) on each local date it covers.
  void add(TimePoint t0, TimePoint t1, double distance_m, bool moving, bool engine) {
    const double total = seconds(t1 - t0);
    if (total <= 0) return;
    for (TimePoint a = t0; a < t1;) {
      const auto date = zone_.local_date(a);
      const TimePoint b = std::min(zone_.start_of(date + std::chrono::days(1)), t1);
      const double part = seconds(b - a);
      if (part <= 0) break;  // a zone whose midnight does not advance: never loop
      auto& day = at(a);
      day.distance_m += distance_m * part / total;
      if (moving) day.moving_seconds += part;
      if (engine) day.engine_seconds += part;
      a = b;
    }
  }

  std::vector<Day> result() const {
    std::vector<Day> out;
    for (const auto& [d, day] : days_) out.push_back(day);
    return out;
  }

 private:
  const rto::Zone& zone_;
  std::map<std::chrono::sys_days, Day> days_;
};

}  // namespace

Outcome advance(const Rules& rules, const rto::Zone& zone, State& state, const std::vector<Fix>& fixes) {
  Outcome out;
  Days days(zone);
  const double threshold = rules.start_speed_kmh;
  auto close = [&](const Point& end, EndReason reason) {
    const auto& t = *state.trip;
    out.closed.push_back({t.start, end, t.distance_m, t.max_speed_kmh, reason});
    state.trip.reset();
  };

  for (const auto& f : fixes) {
    if (state.last && f.time <= state.last->time) continue;
    const Point p{f.time, f.lat, f.lon};
    days.at(f.time);  // every date with data has a row

    if (state.last && f.time - state.last->time > rules.max_gap) {
      // Nothing is known of the gap: the trip ends at the last fix before it, and the ignition is
      // unknown again (an ignition-on fix after the gap starts a new trip).
      if (state.trip) close(*state.last, EndReason::DataGap);
      state.ignition.reset();
    } else if (state.last) {
      const bool moving = state.last_speed_kmh >= threshold || f.speed_kmh >= threshold;
      const bool engine = state.reports_ignition ? state.ignition.value_or(false) : moving;
      double metres = 0;
      if (moving && state.trip) {
        metres = distance_m(state.last->lat, state.last->lon, f.lat, f.lon);
        state.trip->distance_m += metres;
      }
      days.add(state.last->time, f.time, metres, moving, engine);
    }

    const bool was_on = state.ignition.value_or(false);
    if (f.ignition) {
      state.ignition = f.ignition;
      state.reports_ignition = true;
    }
    const bool turned_on = !was_on && state.ignition.value_or(false);
    const bool says_off = f.ignition && !*f.ignition;

    if (state.trip) {
      auto& t = *state.trip;
      t.max_speed_kmh = std::max(t.max_speed_kmh, f.speed_kmh);
      if (says_off) {
        close(p, EndReason::IgnitionOff);
      } else if (f.speed_kmh < threshold) {
        if (!t.stopped) t.stopped = p;
        else if (f.time - t.stopped->time >= rules.stop_after) close(*t.stopped, EndReason::Stopped);
      } else {
        t.stopped.reset();
      }
    }
    if (!state.trip && (turned_on || (f.speed_kmh >= threshold && !says_off))) {
      OpenTrip t;
      t.start = p;
      t.max_speed_kmh = f.speed_kmh;
      if (f.speed_kmh < threshold) t.stopped = p;
      state.trip = t;
      days.at(f.time).trips += 1;
    }
    state.last = p;
    state.last_speed_kmh = f.speed_kmh;
  }
  out.days = days.result();
  return out;
}

}  // namespace telematics::trips
