// mobile-money-sim: the MTN MoMo, Airtel Money and M-Pesa simulator as a process, for local
// development. Wiring only: configuration from the environment, one service, SIGTERM stops it.
#include <iostream>

#include <rto/config.hpp>
#include <rto/errors.hpp>
#include <rto/log.hpp>
#include <rto/service.hpp>

#include "mmsim/simulator.hpp"

int main() {
  try {
    rto::config::Env env;
    auto port = static_cast<std::uint16_t>(env.integer("SIM_PORT", 8095, 1, 65535));
    auto level = env.string("LOG_LEVEL", "info");
    auto host = env.string("HOST", "0.0.0.0");
    env.done();
    auto common = mmsim::service_config(port, level);
    common.host = host;
    // The simulator outlives the service that serves its routes.
    mmsim::Simulator sim(mmsim::SimConfig::from_environment());
    rto::Service service(common);
    sim.install(service);
    return service.run();
  } catch (const rto::ConfigError& e) {
    std::cerr << "mobile-money-sim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "mobile-money-sim: start-up failed: " << e.what() << "\n";
    return 1;
  }
}
