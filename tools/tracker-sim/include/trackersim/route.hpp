#pragma once
// Where simulated vehicles drive and how: hand-made loops along real main roads of Kampala and
// Nairobi, and a small motion model (cruise at a speed fit for the kind of vehicle, slow down
// and pick up, stop in traffic with the engine on, park with the ignition off). Deterministic
// for a seed. Pure code with unit tests.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace trackersim {

struct LatLon {
  double lat = 0, lon = 0;
};

// Great-circle distance in metres and initial bearing in degrees (0 = north, clockwise).
double distance_m(LatLon a, LatLon b) noexcept;
double bearing_deg(LatLon a, LatLon b) noexcept;

enum class City { Kampala, Nairobi };
std::string_view to_string(City c) noexcept;
std::optional<City> city_from(std::string_view s) noexcept;  // "kampala", "nairobi" (any case)

enum class Kind { Motorcycle, TukTuk, Car };
std::string_view to_string(Kind k) noexcept;
std::optional<Kind> kind_from(std::string_view s) noexcept;  // motorcycle|boda, tuk-tuk|tuktuk, car

// A closed loop of waypoints (the last one leads back to the first); roads driven out and back
// list their way back too.
struct Route {
  std::string name;
  City city;
  std::vector<LatLon> points;
  double length_m() const;
};
const std::vector<Route>& routes(City c);

// Speeds of a kind of vehicle in town traffic, km/h.
struct KindProfile {
  double cruise_min = 0, cruise_max = 0;
  double accel_kmh_s = 0;   // speeding up, km/h per second
  double brake_kmh_s = 0;   // slowing down
  double traffic_stop_per_s = 0;  // chance a second of driving ends in a traffic stop
  double park_per_s = 0;          // chance a second of driving ends in parking
};
const KindProfile& profile(Kind k) noexcept;

enum class Motion { Driving, TrafficStop, Parked, Immobilised };
std::string_view to_string(Motion m) noexcept;

// One vehicle moving along a route. step() advances it in 1-second steps.
class Vehicle {
 public:
  Vehicle(const Route& route, Kind kind, std::uint64_t seed);

  void step(double seconds);

  LatLon position() const;
  double speed_kmh() const noexcept { return motion_ == Motion::Driving ? speed_ : 0.0; }
  double course() const;
  bool ignition() const noexcept { return motion_ == Motion::Driving || motion_ == Motion::TrafficStop; }
  Motion motion() const noexcept { return motion_; }
  Kind kind() const noexcept { return kind_; }
  const Route& route() const noexcept { return *route_; }
  double odometer_m() const noexcept { return odometer_; }

  // The engine cut relay: on, the vehicle stops where it is and stays; off, it may drive on.
  void immobilise(bool on);
  bool immobilised() const noexcept { return immobilised_; }
  // Parked by hand (the rider stops and switches off) until released.
  void hold(bool on);
  bool held() const noexcept { return held_; }

 private:
  double uniform(double lo, double hi);
  bool chance(double p);
  void one_second();
  void drive_on();

  const Route* route_;
  Kind kind_;
  std::mt19937_64 rng_;
  std::vector<double> cumulative_;  // distance along the loop at each waypoint
  double length_ = 0;
  double at_ = 0;        // metres along the loop
  double speed_ = 0;     // km/h while driving
  double target_ = 0;    // the speed the driver is heading for
  double until_change_ = 0;  // seconds until a new target speed
  double remaining_ = 0;     // seconds left of a stop or of parking
  double odometer_ = 0;
  double carry_ = 0;         // a fraction of a second not yet stepped
  Motion motion_ = Motion::Driving;
  bool immobilised_ = false;
  bool held_ = false;
};

}  // namespace trackersim
