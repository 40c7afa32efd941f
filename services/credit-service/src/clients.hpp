#pragma once
// Calls to the neighbouring services. The user and vehicle services' internal routes take a
// service token; the payment service's quote is a public API route, so the caller's own access
// token is passed on. Answers are parsed by domain/neighbours.
#include <optional>
#include <rto/service.hpp>
#include <string>
#include <string_view>

#include "config.hpp"
#include "domain/neighbours.hpp"

namespace credit_service {

struct QuoteOutcome {
  enum class Kind {
    Quoted,       // 200: the quote
    NotFound,     // 404: no such template (or vehicle) at the payment service
    Refused,      // 400/409/422: the payment service cannot quote this vehicle on this template
    Unavailable,  // unreachable, timed out, 5xx, or an answer that cannot be read
  };
  Kind kind = Kind::Unavailable;
  std::optional<Quote> quote;
  std::string detail;  // for Refused: the payment service's own words
};

class Clients {
 public:
  Clients(const CreditConfig& cfg, const rto::auth::Tokens& tokens);

  // nullopt when the user service does not know the id; throws rto::Error (503) when it cannot
  // be reached and (502) when its answer cannot be read.
  std::optional<Customer> customer(const std::string& id);
  std::optional<Vehicle> vehicle(const std::string& id);
  // Never throws for the payment service's own failures: the caller may fall back.
  QuoteOutcome quote(const std::string& vehicle_id, const std::string& template_id, std::string_view authorization);

 private:
  rto::ServiceClient users_;
  rto::ServiceClient vehicles_;
  rto::http::Client payments_;
};

}  // namespace credit_service
