#pragma once
// Instants as the platform handles them (rto/time.hpp): UTC, microseconds at the database boundary.
#include <rto/time.hpp>

namespace user_service {

using rto::from_micros;
using rto::TimePoint;
using rto::to_micros;

}  // namespace user_service
