// tracker-sim: simulated vehicles with GPS trackers (GT06, Teltonika, OsmAnd) reporting to the
// telematics service. Wiring only: options from flags and the environment, SIGTERM/SIGINT stop it.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "trackersim/simulator.hpp"

namespace {
trackersim::Simulator* g_sim = nullptr;
void on_signal(int) {
  if (g_sim) g_sim->stop();
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  trackersim::Parsed parsed;
  try {
    parsed = trackersim::parse_options(args, [](const char* name) { return std::getenv(name); });
  } catch (const std::exception& e) {
    std::cerr << "tracker-sim: " << e.what() << "\n";
    return 2;
  }
  if (parsed.help) {
    std::cout << trackersim::usage();
    return 0;
  }
  try {
    const auto& o = parsed.options;
    trackersim::Simulator sim(o);
    std::cout << "tracker-sim: " << sim.size() << " vehicles to " << o.host << " (GT06 " << o.gt06_port << ", Teltonika "
              << o.teltonika_port << ", OsmAnd " << o.osmand_port << "), a position every " << o.interval.count() << " ms";
    if (o.status_port) std::cout << ", status on port " << o.status_port;
    std::cout << std::endl;
    g_sim = &sim;
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    const int rc = sim.run();
    g_sim = nullptr;
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "tracker-sim: " << e.what() << "\n";
    return 1;
  }
}
