#pragma once
// The top of every service's main(): the one place exceptions are caught at start-up, mapped to
// exit codes an orchestrator can tell apart.
//   0  the service ran and stopped cleanly
//   1  start-up or run failed (logged)
//   2  configuration refused (the message names the variable; also printed to stderr)
//   3  migrations refused (an edited or unknown migration)
#include <functional>
#include <string_view>

namespace rto {

// Runs `body` (build the config, the Service, install the routes, service.run()) and returns
// its exit code, or the code of the exception that escaped it.
int run_service(std::string_view name, const std::function<int()>& body);

}  // namespace rto
