#pragma once
// What every service's integration-test fixture sets up the same way: the common settings of
// an in-process instance, and a look at the outbox behind the API.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "rto/config.hpp"

namespace rto::testing {

// The token secrets every suite signs and verifies with.
inline constexpr const char* kJwtSecret = "integration-test-jwt-secret-0123456789abcdef";
inline constexpr const char* kServiceTokenSecret = "integration-test-service-secret-0123456789";

// A service's common settings for a test instance: its name, loopback and any free port, the
// database (may be empty), the token secrets above, and the log level from TEST_LOG_LEVEL
// (default warn; e.g. TEST_LOG_LEVEL=info to read the service's logs).
config::Common service_common(std::string service, std::string database_url = {}, int db_pool_size = 4);

// The data objects of the outbox events of `type` about `subject`, oldest first.
std::vector<boost::json::object> outbox_events(const std::string& database_url, const std::string& type,
                                               const std::string& subject);

}  // namespace rto::testing
