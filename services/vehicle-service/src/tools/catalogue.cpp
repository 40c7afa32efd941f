// The models and places of the demo catalogue and the generator: vehicles that East African
// rent-to-own operators actually finance, with plausible prices (2025–2026 street prices,
// rounded) and the towns where they are sold.
#include <algorithm>
#include <cmath>

#include "tools/tools.hpp"

namespace vehicle_service::tools {

const std::vector<ModelSpec>& models() {
  static const std::vector<ModelSpec> m = {
      // Boda-boda motorcycles
      {"motorcycle", "Bajaj", "Boxer BM100", "petrol", 100, 0, 4'600'000, 12'500'000, 2016,
       "The workhorse boda-boda: light, frugal and easy to repair anywhere."},
      {"motorcycle", "Bajaj", "Boxer BM150", "petrol", 145, 0, 5'400'000, 14'800'000, 2017,
       "Boxer with the stronger 150 cc engine for passengers and loads on rough roads."},
      {"motorcycle", "Bajaj", "Boxer X150", "petrol", 145, 0, 5'900'000, 16'000'000, 2019,
       "Boxer X150 with a sturdier frame and long seat, built for daily commercial use."},
      {"motorcycle", "TVS", "HLX 125", "petrol", 124, 0, 4'900'000, 12'800'000, 2017,
       "Reliable commuter with low fuel use and cheap spare parts."},
      {"motorcycle", "TVS", "Star HLX 150", "petrol", 147, 0, 5'300'000, 14'000'000, 2018,
       "Five-speed 150 cc boda-boda with a comfortable ride for long days."},
      {"motorcycle", "Honda", "Ace CB125", "petrol", 124, 0, 5'600'000, 15'500'000, 2015,
       "Honda reliability for riders who keep their bike for years."},
      {"motorcycle", "Haojue", "HJ125-7", "petrol", 125, 0, 4'300'000, 11'500'000, 2016,
       "Affordable 125 cc motorcycle with good parts availability."},
      // Electric motorcycles
      {"e-motorcycle", "Roam", "Air", "electric", 0, 3.1, 7'500'000, 20'000'000, 2022,
       "Kenyan-built electric motorcycle with a removable battery; charge at home or swap."},
      {"e-motorcycle", "Spiro", "Ekon 450", "electric", 0, 3.0, 6'900'000, 18'500'000, 2022,
       "Battery-swap electric motorcycle: swap a flat battery in two minutes at a Spiro station."},
      {"e-motorcycle", "Zembo", "Zembo e-Moto", "electric", 0, 2.0, 6'500'000, 17'500'000, 2021,
       "Ugandan electric boda with solar-charged battery swap stations."},
      // Tuk-tuks
      {"tuk-tuk", "Bajaj", "RE 4S", "petrol", 236, 0, 17'500'000, 52'000'000, 2016,
       "Bajaj RE three-wheeler with room for three passengers; the standard tuk-tuk."},
      {"tuk-tuk", "TVS", "King Deluxe", "petrol", 199, 0, 16'800'000, 48'000'000, 2017,
       "TVS King three-wheeler with a strong 200 cc engine and comfortable cabin."},
      // Electric bicycles
      {"e-bike", "Hero Lectro", "C5", "electric", 0, 0.36, 2'400'000, 6'500'000, 2021,
       "Pedal-assist e-bike for deliveries in town; charges from a wall socket."},
      {"e-bike", "Phoenix", "E-Cargo", "electric", 0, 0.48, 2'100'000, 5'800'000, 2021,
       "Cargo e-bike with a rear rack for parcels and market goods."},
      // Cars
      {"car", "Toyota", "Probox", "petrol", 1496, 0, 24'000'000, 85'000'000, 2012,
       "Toyota Probox: the small-business favourite, cheap to run and almost unbreakable."},
      {"car", "Toyota", "Premio", "petrol", 1794, 0, 38'000'000, 145'000'000, 2010,
       "Comfortable Toyota Premio saloon, popular for ride-hailing and taxi work."},
      {"car", "Toyota", "Sienta", "petrol", 1496, 0, 32'000'000, 120'000'000, 2012,
       "Seven-seat Toyota Sienta with sliding doors, good for family taxi work."},
      // Vans and pickups
      {"van-pickup", "Toyota", "Hiace", "diesel", 2982, 0, 85'000'000, 320'000'000, 2008,
       "Toyota Hiace van: the matatu and delivery workhorse."},
      {"van-pickup", "Suzuki", "Every", "petrol", 658, 0, 18'000'000, 65'000'000, 2012,
       "Small Suzuki Every van for deliveries in busy streets."},
      {"van-pickup", "Toyota", "Hilux", "diesel", 2393, 0, 120'000'000, 450'000'000, 2012,
       "Toyota Hilux pickup for farm produce and building materials."},
  };
  return m;
}

const std::vector<CitySpec>& cities() {
  static const std::vector<CitySpec> c = {
      {"Kampala", "UGX", "Kampala Central", 0.3476, 32.5825, "UBK", "UFA"},
      {"Jinja", "UGX", "Jinja Main Street", 0.4479, 33.2026, "UBJ", "UFB"},
      {"Mbarara", "UGX", "Mbarara High Street", -0.6072, 30.6545, "UBM", "UFC"},
      {"Gulu", "UGX", "Gulu Town", 2.7724, 32.2881, "UBG", "UFD"},
      {"Nairobi", "KES", "Nairobi Industrial Area", -1.2921, 36.8219, "KDA", "KMFA"},
      {"Mombasa", "KES", "Mombasa Nyali", -4.0435, 39.6682, "KDB", "KMFB"},
      {"Kisumu", "KES", "Kisumu Oginga Odinga St", -0.0917, 34.7680, "KDC", "KMFC"},
  };
  return c;
}

Vehicle make_listing(const ModelSpec& m, const CitySpec& c, std::mt19937_64& rng, std::string id, std::string dealer_id,
                     std::string vin, std::optional<std::string> registration, TimePoint created_at, int current_year) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Vehicle v;
  v.id = std::move(id);
  v.dealer_id = std::move(dealer_id);
  v.category = m.category;
  v.make = m.make;
  v.model = m.model;
  const int span = std::max(0, current_year - m.first_year);
  const int age = static_cast<int>(unit(rng) * std::min(span, 8) + 0.5);
  v.year = current_year - age;
  v.condition = age == 0 && unit(rng) < 0.6 ? "new" : "used";
  v.fuel = m.fuel;
  if (m.engine_cc > 0) v.engine_cc = m.engine_cc;
  if (m.battery_kwh > 0) v.battery_kwh = m.battery_kwh;
  // Typical yearly distance of commercial use: e-bikes in town, boda-bodas, tuk-tuks, vans.
  const std::string_view cat = m.category;
  const int yearly_km = cat == "e-bike" ? 4'000 : cat == "e-motorcycle" ? 15'000 : cat == "motorcycle" ? 20'000
                        : cat == "van-pickup" ? 30'000 : 22'000;
  v.mileage_km = v.condition == "new" ? static_cast<int>(unit(rng) * 50)
                                      : static_cast<int>((age + unit(rng)) * yearly_km * (0.6 + 0.6 * unit(rng)));
  static const char* kColours[] = {"red", "black", "blue", "white", "silver", "green", "grey"};
  v.colour = kColours[rng() % 7];
  v.vin = std::move(vin);
  v.registration = std::move(registration);
  // Depreciation of about 12 % a year, ±10 % for condition, rounded like a dealer would.
  const double factor = std::pow(0.88, age) * (0.9 + 0.2 * unit(rng));
  const bool kes = std::string_view(c.currency) == "KES";
  const std::int64_t base = kes ? m.price_kes_cents : m.price_ugx;
  const std::int64_t step = kes ? 100'000 : 50'000;  // KES 1,000 / UGX 50,000
  std::int64_t amount = static_cast<std::int64_t>(static_cast<double>(base) * factor) / step * step;
  v.price = rto::Money::of(std::max(amount, step), c.currency);
  v.location.city = c.name;
  v.location.branch = c.branch;
  v.location.latitude = std::round((c.lat + (unit(rng) - 0.5) * 0.12) * 1e6) / 1e6;
  v.location.longitude = std::round((c.lon + (unit(rng) - 0.5) * 0.12) * 1e6) / 1e6;
  std::string desc = std::string(m.make) + " " + m.model + ", " + std::to_string(v.year) + ". " + m.blurb;
  desc += v.condition == "new" ? " Brand new, with the dealer's warranty." : " Serviced and inspected at our " +
                                                                                std::string(c.name) + " branch.";
  v.description = std::move(desc);
  v.tracker_ready = unit(rng) < 0.8;
  v.status = Status::Available;
  v.created_at = v.updated_at = created_at;
  v.published_at = created_at;
  return v;
}

}  // namespace vehicle_service::tools
