#pragma once
// What every service's integration-test fixture sets up the same way: the common settings of
// an in-process instance, and a look at the outbox behind the API.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "rto/config.hpp"

namespace rto::testing {

// The token secrets every suite signs and verifies with.
// Test-only ES256 keys of access tokens (JWT_PRIVATE_KEY / JWT_PUBLIC_KEYS format), and a second
// pair for key rotation tests. Never used outside tests.
inline constexpr const char* kJwtPrivateKey = "test-1:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgeLpT3pyHV3DKvRxJThAqyH+1LR9ySvoiXy+2oFu9rO2hRANCAATAuHFXFpS/WiKWc1vnhewBUAQg2yokn0nsa1lI586mZkxIyzVSZnORuz/VDJWEyOxezb0tEmaAgDuP0zZhulZX";
inline constexpr const char* kJwtPublicKeys = "test-1:MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwLhxVxaUv1oilnNb54XsAVAEINsqJJ9J7GtZSOfOpmZMSMs1UmZzkbs/1QyVhMjsXs29LRJmgIA7j9M2YbpWVw==";
inline constexpr const char* kJwtPrivateKey2 = "test-2:MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIJHclRh26zXIXMY5KMW2toMr+o+xwExDjKUPOQ3IsNKhRANCAAQQyU1r/1Slyv+qaYB9vDPSYjBFjm9rQfgpuf6qdDwkX7MhMJMh/ASDz4bv8D2zKuuQ4q1CFyb1LDuHPfJaQVYL";
inline constexpr const char* kJwtPublicKey2 = "test-2:MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEMlNa/9Upcr/qmmAfbwz0mIwRY5va0H4Kbn+qnQ8JF+zITCTIfwEg8+G7/A9syrrkOKtQhcm9Sw7hz3yWkFWCw==";
inline constexpr const char* kServiceTokenSecret = "integration-test-service-secret-0123456789";

// A service's common settings for a test instance: its name, loopback and any free port, the
// database (may be empty), the token secrets above, and the log level from TEST_LOG_LEVEL
// (default warn; e.g. TEST_LOG_LEVEL=info to read the service's logs).
config::Common service_common(std::string service, std::string database_url = {}, int db_pool_size = 4);

// The data objects of the outbox events of `type` about `subject`, oldest first.
std::vector<boost::json::object> outbox_events(const std::string& database_url, const std::string& type,
                                               const std::string& subject);

}  // namespace rto::testing
