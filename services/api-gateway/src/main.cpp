// api-gateway: the single entry point of the platform. Wiring only; the pipeline is in proxy/.
#include <iostream>

#include "config.hpp"
#include "proxy/gateway.hpp"
#include "rto/log.hpp"
#include "rto/service.hpp"

int main() {
  try {
    rto::config::Env env;
    auto cfg = gateway::Config::read(env);
    env.done();

    rto::Service service(cfg.common);  // also starts the JSON logs at LOG_LEVEL
    auto gw = gateway::install(service, cfg);
    gateway::install_realtime(service, gw, cfg);
    rto::log::info("gateway routes loaded", {{"file", cfg.routes_file},
                                             {"routes", static_cast<std::int64_t>(cfg.routes.entries().size())},
                                             {"upstreams", static_cast<std::int64_t>(cfg.upstream_urls.size())}});
    return service.run();
  } catch (const rto::ConfigError& e) {
    rto::log::init("api-gateway", "info");
    rto::log::error("start-up failed", {{"error", e.what()}});
    std::cerr << "api-gateway: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    rto::log::init("api-gateway", "info");
    rto::log::error("start-up failed", {{"error", e.what()}});
    std::cerr << "api-gateway: " << e.what() << '\n';
    return 1;
  }
}
