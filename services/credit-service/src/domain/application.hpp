#pragma once
// What a customer sends to apply (POST /applications) or to prequalify: parsing and validation
// that names every bad field, phone normalisation, national-id normalisation and masking.
#include <rto/national_id.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace credit_service {

inline constexpr std::string_view kEmploymentTypes[] = {"boda_rider", "ride_hailing", "delivery", "taxi",
                                                        "salaried",   "business",     "other"};
bool is_employment_type(std::string_view s) noexcept;

// The largest amount accepted anywhere (minor units). Products of two such figures with 10 000
// still fit in int64, so ratios in basis points need no wider arithmetic.
inline constexpr std::int64_t kMaxAmount = 10'000'000'000'000;  // 1e13

struct Reference {
  std::string name;
  std::string phone;  // E.164
  bool operator==(const Reference&) const = default;
};

struct Guarantor {
  std::string name;
  std::string phone;  // E.164
  std::string relationship;
  std::string national_id;  // normalised: upper case, letters and digits only
  bool operator==(const Guarantor&) const = default;
};

struct MobileMoney {
  std::int64_t months_of_history = 0;
  std::int64_t avg_monthly_inflow = 0;  // minor units of the income's currency
  std::int64_t avg_monthly_transactions = 0;
  bool operator==(const MobileMoney&) const = default;
};

enum class Mode {
  Application,  // vehicle_id, template_id, guarantor and two references are required
  Prequalify,   // either vehicle_id + template_id or instalment; guarantor and references optional
};

struct ApplicationInput {
  std::optional<std::string> vehicle_id;   // lower-case UUID
  std::optional<std::string> template_id;
  std::optional<rto::Money> instalment;    // a declared monthly instalment (used when no quote can be had)
  std::string employment_type;
  std::int64_t months_in_work = 0;
  rto::Money monthly_income;
  rto::Money monthly_obligations;
  MobileMoney mobile_money;
  std::int64_t dependants = 0;
  std::int64_t months_at_residence = 0;
  std::optional<Guarantor> guarantor;
  std::vector<Reference> references;

  // How many references the scorecard counts: those given, or in prequalification without any,
  // the two an application needs.
  std::int64_t references_count() const noexcept;
};

// Throws rto::Error (400) listing every bad field ("guarantor.phone", "references[1].name", …).
// Money must share the income's currency; phones are read in `default_region` when national.
ApplicationInput parse_application(const boost::json::object& body, std::string_view default_region, Mode mode);

// National ids as the platform reads them (rto/national_id.hpp).
using rto::mask_national_id;
using rto::normalize_national_id;

// The answers that are not contact details, as stored and shown:
// {employment_type, months_in_work, monthly_income, monthly_obligations, mobile_money, dependants,
//  months_at_residence}.
boost::json::object answers_json(const ApplicationInput& in);
// Guarantor and references as shown to anyone: names, relationship, masked numbers.
boost::json::object contacts_json(const ApplicationInput& in);

}  // namespace credit_service
