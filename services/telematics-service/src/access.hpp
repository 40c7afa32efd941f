#pragma once
// Who may see a vehicle's data (position, track, lock, trips, usage): staff see every vehicle; a
// customer only the vehicle of their own active plan. Anything else is answered as if the vehicle
// did not exist (404).
#include <pqxx/pqxx>
#include <rto/http.hpp>
#include <string>

namespace telematics {

// Staff: admin, agent, credit_officer, support_agent (a user, not a service).
bool sees_fleet(const rto::http::Request& req);
// Throws rto::NotFound unless the caller may see `vehicle_id`.
void require_viewer(const rto::http::Request& req, pqxx::transaction_base& tx, const std::string& vehicle_id);

}  // namespace telematics
