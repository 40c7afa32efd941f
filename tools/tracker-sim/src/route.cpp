#include "trackersim/route.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

namespace trackersim {

namespace {
constexpr double kEarthRadiusM = 6'371'000.0;
constexpr double kPi = 3.14159265358979323846;
double rad(double d) { return d * kPi / 180.0; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An out-and-back road: the points, then the same points back without repeating the ends.
std::vector<LatLon> out_and_back(std::vector<LatLon> way) {
  for (std::size_t i = way.size() - 1; i-- > 1;) way.push_back(way[i]);
  return way;
}

std::vector<Route> kampala() {
  return {
      {"Jinja Road - Ntinda - Kira Road",
       City::Kampala,
       {{0.3136, 32.5811}, {0.3163, 32.5880}, {0.3203, 32.5945}, {0.3245, 32.6010}, {0.3283, 32.6110},
        {0.3305, 32.6160}, {0.3400, 32.6163}, {0.3530, 32.6140}, {0.3480, 32.5960}, {0.3440, 32.5880},
        {0.3370, 32.5800}, {0.3310, 32.5740}, {0.3230, 32.5780}}},
      {"Entebbe Road to Kajjansi", City::Kampala,
       out_and_back({{0.3110, 32.5800}, {0.3065, 32.5795}, {0.2960, 32.5710}, {0.2800, 32.5690}, {0.2590, 32.5650},
                     {0.2380, 32.5580}, {0.2170, 32.5510}})},
      {"Ggaba Road", City::Kampala,
       out_and_back({{0.3065, 32.5830}, {0.2990, 32.5900}, {0.2950, 32.6010}, {0.2830, 32.6080}, {0.2730, 32.6180},
                     {0.2640, 32.6290}})},
      {"Bombo Road and Gulu Road to Kawempe", City::Kampala,
       out_and_back({{0.3190, 32.5770}, {0.3310, 32.5740}, {0.3410, 32.5680}, {0.3500, 32.5610}, {0.3620, 32.5590},
                     {0.3750, 32.5570}})},
      {"Masaka Road to Busega", City::Kampala,
       out_and_back({{0.3120, 32.5740}, {0.3070, 32.5640}, {0.3020, 32.5530}, {0.2990, 32.5420}, {0.3030, 32.5240}})},
  };
}

std::vector<Route> nairobi() {
  return {
      {"Uhuru Highway and Mombasa Road", City::Nairobi,
       out_and_back({{-1.2860, 36.8220}, {-1.2920, 36.8170}, {-1.3040, 36.8250}, {-1.3120, 36.8330},
                     {-1.3190, 36.8420}, {-1.3250, 36.8570}, {-1.3310, 36.8720}})},
      {"Thika Road to Roysambu", City::Nairobi,
       out_and_back({{-1.2800, 36.8250}, {-1.2670, 36.8370}, {-1.2520, 36.8480}, {-1.2440, 36.8600},
                     {-1.2310, 36.8750}, {-1.2180, 36.8860}})},
      {"Ngong Road to Karen", City::Nairobi,
       out_and_back({{-1.2920, 36.8150}, {-1.3000, 36.8050}, {-1.3010, 36.7800}, {-1.3010, 36.7640},
                     {-1.3100, 36.7380}, {-1.3190, 36.7110}})},
      {"Waiyaki Way to Kangemi", City::Nairobi,
       out_and_back({{-1.2830, 36.8170}, {-1.2730, 36.8120}, {-1.2660, 36.8030}, {-1.2590, 36.7770},
                     {-1.2620, 36.7480}})},
      {"Jogoo Road to Donholm", City::Nairobi,
       out_and_back({{-1.2870, 36.8300}, {-1.2960, 36.8400}, {-1.2960, 36.8650}, {-1.2950, 36.8870}})},
  };
}
}  // namespace

double distance_m(LatLon a, LatLon b) noexcept {
  const double dlat = rad(b.lat - a.lat), dlon = rad(b.lon - a.lon);
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(rad(a.lat)) * std::cos(rad(b.lat)) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

double bearing_deg(LatLon a, LatLon b) noexcept {
  const double y = std::sin(rad(b.lon - a.lon)) * std::cos(rad(b.lat));
  const double x = std::cos(rad(a.lat)) * std::sin(rad(b.lat)) - std::sin(rad(a.lat)) * std::cos(rad(b.lat)) * std::cos(rad(b.lon - a.lon));
  const double deg = std::atan2(y, x) * 180.0 / kPi;
  return std::fmod(deg + 360.0, 360.0);
}

std::string_view to_string(City c) noexcept { return c == City::Kampala ? "kampala" : "nairobi"; }
std::optional<City> city_from(std::string_view s) noexcept {
  const auto l = lower(s);
  if (l == "kampala") return City::Kampala;
  if (l == "nairobi") return City::Nairobi;
  return std::nullopt;
}

std::string_view to_string(Kind k) noexcept {
  switch (k) {
    case Kind::Motorcycle: return "motorcycle";
    case Kind::TukTuk: return "tuk-tuk";
    case Kind::Car: return "car";
  }
  return "car";
}
std::optional<Kind> kind_from(std::string_view s) noexcept {
  const auto l = lower(s);
  if (l == "motorcycle" || l == "boda" || l == "e-motorcycle" || l == "e-bike") return Kind::Motorcycle;
  if (l == "tuk-tuk" || l == "tuktuk") return Kind::TukTuk;
  if (l == "car" || l == "van-pickup") return Kind::Car;
  return std::nullopt;
}

std::string_view to_string(Motion m) noexcept {
  switch (m) {
    case Motion::Driving: return "driving";
    case Motion::TrafficStop: return "traffic-stop";
    case Motion::Parked: return "parked";
    case Motion::Immobilised: return "immobilised";
  }
  return "driving";
}

double Route::length_m() const {
  double total = 0;
  for (std::size_t i = 0; i < points.size(); ++i) total += distance_m(points[i], points[(i + 1) % points.size()]);
  return total;
}

const std::vector<Route>& routes(City c) {
  static const std::vector<Route> k = kampala(), n = nairobi();
  return c == City::Kampala ? k : n;
}

const KindProfile& profile(Kind k) noexcept {
  // Boda bodas weave through traffic; tuk-tuks are slow and stop often for fares; cars sit in jams.
  static const KindProfile moto{25, 50, 8, 12, 1.0 / 180, 1.0 / 2700};
  static const KindProfile tuk{15, 32, 5, 10, 1.0 / 120, 1.0 / 2400};
  static const KindProfile car{20, 60, 6, 12, 1.0 / 100, 1.0 / 3600};
  switch (k) {
    case Kind::Motorcycle: return moto;
    case Kind::TukTuk: return tuk;
    case Kind::Car: return car;
  }
  return car;
}

Vehicle::Vehicle(const Route& route, Kind kind, std::uint64_t seed) : route_(&route), kind_(kind), rng_(seed) {
  if (route.points.size() < 2) throw std::invalid_argument("a route needs two points");
  cumulative_.reserve(route.points.size() + 1);
  for (std::size_t i = 0; i < route.points.size(); ++i) {
    cumulative_.push_back(length_);
    length_ += distance_m(route.points[i], route.points[(i + 1) % route.points.size()]);
  }
  cumulative_.push_back(length_);
  at_ = uniform(0, length_);
  const auto& p = profile(kind_);
  target_ = uniform(p.cruise_min, p.cruise_max);
  speed_ = uniform(0, target_);
  until_change_ = uniform(10, 60);
}

double Vehicle::uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
bool Vehicle::chance(double p) { return uniform(0, 1) < p; }

LatLon Vehicle::position() const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), at_);
  const std::size_t i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (it - cumulative_.begin()) - 1)) % route_->points.size();
  const auto a = route_->points[i], b = route_->points[(i + 1) % route_->points.size()];
  const double seg = cumulative_[i + 1] - cumulative_[i];
  const double f = seg > 0 ? std::clamp((at_ - cumulative_[i]) / seg, 0.0, 1.0) : 0.0;
  return {a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f};
}

double Vehicle::course() const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), at_);
  const std::size_t i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, (it - cumulative_.begin()) - 1)) % route_->points.size();
  return bearing_deg(route_->points[i], route_->points[(i + 1) % route_->points.size()]);
}

void Vehicle::immobilise(bool on) {
  immobilised_ = on;
  if (on) {
    motion_ = Motion::Immobilised;
    speed_ = 0;
  } else if (motion_ == Motion::Immobilised) {
    if (held_) motion_ = Motion::Parked;
    else drive_on();
  }
}

void Vehicle::hold(bool on) {
  held_ = on;
  if (on) {
    if (motion_ != Motion::Immobilised) motion_ = Motion::Parked;
    speed_ = 0;
  } else if (motion_ == Motion::Parked) {
    drive_on();
  }
}

void Vehicle::drive_on() {
  motion_ = Motion::Driving;
  speed_ = 0;
  const auto& p = profile(kind_);
  target_ = uniform(p.cruise_min, p.cruise_max);
  until_change_ = uniform(10, 60);
}

void Vehicle::step(double seconds) {
  carry_ += seconds;
  while (carry_ >= 1.0) {
    one_second();
    carry_ -= 1.0;
  }
}

void Vehicle::one_second() {
  const auto& p = profile(kind_);
  switch (motion_) {
    case Motion::Immobilised: return;  // stays where it is, whatever the rider does
    case Motion::Parked:
      if (held_) return;
      [[fallthrough]];
    case Motion::TrafficStop:
      remaining_ -= 1;
      if (remaining_ <= 0) drive_on();
      return;
    case Motion::Driving: break;
  }
  if (chance(p.park_per_s)) {
    motion_ = Motion::Parked;
    speed_ = 0;
    remaining_ = uniform(5 * 60, 40 * 60);
    return;
  }
  if (speed_ > 5 && chance(p.traffic_stop_per_s)) {
    motion_ = Motion::TrafficStop;
    speed_ = 0;
    remaining_ = uniform(10, 120);
    return;
  }
  until_change_ -= 1;
  if (until_change_ <= 0) {
    target_ = uniform(p.cruise_min, p.cruise_max);
    until_change_ = uniform(10, 60);
  }
  const double before = speed_;
  if (speed_ < target_) speed_ = std::min(target_, speed_ + p.accel_kmh_s);
  else speed_ = std::max(target_, speed_ - p.brake_kmh_s);
  // Jitter of a real speedometer reading, never below a crawl while driving.
  speed_ = std::clamp(speed_ + uniform(-1.5, 1.5), 3.0, p.cruise_max + 5);
  const double metres = (before + speed_) / 2 / 3.6;
  at_ = std::fmod(at_ + metres, length_);
  odometer_ += metres;
}

}  // namespace trackersim
