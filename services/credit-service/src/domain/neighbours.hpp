#pragma once
// The answers of neighbouring services, parsed (pure): the user service's internal user, the
// vehicle service's internal vehicle, and the payment service's plan quote, plus the monthly
// equivalent of a quoted instalment. A malformed answer throws rto::Error (502).
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <rto/money.hpp>
#include <string>

#include "domain/time.hpp"

namespace credit_service {

// GET /internal/users/{id}
struct Customer {
  std::string id;
  std::string phone;
  std::string status;      // active | disabled
  std::string kyc_status;  // none | pending | verified | rejected
  std::optional<Date> date_of_birth;
};
Customer parse_customer(const boost::json::value& v);

// GET /internal/vehicles/{id}
struct Vehicle {
  std::string id;
  std::string status;  // available | reserved | leased | owned | …
  rto::Money price;
  std::string category, make, model;
  std::int64_t year = 0;
};
Vehicle parse_vehicle(const boost::json::value& v);
boost::json::object vehicle_json(const Vehicle& v);  // the snapshot stored with an application

enum class Frequency { Daily, Weekly, Monthly };
std::string_view to_string(Frequency f) noexcept;

// POST /api/v1/plans/quote
struct Quote {
  std::string template_id;
  Frequency frequency = Frequency::Monthly;
  rto::Money instalment;
  std::int64_t instalment_count = 0;
  boost::json::object raw;  // the whole answer, kept with the application
};
Quote parse_quote(const boost::json::value& v);

// Monthly equivalent of an instalment, integer arithmetic rounding down:
// daily x 30, weekly x 52 / 12, monthly x 1.
rto::Money monthly_equivalent(const rto::Money& instalment, Frequency f);

}  // namespace credit_service
